"""Forms for the youth justice order pages. They shape the pages; the rules are in services.py."""

from django import forms
from django.utils import timezone

from casework.text import day_text
from config.govuk_forms import GovukDateField

from ..forms_common import YES_NO, as_bool, textarea
from ..models import CourtAppearance, YouthJusticeOrder

Kind = YouthJusticeOrder.Kind

# One plain line under each kind, saying what else the page will ask for it.
KIND_HINTS = {
    Kind.COMMUNITY_RESOLUTION: "Out of court. Opens youth justice diversion work",
    Kind.YOUTH_CAUTION: "Out of court. Opens youth justice diversion work",
    Kind.YOUTH_CONDITIONAL_CAUTION: "Out of court, with conditions. Opens youth justice diversion work",
    Kind.REFERRAL_ORDER: "A court order",
    Kind.YOUTH_REHABILITATION_ORDER: "A court order. Write its requirements below",
    Kind.CRIMINAL_BEHAVIOUR_ORDER: "The police must have asked CYJS for a consultation first",
    Kind.SEXUAL_RISK_ORDER: "The police must have asked CYJS for a consultation first",
    Kind.SEXUAL_HARM_PREVENTION_ORDER: "The police must have asked CYJS for a consultation first",
    Kind.DETENTION_AND_TRAINING_ORDER: "Custody. You will need the expected release date",
    Kind.SECTION_250: "Custody. You will need the expected release date",
}


class AppearanceChoice(forms.ModelChoiceField):
    def label_from_instance(self, hearing):
        when = timezone.localtime(hearing.hearing_at)
        outcome = f": {hearing.get_outcome_display().lower()}" if hearing.outcome else ""
        return f"{day_text(when)}, {hearing.court}{outcome}"


def date_field(label, *, required=False, message="", help_text=""):
    return GovukDateField(
        label=label, required=required, help_text=help_text, error_messages={"required": message} if message else {}
    )


class OrderForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was the outcome or order?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of order or outcome"},
    )
    made_on = date_field(
        "Date it was made",
        required=True,
        message="Enter the date the order was made",
        help_text="For example, 27 3 2026",
    )
    ends_on = date_field("Date it ends (optional)")
    appearance = AppearanceChoice(
        label="Court hearing (optional)",
        queryset=CourtAppearance.objects.none(),
        required=False,
        empty_label="Not made at a hearing recorded here",
    )
    requirements = textarea(
        "Requirements or conditions (optional)",
        help_text="For example, the requirements of a youth rehabilitation order",
    )
    # 000 ¶16.1
    police_consulted_cyjs_on = date_field("Date the police asked CYJS for a consultation")
    mash_consulted_on = date_field(
        "Date CYJS asked MASH for a consultation",
        help_text="Needed when the child is not known to children's social care",
    )
    # 000 ¶20
    expected_release_on = date_field(
        "Expected release date", help_text="Resettlement planning must be complete 21 days before it"
    )
    establishment_name = forms.CharField(
        label="Where the child is held (optional)",
        max_length=200,
        required=False,
        help_text="For example, the name of the young offender institution",
    )
    csc_significantly_involved = forms.ChoiceField(
        label="Was children's social care significantly involved before the sentence?",
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text="If so, where the authority's agreement says so, children's social care stays open after the sentence",
    )
    section_23za_visits = textarea(
        "Visiting arrangements if the child stops being looked after (optional)",
        rows=3,
        help_text="Who from children's social care will visit (section 23ZA)",
    )

    def __init__(self, *args, appearances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appearance"].queryset = appearances
        if not appearances.exists():
            del self.fields["appearance"]

    def kind_choices(self):
        """(radio, hint) pairs for the kind radios."""
        return [(radio, KIND_HINTS.get(radio.data["value"], "")) for radio in self["kind"]]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "made_on": data["made_on"],
            "ends_on": data.get("ends_on"),
            "appearance": data.get("appearance"),
            "requirements": data.get("requirements", ""),
            "police_consulted_cyjs_on": data.get("police_consulted_cyjs_on"),
            "mash_consulted_on": data.get("mash_consulted_on"),
            "expected_release_on": data.get("expected_release_on"),
            "establishment_name": data.get("establishment_name", ""),
            "csc_significantly_involved": bool(as_bool(data.get("csc_significantly_involved"))),
            "section_23za_visits": data.get("section_23za_visits", ""),
        }


class OrderEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = date_field("Date it ends (optional)")
    requirements = textarea("Requirements or conditions (optional)")
    police_consulted_cyjs_on = date_field("Date the police asked CYJS for a consultation")
    mash_consulted_on = date_field(
        "Date CYJS asked MASH for a consultation",
        help_text="Needed when the child is not known to children's social care",
    )
    expected_release_on = date_field("Expected release date", help_text="Changing it moves the resettlement deadline")
    establishment_name = forms.CharField(label="Where the child is held (optional)", max_length=200, required=False)
    section_23za_visits = textarea(
        "Visiting arrangements (section 23ZA)",
        rows=3,
        help_text="Who from children's social care will visit while the child is in custody",
    )
    post_release_accommodation = forms.CharField(
        label="Where the child will live after release", max_length=200, required=False
    )

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        drop = set()
        if order.kind not in YouthJusticeOrder.CONSULTED_BEFORE_APPLYING:
            drop |= {"police_consulted_cyjs_on", "mash_consulted_on"}
        if not order.is_custodial:
            drop |= {"expected_release_on", "establishment_name", "section_23za_visits", "post_release_accommodation"}
        else:
            if not order.section_20_ended:
                drop.add("section_23za_visits")
            if not order.resettlement_plan_completed_on:
                drop.add("post_release_accommodation")
        for name in drop:
            del self.fields[name]

    def service_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ResettlementPlanForm(forms.Form):
    completed_on = date_field(
        "Date resettlement planning was completed",
        required=True,
        message="Enter the date resettlement planning was completed",
    )
    post_release_accommodation = forms.CharField(
        label="Where the child will live after release",
        max_length=200,
        help_text="The plan must include suitable accommodation, for example the address or the placement",
        error_messages={
            "required": "Enter where the child will live after release. The plan must include suitable accommodation"
        },
    )


class ReleaseInformationForm(forms.Form):
    """003 L189–199: the items not yet recorded, as checkboxes."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    items = forms.MultipleChoiceField(
        label="What has the child been told?",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text="Select all that apply. You can record the rest later",
        error_messages={"required": "Choose what the child has been told"},
    )
    told_on = date_field(
        "Date the child was told",
        required=True,
        message="Enter the date the child was told",
        help_text="For example, 27 3 2026",
    )
    told_by = forms.CharField(
        label="Who told the child",
        max_length=200,
        help_text="For example, the youth justice worker, social worker or family intervention worker",
        error_messages={"required": "Enter who told the child, for example the youth justice worker"},
    )

    def __init__(self, *args, outstanding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = outstanding

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "items": data["items"],
            "told_on": data["told_on"],
            "told_by": data["told_by"],
        }


class VirtualSchoolForm(forms.Form):
    on = date_field(
        "Date you told the virtual school", required=True, message="Enter the date you told the virtual school"
    )


class EndOrderForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = date_field("Date the order ended", required=True, message="Enter the date the order ended")

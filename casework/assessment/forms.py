"""Forms for the assessment and child in need plan pages. They shape the pages; rules are in services."""

from functools import partial

from django import forms

from config.govuk_forms import GovukDateField

from ..code_fields import code_checkboxes
from ..forms_common import YES_NO, ActionRowForm, WorkerChoiceField, moment, parse_clock, textarea, time_field
from ..models import Assessment, Capacity

_text = partial(textarea, rows=5)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _time_field(label, *, required=True):
    return time_field(label, required=required, message=f"Enter the {label.lower()}", inputmode="numeric")


def _parse_time(value):
    clock = parse_clock(value)
    if clock is None:
        raise forms.ValidationError("Enter a time like 14:30")
    return clock


class AssessmentStartForm(forms.Form):
    referral_received_at = GovukDateField(
        label="Date of referral",
        help_text="The 45 working days count from this date. For example, 27 3 2026",
        error_messages={"required": "Enter the date of the referral"},
    )
    social_worker = WorkerChoiceField(
        label="Social worker", queryset=None, required=False, empty_label="Not allocated yet"
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = workers


class AssessmentForm(VersionedForm):
    child_seen_on = GovukDateField(label="Date the child was seen", required=False, help_text="For example, 27 3 2026")
    child_seen_alone = forms.ChoiceField(
        label="Was the child seen alone?",
        choices=YES_NO + [("", "Not recorded yet")],
        required=False,
        widget=forms.RadioSelect(attrs={"inline": True}),
    )
    wishes_and_feelings = _text("The child's wishes and feelings", help_text="In the child's own words where you can")
    developmental_needs = _text(
        "The child's developmental needs", help_text="Health, education, emotional development, identity"
    )
    parenting_capacity = _text("Parenting capacity", help_text="Basic care, safety, warmth, guidance and stability")
    family_and_environment = _text("Family and environment", help_text="Wider family, housing, income, community")
    strengths = _text("Strengths and protective factors")
    differences_of_view = _text(
        "Where people's views differ", help_text="The child's, family's and professionals' views"
    )
    analysis = _text("Analysis", help_text="What the information means for the child: needs and any risk", rows=8)
    social_worker = WorkerChoiceField(
        label="Social worker", queryset=None, required=False, empty_label="Not allocated yet"
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = workers

    @classmethod
    def initial_for(cls, assessment):
        initial = {
            name: getattr(assessment, name) for name in cls.base_fields if name not in ("version", "child_seen_alone")
        }
        initial["version"] = assessment.version
        initial["child_seen_alone"] = {True: "yes", False: "no"}.get(assessment.child_seen_alone, "")
        initial["social_worker"] = assessment.social_worker_id
        return initial

    def service_data(self):
        data = {name: value for name, value in self.cleaned_data.items() if name != "version"}
        data["child_seen_alone"] = {"yes": True, "no": False}.get(data["child_seen_alone"])
        return data


class AssessmentCompleteForm(VersionedForm):
    outcome = forms.ChoiceField(
        label="What should happen next?",
        choices=Assessment.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens next"},
    )
    outcome_rationale = _text(
        "Why is this the right next step?", required=True, message="Explain why this is the right next step"
    )
    lateness_reason = _text("Why is the assessment late?", help_text="Needed because it is past its due date", rows=3)
    factors = code_checkboxes(
        "assessment_factor",
        label="What did the assessment find? (optional)",
        help_text="Select all that apply. Statutory returns ask for these.",
        nothing="21",
    )

    def __init__(self, *args, late=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["lateness_reason"]


class SignOffForm(forms.Form):
    approve = forms.ChoiceField(
        label="Do you approve this assessment?",
        choices=[("yes", "Yes, sign it off"), ("no", "No, return it to the social worker")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to sign it off or return it"},
    )
    comments = _text("Your comments", help_text="Needed if you return it: say what must change", rows=4)


class CinPlanForm(VersionedForm):
    outcomes = _text("What must change for the child", help_text="Clear outcomes you can measure")
    services = _text("Who provides what", help_text="Each agency and the service it gives the child and family")
    parents_expected_to = _text("What is expected of the parents")
    review_every_weeks = forms.IntegerField(
        label="Review the plan every (weeks)",
        min_value=1,
        max_value=26,
        initial=12,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={"required": "Enter how often the plan is reviewed"},
    )
    lead_social_worker = WorkerChoiceField(
        label="Lead social worker", queryset=None, required=False, empty_label="Not allocated yet"
    )

    def __init__(self, *args, workers, new=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_social_worker"].queryset = workers
        if new:
            del self.fields["version"]

    @classmethod
    def initial_for(cls, plan):
        initial = {
            name: getattr(plan, name) for name in ("outcomes", "services", "parents_expected_to", "review_every_weeks")
        }
        initial.update(version=plan.version, lead_social_worker=plan.lead_social_worker_id)
        return initial

    def service_data(self):
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CinPlanEndForm(VersionedForm):
    ended_on = GovukDateField(
        label="Date the plan ended",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the plan ended"},
    )
    end_reason = _text("Why is the plan ending?", required=True, message="Say why the plan is ending", rows=4)


class CinMeetingForm(forms.Form):
    scheduled_on = GovukDateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the meeting"},
    )
    scheduled_time = _time_field("Time of the meeting")

    def clean(self):
        data = super().clean()
        if data.get("scheduled_on") and data.get("scheduled_time"):
            try:
                clock = _parse_time(data["scheduled_time"])
            except forms.ValidationError as error:
                self.add_error("scheduled_time", error)
            else:
                data["scheduled_for"] = moment(data["scheduled_on"], clock)
        return data


class InviteeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    capacity = forms.ChoiceField(label="Taking part as", choices=[("", "Choose")] + Capacity.choices, required=False)
    role = forms.CharField(label="Job title or relationship", max_length=200, required=False)
    user_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("organisation") or data.get("capacity") or data.get("role")) and not data.get("name"):
            self.add_error("name", "Enter the person's name")
        if data.get("name") and not data.get("capacity"):
            self.add_error("capacity", "Choose in what capacity they take part")
        return data


InviteeFormSet = forms.formset_factory(InviteeForm, extra=0)


class CinMeetingRecordForm(forms.Form):
    held_on = GovukDateField(
        label="Date the meeting was held",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the meeting was held"},
    )
    attended = forms.MultipleChoiceField(
        label="Who came?",
        help_text="Select everyone who took part",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    progress = _text(
        "Progress against the plan", required=True, message="Say what progress has been made against the plan"
    )
    decisions = _text("Decisions", help_text="What was decided, or that nothing more is needed")
    next_meeting_on = GovukDateField(
        label="Next meeting (optional)", required=False, help_text="For example, 27 3 2026"
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (str(p.pk), f"{p.name} ({p.get_capacity_display()}{f', {p.organisation}' if p.organisation else ''})")
            for p in participants
        ]


class ActionForm(ActionRowForm):
    def clean(self):
        data = super().clean()
        if (data.get("description") or data.get("due_on")) and not data.get("owner_name"):
            self.add_error("owner_name", "Say who will do it")
        if (data.get("owner_name") or data.get("due_on")) and not data.get("description"):
            self.add_error("description", "Say what will be done")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3)

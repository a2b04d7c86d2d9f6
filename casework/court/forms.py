"""Forms for court and remand pages. They shape the pages; the rules are in services.py."""

from datetime import time

from django import forms

from config.govuk_forms import GovukDateField

from ..conference.forms import clean_time, moment, yes_no
from ..forms_common import as_bool, textarea, time_field
from ..models import CourtAppearance, Remand

Outcome = CourtAppearance.Outcome
Kind = Remand.Kind

PLACEMENT_HELP = (
    "A connected person is a relative, friend or other person connected with the child: this is a "
    "regulation 24 placement and its assessment and approval steps apply"
)
DECIDES_LABEL = "Does the authority decide where the child lives?"
DECIDES_HELP = "For bail to reside: the court directs the child to live where the local authority decides"
ESTABLISHMENT_NAME_LABEL = "Name of the establishment (optional)"


def establishment_field(required=False):
    return forms.ChoiceField(
        label="Type of establishment",
        choices=Remand.Establishment.choices,
        widget=forms.RadioSelect,
        required=required,
        help_text="For a remand to youth detention accommodation",
        error_messages={"required": "Choose the type of establishment"},
    )


class CourtAppearanceForm(forms.Form):
    court = forms.CharField(
        label="Court",
        max_length=200,
        help_text="For example, Preston Youth Court",
        error_messages={"required": "Enter the court"},
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
    )
    hearing_date = GovukDateField(
        label="Date of the hearing",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the hearing"},
    )
    hearing_time = time_field("Time of the hearing", message="Enter the time of the hearing")
    purpose = forms.CharField(
        label="What the hearing is for (optional)",
        max_length=200,
        required=False,
        help_text="For example, first appearance, trial or sentence",
    )
    risk_of_remand = yes_no(
        "Is the child at risk of being refused bail?",
        message="Say whether the child is at risk of being refused bail",
        help_text="If so, children's social care is told now, and the child is assessed for bail supervision and support",
    )

    def clean_hearing_time(self):
        return clean_time(self.cleaned_data["hearing_time"])

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "court": data["court"],
            "hearing_at": moment(data.get("hearing_date"), data.get("hearing_time")),
            "purpose": data.get("purpose", ""),
            "risk_of_remand": as_bool(data.get("risk_of_remand")) is True,
        }


class CourtOutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="What did the court decide?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the court decided"},
    )
    csc_worker_attended = yes_no(
        "Did the child's social worker attend court?",
        required=False,
        message="",
        help_text="The child is looked after, so their social worker should attend with them",
    )
    bail_supervision_assessed = yes_no(
        "Was the child assessed for bail supervision and support?", required=False, message=""
    )
    authority_decides_placement = yes_no(DECIDES_LABEL, required=False, message="", help_text=DECIDES_HELP)
    establishment = establishment_field()
    establishment_name = forms.CharField(label=ESTABLISHMENT_NAME_LABEL, max_length=200, required=False)
    next_hearing_date = GovukDateField(label="Date of the next hearing (optional)", required=False)
    next_hearing_time = time_field("Time of the next hearing (optional)", required=False)

    def __init__(self, *args, appearance, **kwargs):
        super().__init__(*args, **kwargs)
        self.appearance = appearance
        if not appearance.child_looked_after:
            del self.fields["csc_worker_attended"]
        elif not appearance.csc_attendance_expected:
            # Somerset (003 L116): expected only under a care order; otherwise if no parent can attend.
            self.fields["csc_worker_attended"].label = "Did the child's social worker attend court? (optional)"
            self.fields[
                "csc_worker_attended"
            ].help_text = "The child is looked after. Their social worker attends if no parent can"
        if not appearance.risk_of_remand:
            del self.fields["bail_supervision_assessed"]

    def clean_next_hearing_time(self):
        return clean_time(self.cleaned_data["next_hearing_time"])

    def service_kwargs(self):
        data = self.cleaned_data
        decides = as_bool(data.get("authority_decides_placement"))
        return {
            "expected_version": data["version"],
            "outcome": data["outcome"],
            "csc_worker_attended": as_bool(data.get("csc_worker_attended")),
            "bail_supervision_assessed": as_bool(data.get("bail_supervision_assessed")),
            "next_hearing_at": moment(data.get("next_hearing_date"), data.get("next_hearing_time") or time(10)),
            "authority_decides_placement": True if decides is None else decides,
            "establishment": data.get("establishment") or "",
            "establishment_name": data.get("establishment_name", ""),
        }


class RemandForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of remand",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of remand"},
    )
    started_on = GovukDateField(
        label="Date it started", error_messages={"required": "Enter the date the remand started"}
    )
    authority_decides_placement = yes_no(DECIDES_LABEL, required=False, message="", help_text=DECIDES_HELP)
    placement = forms.ChoiceField(
        label="Where the child lives (optional)",
        required=False,
        choices=[("", "Not decided yet")] + list(Remand.Placement.choices),
        help_text=PLACEMENT_HELP,
    )
    establishment = establishment_field()
    establishment_name = forms.CharField(label=ESTABLISHMENT_NAME_LABEL, max_length=200, required=False)

    def service_kwargs(self):
        data = self.cleaned_data
        decides = as_bool(data.get("authority_decides_placement"))
        return {
            "kind": data["kind"],
            "started_on": data["started_on"],
            "authority_decides_placement": True if decides is None else decides,
            "placement": data.get("placement") or "",
            "establishment": data.get("establishment") or "",
            "establishment_name": data.get("establishment_name", ""),
        }


class PlacementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    placement = forms.ChoiceField(
        label="Where does the child live?",
        choices=Remand.Placement.choices,
        widget=forms.RadioSelect,
        help_text=PLACEMENT_HELP,
        error_messages={"required": "Choose where the child lives"},
    )
    task_split = textarea(
        "Who does what",
        rows=5,
        help_text="The tasks CSC and CYJS agreed, so no work is done twice. For example, who takes the child to court",
    )


class EndRemandForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = GovukDateField(
        label="Date the remand ended", error_messages={"required": "Enter the date the remand ended"}
    )


class JointDiscussionForm(forms.Form):
    held_date = GovukDateField(
        label="Date of the discussion", error_messages={"required": "Enter the date of the discussion"}
    )
    held_time = time_field("Time", message="Enter the time of the discussion")

    def clean_held_time(self):
        return clean_time(self.cleaned_data["held_time"])

    def at(self):
        return moment(self.cleaned_data.get("held_date"), self.cleaned_data.get("held_time"))


class PlacementPlanningMeetingForm(forms.Form):
    held_on = GovukDateField(
        label="Date of the meeting", error_messages={"required": "Enter the date the meeting was held"}
    )
    task_split = textarea(
        "Roles agreed",
        rows=5,
        required=True,
        message="Record who does what: the roles of CSC and CYJS agreed at the meeting",
        help_text="What CSC and CYJS each do, and the care plan",
    )


class ClaNotificationsForm(forms.Form):
    on = GovukDateField(
        label="Date they were all told",
        help_text="The health CLA team, the pupil access team and the IRO service",
        error_messages={"required": "Enter the date the notifications were sent"},
    )


class ConfirmForm(forms.Form):
    """A page whose only answer is its button."""


def placement_initial(remand):
    return {"version": remand.version, "placement": remand.placement, "task_split": remand.task_split}

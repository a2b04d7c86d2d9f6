"""Forms for the HSB hub pages. They shape the pages; the rules are in services.py."""

from django import forms

from config.govuk_forms import GovukDateField

from ..forms_common import YES_NO, WorkerChoiceField, textarea
from ..models import HsbConsultation
from . import services

Hackett = HsbConsultation.Hackett

# Short plain help for each point on Hackett's continuum (seed 000 L9337–9347, L9624–9707), in our words.
HACKETT_HINTS = {
    Hackett.NORMAL: "Expected for the child's age and development, between children of a similar age, and mutual",
    Hackett.INAPPROPRIATE: "Not right for the child's age or the setting, but a one-off or occasional, with no force or harm meant",
    Hackett.PROBLEMATIC: "Unusual for the child's development, repeated, or upsetting to others, but without control or violence",
    Hackett.ABUSIVE: "Involves pressure, tricking, secrecy or a power imbalance: the other person could not agree to it",
    Hackett.VIOLENT: "Uses physical force or threats, or is highly intrusive",
}


def date_field(label, *, required=True, message="", help_text=""):
    return GovukDateField(
        label=label, required=required, help_text=help_text, error_messages={"required": message} if message else {}
    )


def yes_no(label, *, message, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text=help_text,
        error_messages={"required": message},
    )


class RequestForm(forms.Form):
    requested_on = date_field(
        "Date of the request", message="Enter the date of the request", help_text="For example, 27 3 2026"
    )
    behaviour_last_on = date_field(
        "When did the most recent behaviour happen?",
        message="Enter when the most recent behaviour happened",
        help_text="The hub takes behaviour from the last 12 months",
    )
    lives_in_authority = yes_no(
        "Does the child live in the authority?", message="Say whether the child lives in the authority"
    )
    police_investigation_ongoing = yes_no(
        "Are the police investigating?",
        message="Say whether the police are investigating",
        help_text="While they are, the hub can give a consultation but not an AIM assessment",
    )
    concerns = textarea(
        "What behaviour worries you?",
        required=True,
        message="Describe the behaviour that worries you",
        rows=6,
        help_text="What happened, who was involved, and what the child's plan already does about it",
    )

    def __init__(self, *args, authority=None, **kwargs):
        super().__init__(*args, **kwargs)
        if authority is not None:
            self.fields["lives_in_authority"].label = f"Does the child live in {authority.name}?"

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "requested_on": data["requested_on"],
            "behaviour_last_on": data["behaviour_last_on"],
            "lives_in_authority": data["lives_in_authority"] == "yes",
            "police_investigation_ongoing": data["police_investigation_ongoing"] == "yes",
            "concerns": data["concerns"],
        }


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data


class ConsultationForm(StepForm):
    held_on = date_field("Date of the consultation", message="Enter the date of the consultation")
    hackett = forms.ChoiceField(
        label="Where does the behaviour sit on Hackett's continuum?",
        choices=Hackett.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the behaviour sits on Hackett's continuum"},
    )
    outcome = textarea(
        "What was agreed?",
        required=True,
        message="Write what was agreed and the next steps",
        rows=5,
        help_text="The shared understanding and the next steps, for example resources to share, pattern mapping or an AIM assessment",
    )

    def hackett_choices(self):
        return [(radio, HACKETT_HINTS.get(radio.data["value"], "")) for radio in self["hackett"]]


class PatternMappingForm(StepForm):
    held_on = date_field("Date of the pattern mapping meeting", message="Enter the date of the pattern mapping meeting")


class AimStartForm(StepForm):
    aim_practitioner = WorkerChoiceField(
        label="AIM-trained CYJS practitioner",
        queryset=None,
        error_messages={"required": "Choose the AIM-trained CYJS practitioner"},
    )
    first_meeting_with_child_on = date_field(
        "Date of the first meeting with the child",
        message="Enter the date of the first meeting with the child",
        help_text="The 45 working days count from this meeting",
    )

    def __init__(self, *args, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aim_practitioner"].queryset = practitioners


class AimCompletedForm(StepForm):
    completed_on = date_field(
        "Date the AIM assessment was completed", message="Enter the date of the completed assessment"
    )
    lateness_reason = textarea("Why was it late? (only if it was)", rows=3)


class QualityAssuranceForm(StepForm):
    confirmed = forms.BooleanField(
        label="I have reviewed the finalised AIM assessment with the other service's manager, and it is valid and reliable",
        error_messages={"required": "Confirm that you have reviewed the AIM assessment"},
    )

    def service_kwargs(self):
        return {"expected_version": self.cleaned_data["version"]}


class PlanningForm(StepForm):
    held_on = date_field(
        "Date of the outcome and planning meeting", message="Enter the date of the outcome and planning meeting"
    )
    areas_of_work = textarea(
        "Areas of work agreed",
        required=True,
        rows=5,
        message="Write the areas of work agreed with the child, their family and the network",
        help_text="With the child, their family or carers and the wider network",
    )
    review_on = date_field(
        "When will the AIM assessment be reviewed?",
        message="Enter when the AIM assessment will be reviewed",
        help_text="Review it sooner if things change a lot for the child",
    )


class CloseForm(StepForm):
    closed_on = date_field("Date the hub's work ended", message="Enter the date of the closure")


class PoliceForm(StepForm):
    ongoing = yes_no("Are the police investigating now?", message="Say whether a police investigation is ongoing")

    def service_kwargs(self):
        return {"expected_version": self.cleaned_data["version"], "ongoing": self.cleaned_data["ongoing"] == "yes"}


STEP_FORMS = {
    services.CONSULTATION: ConsultationForm,
    services.PATTERN_MAPPING: PatternMappingForm,
    services.AIM_START: AimStartForm,
    services.AIM_DONE: AimCompletedForm,
    services.QA: QualityAssuranceForm,
    services.PLANNING: PlanningForm,
    services.CLOSE: CloseForm,
}

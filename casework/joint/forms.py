"""Forms for the lead agency and joint disagreement pages. They shape the pages; the rules are in services.py."""

from django import forms

from casework.text import day_text
from config.govuk_forms import GovukDateField

from ..forms_common import textarea
from ..models import LeadAgencyDecision


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, agency):
        return agency.name


class DecisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, decision):
        return f"{decision.lead_agency.name} leads, decided {day_text(decision.decided_on)}"


class LeadAgencyForm(forms.Form):
    lead_agency = AgencyChoice(
        label="Which agency leads?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose which agency leads"},
    )
    decided_on = GovukDateField(
        label="Date it was agreed",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the lead agency was agreed"},
    )
    reasons = textarea(
        "Reasons",
        required=True,
        rows=6,
        message="Give the reasons for the decision, from the child's and family's needs",
        help_text="What the child and family need, what each agency will bring, and who you discussed it with",
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = agencies


class PlanningMeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = GovukDateField(
        label="Date of the planning meeting",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the planning meeting was held"},
    )
    task_split = textarea(
        "Who will do what",
        required=True,
        rows=6,
        message="Say who will do what: the work each agency will do with the child and family",
        help_text="The work each agency will do, how you will keep each other up to date, and how the roles were explained to the child and family",
    )
    review_on = GovukDateField(label="Review date (optional)", required=False)


class DisagreementForm(forms.Form):
    decision = DecisionChoice(
        label="Is it about a lead agency decision? (optional)",
        queryset=LeadAgencyDecision.objects.none(),
        required=False,
        empty_label="No, something else about joint working or thresholds",
    )
    about = textarea(
        "What do you disagree about?",
        required=True,
        rows=6,
        message="Say what you disagree about and what you would like to happen",
        help_text="Keep it about the child and family, and say what you would like to happen",
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        if not decisions.exists():
            del self.fields["decision"]


class ResponseForm(forms.Form):
    response = textarea("Your response", required=True, rows=5, message="Enter your response")


class ResolutionForm(forms.Form):
    resolution = textarea("What was agreed", required=True, rows=5, message="Record what was agreed")

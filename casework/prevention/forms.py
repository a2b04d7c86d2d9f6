"""Forms for the prevention and diversion pages. They shape the pages; the rules are in services.py."""

from django import forms

from accounts.models import User
from config.govuk_forms import GovukDateField

from ..forms_common import YES_NO, WorkerChoiceField, as_bool, textarea
from ..models import PreventionReferral

Outcome = PreventionReferral.Outcome

CONSENT_ANSWERS = [("yes", "Yes, both agreed"), ("no", "No"), ("unknown", "Not asked yet")]

# One plain line under each outcome: who holds the case (P19 table, ¶13.3–13.4, ¶14.2–14.3).
OUTCOME_HINTS = {
    Outcome.CYJS_PREVENTION: "CYJS leads and holds the assessment and plan. Not for a child open to children's social care. Needs consent",
    Outcome.CONSULTATION_BOLT_ON: "For a child open to children's social care, which stays the lead. Their worker is told",
    Outcome.DIVERTED_TO_CSC: "Diversion and panel referrals only. Children's social care holds the assessment and plan",
    Outcome.REQUEST_FOR_SUPPORT: "Sends a request for support to the front door. Needs consent",
    Outcome.NO_FURTHER_ACTION: "The referrer is told and signposted to other help",
}


def radios(label, choices, *, message="", required=True, help_text="", inline=False):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"inline": True} if inline else {}),
        error_messages={"required": message} if message else {},
    )


def date_field(label, *, required=True, message="", help_text=""):
    return GovukDateField(
        label=label, required=required, help_text=help_text, error_messages={"required": message} if message else {}
    )


def consent_answer(value):
    return {True: "yes", False: "no"}.get(value, "unknown")


class ReferralForm(forms.Form):
    route = radios(
        "What kind of referral is it?",
        PreventionReferral.Route.choices,
        message="Choose the kind of referral",
        help_text="Diversion and Child Resolution Panel referrals come from the police after an offence",
    )
    source = radios("Who made the referral?", PreventionReferral.Source.choices, message="Choose who made the referral")
    referrer_name = forms.CharField(
        label="Name of the person who referred",
        max_length=200,
        error_messages={"required": "Enter the name of the person who made the referral"},
    )
    received_on = date_field(
        "Date the referral arrived",
        message="Enter the date the referral was received",
        help_text="For example, 27 3 2026",
    )
    reasons = textarea("Why the child was referred", required=True, rows=5, message="Write why the child was referred")
    consent_given = radios(
        "Did the child and their parent or carer agree to the referral?",
        CONSENT_ANSWERS,
        message="Say whether the child and their parent or carer agreed",
        help_text="The service is voluntary. You can record consent later, when you screen the referral",
    )
    radicalisation_concern = radios(
        "Is there a concern about radicalisation?",
        YES_NO,
        inline=True,
        message="Say whether there is a concern about radicalisation",
        help_text="If so, consider a Prevent referral",
    )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "route": data["route"],
            "source": data["source"],
            "referrer_name": data["referrer_name"],
            "received_on": data["received_on"],
            "reasons": data["reasons"],
            "consent_given": as_bool(data["consent_given"]),
            "radicalisation_concern": data["radicalisation_concern"] == "yes",
        }


class ScreenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = radios(
        "What is the outcome of the screening?", Outcome.choices, message="Choose the outcome of the screening"
    )
    outcome_reasons = textarea(
        "What the screening found",
        required=True,
        rows=6,
        message="Write what the screening found and why you chose this outcome",
        help_text="Include who took part in the screening discussion and any work suggested",
    )
    prevention_worker = WorkerChoiceField(
        label="Prevention worker (CYJS prevention work only)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a worker",
    )
    consent_given = radios(
        "Did the child and their parent or carer agree?",
        CONSENT_ANSWERS,
        message="Say whether the child and their parent or carer agreed",
        help_text="Needed for CYJS prevention work and for a request for support",
    )
    panel_on = date_field("Date the Child Resolution Panel met", required=False)

    def __init__(self, *args, referral, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prevention_worker"].queryset = workers
        if referral.route != PreventionReferral.Route.CHILD_RESOLUTION_PANEL:
            del self.fields["panel_on"]

    def outcome_choices(self):
        """(radio, hint) pairs for the outcome radios."""
        return [(radio, OUTCOME_HINTS.get(radio.data["value"], "")) for radio in self["outcome"]]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "outcome": data["outcome"],
            "outcome_reasons": data["outcome_reasons"],
            "prevention_worker": data.get("prevention_worker") if data["outcome"] == Outcome.CYJS_PREVENTION else None,
            "consent_given": as_bool(data["consent_given"]),
            "panel_on": data.get("panel_on"),
        }


class FollowUpForm(forms.Form):
    on = date_field("Date of the check-in", message="Enter the date of the check-in")
    notes = textarea(
        "What the receiving agency said",
        required=True,
        rows=5,
        message="Write what the receiving agency said about the support given, and whether more consultation is needed",
        help_text="The support given so far, whether more consultation is needed, and whether the child is still open to them",
    )


class PreventForm(forms.Form):
    on = date_field("Date of the Prevent referral", message="Enter the date of the Prevent referral")


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = date_field("Date the referral closed", message="Enter the date the referral closed")

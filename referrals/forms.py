"""Forms for the front-door pages. They shape the pages; the rules are in referrals.services."""

import re

from django import forms
from django.utils import timezone

from casework import limits
from casework.code_fields import code_select
from casework.text import day_text
from config.govuk_forms import GovukDateField
from returns import codes

from .models import AgencyCheck, ConcernCategory, Contact, Decision

LEVELS = [
    ("1", "Level 1: universal services are enough"),
    ("2", "Level 2: early help"),
    ("3", "Level 3: targeted support, a child in need"),
    ("4", "Level 4: specialist help, child protection"),
    ("unsure", "Not sure"),
]


def _text(label, *, help_text="", rows=4, required=True, message="", max_length=5000):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else {},
    )


# --- Making a referral: one form per page -------------------------------------


class ChildDetailsForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    is_born = forms.ChoiceField(
        label="Has the child been born?",
        choices=[("yes", "Yes"), ("no", "No, this is an unborn child")],
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": "Say whether the child has been born"},
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2014")
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="Only for an unborn child"
    )
    gender = forms.ChoiceField(label="Gender", choices=codes.gender_choices(), initial="0", widget=forms.RadioSelect)
    nhs_number = forms.CharField(
        label="NHS number (optional)", required=False, max_length=14, help_text="10 digits, for example 943 476 5919"
    )
    address = forms.CharField(label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["nhs_number"].widget.attrs["class"] = "govuk-input--width-10"

    def clean(self):
        data = super().clean()
        # Which date box to read is a question of the page; whether the date is allowed is the service's.
        if data.get("is_born") == "yes":
            data["expected_date_of_birth"] = None
            if not data.get("date_of_birth") and "date_of_birth" not in self.errors:
                self.add_error("date_of_birth", "Enter the child's date of birth")
        elif data.get("is_born") == "no":
            data["date_of_birth"] = None
            if not data.get("expected_date_of_birth") and "expected_date_of_birth" not in self.errors:
                self.add_error("expected_date_of_birth", "Enter the expected date of birth")
        return data

    def stored(self):
        """The answers as the session keeps them (JSON: dates as ISO text)."""
        data = self.cleaned_data
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "date_of_birth": data["date_of_birth"].isoformat() if data.get("date_of_birth") else None,
            "expected_date_of_birth": (
                data["expected_date_of_birth"].isoformat() if data.get("expected_date_of_birth") else None
            ),
            "gender": data["gender"],
            "nhs_number": data["nhs_number"].strip(),
            "address": data["address"].strip(),
            "postcode": data["postcode"].strip().upper(),
        }

    @staticmethod
    def initial_from(stored):
        if not stored:
            return {}
        return {**stored, "is_born": "no" if stored.get("expected_date_of_birth") else "yes"}


class MatchForm(forms.Form):
    choice = forms.ChoiceField(
        label="Is the referral about one of these children?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the same child, or say this is a different child"},
    )

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(c.pk), f"Yes, it is {c.full_name}, born {_born(c)}") for c in matches]
        self.fields["choice"].choices = [*choices, ("new", "No, this is a different child")]


def _born(child):
    when = child.date_of_birth or child.expected_date_of_birth
    return day_text(when) if when else "date not known"


class HouseholdMemberForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=200, error_messages={"required": "Enter the person's name"})
    relationship = forms.CharField(
        label="Relationship to the child",
        required=False,
        max_length=100,
        help_text="For example, mother, brother or lodger",
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False, help_text="For example, 27 3 1990")
    is_child = forms.BooleanField(label="This person is under 18", required=False)

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return value

    def stored(self):
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "relationship": data["relationship"].strip(),
            "date_of_birth": data["date_of_birth"].isoformat() if data.get("date_of_birth") else None,
            "is_child": bool(data["is_child"]),
        }


class ConcernsForm(forms.Form):
    concerns = _text(
        "What are you worried about?",
        help_text="Say what has happened, when, and what the child or family has said. Include anything that keeps the child safe.",
        rows=8,
        required=False,
        max_length=20000,
    )
    categories = forms.MultipleChoiceField(
        label="What kinds of harm are you worried about?",
        help_text="Select all that apply.",
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    referrer_level = forms.ChoiceField(
        label="What level of need do you think applies? (optional)",
        choices=LEVELS,
        widget=forms.RadioSelect,
        required=False,
    )

    def stored(self):
        data = self.cleaned_data
        return {
            "concerns": data["concerns"].strip(),
            "categories": list(data["categories"]),
            "referrer_level": data["referrer_level"] or "",
        }


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label="Has the family agreed to this referral?",
        choices=[
            (Contact.Consent.GIVEN, "Yes, consent was given"),
            (Contact.Consent.REFUSED, "No, consent was refused"),
            (Contact.Consent.NOT_SOUGHT, "Consent was not asked for"),
            (Contact.Consent.UNCONTACTABLE, "We could not contact the family"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the family agreed to the referral"},
    )
    consent_reason = _text(
        "Why was consent not asked for?",
        help_text="For example, asking would put the child at risk or harm a police investigation.",
        rows=4,
        required=False,
    )
    # The same stored reason, asked under "could not contact" (000 L2601: say why consent was not obtained).
    uncontactable_reason = _text(
        "How did you try to contact the family?",
        help_text="Say when and how you tried, and why the referral cannot wait.",
        rows=4,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("consent") == Contact.Consent.UNCONTACTABLE and not self.initial.get(
            "uncontactable_reason"
        ):
            self.initial["uncontactable_reason"] = self.initial.get("consent_reason", "")
            self.initial["consent_reason"] = ""

    def clean(self):
        data = super().clean()
        if (
            data.get("consent") == Contact.Consent.UNCONTACTABLE
            and not (data.get("uncontactable_reason") or "").strip()
        ):
            self.add_error(
                "uncontactable_reason", "Say how you tried to contact the family and why the referral cannot wait"
            )
        return data

    def stored(self):
        data = self.cleaned_data
        # Each reason box belongs to its answer: a reason typed before choosing another answer is dropped.
        reason = {
            Contact.Consent.NOT_SOUGHT: data["consent_reason"],
            Contact.Consent.UNCONTACTABLE: data["uncontactable_reason"],
        }.get(data["consent"], "")
        return {"consent": data["consent"], "consent_reason": reason.strip()}


TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class ReferrerForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150, error_messages={"required": "Enter your name"})
    agency = forms.CharField(label="Your organisation", max_length=150, required=False)
    role = forms.CharField(
        label="Your role", max_length=150, required=False, help_text="For example, designated safeguarding lead"
    )
    contact = forms.CharField(
        label="How can we contact you?", max_length=200, required=False, help_text="A phone number or email address"
    )
    received_date = GovukDateField(
        label="Date the concern was received",
        help_text="Usually today. For example, 27 3 2025",
        error_messages={"required": "Enter the date the concern was received"},
        validators=[limits.not_in_future],
    )
    received_time = forms.CharField(
        label="Time the concern was received",
        help_text="Use the 24-hour clock, for example 14:30",
        max_length=5,
        error_messages={"required": "Enter the time the concern was received"},
    )
    referral_source = code_select(
        "referral_source",
        label="Who is making the referral? (optional)",
        help_text="If you leave this, we fill it in from your organisation",
        empty="Not chosen",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_time"].widget.attrs["class"] = "govuk-input--width-5"

    def clean_received_time(self):
        match = TIME.match(self.cleaned_data["received_time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter a real time, for example 14:30")
        return f"{int(match[1]):02d}:{match[2]}"

    def stored(self):
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "agency": data["agency"].strip(),
            "role": data["role"].strip(),
            "contact": data["contact"].strip(),
            "received_date": data["received_date"].isoformat(),
            "received_time": data["received_time"],
            "referral_source": data["referral_source"],
        }


# --- Triage ------------------------------------------------------------------


class TriageFilterForm(forms.Form):
    rag = forms.ChoiceField(
        label="Rating",
        required=False,
        choices=[("", "All ratings"), *Contact.Rag.choices, ("unrated", "Not rated yet")],
    )
    due = forms.ChoiceField(
        label="Decision due",
        required=False,
        choices=[("", "Any time"), ("today", "By the end of today"), ("overdue", "Overdue")],
    )
    allocation = forms.ChoiceField(
        label="Allocated to",
        required=False,
        choices=[("", "Anyone"), ("me", "Me"), ("unallocated", "Unallocated")],
    )
    age_band = forms.ChoiceField(
        label="Age",
        required=False,
        choices=[("", "All ages"), ("0-4", "0 to 4"), ("5-9", "5 to 9"), ("10-15", "10 to 15"), ("16-17", "16 to 17")],
    )


# --- The contact page ----------------------------------------------------------


class RagForm(forms.Form):
    rag = forms.ChoiceField(
        label="Rating",
        choices=Contact.Rag.choices,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": "Choose red, amber, green or no target"},
    )
    rationale = _text(
        "Reason for the rating",
        help_text="You must give a reason when you change a rating.",
        rows=3,
        required=False,
    )


class CheckRequestForm(forms.Form):
    kind = forms.ChoiceField(label="Agency to ask", error_messages={"required": "Choose an agency"})

    def __init__(self, *args, asked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in AgencyCheck.Kind.choices if value not in asked
        ]


class CheckResponseForm(forms.Form):
    response = _text("What does your agency know?", rows=3, message="Enter what your agency knows")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens next"},
    )
    rationale = _text(
        "Why?",
        help_text="Explain the decision: the risks, the strengths and what the checks found.",
        rows=6,
        message="Explain the decision",
    )
    primary_need = code_select(
        "primary_need",
        label="Main need (optional)",
        help_text="The child's main need. Statutory returns ask for it when the contact goes on to an "
        "assessment, a strategy discussion or immediate protection.",
        empty="Not chosen",
    )


class FeedbackForm(forms.Form):
    reasons = _text(
        "Reasons for the decision",
        help_text="Write in plain words. The referrer will read this.",
        rows=6,
        message="Explain the reasons in plain words",
    )


class ChallengeForm(forms.Form):
    reason = _text(
        "Why do you disagree with the decision?",
        help_text="Say what you think should happen and why. MASH will reply within 5 working days.",
        rows=6,
        message="Say why you disagree with the decision",
    )


class DisagreementResponseForm(forms.Form):
    response = _text("Your response", rows=4, message="Enter your response")


class ResolveForm(forms.Form):
    resolution = _text(
        "How was it resolved?", help_text="For example, what was agreed.", rows=3, message="Record how it was resolved"
    )

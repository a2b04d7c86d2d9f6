"""Forms for strategy discussions and section 47 enquiries. They shape the pages; rules are in services."""

import re
from datetime import time
from functools import partial

from django import forms

from config.govuk_forms import GovukDateField

from ..forms_common import YES_NO, ActionRowForm, as_bool, moment, textarea, time_field
from ..models import Capacity, Section47Enquiry, StrategyDiscussion

ATTENDEE_ROWS = 8
ACTION_ROWS = 4

YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), ("", "Not decided yet")]


_text = partial(textarea, max_length=None)


def _time(label, *, required=False, message=""):
    return time_field(label, required=required, message=message, inputmode="numeric", autocomplete="off")


def parse_time(value):
    value = (value or "").strip().replace(".", ":")
    match = re.fullmatch(r"(\d{1,2}):?(\d{2})", value)
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def from_bool(value):
    return {True: "yes", False: "no"}.get(value, "")


class _MomentMixin:
    """Join a date box and a time box into one moment (`<prefix>_at`)."""

    def _join(self, data, prefix, *, required, what):
        day, clock_text = data.get(f"{prefix}_on"), data.get(f"{prefix}_time")
        if f"{prefix}_on" in self.errors:
            return None
        if not day and not clock_text:
            if required:
                self.add_error(f"{prefix}_on", f"Enter the date {what}")
            return None
        if not day:
            self.add_error(f"{prefix}_on", f"Enter the date {what}")
            return None
        clock = parse_time(clock_text)
        if clock is None:
            self.add_error(f"{prefix}_time", f"Enter the time {what}, for example 14:30")
            return None
        return moment(day, clock)


class AttendeeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    capacity = forms.ChoiceField(label="Taking part as", choices=[("", "Choose")] + Capacity.choices, required=False)
    role = forms.CharField(label="Role", max_length=200, required=False)
    user = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("capacity"):
            self.add_error("capacity", "Say in what capacity this person takes part")
        if data.get("capacity") and not data.get("name"):
            self.add_error("name", "Enter the person's name")
        return data


class ActionForm(ActionRowForm):
    def clean(self):
        data = super().clean()
        if (data.get("owner_name") or data.get("due_on")) and not data.get("description"):
            self.add_error("description", "Say what will be done")
        if data.get("description") and not data.get("owner_name"):
            self.add_error("owner_name", "Say who will do it")
        return data


def attendee_formset(*, data=None, initial=(), prefix="attendees"):
    initial = list(initial)
    formset_class = forms.formset_factory(AttendeeForm, extra=max(ATTENDEE_ROWS - len(initial), 2))
    return formset_class(data=data, initial=initial, prefix=prefix)


def action_formset(*, data=None):
    return forms.formset_factory(ActionForm, extra=ACTION_ROWS)(data=data, prefix="actions")


def formset_rows(formset, *, allowed_users=None):
    """Filled rows of a valid formset, as the service takes them."""
    rows = []
    for form in formset.forms:
        data = {k: v for k, v in form.cleaned_data.items()}
        if not any(v for k, v in data.items() if k != "user"):
            continue
        if "user" in data:
            user_id = data.pop("user")
            data["user"] = (allowed_users or {}).get(user_id)
        rows.append(data)
    return rows


class ArrangeForm(_MomentMixin, forms.Form):
    about_harmful_sexual_behaviour = forms.BooleanField(
        label="It is about harmful sexual behaviour by a child", required=False
    )
    disclosed_on = GovukDateField(
        label="Date the behaviour was disclosed", required=False, help_text="For example, 27 3 2026"
    )
    disclosed_time = _time("Time it was disclosed")

    def clean(self):
        data = super().clean()
        data["disclosed_at"] = None
        if data.get("about_harmful_sexual_behaviour"):
            data["disclosed_at"] = self._join(data, "disclosed", required=True, what="it was disclosed")
        return data


class StrategyDiscussionForm(_MomentMixin, forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    held_on = GovukDateField(label="Date held", help_text="For example, 27 3 2026", required=False)
    held_time = _time("Time it started")
    format = forms.ChoiceField(
        label="How was it held?", choices=StrategyDiscussion.Format.choices, widget=forms.RadioSelect, required=False
    )
    about_harmful_sexual_behaviour = forms.BooleanField(
        label="It is about harmful sexual behaviour by a child", required=False
    )
    disclosed_on = GovukDateField(label="Date the behaviour was disclosed", required=False)
    disclosed_time = _time("Time it was disclosed")
    information_shared = _text("Information shared", help_text="What each agency knows about the child and family")
    risk_level = forms.ChoiceField(
        label="Level of risk to the child",
        choices=StrategyDiscussion.RiskLevel.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    initiates_section_47 = forms.ChoiceField(
        label="Will section 47 enquiries start?",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": "Say whether section 47 enquiries will start"},
    )
    decision_rationale = _text("Reasons for the decision")
    criminal_investigation = forms.ChoiceField(
        label="Will the police investigate a crime?",
        choices=YES_NO_UNSURE,
        widget=forms.RadioSelect(attrs={"inline": True}),
        required=False,
    )
    criminal_investigation_notes = _text("How and when the police will investigate", rows=3)
    legal_action_needed = forms.ChoiceField(
        label="Is legal action needed?",
        choices=YES_NO_UNSURE,
        widget=forms.RadioSelect(attrs={"inline": True}),
        required=False,
    )
    withheld_from_family = _text(
        "What must not be shared with the child and family", rows=3, help_text="Leave empty if everything can be shared"
    )
    withheld_reason = _text(
        "Why it must not be shared", rows=3, help_text="For example, it would harm a police investigation"
    )

    def clean(self):
        data = super().clean()
        data["held_at"] = self._join(data, "held", required=True, what="the discussion was held")
        data["disclosed_at"] = None
        if data.get("about_harmful_sexual_behaviour"):
            data["disclosed_at"] = self._join(data, "disclosed", required=True, what="it was disclosed")
        return data

    def service_data(self):
        data = self.cleaned_data
        return dict(
            held_at=data["held_at"],
            format=data["format"],
            about_harmful_sexual_behaviour=data["about_harmful_sexual_behaviour"],
            disclosed_at=data["disclosed_at"],
            information_shared=data["information_shared"],
            risk_level=data["risk_level"],
            initiates_section_47=as_bool(data["initiates_section_47"]),
            decision_rationale=data["decision_rationale"],
            criminal_investigation=as_bool(data["criminal_investigation"]),
            criminal_investigation_notes=data["criminal_investigation_notes"],
            legal_action_needed=as_bool(data["legal_action_needed"]),
            withheld_from_family=data["withheld_from_family"],
            withheld_reason=data["withheld_reason"],
        )


class EnquiryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    joint_with_police = forms.BooleanField(label="The police are making joint enquiries", required=False)
    child_seen_on = GovukDateField(label="Date the child was seen", required=False, help_text="For example, 27 3 2026")
    enquiries_summary = _text("What the enquiries have found so far", rows=6)


class OutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="What did the enquiries find?",
        choices=Section47Enquiry.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the concerns were substantiated"},
    )
    outcome_rationale = _text(
        "Reasons for the outcome", rows=6, required=True, message="Explain the reasons for the outcome"
    )
    next_step = forms.ChoiceField(
        label="If not substantiated, what happens next?",
        choices=Section47Enquiry.NextStep.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only when the concerns were not substantiated",
    )


class ConferenceRequestForm(forms.Form):
    requested_by_name = forms.CharField(
        label="Name of the person asking",
        max_length=200,
        error_messages={"required": "Enter the name of the person asking for a conference"},
    )
    requested_by_organisation = forms.CharField(
        label="Their organisation", max_length=200, error_messages={"required": "Enter their organisation"}
    )
    reason = _text(
        "Why they think a conference is needed",
        rows=6,
        required=True,
        message="Explain the concerns: why a conference is needed",
    )


class ConferenceResponseForm(forms.Form):
    agree = forms.ChoiceField(
        label="Will a conference be held?",
        choices=[("yes", "Yes, hold an initial child protection conference"), ("no", "No, decline the request")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether a conference will be held"},
    )
    response = _text(
        "Your reasons, for the person who asked",
        rows=5,
        required=True,
        message="Explain the decision to the person who asked",
    )


__all__ = [
    "ActionForm",
    "ArrangeForm",
    "AttendeeForm",
    "ConferenceRequestForm",
    "ConferenceResponseForm",
    "EnquiryForm",
    "OutcomeForm",
    "StrategyDiscussionForm",
]

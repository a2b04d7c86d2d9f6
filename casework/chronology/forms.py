"""Forms for case notes, significant events and the chronology's filters. Rules are in services.py."""

from functools import partial

from django import forms

from config.govuk_forms import GovukDateField

from ..forms_common import moment, parse_clock, textarea, time_field
from ..models import CaseNote
from . import selectors

ACTION_ROWS = 5

_textarea = partial(textarea, required=True, max_length=10000)


class ChronologyFilterForm(forms.Form):
    agency = forms.MultipleChoiceField(label="Agency", required=False, widget=forms.CheckboxSelectMultiple)
    type = forms.MultipleChoiceField(label="What happened", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = selectors.agency_kind_choices()
        self.fields["type"].choices = selectors.event_type_choices()

    def filters(self) -> dict:
        if not self.is_valid():
            return {"agency_kinds": None, "event_types": None}
        return {"agency_kinds": self.cleaned_data["agency"] or None, "event_types": self.cleaned_data["type"] or None}


class CaseNoteForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of note is this?",
        choices=CaseNote.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of note this is"},
    )
    occurred_on = GovukDateField(
        label="Date it happened",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    occurred_time = time_field("Time", message="Enter the time it happened")
    took_part = _textarea(
        "Who took part", help_text="Names and roles, one a line", rows=3, message="Enter who took part"
    )
    summary = _textarea("What happened", rows=6, message="Enter a summary of what happened")
    no_further_action = forms.BooleanField(label="No further action is needed", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}_description"] = forms.CharField(
                label="What will be done", required=False, max_length=2000
            )
            self.fields[f"action_{n}_owner_name"] = forms.CharField(
                label="Who will do it", required=False, max_length=200
            )
            self.fields[f"action_{n}_due_on"] = GovukDateField(label="By when (optional)", required=False)
            self.fields[f"action_{n}_owner_name"].widget.attrs["class"] = "govuk-input--width-20"

    def action_rows(self):
        """Bound fields by row, for the template."""
        return [
            (n, self[f"action_{n}_description"], self[f"action_{n}_owner_name"], self[f"action_{n}_due_on"])
            for n in range(1, ACTION_ROWS + 1)
        ]

    @property
    def more_actions_used(self) -> bool:
        """Open "Add more actions" when rows 2 to 5 hold anything, or an error."""
        if not self.is_bound:
            return False
        names = [f"action_{n}_{part}" for n in range(2, ACTION_ROWS + 1) for part in ("description", "owner_name")]
        dates = [f"action_{n}_due_on_{part}" for n in range(2, ACTION_ROWS + 1) for part in ("day", "month", "year")]
        return any((self.data.get(name) or "").strip() for name in names + dates) or any(
            name in self.errors
            for name in self.fields
            if name.startswith("action_") and not name.startswith("action_1_")
        )

    def clean_occurred_time(self):
        clock = parse_clock(self.cleaned_data["occurred_time"])
        if clock is None:
            raise forms.ValidationError("Enter the time as hours and minutes, for example 14:30")
        return clock

    def clean(self):
        data = super().clean()
        # Point at the empty half of a half-filled row (the service refuses it too).
        for n in range(1, ACTION_ROWS + 1):
            description, owner = data.get(f"action_{n}_description"), data.get(f"action_{n}_owner_name")
            if (description or data.get(f"action_{n}_due_on")) and not owner:
                self.add_error(f"action_{n}_owner_name", f"Action {n}: say who will do it")
            elif owner and not description:
                self.add_error(f"action_{n}_description", f"Action {n}: say what will be done")
        if data.get("occurred_on") and data.get("occurred_time"):
            data["occurred_at"] = moment(data["occurred_on"], data["occurred_time"])
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "occurred_at": data.get("occurred_at"),
            "took_part": data["took_part"],
            "summary": data["summary"],
            "no_further_action": data["no_further_action"],
            "actions": [
                {
                    "description": data.get(f"action_{n}_description", ""),
                    "owner_name": data.get(f"action_{n}_owner_name", ""),
                    "due_on": data.get(f"action_{n}_due_on"),
                }
                for n in range(1, ACTION_ROWS + 1)
            ],
        }

    # Where the service's field errors show on this page.
    SERVICE_FIELDS = {"occurred_at": "occurred_on", "actions": "action_1_description"}


class SignificantEventForm(forms.Form):
    occurred_on = GovukDateField(
        label="Date it happened",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it happened"},
    )
    title = forms.CharField(
        label="What happened",
        help_text="A short line, for example 'Moved to live with grandmother'",
        max_length=200,
        error_messages={"required": "Enter what happened"},
    )
    detail = _textarea("More detail (optional)", rows=4, required=False)

    SERVICE_FIELDS: dict[str, str] = {}

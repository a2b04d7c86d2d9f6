"""The dashboard's period and filter: months from and to, and the whole authority, an agency or a team."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import months

MONTHS_OFFERED = 37
LONGEST_PERIOD = 25
DEFAULT_PERIOD = 13


def parse_month(text: str) -> date | None:
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return None


class PeriodForm(forms.Form):
    """Bound to the query string; the defaults are the last 12 full months and this month."""

    def __init__(self, query, *, scope, teams, today=None):
        today = today or timezone.localdate()
        offered = list(reversed(months.recent(today, MONTHS_OFFERED)))
        default_from = months.recent(today, DEFAULT_PERIOD)[0]
        data = {
            "from": query.get("from") or f"{default_from:%Y-%m}",
            "to": query.get("to") or f"{today:%Y-%m}",
            "agency": query.get("agency", ""),
            "team": query.get("team", ""),
        }
        super().__init__(data)
        choices = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in offered]
        self.fields["from"] = forms.ChoiceField(label="From", choices=choices)
        self.fields["to"] = forms.ChoiceField(label="To", choices=choices)
        self.fields["agency"] = forms.ChoiceField(
            label="Agency",
            required=False,
            choices=[("", "All agencies")] + [(str(a.pk), a.name) for a in scope.agencies],
        )
        self.fields["team"] = forms.ChoiceField(
            label="Team",
            required=False,
            choices=[("", "All teams")] + [(str(t.pk), f"{t.name} ({t.agency.name})") for t in teams],
        )

    def clean(self):
        cleaned = super().clean()
        first, last = parse_month(cleaned.get("from", "")), parse_month(cleaned.get("to", ""))
        if first and last:
            if first > last:
                raise ValidationError({"to": "The end month must be the same as the start month or after it"})
            if len(months.months_between(first, last)) > LONGEST_PERIOD:
                raise ValidationError({"to": f"Choose a period of {LONGEST_PERIOD} months or fewer"})
            cleaned["months"] = months.months_between(first, last)
        return cleaned

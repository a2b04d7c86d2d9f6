"""The period of the lists: a start and an end date, both included; by default the last 12 months."""

from datetime import date, timedelta
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from config.govuk_forms import GovukDateField

from .sources import Period

PARTS = ("day", "month", "year")


def default_period(today: date) -> Period:
    return Period(first=today - relativedelta(years=1) + timedelta(days=1), last=today)


class PeriodForm(forms.Form):
    """Bound to the query string (the page, its CSV and workbook links share it)."""

    def __init__(self, query, *, today: date | None = None):
        self.today = today or timezone.localdate()
        names = [f"{field}_{part}" for field in ("from", "to") for part in PARTS]
        given = {name: query[name] for name in names if query.get(name)}
        if not given:
            default = default_period(self.today)
            given = _parts(default)
        super().__init__(given)
        self.fields["from"] = GovukDateField(label="Start date", help_text="For example, 1 4 2026")
        self.fields["to"] = GovukDateField(label="End date", help_text="The lists include this day")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last:
            if first > last:
                raise ValidationError({"to": "The end date must be the same as the start date or after it"})
            if last > self.today:
                raise ValidationError({"to": "The end date must be today or in the past"})
            cleaned["period"] = Period(first=first, last=last)
        return cleaned

    @property
    def period(self) -> Period | None:
        return self.cleaned_data.get("period") if self.is_valid() else None


def _parts(period: Period) -> dict[str, str]:
    parts: dict[str, str] = {}
    for field, day in (("from", period.first), ("to", period.last)):
        parts |= {f"{field}_day": str(day.day), f"{field}_month": str(day.month), f"{field}_year": str(day.year)}
    return parts


def query_of(period: Period) -> str:
    """The query string that asks for `period`."""
    return urlencode(_parts(period))

"""Form pieces the pathway pages share: text boxes, time boxes, yes/no answers, worker pickers
and action rows. Each slice's forms.py builds its pages from these; rules stay in services."""

import re
from datetime import datetime, time

from django import forms
from django.utils import timezone

from config.govuk_forms import GovukDateField

YES_NO = [("yes", "Yes"), ("no", "No")]
TIME_HELP = "Use the 24-hour clock, for example 14:30"
CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def as_bool(value):
    """A yes/no answer as True/False (None when not answered)."""
    return {"yes": True, "no": False}.get(value)


def textarea(label, *, help_text="", rows=4, required=False, message="", max_length=20000):
    """A text area; `message` is what to say when a required one is empty."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else {},
    )


def time_field(label, *, required=True, message="", **attrs):
    """A narrow box for a time of day (24-hour clock); `attrs` are more attributes for the input."""
    field = forms.CharField(
        label=label,
        required=required,
        max_length=5,
        help_text=TIME_HELP,
        error_messages={"required": message} if message else {},
    )
    field.widget.attrs.update({"class": "govuk-input--width-5", **attrs})
    return field


def parse_clock(value):
    """'14:30' or '9.05' as a time, or None when it is not a real time of day."""
    match = CLOCK.match(value or "")
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def now_parts(prefix):
    """Initial values for a `<prefix>_date` / `<prefix>_time` pair: now, in the service's time zone."""
    now = timezone.localtime()
    return {f"{prefix}_date": now.date(), f"{prefix}_time": f"{now:%H:%M}"}


def moment(day, clock):
    """A date and a time, in the service's time zone."""
    return timezone.make_aware(datetime.combine(day, clock))


class WorkerChoiceField(forms.ModelChoiceField):
    """A user, shown with their job title."""

    def label_from_instance(self, user):
        return f"{user.display_name}{f', {user.job_title}' if user.job_title else ''}"


class ActionRowForm(forms.Form):
    """One row of who will do what by when. Each page says how a half-filled row is refused."""

    description = forms.CharField(label="What will be done", max_length=2000, required=False)
    owner_name = forms.CharField(label="Who", max_length=200, required=False)
    due_on = GovukDateField(label="By when", required=False)

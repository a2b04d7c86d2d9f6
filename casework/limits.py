"""How much the API and the pages accept, in one place.

Input no one could mean is refused with a field error rather than stored: a text longer than
any note a practitioner writes, a list longer than any household, a date before 1900 or
centuries ahead, an event said to have happened in the future.

Validators raise Django's ValidationError, so pages' forms (config.govuk_forms.GovukDateField)
and DRF serializers share them. The API's serializers inherit `Serializer` / `ModelSerializer` from here, which give every
writable field without its own bound the defaults below; the schema then shows them
(`maxLength`, `maxItems`, `minimum`, `maximum`). A field that needs another bound says so itself.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from rest_framework import serializers

# Free text: a long assessment section is a few thousand words; 20,000 characters is ten pages.
MAX_TEXT = 20_000
# Lists in a body (household members, attendees, actions, categories).
MAX_ITEMS = 50
# Whole numbers in a body: record ids and counts. Ids are bigints; 18 digits always fit.
MAX_NUMBER = 10**18 - 1

EARLIEST_DATE = datetime.date(1900, 1, 1)
# Dates ahead (hearings, reviews, release dates, an unborn child's due date) stay within this.
FUTURE_YEARS = 20
# An event that has happened may carry a clock a little ahead of ours.
CLOCK_SKEW = datetime.timedelta(minutes=5)

# Fields naming something that has already happened: never in the future (with what to say).
HAPPENED = {
    "received_at": "Enter a time that is not in the future",
    "referral_received_at": "Enter a time that is not in the future",
    "date_of_birth": "The date of birth must be today or in the past",
}


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def latest_date():
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def plausible_date(value):
    """A date (or date and time) between 1900 and FUTURE_YEARS ahead."""
    if value is None:
        return
    day = _as_date(value)
    if day < EARLIEST_DATE:
        raise ValidationError("Enter a date in or after 1900.", code="too_early")
    if day > latest_date():
        raise ValidationError(f"Enter a date within {FUTURE_YEARS} years from today.", code="too_late")


class NotInFuture:
    """A date (or date and time, allowing CLOCK_SKEW) that has already come."""

    def __init__(self, message="Enter a date that is not in the future"):
        self.message = message

    def __call__(self, value):
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            future = value > timezone.now() + CLOCK_SKEW
        else:
            future = value > timezone.localdate()
        if future:
            raise ValidationError(self.message, code="in_future")


not_in_future = NotInFuture()


def _bound(field, name):
    """Give `field` (and the items of a list field) the default limits it lacks."""
    if getattr(field, "read_only", False):
        return
    if isinstance(field, serializers.ListSerializer):
        if field.max_length is None:
            field.max_length = MAX_ITEMS  # checked by ListSerializer itself; shown by config.api_schema
        return
    if isinstance(field, serializers.ListField):
        if field.max_length is None:
            field.max_length = MAX_ITEMS
            field.validators.append(MaxLengthValidator(MAX_ITEMS, message=f"Give at most {MAX_ITEMS} items."))
        _bound(field.child, name)
    elif isinstance(field, serializers.CharField):
        if field.max_length is None:
            field.max_length = MAX_TEXT
            field.validators.append(MaxLengthValidator(MAX_TEXT, message=f"Use at most {MAX_TEXT:,} characters."))
    elif isinstance(field, serializers.IntegerField):
        if field.max_value is None:
            field.max_value = MAX_NUMBER
            field.validators.append(MaxValueValidator(MAX_NUMBER))
        if field.min_value is None:
            field.min_value = -MAX_NUMBER
            field.validators.append(MinValueValidator(-MAX_NUMBER))
    elif isinstance(field, (serializers.DateField, serializers.DateTimeField)):
        field.validators.append(plausible_date)
        if name in HAPPENED:
            field.validators.append(NotInFuture(HAPPENED[name]))


class Bounded:
    """A serializer whose writable fields carry the default limits (see the module docstring)."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            _bound(field, name)
        return fields


class Serializer(Bounded, serializers.Serializer):
    pass


class ModelSerializer(Bounded, serializers.ModelSerializer):
    pass

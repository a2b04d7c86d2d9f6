"""GOV.UK Design System markup for Django forms, owned by the project.

Every form renders its fields through templates/forms/govuk_field.html, so
labels, hints, error messages and the error summary look the same everywhere.
"""

from datetime import date

from django import forms
from django.forms.renderers import TemplatesSetting

from casework.limits import plausible_date


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, as the Design System's date input."""

    template_name = "forms/widgets/govuk_date.html"

    def __init__(self, attrs=None):
        part = {"inputmode": "numeric"}
        super().__init__(
            {
                "day": forms.TextInput(
                    attrs={**part, "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
                ),
                "month": forms.TextInput(
                    attrs={**part, "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
                ),
                "year": forms.TextInput(
                    attrs={**part, "class": "govuk-input govuk-date-input__input govuk-input--width-4"}
                ),
            },
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = (str(v or "").strip() for v in super().value_from_datadict(data, files, name))
        if not (day or month or year):
            return None
        # A string DateField can parse; an impossible date fails its validation.
        return f"{year}-{month}-{day}"


class GovukDateField(forms.DateField):
    widget = GovukDateWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = f"{self.label or 'The date'} must be a real date"

        self.validators.append(plausible_date)

from django import forms

from config.govuk_forms import GovukDateField

from .code_fields import code_checkboxes, code_radios, code_select
from .models import Child, Involvement
from .services import EDITABLE_FIELDS


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Name or NHS number",
        required=False,
        max_length=100,
        help_text="For example, Sam Example or 943 476 5919",
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2014")

    def clean(self):
        data = super().clean()
        if self.is_bound and not self.errors and not data.get("q") and not data.get("date_of_birth"):
            raise forms.ValidationError("Enter a name, NHS number or date of birth to search")
        return data


class ChildForm(forms.ModelForm):
    """The child's own details. The service does the checks; this shapes the page."""

    is_born = forms.TypedChoiceField(
        label="Has the child been born?",
        choices=[("yes", "Yes"), ("no", "No, this is an unborn child")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="For example, 27 3 2014")
    expected_date_of_birth = GovukDateField(
        label="Expected date of birth", required=False, help_text="Only for an unborn child"
    )
    # Wider than the stored 10 digits: people type spaces, which the service strips.
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=14, help_text="10 digits, for example 943 476 5919"
    )
    # Items of the children in need census: all optional here.
    sex = code_radios(
        "sex", label="Sex (optional)", help_text="Used in statutory returns, which ask for sex, not gender"
    )
    disabilities = code_checkboxes(
        "disability",
        label="Disability (optional)",
        help_text="Select all that apply. Leave them all empty if you do not know yet.",
        nothing="NONE",
    )
    former_upn = forms.CharField(
        label="Former unique pupil number (optional)",
        required=False,
        max_length=13,
        help_text="If the child had a different one before",
    )
    upn_unknown_reason = code_select(
        "upn_unknown",
        label="Why is there no unique pupil number? (optional)",
        help_text="Only if the child has no unique pupil number",
        empty="Not given",
    )
    date_of_death = GovukDateField(
        label="Date of death (optional)", required=False, help_text="Only if the child has died. For example, 27 3 2026"
    )

    class Meta:
        model = Child
        fields = EDITABLE_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "gender": forms.RadioSelect,
        }
        help_texts = {
            "also_known_as": "Other names the child uses or has used",
        }

    field_order = ["first_name", "middle_names", "last_name", "also_known_as", "is_born"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.is_unborn:
            self.initial["is_born"] = "no"
        self.fields["upn"].validators = []  # checked once, in the service

    def _post_clean(self):
        # The service validates the model; skip ModelForm's own model checks.
        pass

    def clean(self):
        data = super().clean()
        if data.get("is_born") is True:
            data["expected_date_of_birth"] = None
        elif data.get("is_born") is False:
            data["date_of_birth"] = None
        return data

    def service_data(self):
        data = {f: self.cleaned_data.get(f) for f in EDITABLE_FIELDS}
        data["disabilities"] = list(data["disabilities"] or [])
        return data


class NewChildForm(ChildForm):
    involvement_kind = forms.ChoiceField(
        label="Your agency's involvement",
        choices=Involvement.Kind.choices,
        help_text="You will be the allocated worker. You can change this later.",
    )


class EditChildForm(ChildForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

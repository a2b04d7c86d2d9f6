"""The form for closing an involvement. It shapes the page; the rules are in services.py."""

from django import forms

from config.govuk_forms import GovukDateField

from ..forms_common import textarea
from .services import RECORDED_BASES


class CloseInvolvementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = GovukDateField(
        label="Date it closed",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the involvement closed"},
    )
    reason = textarea(
        "Why is it closing?",
        required=True,
        message="Enter why the involvement is closing",
        max_length=2000,
        help_text="For example, the plan's outcomes were met and the family agreed to step down to early help",
    )


class LegalBasisForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    legal_basis = forms.ChoiceField(
        label="Why is the child looked after?",
        choices=[(basis.value, basis.label) for basis in RECORDED_BASES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the child is looked after"},
        help_text="A remand sets its own basis on the court pages.",
    )

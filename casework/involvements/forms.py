"""The form for closing an involvement. It shapes the page; the rules are in services.py."""

from django import forms

from accounts.models import User
from config.govuk_forms import GovukDateField

from ..code_fields import code_select
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
    closure_code = code_select(
        "closure_reason",
        label="Reason for statutory returns (optional)",
        help_text="The nearest reason from the list the children in need census uses",
        empty="Not chosen",
    )

    def __init__(self, *args, records_closure_code=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not records_closure_code:
            del self.fields["closure_code"]


class LegalBasisForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    legal_basis = forms.ChoiceField(
        label="Why is the child looked after?",
        choices=[(basis.value, basis.label) for basis in RECORDED_BASES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the child is looked after"},
        help_text="A remand sets its own basis on the court pages.",
    )


class AllocateForm(forms.Form):
    """Choose a member of the involvement's team and say why. The rules are in allocation.py."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ModelChoiceField(
        label="Who should have this work?",
        queryset=User.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose who should have this work",
            "invalid_choice": "Choose someone in the team",
        },
    )
    reason = textarea(
        "Why are you allocating this work?",
        required=True,
        message="Enter why you are allocating this work",
        max_length=2000,
        help_text="For example, leave cover, caseload balance, or a worker with youth justice experience",
    )

    def __init__(self, *args, members, current_worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.current_worker = current_worker
        self.fields["to"].queryset = members
        self.fields["to"].label_from_instance = lambda user: user.display_name

    def to_choices(self):
        """(radio, hint) pairs: each member's job title, and who has the work now."""
        hints = {}
        for member in self.members:
            hint = member.job_title or member.get_role_display()
            if self.current_worker is not None and member.pk == self.current_worker.pk:
                hint += ". Has this work now"
            hints[str(member.pk)] = hint
        return [(radio, hints.get(str(radio.data["value"]), "")) for radio in self["to"]]

"""Forms for recording a child new to the child and youth justice service. They shape the pages; the
rules are in services.py."""

from django import forms

from casework.text import day_text
from config.govuk_forms import GovukDateField

from ..forms_common import textarea


class ChildIdentityForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 2011",
        error_messages={"required": "Enter the child's date of birth"},
    )
    address = textarea("Address (optional)", rows=3, max_length=1000)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs["class"] = "govuk-input--width-10"
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"

    def service_kwargs(self):
        """What the form could read (a box it refused is left empty), for the service to check."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("first_name", "last_name", "date_of_birth", "address", "postcode")}


class MatchForm(forms.Form):
    choice = forms.ChoiceField(
        label="Is this the child?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the record that is this child, or create a new record"},
    )

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(m.child_id), f"Yes, it is {m.full_name}, born {day_text(m.date_of_birth)}") for m in matches]
        self.fields["choice"].choices = [*choices, ("new", "No, create a new record")]
        if len(matches) > 1:
            self.fields["choice"].label = "Is one of these the child?"

    def child_id(self):
        choice = self.cleaned_data["choice"]
        return None if choice == "new" else int(choice)


class MatchDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Is this the same child?",
        widget=forms.RadioSelect,
        choices=[("confirm", "Yes, it is the same child"), ("reject", "No, it is a different child")],
        error_messages={"required": "Say whether this is the same child"},
    )
    reason = textarea(
        "How do you know?",
        help_text="Needed if it is a different child. The service that asked does not see this.",
        rows=3,
        max_length=2000,
    )

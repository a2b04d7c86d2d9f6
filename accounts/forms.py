from django import forms
from django.contrib.auth.forms import AuthenticationForm

from config.govuk_forms import GovukDateField

from .models import User


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active.",
    }


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to see this record now?",
        help_text="Your manager will read this. Give at least a sentence.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter the reason you need access"},
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="Your review",
        help_text="For example, whether the access was justified and any action taken.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter a comment on this access"},
    )


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Who needs access",
        queryset=User.objects.none(),
        error_messages={"required": "Choose who needs access"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example, joint work on the child's plan. Give at least a sentence.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the reason for giving access"},
    )
    expires_on = GovukDateField(
        label="Access ends on", required=False, help_text="Leave blank for access until someone removes it"
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name} – {u.get_role_display()}, {u.agency}"


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint

"""Forms for the threshold checklist and the practitioner's decision (GOV.UK markup)."""

from django import forms

from .models import ThresholdAssessment

YES_NO = [("yes", "Yes"), ("no", "No")]


class ChecklistForm(forms.Form):
    significant_harm = forms.ChoiceField(
        label="Do you think the child is suffering, or likely to suffer, significant harm?",
        help_text="If yes, go straight to the top level: do not wait to finish the checklist.",
        choices=YES_NO,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={
            "required": "Say whether you think the child is suffering, or likely to suffer, significant harm"
        },
    )
    indicators = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    missing_episodes_90d = forms.IntegerField(
        label="How many times has the child gone missing in the last 90 days? (optional)",
        required=False,
        min_value=0,
        max_value=365,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the number of times as a whole number, like 2",
            "min_value": "The number of times cannot be negative",
            "max_value": "Enter a number of times up to 365",
        },
    )
    has_early_help_assessment = forms.BooleanField(
        label="There is an early help assessment (CAF) on record", required=False
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [(i.code, i.label) for i in framework.indicators.all()]

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and data.get("significant_harm") == "no"
            and not data.get("indicators")
            and data.get("missing_episodes_90d") is None
        ):
            self.add_error("indicators", "Select at least one need or strength")
        return data

    def answers(self):
        data = self.cleaned_data
        return {
            "indicator_codes": list(data["indicators"]),
            "significant_harm_suspected": data["significant_harm"] == "yes",
            "missing_episodes_90d": data.get("missing_episodes_90d"),
            "has_early_help_assessment": bool(data.get("has_early_help_assessment")),
        }


def _text(label, *, help_text="", rows=4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows, "class": "govuk-textarea"}),
    )


class DecisionForm(forms.Form):
    final_level = forms.TypedChoiceField(
        label="What level of need do you think applies?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a level"},
    )
    rationale = _text(
        "Why? (needed if it differs from the suggested level)",
        help_text="Say what you weighed, including strengths and what the child and family told you.",
    )
    consulted = _text(
        "Who did you consult? (needed to choose below a level that significant harm suggests)",
        help_text="For example, your designated safeguarding lead or the duty social worker.",
        rows=2,
    )
    consent = forms.ChoiceField(
        label="Has the family agreed to the help or referral?",
        required=False,
        widget=forms.RadioSelect,
        choices=ThresholdAssessment.Consent.choices,
        help_text="Level 2 and 3 help needs consent, unless asking would put the child at risk. Not needed at level 1.",
    )
    consent_reason = _text(
        "If consent was not given: why, and on what basis are you sharing?",
        help_text="For example, asking would put the child at risk. Say whether the family will be told.",
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["final_level"].choices = [(lv.number, f"Level {lv.number}: {lv.name}") for lv in levels]

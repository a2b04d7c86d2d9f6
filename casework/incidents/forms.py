"""Forms for the serious incident pages. They shape the pages; the rules are in services.py."""

from django import forms

from config.govuk_forms import GovukDateField
from referrals.models import Contact

from ..custody.forms import MomentMixin, clean_clock, radios
from ..forms_common import YES_NO, textarea, time_field
from ..models import SeriousIncident
from .selectors import Period

YJB_HELP = (
    "Yes if the child has been charged with attempted murder, murder, manslaughter, rape, GBH or wounding "
    "(section 18 or 20) or a terrorism offence, or died while supervised by the service or up to 20 days after "
    "supervision ended"
)
MAPPA_HELP = "Managed under MAPPA at level 1, 2 or 3 when the incident happened"


class IncidentMomentsMixin(MomentMixin):
    def clean_occurred_time(self):
        return clean_clock(self.cleaned_data["occurred_time"])

    def clean_aware_time(self):
        return clean_clock(self.cleaned_data.get("aware_time"))

    def clean_charged_time(self):
        return clean_clock(self.cleaned_data.get("charged_time"))


class StartForm(IncidentMomentsMixin, forms.Form):
    """The briefing's incident details (F4 §2 and §5, F3 §2 and §5) and the YJB and MAPPA questions."""

    moments = (
        ("occurred", "Enter the time of the incident"),
        ("aware", "Enter the time the service became aware"),
        ("charged", "Enter the time the child was charged"),
    )
    # The service checks the charge as `charged_at`; this form shows it on its own date field.
    service_field_names = {"charged_at": "charged_date"}

    occurred_date = GovukDateField(
        label="Date of the incident",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the incident"},
    )
    occurred_time = time_field("Time of the incident", message="Enter the time of the incident")
    aware_date = GovukDateField(
        label="Date the service became aware", error_messages={"required": "Enter the date the service became aware"}
    )
    aware_time = time_field("Time the service became aware", message="Enter the time the service became aware")
    charged_date = GovukDateField(
        label="Date the child was charged (if they have been)",
        required=False,
        help_text="The Youth Justice Board and MAPPA notices count from the charge. You can add it later",
    )
    charged_time = time_field("Time the child was charged", required=False)
    category = radios(
        "Reason for the briefing",
        SeriousIncident.Category.choices,
        message="Choose the reason for the briefing",
        help_text="Choose one, for monitoring",
    )
    summary = textarea(
        "What happened",
        required=True,
        rows=6,
        message="Write a short outline of the incident",
        help_text="Brief details of the incident, any court date and whether it may attract media attention",
    )
    immediate_actions = textarea(
        "Action taken or planned (optional)",
        rows=4,
        help_text="For example, referrals, strategy discussion, reported missing to the police",
    )
    yjb_notifiable = radios(
        "Does it meet the Youth Justice Board's criteria?",
        YES_NO,
        inline=True,
        help_text=YJB_HELP,
        message="Say whether the incident meets the Youth Justice Board's criteria",
    )
    open_under_mappa = radios(
        "Was the child open under MAPPA?",
        YES_NO,
        inline=True,
        help_text=MAPPA_HELP,
        message="Say whether the child was open under MAPPA",
    )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "occurred_at": self.moment("occurred"),
            "aware_at": self.moment("aware"),
            "charged_at": self.moment("charged"),
            "category": data["category"],
            "summary": data["summary"],
            "immediate_actions": data["immediate_actions"],
            "yjb_notifiable": data["yjb_notifiable"] == "yes",
            "open_under_mappa": data["open_under_mappa"] == "yes",
        }


class MashForm(IncidentMomentsMixin, forms.Form):
    """The contact to MASH for a child known to neither service (000 ¶7.3)."""

    moments = (("occurred", "Enter the time of the incident"),)
    prefix = "mash"

    occurred_date = GovukDateField(
        label="Date of the incident", error_messages={"required": "Enter the date of the incident"}
    )
    occurred_time = time_field("Time of the incident", message="Enter the time of the incident")
    category = radios(
        "Reason for the briefing", SeriousIncident.Category.choices, message="Choose the reason for the briefing"
    )
    summary = textarea("What happened", required=True, rows=6, message="Write a short outline of the incident")
    consent = radios(
        "Did the family agree to the referral?",
        Contact.Consent.choices,
        message="Say whether the family agreed to the referral",
    )
    consent_reason = textarea(
        "Why consent was not sought, or how you tried to contact the family",
        rows=3,
        help_text="Needed if you could not contact the family. If consent was not sought and you "
        "leave this blank, the referral says a serious incident cannot wait",
    )

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "occurred_at": self.moment("occurred"),
            "category": data["category"],
            "summary": data["summary"],
            "consent": data["consent"],
            "consent_reason": data["consent_reason"],
        }


class ConfirmForm(forms.Form):
    """Verify, quality-assure, submit: one button."""


class WhenForm(MomentMixin, forms.Form):
    """When the YJB, local CSC or the MAPPA coordinator was told."""

    moments = (("at", "Enter the time"),)

    at_date = GovukDateField(label="Date", error_messages={"required": "Enter the date"})
    at_time = time_field("Time", message="Enter the time")

    def __init__(self, *args, legend="", **kwargs):
        super().__init__(*args, **kwargs)
        if legend:
            self.fields["at_date"].label = f"Date {legend}"
            self.fields["at_time"].label = f"Time {legend}"

    def clean_at_time(self):
        return clean_clock(self.cleaned_data["at_time"])


class LearningForm(forms.Form):
    prefix = "learning"

    version = forms.IntegerField(widget=forms.HiddenInput)
    immediate_actions = textarea("Action taken or planned", rows=4)
    learning = textarea(
        "Case audit, action or learning plan",
        rows=4,
        help_text="What the senior manager and team manager agreed, and how learning will be shared",
    )


class ReportForm(forms.Form):
    """The report's period (a GET form)."""

    period = forms.ChoiceField(label="Period", choices=Period.choices(), error_messages={"required": "Choose a period"})
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year",
            "invalid": "Enter a year, for example 2026",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year before 2100",
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is None:
            raise forms.ValidationError("Enter the year")
        return year

    def period_value(self) -> Period:
        return Period(self.cleaned_data["period"], self.cleaned_data["year"])

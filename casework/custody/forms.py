"""Forms for the custody, appropriate adult screening and PACE pages. They shape the pages; the rules
are in services.py."""

from django import forms
from django.utils import timezone

from config.govuk_forms import GovukDateField
from referrals.models import ConcernCategory

from ..forms_common import YES_NO, moment, parse_clock, textarea, time_field
from ..models import AppropriateAdultScreening, CustodyEpisode, PaceAccommodationRequest

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]


def answer(value):
    """True/False/None as a page's yes/no/not-known answer."""
    return {True: "yes", False: "no"}.get(value, "unknown")


def as_answer(value):
    return {"yes": True, "no": False}.get(value)


def radios(label, choices, *, message="", required=True, help_text="", inline=False):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"inline": True} if inline else {}),
        error_messages={"required": message} if message else {},
    )


def clean_clock(value):
    if not value:
        return None
    clock = parse_clock(value)
    if clock is None:
        raise forms.ValidationError("Enter a real time, for example 14:30")
    return clock


class MomentMixin:
    """Pairs of `<name>_date` and `<name>_time` fields joined into one moment."""

    # (field name, message when the time is missing)
    moments: tuple[tuple[str, str], ...] = ()

    def clean(self):
        data = super().clean()
        for name, message in self.moments:
            day, clock = data.get(f"{name}_date"), data.get(f"{name}_time")
            if day and not clock and not self.errors.get(f"{name}_time"):
                self.add_error(f"{name}_time", message)
        return data

    def moment(self, name):
        day, clock = self.cleaned_data.get(f"{name}_date"), self.cleaned_data.get(f"{name}_time")
        return moment(day, clock) if day and clock else None


class EpisodeForm(MomentMixin, forms.Form):
    moments = (("arrested", "Enter the time of the arrest"), ("left", "Enter the time the child left custody"))

    arrested_date = GovukDateField(
        label="Date of arrest",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the arrest"},
    )
    arrested_time = time_field("Time of arrest", message="Enter the time of the arrest")
    custody_suite = forms.CharField(
        label="Police station or custody suite",
        max_length=200,
        error_messages={"required": "Enter the police station or custody suite"},
    )
    offence_summary = textarea("What the child was arrested for (optional)", rows=3)
    appropriate_adult = radios(
        "Who acted as the appropriate adult?",
        CustodyEpisode.AppropriateAdult.choices,
        message="Choose who acted as the appropriate adult",
    )
    appropriate_adult_name = forms.CharField(label="Their name (optional)", required=False, max_length=200)
    police_safeguarding_report = radios(
        "Did the police complete a Police Safeguarding Report?",
        YES_NO_UNKNOWN,
        inline=True,
        message="Say whether the police completed a Police Safeguarding Report",
    )
    seen_by_liaison_and_diversion = radios(
        "Was the child seen by Liaison and Diversion?",
        YES_NO_UNKNOWN,
        inline=True,
        message="Say whether Liaison and Diversion saw the child",
    )
    strip_searched = radios(
        "Was the child strip-searched?",
        YES_NO,
        inline=True,
        message="Say whether the child was strip-searched",
        help_text="The service's senior managers are told in the app",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.fields["left_date"] = GovukDateField(label="Date the child left custody", required=False)
            self.fields["left_time"] = time_field("Time the child left custody", required=False)
            self.fields["outcome"] = radios(
                "What happened when the child left custody?", CustodyEpisode.Outcome.choices, required=False
            )

    def clean_arrested_time(self):
        return clean_clock(self.cleaned_data["arrested_time"])

    def clean_left_time(self):
        return clean_clock(self.cleaned_data.get("left_time"))

    def service_kwargs(self):
        data = self.cleaned_data
        values = {
            "arrested_at": self.moment("arrested"),
            "custody_suite": data["custody_suite"],
            "offence_summary": data["offence_summary"],
            "appropriate_adult": data["appropriate_adult"],
            "appropriate_adult_name": data["appropriate_adult_name"],
            "police_safeguarding_report": as_answer(data["police_safeguarding_report"]),
            "seen_by_liaison_and_diversion": as_answer(data["seen_by_liaison_and_diversion"]),
            "strip_searched": data["strip_searched"] == "yes",
        }
        if "outcome" in self.fields:
            values["left_custody_at"] = self.moment("left")
            values["outcome"] = data.get("outcome") or ""
        return values

    @staticmethod
    def initial_for(episode):
        arrested = timezone.localtime(episode.arrested_at)
        left = timezone.localtime(episode.left_custody_at) if episode.left_custody_at else None
        return {
            "version": episode.version,
            "arrested_date": arrested.date(),
            "arrested_time": f"{arrested:%H:%M}",
            "custody_suite": episode.custody_suite,
            "offence_summary": episode.offence_summary,
            "appropriate_adult": episode.appropriate_adult,
            "appropriate_adult_name": episode.appropriate_adult_name,
            "police_safeguarding_report": answer(episode.police_safeguarding_report),
            "seen_by_liaison_and_diversion": answer(episode.seen_by_liaison_and_diversion),
            "strip_searched": "yes" if episode.strip_searched else "no",
            "left_date": left.date() if left else None,
            "left_time": f"{left:%H:%M}" if left else "",
            "outcome": episode.outcome,
        }


class ReceiveForm(MomentMixin, forms.Form):
    moments = (("received", "Enter the time the form arrived"),)

    received_date = GovukDateField(
        label="Date the form arrived", error_messages={"required": "Enter the date the form arrived"}
    )
    received_time = time_field("Time it arrived", message="Enter the time the form arrived")
    concern_flagged_by_aa = radios(
        "Did the appropriate adult raise a safeguarding concern?",
        YES_NO,
        inline=True,
        message="Say whether the appropriate adult raised a safeguarding concern",
    )

    def clean_received_time(self):
        return clean_clock(self.cleaned_data["received_time"])


class ScreenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    route = radios("What happens next?", AppropriateAdultScreening.Route.choices, message="Choose what happens next")
    findings = textarea(
        "What the screening found",
        required=True,
        rows=6,
        message="Write what the screening found and what was done",
        help_text="Include what you found on the social care and early help records, and any MASH worker you spoke to",
    )
    categories = forms.MultipleChoiceField(
        label="Kinds of concern (for a MASH referral)",
        required=False,
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = radios(
        "Did the family consent to the referral?",
        [c for c in AppropriateAdultScreening.Consent.choices if c[0] != "not_needed"],
        required=False,
        help_text="Needed for a MASH referral or a request for support. Leave blank for the other routes",
    )
    consent_reason = textarea("Why consent was not sought, or what happened when you tried", rows=3)


class PaceRequestForm(MomentMixin, forms.Form):
    moments = (("requested", "Enter the time the police asked"),)

    requested_date = GovukDateField(
        label="Date the police asked", error_messages={"required": "Enter the date the police asked"}
    )
    requested_time = time_field("Time they asked", message="Enter the time the police asked")
    secure_requested = radios(
        "Did the police ask for a secure bed?",
        YES_NO,
        inline=True,
        message="Say whether a secure bed was asked for",
        help_text="Only for a child aged 12 or over who could seriously harm the public before court",
    )

    def clean_requested_time(self):
        return clean_clock(self.cleaned_data["requested_time"])


class PaceOutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = radios(
        "Where did the child go?", PaceAccommodationRequest.Outcome.choices, message="Choose where the child went"
    )
    reason = textarea("Reason", rows=4, help_text="Needed if the child stayed in police custody")


class EscalationForm(forms.Form):
    notes = textarea(
        "What was raised with the custody sergeant",
        required=True,
        rows=4,
        message="Write what was raised, with whom, and the answer",
        help_text="For example, how long the child was held, needs not met, or why the detention was not appropriate",
    )

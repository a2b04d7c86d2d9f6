"""Forms for the custody care pages. They shape the pages; the rules are in services.py."""

from django import forms

from config.govuk_forms import GovukDateField

from ..forms_common import YES_NO, as_bool, textarea
from ..models import CustodyVisit


def date_field(label, *, required=False, message="", help_text=""):
    return GovukDateField(
        label=label, required=required, help_text=help_text, error_messages={"required": message} if message else {}
    )


def yes_no(label, *, required=True, message="", help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": message} if message else {},
    )


class LookedAfterReviewForm(forms.Form):
    held_on = date_field("Date of the review", required=True, message="Enter the date the review was held")
    chair_name = forms.CharField(
        label="Independent reviewing officer who chaired it",
        max_length=200,
        error_messages={"required": "Enter who chaired the review: the independent reviewing officer"},
    )
    child_attended = yes_no("Did the child take part?", message="Say whether the child took part in the review")
    decisions = textarea("What the review decided", rows=5, required=True, message="Enter what the review decided")
    next_review_on = date_field("Date of the next review (optional)")

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["child_attended"] = as_bool(data["child_attended"])
        return data


class LookedAfterReviewEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    chair_name = forms.CharField(label="Independent reviewing officer who chaired it", max_length=200, required=False)
    child_attended = yes_no("Did the child take part?", message="Say whether the child took part in the review")
    decisions = textarea("What the review decided", rows=5, required=True, message="Enter what the review decided")
    next_review_on = date_field("Date of the next review (optional)")

    def service_data(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["child_attended"] = as_bool(data["child_attended"])
        return data


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of visit?",
        choices=CustodyVisit.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of visit"},
    )
    visited_on = date_field("Date of the visit", required=True, message="Enter the date of the visit")
    csc_visitor = forms.CharField(label="Children's social care worker who visited", max_length=200, required=False)
    cyjs_visitor = forms.CharField(
        label="Youth justice worker who visited", max_length=200, required=False, help_text="Needed for a joint visit"
    )
    child_seen_alone = yes_no("Was the child seen alone? (optional)", required=False)
    notes = textarea("Notes (optional)", rows=4)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in CustodyVisit.Kind.choices if c[0] in kinds]

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["child_seen_alone"] = as_bool(data.get("child_seen_alone"))
        return data


class BailPackageReviewForm(forms.Form):
    reviewed_on = date_field("Date of the review", required=True, message="Enter the date of the review")
    bail_could_be_offered = yes_no(
        "Could a community bail package be offered?", message="Say whether a bail package could be offered"
    )
    package_proposed = textarea(
        "The bail package proposed",
        rows=4,
        help_text="Where the child would live and the support. Needed if a package could be offered",
    )
    csc_consulted = yes_no("Was it considered with children's social care? (optional)", required=False)
    next_hearing_on = date_field("Date of the next court hearing (optional)")
    next_review_on = date_field("Date of the next review (optional)")

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["bail_could_be_offered"] = as_bool(data["bail_could_be_offered"])
        data["csc_consulted"] = bool(as_bool(data.get("csc_consulted")))
        return data


class PlanningMeetingForm(forms.Form):
    held_on = date_field("Date of the meeting", required=True, message="Enter the date the meeting was held")
    attendees = textarea("Who attended", rows=3, required=True, message="Enter who attended the meeting")
    decisions = textarea("What was agreed (optional)", rows=5)

"""Forms for conference and plan pages. They shape the pages; the rules are in services.py."""

from datetime import time

from django import forms

from config.govuk_forms import GovukDateField

from ..forms_common import YES_NO, WorkerChoiceField, as_bool, parse_clock, textarea, time_field
from ..forms_common import moment as local_moment
from ..models import AbuseCategory, Capacity, ChildProtectionPlan

text = textarea
PersonChoice = WorkerChoiceField


def yes_no(label, *, message, required=True, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": message},
    )


def clean_time(value):
    if not value:
        return None
    clock = parse_clock(value)
    if clock is None:
        raise forms.ValidationError("Enter a real time, for example 14:30")
    return clock


def who(name, organisation):
    return f"{name} ({organisation})" if organisation else name


def moment(day, at):
    """A date and (by default 9:00) a time in the service's time zone; None without a date."""
    if day is None:
        return None
    return local_moment(day, at or time(9))


class ArrangeForm(forms.Form):
    scheduled_date = GovukDateField(
        label="Date of the conference",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the conference"},
    )
    scheduled_time = time_field("Time", message="Enter the time of the conference")
    chair = PersonChoice(
        label="Chair (optional)",
        queryset=None,
        required=False,
        empty_label="Not chosen yet",
        help_text="An independent chair who does not manage this case",
    )
    invite = forms.MultipleChoiceField(label="Who to invite", required=False, widget=forms.CheckboxSelectMultiple)
    extra_name = forms.CharField(label="Name (optional)", required=False, max_length=200)
    extra_organisation = forms.CharField(label="Organisation (optional)", required=False, max_length=200)
    extra_capacity = forms.ChoiceField(
        label="Taking part as", required=False, choices=[("", "Choose")] + list(Capacity.choices)
    )

    def __init__(self, *args, chairs, suggested, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = suggested
        self.fields["chair"].queryset = chairs
        self.fields["invite"].choices = [
            (str(i), f"{who(row['name'], row['organisation'])}: {Capacity(row['capacity']).label}")
            for i, row in enumerate(suggested)
        ]
        self.fields["invite"].help_text = "From the earlier meeting. Untick anyone not to invite" if suggested else ""
        self.initial.setdefault("invite", [str(i) for i in range(len(suggested))])

    def clean_scheduled_time(self):
        return clean_time(self.cleaned_data["scheduled_time"])

    def clean(self):
        data = super().clean()
        if data.get("extra_name") and not data.get("extra_capacity"):
            self.add_error("extra_capacity", "Choose in what capacity they take part")
        return data

    def invitees(self):
        data = self.cleaned_data
        people = [self.suggested[int(i)] for i in data["invite"]]
        if data.get("extra_name"):
            people.append(
                {
                    "name": data["extra_name"],
                    "organisation": data["extra_organisation"],
                    "capacity": data["extra_capacity"],
                }
            )
        return people

    def scheduled_for(self):
        return moment(self.cleaned_data.get("scheduled_date"), self.cleaned_data.get("scheduled_time"))


class TransferInForm(forms.Form):
    transferring_authority = forms.CharField(
        label="Authority the child moved from",
        max_length=200,
        error_messages={"required": "Enter the authority the child moved from"},
    )
    notified_on = GovukDateField(
        label="Date you were told of the move",
        help_text="The 15 working days count from this date",
        error_messages={"required": "Enter the date you were told of the move"},
    )
    scheduled_date = GovukDateField(label="Date of the conference (optional)", required=False)
    scheduled_time = time_field("Time (optional)", required=False)
    chair = PersonChoice(label="Chair (optional)", queryset=None, required=False, empty_label="Not chosen yet")

    def __init__(self, *args, chairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs

    def clean_scheduled_time(self):
        return clean_time(self.cleaned_data["scheduled_time"])


ATTENDANCE = [("attended", "Attended"), ("apologies", "Sent apologies"), ("absent", "Did not attend")]


class RecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_date = GovukDateField(label="Date held", error_messages={"required": "Enter the date the conference was held"})
    held_time = time_field("Time it started", message="Enter the time the conference started")
    chair = PersonChoice(
        label="Chair",
        queryset=None,
        empty_label="Choose the chair",
        error_messages={"required": "Choose who chaired the conference"},
    )
    reports_shared_with_parents = yes_no(
        "Were the reports shared with the parents before the conference?",
        message="Say whether the reports were shared with the parents",
    )
    parents_told_about_advocacy = yes_no(
        "Were the parents told how to get an advocate?", message="Say whether the parents were told about advocacy"
    )
    plan_needed = yes_no(
        "Does the child need a child protection plan?", message="Say whether the child needs a child protection plan"
    )
    category = forms.ChoiceField(
        label="Category of abuse",
        required=False,
        choices=AbuseCategory.choices,
        widget=forms.RadioSelect,
        help_text="Only if the child needs a plan",
    )
    lead_social_worker = PersonChoice(
        label="Lead social worker",
        queryset=None,
        required=False,
        empty_label="Choose",
        help_text="Only if the child needs a plan",
    )
    decision_reasons = text("Reasons for the decision", rows=4)
    outline_plan = text("Outline plan", help_text="What must change, by how much and by when", rows=6)
    court_proceedings_considered = text(
        "Family court proceedings",
        help_text="What the conference decided about starting proceedings, thinking of every child in the household",
    )
    core_group = forms.MultipleChoiceField(
        label="Core group",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The professionals and family members who will carry out the plan",
    )
    lateness_reason = text("Reason the conference is late (if it is)", rows=3)

    def __init__(self, *args, conference, chairs, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.people = list(conference.participants.all())
        self.fields["chair"].queryset = chairs
        self.fields["lead_social_worker"].queryset = workers
        self.fields["core_group"].choices = [(str(p.pk), who(p.name, p.organisation)) for p in self.people]
        if conference.kind != "review":
            del self.fields["court_proceedings_considered"]
        else:
            self.fields["category"].help_text = "Leave as it is unless the conference changed it"
            del self.fields["core_group"]
        for person in self.people:
            self.fields[f"p{person.pk}_attendance"] = forms.ChoiceField(
                label=f"Did {person.name} attend?",
                choices=ATTENDANCE,
                required=False,
                widget=forms.RadioSelect(attrs={"inline": True}),
            )
            self.fields[f"p{person.pk}_report"] = forms.BooleanField(label="Sent a report", required=False)
            self.fields[f"p{person.pk}_shared"] = forms.ChoiceField(
                label="Was their report shared with the parents?",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect(attrs={"inline": True}),
            )

    def attendance_rows(self):
        for person in self.people:
            yield person, self[f"p{person.pk}_attendance"], self[f"p{person.pk}_report"], self[f"p{person.pk}_shared"]

    def clean_held_time(self):
        return clean_time(self.cleaned_data["held_time"])

    def service_kwargs(self):
        data = self.cleaned_data
        attendance = []
        for person in self.people:
            answer = data.get(f"p{person.pk}_attendance")
            attendance.append(
                {
                    "participant_id": person.pk,
                    "attended": None if not answer else answer == "attended",
                    "sent_apologies": answer == "apologies",
                    "report_received": bool(data.get(f"p{person.pk}_report")),
                    "report_shared_with_parents": as_bool(data.get(f"p{person.pk}_shared")),
                }
            )
        chosen = {int(i) for i in data.get("core_group") or []}
        core_group = [
            {"name": p.name, "organisation": p.organisation, "capacity": p.capacity, "role": p.role, "user": p.user}
            for p in self.people
            if p.pk in chosen
        ]
        return {
            "expected_version": data["version"],
            "held_at": moment(data.get("held_date"), data.get("held_time")),
            "chair": data.get("chair"),
            "attendance": attendance,
            "reports_shared_with_parents": as_bool(data.get("reports_shared_with_parents")),
            "parents_told_about_advocacy": as_bool(data.get("parents_told_about_advocacy")),
            "plan_needed": as_bool(data.get("plan_needed")),
            "category": data.get("category") or "",
            "lead_social_worker": data.get("lead_social_worker"),
            "core_group": core_group,
            "decision_reasons": data.get("decision_reasons", ""),
            "outline_plan": data.get("outline_plan", ""),
            "court_proceedings_considered": data.get("court_proceedings_considered", ""),
            "lateness_reason": data.get("lateness_reason", ""),
        }


class PlanEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    detail = text("The plan", help_text="What must change, by how much and by when, and who does what", rows=10)
    child_agrees = forms.ChoiceField(
        label="Does the child agree with the plan?",
        choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not asked yet, or too young to say")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the child agrees with the plan"},
    )
    lead_social_worker = PersonChoice(
        label="Lead social worker",
        queryset=None,
        empty_label="Choose",
        error_messages={"required": "Choose the lead social worker"},
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_social_worker"].queryset = workers

    def service_data(self):
        data = self.cleaned_data
        return {
            "detail": data["detail"],
            "child_agrees": as_bool(data["child_agrees"]),
            "lead_social_worker": data["lead_social_worker"],
        }


ACTION_ROWS = 3


class CoreGroupForm(forms.Form):
    held_on = GovukDateField(label="Date of the meeting", error_messages={"required": "Enter the date of the meeting"})
    progress = text("Progress against the plan", rows=5)
    decisions = text("What the core group decided", required=True, rows=5, message="Write what the core group decided")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(plan.core_group.all())
        for person in self.members:
            self.fields[f"m{person.pk}_attended"] = forms.BooleanField(
                label=f"{person.name} attended", required=False, initial=True
            )
            self.fields[f"m{person.pk}_views"] = text(
                f"{person.name}'s written views, if they could not attend", rows=2
            )
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action{n}_description"] = forms.CharField(
                label="What will be done", required=False, max_length=2000
            )
            self.fields[f"action{n}_owner"] = forms.CharField(label="Who will do it", required=False, max_length=200)
            self.fields[f"action{n}_due"] = GovukDateField(label="By when", required=False)

    def member_rows(self):
        for person in self.members:
            yield person, self[f"m{person.pk}_attended"], self[f"m{person.pk}_views"]

    def action_rows(self):
        for n in range(1, ACTION_ROWS + 1):
            yield n, self[f"action{n}_description"], self[f"action{n}_owner"], self[f"action{n}_due"]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "progress": data["progress"],
            "decisions": data["decisions"],
            "attendance": [
                {
                    "participant_id": p.pk,
                    "attended": bool(data.get(f"m{p.pk}_attended")),
                    "written_views": data.get(f"m{p.pk}_views", ""),
                }
                for p in self.members
            ],
            "actions": [
                {
                    "description": data.get(f"action{n}_description", ""),
                    "owner_name": data.get(f"action{n}_owner", ""),
                    "due_on": data.get(f"action{n}_due"),
                }
                for n in range(1, ACTION_ROWS + 1)
            ],
        }


class EndPlanForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = GovukDateField(label="Date the plan ends", error_messages={"required": "Enter the date the plan ends"})
    reason = forms.ChoiceField(
        label="Why is the plan ending?",
        choices=ChildProtectionPlan.EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the plan is ending"},
    )
    receiving_authority = forms.CharField(
        label="Authority the child moved to",
        required=False,
        max_length=200,
        help_text="Only if the child moved permanently to another authority",
    )
    receiving_authority_notified_on = GovukDateField(label="Date they were told of the move", required=False)
    receiving_conference_on = GovukDateField(
        label="Date of their child protection conference",
        required=False,
        help_text="The plan can end only after this conference",
    )
    notes = text("Notes (optional)", help_text="For example, the support the family will still get", rows=4)

"""Starting and stopping statutory clocks: the only way other apps create and close deadlines."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.signals import records_changed

from .caches import cached, one_generation
from .calendar import WorkingCalendar, add_working_days
from .models import ClosureDay, Deadline, TimescaleRule
from .rules import rule_in_force
from .timescales import DueMoment, OfficeHours, compute_due, day_text, moment_text, office_opening


def calendar_for(authority) -> WorkingCalendar:
    """The authority's working calendar; its closure days are kept per process (notifications/caches.py)."""
    if authority is None:
        return WorkingCalendar()
    closures = cached(
        "closures",
        authority.pk,
        lambda: tuple(ClosureDay.objects.filter(authority_id=authority.pk).values_list("date", "reason")),
    )
    return WorkingCalendar(region=authority.bank_holiday_region, closures=closures)


def office_hours_for(authority) -> OfficeHours:
    if authority is None:
        return OfficeHours()
    return OfficeHours(authority.office_hours_start, authority.office_hours_end)


def action_times(deadline: Deadline, rule: TimescaleRule, calendar: WorkingCalendar, office: OfficeHours):
    """Reminder moments (latest offset first), then the breach moment, then escalation moments."""
    due_day = deadline.due_date or timezone.localtime(deadline.due_at).date()
    reminders = [
        office_opening(add_working_days(due_day, -offset, calendar=calendar), office)
        for offset in sorted(rule.reminder_offsets, reverse=True)
    ]
    escalations = [
        office_opening(add_working_days(due_day, rule.escalation_every * level, calendar=calendar), office)
        for level in range(1, len(rule.escalation_chain) + 1)
    ]
    return reminders, deadline.due_at, escalations


def next_action_at(deadline: Deadline, rule: TimescaleRule, calendar: WorkingCalendar, office: OfficeHours):
    if not deadline.is_open:
        return None
    reminders, due_at, escalations = action_times(deadline, rule, calendar, office)
    if deadline.status == Deadline.Status.OPEN:
        if deadline.reminders_sent < len(reminders):
            return min(reminders[deadline.reminders_sent], due_at)
        return due_at
    if deadline.escalation_level < len(escalations):
        return escalations[deadline.escalation_level]
    return None


@dataclass(frozen=True)
class ClockPlan:
    """What starting a clock will record, worked out before its subject is saved (see plan_clock)."""

    rule: TimescaleRule
    agency: object
    responsible: object
    started_at: datetime
    anchor_at: datetime
    calendar: WorkingCalendar
    office: OfficeHours
    due: DueMoment

    @property
    def due_at(self):
        return self.due.due_at


def plan_clock(
    rule_code: str,
    *,
    started_at: datetime | None = None,
    anchor_at: datetime | None = None,
    responsible=None,
    agency=None,
) -> ClockPlan:
    """The rule, calendar and due moment for a clock, without saving anything.

    Lets a service store the due moment on its own record as it first saves it,
    then start the clock from the same plan (start_clock(..., plan=plan)).
    """
    started_at = started_at or timezone.now()
    anchor_at = anchor_at or started_at
    agency = agency or (responsible.agency if responsible is not None else None)
    authority = agency.authority if agency is not None else None
    with one_generation():  # one look at the shared cache for the rule and the calendar
        rule = rule_in_force(rule_code, authority)
        calendar = calendar_for(authority)
    if rule.reference_only:
        raise ValueError(f"{rule_code!r} is listed for reference only: nothing here starts its clock")
    office = office_hours_for(authority)
    due = compute_due(rule, anchor_at, calendar=calendar, office=office)
    return ClockPlan(rule, agency, responsible, started_at, anchor_at, calendar, office, due)


def start_clock(
    rule_code: str,
    subject,
    *,
    child,
    started_at: datetime | None = None,
    anchor_at: datetime | None = None,
    responsible=None,
    agency=None,
    plan: ClockPlan | None = None,
) -> Deadline:
    """Start the clock `rule_code` for a record about a child.

    `anchor_at` is the event the rule counts from (the release date for a
    countdown); it defaults to `started_at`, which defaults to now. With `plan`
    (from plan_clock, for the same rule) those come from the plan instead.

    One INSERT and no savepoint: if it fails, the caller's transaction fails
    with it (Model.save marks it for rollback).
    """
    if plan is None:
        plan = plan_clock(rule_code, started_at=started_at, anchor_at=anchor_at, responsible=responsible, agency=agency)
    elif plan.rule.code != rule_code:
        raise ValueError(f"A plan for {plan.rule.code!r} cannot start {rule_code!r}")
    rule, calendar, office, due = plan.rule, plan.calendar, plan.office, plan.due
    deadline = Deadline(
        rule=rule,
        rule_code=rule.code,
        rule_version=rule.version,
        child=child,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        responsible=plan.responsible,
        agency=plan.agency,
        started_at=plan.started_at,
        anchor_at=plan.anchor_at,
        due_at=due.due_at,
        due_date=due.due_date,
        explanation=due.explanation,
        calendar_used=due.calendar_used,
    )
    # Reminders whose moment passed before the clock started are not sent late.
    reminders, _, _ = action_times(deadline, rule, calendar, office)
    deadline.reminders_sent = sum(1 for moment in reminders if moment <= plan.started_at)
    deadline.next_action_at = next_action_at(deadline, rule, calendar, office)
    deadline.save()
    deadline._calendar = calendar  # the working calendar it was computed with, for its traffic light now
    return deadline


def due_text(deadline: Deadline) -> str:
    return day_text(deadline.due_date) if deadline.due_date else moment_text(deadline.due_at)


# --- Waiting periods (TimescaleRule.Kind.WAITING_PERIOD): an earliest date, not a deadline -----------------


def free_from(deadline: Deadline) -> date:
    """The first day the waited-for step may happen: the day after a day or month rule's last day."""
    if deadline.due_date:
        return deadline.due_date + timedelta(days=1)
    return timezone.localtime(deadline.due_at).date()


def free_from_text(deadline: Deadline) -> str:
    """When the step may happen: "Mon 1 Mar 2027" (an hour rule: the moment itself)."""
    return day_text(free_from(deadline)) if deadline.due_date else moment_text(deadline.due_at)


def allowed_from_text(deadline: Deadline) -> str:
    """ "CSC may close from Mon 1 Mar 2027": the rule's stop event and the first day it may happen."""
    stop = deadline.rule.stop_event
    return f"{stop[:1].upper()}{stop[1:]} from {free_from_text(deadline)}"


def date_label(deadline: Deadline) -> str:
    """A deadline's date as people read it: "Sun 28 Feb 2027", or a waiting period's
    "Stays open until Sun 28 Feb 2027" (never "due")."""
    if deadline.is_waiting_period:
        if deadline.is_open:
            return f"Stays open until {due_text(deadline)}"
        if deadline.status in (Deadline.Status.MET, Deadline.Status.MET_LATE):
            return f"Stayed open until {due_text(deadline)}"
        return f"Until {due_text(deadline)}"
    return due_text(deadline)


def open_deadlines(rule_code: str, subject):
    return Deadline.objects.filter(
        rule_code=rule_code,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        status__in=Deadline.OPEN_STATUSES,
    )


@transaction.atomic
def stop_clock(rule_code: str, subject, *, stopped_at: datetime | None = None, reason: str = "") -> list[Deadline]:
    """Close the open `rule_code` deadlines of a record: met, or met late.

    A late close of a rule that requires a reason is refused without one.
    """
    stopped_at = stopped_at or timezone.now()
    reason = (reason or "").strip()
    closed = []
    for deadline in open_deadlines(rule_code, subject).select_for_update().select_related("rule"):
        late = stopped_at > deadline.due_at
        if late and deadline.rule.reason_required_if_late and not reason:
            raise ValidationError({"reason": f"This was due {due_text(deadline)}. Give the reason it is late."})
        deadline.status = Deadline.Status.MET_LATE if late else Deadline.Status.MET
        deadline.met_at = stopped_at
        deadline.lateness_reason = reason if late else ""
        deadline.next_action_at = None
        deadline.save(update_fields=["status", "met_at", "lateness_reason", "next_action_at"])
        closed.append(deadline)
    return closed


@transaction.atomic
def cancel_clock(rule_code: str, subject, *, reason: str) -> int:
    """The step is no longer needed (for example the child moved away)."""
    clocks = open_deadlines(rule_code, subject)
    children = set(clocks.values_list("child_id", flat=True))
    cancelled = clocks.update(status=Deadline.Status.CANCELLED, next_action_at=None, lateness_reason=reason)
    records_changed.send(sender=Deadline, child_ids=children)
    return cancelled

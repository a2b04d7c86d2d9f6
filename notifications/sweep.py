"""The deadline sweep: reminders before due, a notice when missed, escalation after.

Exactly once: each batch claims its rows with SELECT ... FOR UPDATE SKIP
LOCKED, so two workers never hold the same deadline; the notices, in-app
notifications and the deadline's own bookkeeping commit together, so a worker
that dies mid-batch leaves nothing half done; and a unique constraint on
(deadline, kind, recipient) is the last line of defence. Only rows whose
`next_action_at` has come are read (a partial index), so a sweep costs what
is due, not what is open.

A waiting period (TimescaleRule.Kind.WAITING_PERIOD, an earliest date such as
000 ¶20.5's three months CSC stays open after a DTO) gets its reminders, worded
as ending soon, and at its due moment is marked ended (met at that moment):
never a breach notice or escalation.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casework.who_works_with import manager_of

from .clocks import action_times, allowed_from_text, calendar_for, next_action_at, office_hours_for
from .models import Deadline, DeadlineNotice, Notification

BATCH_SIZE = 1000


@dataclass
class SweepResult:
    deadlines: int = 0
    notices: int = 0
    batches: int = 0
    by_kind: dict = field(default_factory=dict)


class _Recipients:
    """Finds who to tell, caching look-ups by agency and role for the whole sweep."""

    def __init__(self):
        self._by_role = {}

    def holder_of(self, role: str, deadline: Deadline):
        # Walk up the responsible worker's line-management chain first.
        person = deadline.responsible
        for _ in range(6):
            if person is None:
                break
            if person.role == role and person.is_active:
                return person
            person = person.line_manager
        agency_id = deadline.agency_id
        key = (agency_id, role)
        if key not in self._by_role:
            self._by_role[key] = (
                User.objects.filter(role=role, is_active=True, agency_id=agency_id).order_by("id").first()
                if agency_id
                else None
            )
        return self._by_role[key]


def _subject_line(kind: str, deadline: Deadline) -> str:
    title = deadline.rule.title
    if deadline.rule.is_waiting_period:
        # An earliest date, not a deadline: it ends soon, then it is over; nothing is ever missed.
        if kind.startswith("reminder"):
            return f"Waiting period ends soon: {title}"
        return f"Waiting period over: {title}"
    if kind.startswith("reminder"):
        return f"Due soon: {title}"
    if kind == "breach":
        return f"Missed: {title}"
    return f"Still overdue, escalated to you: {title}"


def _body(deadline: Deadline) -> str:
    if deadline.rule.is_waiting_period:
        return f"{allowed_from_text(deadline)}. {deadline.explanation}"
    return deadline.explanation


def _process_waiting_period(deadline: Deadline, now, reminders, due_at, calendar, office):
    """A waiting period (an earliest date, e.g. 000 ¶20.5: CSC stays open 3 months after a DTO):
    reminders that it ends soon, then at its due moment it is over: MET, met at exactly the due
    moment, with a short notice to the responsible worker. Never a breach notice or escalation."""
    notices = []
    while deadline.next_action_at is not None and deadline.next_action_at <= now:
        if now >= due_at or deadline.status != Deadline.Status.OPEN:
            deadline.reminders_sent = len(reminders)
            deadline.status = Deadline.Status.MET
            deadline.met_at = due_at
            deadline.next_action_at = None
            if deadline.responsible:
                notices.append((DeadlineNotice.Kind.ENDED.value, deadline.responsible))
            break
        deadline.reminders_sent += 1
        if deadline.responsible:
            notices.append((f"reminder-{deadline.reminders_sent}", deadline.responsible))
        deadline.next_action_at = next_action_at(deadline, deadline.rule, calendar, office)
    return notices


def _process(deadline: Deadline, now, recipients: _Recipients, calendars: dict):
    """Work out every notice now due for one deadline and advance its bookkeeping."""
    rule = deadline.rule
    authority_id = deadline.agency.authority_id if deadline.agency_id else None
    if authority_id not in calendars:
        authority = deadline.agency.authority if deadline.agency_id else None
        calendars[authority_id] = (calendar_for(authority), office_hours_for(authority))
    calendar, office = calendars[authority_id]
    reminders, due_at, escalations = action_times(deadline, rule, calendar, office)
    if rule.is_waiting_period:
        return _process_waiting_period(deadline, now, reminders, due_at, calendar, office)
    notices = []
    while deadline.next_action_at is not None and deadline.next_action_at <= now:
        if deadline.status == Deadline.Status.OPEN and now >= due_at:
            deadline.reminders_sent = len(reminders)  # too late to remind
            deadline.status = Deadline.Status.BREACHED
            told = {deadline.responsible, manager_of(deadline.responsible)} - {None}
            if not told and rule.escalation_chain:
                # Nobody allocated: the first person in the chain hears of it.
                told = {recipients.holder_of(rule.escalation_chain[0], deadline)} - {None}
            notices += [("breach", person) for person in told]
        elif deadline.status == Deadline.Status.OPEN:
            deadline.reminders_sent += 1
            if deadline.responsible:
                notices.append((f"reminder-{deadline.reminders_sent}", deadline.responsible))
        else:
            deadline.escalation_level += 1
            role = rule.escalation_chain[deadline.escalation_level - 1]
            person = recipients.holder_of(role, deadline)
            if person:
                notices.append((f"escalation-{deadline.escalation_level}", person))
        deadline.next_action_at = next_action_at(deadline, rule, calendar, office)
    return notices


def sweep_deadlines(*, now=None, batch_size: int = BATCH_SIZE, max_batches: int | None = None) -> SweepResult:
    """Act on every deadline whose next action has come. Safe to run often and in parallel."""
    now = now or timezone.now()
    result = SweepResult()
    recipients = _Recipients()
    # One calendar and office hours an authority (None: the defaults), for the whole sweep.
    calendars: dict[int | None, tuple] = {}
    while max_batches is None or result.batches < max_batches:
        with transaction.atomic():
            batch = list(
                Deadline.objects.filter(status__in=Deadline.OPEN_STATUSES, next_action_at__lte=now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "rule",
                    "agency__authority",
                    "responsible__team__manager",
                    "responsible__line_manager__line_manager__line_manager",
                )
                .order_by("next_action_at")[:batch_size]
            )
            if not batch:
                break
            result.batches += 1
            wanted = []
            for deadline in batch:
                wanted += [(deadline, kind, person) for kind, person in _process(deadline, now, recipients, calendars)]
            _send(wanted, now, result)
            _save_progress(batch)
            result.deadlines += len(batch)
    return result


_PROGRESS_FIELDS = ["status", "met_at", "next_action_at", "reminders_sent", "escalation_level"]


def _save_progress(batch):
    """Write back each deadline's bookkeeping in one statement.

    Django's bulk_update builds a CASE expression per field per row, which is
    most of a sweep's time at scale; PostgreSQL takes the values as a table.
    """
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(batch, _PROGRESS_FIELDS)
        return
    rows = ", ".join(["(%s, %s, %s::timestamptz, %s::timestamptz, %s, %s)"] * len(batch))
    params = []
    for d in batch:
        params += [d.pk, d.status, d.met_at, d.next_action_at, d.reminders_sent, d.escalation_level]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Deadline._meta.db_table} AS d SET status = v.status, met_at = v.met_at, "
            "next_action_at = v.next_action_at, "
            "reminders_sent = v.reminders_sent, escalation_level = v.escalation_level "
            f"FROM (VALUES {rows}) AS v(id, status, met_at, next_action_at, reminders_sent, escalation_level) "
            "WHERE d.id = v.id",
            params,
        )


def _send(wanted, now, result: SweepResult):
    if not wanted:
        return
    ids = {d.pk for d, _, _ in wanted}
    sent = set(DeadlineNotice.objects.filter(deadline_id__in=ids).values_list("deadline_id", "kind", "recipient_id"))
    told = {(deadline_id, recipient_id) for deadline_id, _, recipient_id in sent}
    fresh = []
    for deadline, kind, person in wanted:
        if (deadline.pk, kind, person.pk) in sent:
            continue
        # Someone already told about this deadline is not told again by escalation.
        if kind.startswith("escalation") and (deadline.pk, person.pk) in told:
            continue
        told.add((deadline.pk, person.pk))
        fresh.append((deadline, kind, person))
    DeadlineNotice.objects.bulk_create(
        [DeadlineNotice(deadline=d, kind=k, recipient=p, sent_at=now) for d, k, p in fresh], ignore_conflicts=True
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=p,
                subject=_subject_line(k, d),
                body=_body(d),
                link=reverse("child-detail", args=[d.child_id]) + "#deadlines",
            )
            for d, k, p in fresh
        ]
    )
    for _, kind, _ in fresh:
        base = kind.split("-")[0]
        result.by_kind[base] = result.by_kind.get(base, 0) + 1
    result.notices += len(fresh)
    # Email says only that something needs attention: no child's details leave the system by email.
    messages = [
        (_subject_line(k, d), "Sign in to see the details and act on it.", settings.DEFAULT_FROM_EMAIL, [p.email])
        for d, k, p in fresh
        if p.email
    ]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))

"""Reads of deadlines, with the traffic-light status people see."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.access import visible_children
from casework.justice.sharing import unreadable_deadlines

from .calendar import add_working_days
from .clocks import calendar_for, date_label
from .models import Deadline, TimescaleRule
from .timescales import end_of_day

RED, AMBER, GREEN, DONE = "red", "amber", "green", "done"
# A running waiting period (an earliest date, e.g. 000 ¶20.5): never red, whatever the date.
WAITING = "waiting"


def rag(deadline: Deadline, *, now=None, calendar=None) -> str:
    """Overdue is red; due by the end of the next working day is amber; closed is done.
    A waiting period is never overdue: it is "waiting" until it ends."""
    if not deadline.is_open:
        return DONE
    if deadline.is_waiting_period:
        return WAITING
    now = now or timezone.now()
    if deadline.status == Deadline.Status.BREACHED or deadline.due_at <= now:
        return RED
    calendar = calendar or calendar_for(deadline.agency.authority if deadline.agency_id else None)
    next_working_day = add_working_days(timezone.localdate(now), 1, calendar=calendar)
    return AMBER if deadline.due_at <= end_of_day(next_working_day) else GREEN


def with_rag(deadlines, *, now=None) -> list[Deadline]:
    """Set `.rag` on each deadline, building each authority's calendar once."""
    now = now or timezone.now()
    calendars = {}
    rows = list(deadlines)
    for deadline in rows:
        authority = deadline.agency.authority if deadline.agency_id else None
        key = authority.pk if authority else None
        if key not in calendars:
            calendars[key] = calendar_for(authority)
        deadline.rag = rag(deadline, now=now, calendar=calendars[key])
    return rows


def deadlines_visible_to(user, deadlines: QuerySet | None = None) -> QuerySet:
    """The deadlines `user` may see (of `deadlines`, else all): every page and API that lists
    deadlines asks here.

    Only children the user may see (accounts.access), and none on a youth justice record in a
    section they may not read (casework.justice.sharing.unreadable_deadlines). Those are left out
    entirely, not shown blanked, so a list says nothing of them.
    """
    deadlines = Deadline.objects.all() if deadlines is None else deadlines
    deadlines = deadlines.filter(child__in=visible_children(user).values("pk"))
    hidden = unreadable_deadlines(user)
    return deadlines if hidden is None else deadlines.exclude(hidden)


def child_deadlines(*, child, viewer):
    """The child's deadlines that `viewer` may see, soonest first."""
    return (
        deadlines_visible_to(viewer, Deadline.objects.filter(child=child))
        .select_related("rule", "responsible", "agency__authority")
        .order_by("due_at")
    )


def my_deadlines(*, user, limit=50):
    """The user's open deadlines that they may see, soonest first; a manager sees their team's as well."""
    mine = Q(responsible=user)
    if user.is_manager:
        mine |= Q(responsible__team__manager=user) | Q(responsible__line_manager=user)
    return (
        deadlines_visible_to(user, Deadline.objects.filter(mine, status__in=Deadline.OPEN_STATUSES))
        .select_related("rule", "responsible", "child", "agency__authority")
        .order_by("due_at")[:limit]
    )


def label_deadlines(rows, titles=None, *, now=None):
    """Give each deadline `overdue`, `due` text, `kind` and (with `titles`) a `title`, for a page or an API.

    A waiting period (an earliest date) is never overdue and its `due` reads
    "Stays open until <date>" (notifications.clocks.date_label)."""
    now = now or timezone.now()
    for row in rows:
        row.kind = TimescaleRule.Kind.WAITING_PERIOD if row.is_waiting_period else TimescaleRule.Kind.DEADLINE
        row.overdue = row.status in Deadline.OPEN_STATUSES and row.due_at < now and not row.is_waiting_period
        if titles is not None:
            row.title = titles.get(row.rule_code) or row.rule.title
        row.due = date_label(row)
    return rows


def deadlines_of(subject, titles=None, codes=None, ordering=("-started_at", "-id")):
    """The deadlines of a record (newest first unless `ordering` says otherwise), only `codes` if given,
    each labelled by `label_deadlines` with `titles` (rule code -> title)."""
    query = Deadline.objects.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
    if codes:
        query = query.filter(rule_code__in=codes)
    return label_deadlines(list(query.select_related("rule").order_by(*ordering)), titles)


def next_open_clock_due(model, codes, subject_ref="pk") -> Subquery:
    """The due moment of a record's soonest open clock of the rules `codes`, read in the same
    query as the record (`subject_ref` names the column that holds the record's id)."""
    return Subquery(
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id=OuterRef(subject_ref),
            rule_code__in=codes,
            status__in=Deadline.OPEN_STATUSES,
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )

"""Reads of deadlines, with the traffic-light status people see."""

from django.db.models import Q
from django.utils import timezone

from .calendar import add_working_days
from .clocks import calendar_for
from .models import Deadline
from .timescales import end_of_day

RED, AMBER, GREEN, DONE = "red", "amber", "green", "done"


def rag(deadline: Deadline, *, now=None, calendar=None) -> str:
    """Overdue is red; due by the end of the next working day is amber; closed is done."""
    if not deadline.is_open:
        return DONE
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


def child_deadlines(*, child):
    return (
        Deadline.objects.filter(child=child)
        .select_related("rule", "responsible", "agency__authority")
        .order_by("due_at")
    )


def my_deadlines(*, user, limit=50):
    """The user's open deadlines, soonest first; a manager sees their team's as well."""
    mine = Q(responsible=user)
    if user.is_manager:
        mine |= Q(responsible__team__manager=user) | Q(responsible__line_manager=user)
    return (
        Deadline.objects.filter(mine, status__in=Deadline.OPEN_STATUSES)
        .select_related("rule", "responsible", "child", "agency__authority")
        .order_by("due_at")[:limit]
    )

"""Which records each measure counts: one query per measure, shared by the monthly figures and the drill-down.

Every source answers a queryset of the records counted in the denominator (for a count:
the records counted), annotated with the agency, team and worker the record counts for
(`f_agency`, `f_team`, `f_worker`), and a condition saying which of them are in the
numerator (None for a count: every record). The definitions in words are in
data/measures.toml; tests/test_performance_measures.py holds the two together.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from casework.models import ChildProtectionPlan, Involvement
from notifications.models import Deadline, TimescaleRule
from referrals.models import Contact, Decision

from . import months
from .definitions import Measure

REFERRAL_OUTCOMES = Decision.REFERRAL_OUTCOMES
RE_REFERRAL_WINDOW = timedelta(days=365)
MET = (Deadline.Status.MET, Deadline.Status.MET_LATE)


@dataclass(frozen=True)
class Records:
    queryset: QuerySet
    numerator: Q | None
    # The drill-down's columns after the child, and the date it lists by.
    columns: tuple[str, ...]
    order_by: tuple[str, ...]


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y, %H:%M}" if moment else ""


def _day(day: date | None) -> str:
    return f"{day:%-d %b %Y}" if day else ""


def clock_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    start, end = months.bounds(month)
    queryset = (
        Deadline.objects.filter(rule_code__in=measure.rules, due_at__gte=start, due_at__lt=end)
        .exclude(status=Deadline.Status.CANCELLED)
        .exclude(status=Deadline.Status.OPEN, due_at__gte=now)
        .exclude(rule__kind=TimescaleRule.Kind.WAITING_PERIOD)
        .annotate(
            f_agency=Coalesce("agency_id", "responsible__agency_id"),
            f_team=F("responsible__team_id"),
            f_worker=F("responsible_id"),
        )
        .filter(f_agency__in=agency_ids)
    )
    numerator = Q(status__in=MET, met_at__lte=F("due_at"))
    return Records(queryset, numerator, ("What", "Due", "Done", "In time"), ("due_at", "id"))


def contacts_received_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    start, end = months.bounds(month)
    queryset = Contact.objects.filter(received_at__gte=start, received_at__lt=end, agency_id__in=agency_ids).annotate(
        f_agency=F("agency_id"), f_team=F("team_id"), f_worker=F("allocated_to_id")
    )
    return Records(queryset, None, ("Received", "Status"), ("received_at", "id"))


def re_referral_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    start, end = months.bounds(month)
    earlier = Decision.objects.filter(
        contact__child_id=OuterRef("child_id"),
        contact__agency_id__in=agency_ids,
        outcome__in=REFERRAL_OUTCOMES,
        decided_at__lt=OuterRef("decision__decided_at"),
        decided_at__gte=OuterRef("decision__decided_at") - RE_REFERRAL_WINDOW,
    ).exclude(contact_id=OuterRef("pk"))
    queryset = Contact.objects.filter(
        agency_id__in=agency_ids,
        decision__outcome__in=REFERRAL_OUTCOMES,
        decision__decided_at__gte=start,
        decision__decided_at__lt=end,
    ).annotate(
        f_agency=F("agency_id"),
        f_team=F("team_id"),
        f_worker=F("allocated_to_id"),
        f_earlier=Exists(earlier),
    )
    return Records(
        queryset, Q(f_earlier=True), ("Decided", "Earlier referral in 12 months"), ("decision__decided_at", "id")
    )


def involvements_open_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    day = months.as_at(month, timezone.localdate(now))
    queryset = (
        Involvement.objects.filter(kind__in=measure.involvement_kinds, agency_id__in=agency_ids, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .annotate(f_agency=F("agency_id"), f_team=F("team_id"), f_worker=F("allocated_worker_id"))
    )
    return Records(queryset, None, ("Open since", "Ended"), ("start", "id"))


def _plans(agency_ids):
    return ChildProtectionPlan.objects.annotate(
        f_agency=Coalesce("lead_social_worker__agency_id", "initial_conference__chair__agency_id"),
        f_team=F("lead_social_worker__team_id"),
        f_worker=F("lead_social_worker_id"),
    ).filter(f_agency__in=agency_ids)


def _open_on(plans, day: date):
    return plans.filter(started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def cp_plans_open_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    day = months.as_at(month, timezone.localdate(now))
    return Records(_open_on(_plans(agency_ids), day), None, ("Started", "Ended"), ("started_on", "id"))


def cp_plans_long_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    day = months.as_at(month, timezone.localdate(now))
    queryset = _open_on(_plans(agency_ids), day).filter(started_on__lte=months.two_years_before(day))
    return Records(queryset, None, ("Started", "Ended"), ("started_on", "id"))


def cp_plan_repeat_records(measure: Measure, *, agency_ids, month: date, now: datetime) -> Records:
    earlier = ChildProtectionPlan.objects.filter(child_id=OuterRef("child_id")).filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), pk__lt=OuterRef("pk"))
    )
    queryset = (
        _plans(agency_ids)
        .filter(started_on__gte=month, started_on__lte=months.last_day(month))
        .annotate(f_earlier=Exists(earlier))
    )
    return Records(queryset, Q(f_earlier=True), ("Started", "An earlier plan"), ("started_on", "id"))


SOURCES = {
    "clock": clock_records,
    "contacts_received": contacts_received_records,
    "re_referral": re_referral_records,
    "involvements_open": involvements_open_records,
    "cp_plans_open": cp_plans_open_records,
    "cp_plans_long": cp_plans_long_records,
    "cp_plan_repeat": cp_plan_repeat_records,
}


def records_for(measure: Measure, *, agency_ids, month: date, now: datetime | None = None) -> Records:
    """The records `measure` counts for `month` at the agencies `agency_ids`."""
    return SOURCES[measure.source](measure, agency_ids=agency_ids, month=month, now=now or timezone.now())


def in_time_text(deadline) -> str:
    if deadline.status in MET and deadline.met_at and deadline.met_at <= deadline.due_at:
        return "Yes"
    if deadline.status in MET:
        return "No: done late"
    return "No: not done"


def cells(measure: Measure, record) -> tuple[str, ...]:
    """The drill-down row of a record after the child, matching Records.columns."""
    source = measure.source
    if source == "clock":
        return (record.rule.title, _local(record.due_at), _local(record.met_at) or "Not done", in_time_text(record))
    if source == "contacts_received":
        return (_local(record.received_at), record.get_status_display())
    if source == "re_referral":
        return (_local(record.decision.decided_at), "Yes" if record.f_earlier else "No")
    if source == "involvements_open":
        return (_day(record.start), _day(record.end) or "Still open")
    if source == "cp_plan_repeat":
        return (_day(record.started_on), "Yes" if record.f_earlier else "No")
    return (_day(record.started_on), _day(record.ended_on) or "Still open")


def related(measure: Measure) -> tuple[str, ...]:
    """What the drill-down loads with each record, so a page is a fixed number of queries."""
    return {"clock": ("rule", "child"), "re_referral": ("decision", "child")}.get(measure.source, ("child",))

"""Turning a rule and an anchor moment into a due moment, with an explanation a person can read."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from .calendar import WorkingCalendar, add_working_days, non_working_days
from .models import TimescaleRule

Unit = TimescaleRule.Unit
DAY_UNITS = (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.MONTHS)


@dataclass(frozen=True)
class OfficeHours:
    start: time = time(8, 45)
    end: time = time(17, 0)

    @property
    def hours_per_day(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


@dataclass(frozen=True)
class DueMoment:
    due_at: datetime  # aware; the deadline is missed after this moment
    due_date: date | None  # for day and month rules
    explanation: str
    calendar_used: str


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day`, in the service's time zone (Europe/London)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def day_text(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def moment_text(moment: datetime) -> str:
    moment = local(moment)
    return f"{day_text(moment.date())} at {moment:%H:%M}"


def _not_counted(start: date, end: date, calendar: WorkingCalendar) -> str:
    skipped = non_working_days(start, end, calendar=calendar)
    weekend = [d for d, _ in skipped if d.weekday() >= 5]
    parts, weekend_said = [], False
    for day, why in skipped:
        if day.weekday() < 5:
            parts.append(f"{day_text(day)[:-5]} ({why})")
        elif len(weekend) <= 2 and not weekend_said:
            parts.append("–".join(f"{d:%a}" for d in weekend))
            weekend_said = True
    if len(weekend) > 2:
        parts.append(f"{len(weekend)} weekend days")
    return f" Not counted: {', '.join(parts)}." if parts else ""


def _calendar_text(calendar: WorkingCalendar, start: date, end: date) -> str:
    low, high = min(start, end), max(start, end)
    closures = [d.isoformat() for d, _ in calendar.closures if low <= d <= high]
    return f"{calendar.region} bank holidays" + (f"; closures {', '.join(closures)}" if closures else "")


def compute_due(
    rule: TimescaleRule, anchor_at: datetime, *, calendar: WorkingCalendar, office: OfficeHours = OfficeHours()
) -> DueMoment:
    """When a clock started at `anchor_at` under `rule` is due, and why."""
    anchor = local(anchor_at)
    anchor_day = anchor.date()
    lead = f"{rule.anchor_event[:1].upper()}{rule.anchor_event[1:]}"
    sign = -1 if rule.direction == TimescaleRule.Direction.BEFORE else 1
    duration = rule.duration_text[:1].upper() + rule.duration_text[1:]
    due = "ends" if getattr(rule, "is_waiting_period", False) else "due"  # a waiting period ends; nothing is due

    if rule.unit == Unit.WORKING_DAYS:
        due_day = add_working_days(anchor_day, sign * rule.amount, calendar=calendar, start_counts=rule.start_counts)
        counting = " The start day counts as day 1." if rule.start_counts else ""
        text = f"{lead} {day_text(anchor_day)}. {duration} → {due} {day_text(due_day)}.{counting}" + _not_counted(
            min(anchor_day, due_day), max(anchor_day, due_day), calendar
        )
        return DueMoment(end_of_day(due_day), due_day, text, _calendar_text(calendar, anchor_day, due_day))

    if rule.unit == Unit.CALENDAR_DAYS:
        due_day = anchor_day + timedelta(days=sign * rule.amount)
        text = f"{lead} {day_text(anchor_day)}. {duration} → {due} {day_text(due_day)}."
        return DueMoment(end_of_day(due_day), due_day, text, "calendar days")

    if rule.unit == Unit.MONTHS:
        due_day = anchor_day + relativedelta(months=sign * rule.amount)
        note = " (that month has no such day, so its last day)" if due_day.day != anchor_day.day else ""
        text = f"{lead} {day_text(anchor_day)}. {duration} → {due} {day_text(due_day)}{note}."
        return DueMoment(end_of_day(due_day), due_day, text, "calendar months")

    if rule.unit == Unit.HOURS:
        # Wall-clock hours in Europe/London: 24 hours from 15:00 is 15:00 the next day, across a clock change too.
        naive = anchor.replace(tzinfo=None) + timedelta(hours=sign * rule.amount)
        due_at = timezone.make_aware(naive)
        text = f"{lead} {moment_text(anchor)}. {duration} → {due} {moment_text(due_at)}."
        return DueMoment(due_at, None, text, "wall-clock hours, Europe/London")

    if rule.unit == Unit.WORKING_HOURS:
        if sign < 0:
            raise ValueError("Working-hour rules count forwards only")
        due_at = add_working_hours(anchor, rule.amount, calendar=calendar, office=office)
        text = (
            f"{lead} {moment_text(anchor)}. {duration} (office hours {office.start:%H:%M}–{office.end:%H:%M} "
            f"on working days) → {due} {moment_text(due_at)}."
            + _not_counted(anchor_day, local(due_at).date(), calendar)
        )
        return DueMoment(due_at, None, text, _calendar_text(calendar, anchor_day, local(due_at).date()))

    raise ValueError(f"Unknown unit {rule.unit}")


def add_working_hours(start: datetime, hours: int, *, calendar: WorkingCalendar, office: OfficeHours) -> datetime:
    """Count `hours` of office time on working days from `start`."""
    remaining = timedelta(hours=hours)
    moment = local(start).replace(tzinfo=None)
    while True:
        day = moment.date()
        opens, closes = datetime.combine(day, office.start), datetime.combine(day, office.end)
        if not calendar.is_working_day(day) or moment >= closes:
            moment = datetime.combine(day + timedelta(days=1), office.start)
            continue
        moment = max(moment, opens)
        available = closes - moment
        if remaining <= available:
            return timezone.make_aware(moment + remaining)
        remaining -= available
        moment = datetime.combine(day + timedelta(days=1), office.start)


def office_opening(day: date, office: OfficeHours) -> datetime:
    return timezone.make_aware(datetime.combine(day, office.start))

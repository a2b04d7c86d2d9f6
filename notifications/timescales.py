"""Turning a rule and an anchor moment into a due moment, with an explanation a person can read."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from config.uk_time import time_text

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
    """ "Sat 24 Oct 2026 at 23:00", saying BST or GMT in the hour the clocks repeat."""
    return f"{day_text(local(moment).date())} at {time_text(moment)}"


def _not_counted(skipped: list[tuple[date, str]]) -> str:
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


def _skipped_working_days(anchor_day: date, due_day: date, calendar: WorkingCalendar) -> list[tuple[date, str]]:
    """The non-working days a working-day count stepped over.

    Forwards, the days after the anchor up to the due day; backwards (a date N working days
    before the anchor), the days between the due day and the anchor. The anchor day is day 0
    either way, so it is never one of them.
    """
    if due_day >= anchor_day:
        return non_working_days(anchor_day, due_day, calendar=calendar)
    return non_working_days(due_day, anchor_day - timedelta(days=1), calendar=calendar)


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
            _skipped_working_days(anchor_day, due_day, calendar)
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
        # Elapsed hours, counted in UTC: "no more than 72 hours" in police protection (001 L2811) and
        # "within 24 hours" (000 ¶4.5, 003 L235) are real hours, so a clock change moves the clock time.
        due_at = anchor_at.astimezone(UTC) + timedelta(hours=sign * rule.amount)
        text = f"{lead} {moment_text(anchor)}. {duration} → {due} {moment_text(due_at)}." + _clock_change_note(
            anchor, due_at, rule.amount
        )
        return DueMoment(due_at, None, text, "elapsed hours, shown in UK time")

    if rule.unit == Unit.WORKING_HOURS:
        if sign < 0:
            raise ValueError("Working-hour rules count forwards only")
        begins = add_working_hours(anchor, 0, calendar=calendar, office=office)
        due_at = add_working_hours(anchor, rule.amount, calendar=calendar, office=office)
        due_day = local(due_at).date()
        # A start on a non-working day is said first, then counted with the days it stepped over.
        skipped_from = anchor_day - timedelta(days=0 if calendar.is_working_day(anchor_day) else 1)
        text = (
            f"{lead} {moment_text(anchor)}.{_counting_from(anchor, begins, calendar, office)} {duration} "
            f"(office hours {office.start:%H:%M}–{office.end:%H:%M} on working days) → {due} {moment_text(due_at)}."
            + _not_counted(non_working_days(skipped_from, due_day, calendar=calendar))
        )
        return DueMoment(due_at, None, text, _calendar_text(calendar, anchor_day, due_day))

    raise ValueError(f"Unknown unit {rule.unit}")


def _counting_from(anchor: datetime, begins: datetime, calendar: WorkingCalendar, office: OfficeHours) -> str:
    """Why counting starts later than the clock did: a non-working day, or outside office hours."""
    if begins == anchor:
        return ""
    day = local(anchor).date()
    why = calendar.non_working_reason(day)
    if why:
        started = f"Started on {why}" if day.weekday() >= 5 else f"Started on {day_text(day)[:-5]} ({why})"
        started += ", a non-working day"
    elif local(anchor).time() < office.start:
        started = "Started before office hours"
    else:
        started = "Started after office hours"
    return f" {started}: counting from {time_text(begins)} on {day_text(local(begins).date())}."


def _clock_change_note(anchor: datetime, due_at: datetime, hours: int) -> str:
    """Says so when the clocks change between the two moments, and which way the due time moved."""
    earlier, later = sorted((local(anchor), local(due_at)))
    # Both are aware (local() converts an aware moment), so each has an offset.
    shift = cast(timedelta, later.utcoffset()) - cast(timedelta, earlier.utcoffset())
    if not shift:
        return ""
    day = earlier.date()
    while local(end_of_day(day)).utcoffset() == earlier.utcoffset():
        day += timedelta(days=1)
    way = "forward" if shift > timedelta(0) else "back"
    moved = "later" if shift > timedelta(0) else "earlier"
    return (
        f" The clocks go {way} an hour on {day_text(day)}: these are {hours} real hours,"
        f" so the due time is an hour {moved} on the clock."
    )


def _office_window(day: date, office: OfficeHours) -> tuple[datetime, datetime]:
    """When the office opens and closes on `day`: local clock times, as UTC moments."""
    opens, closes = (timezone.make_aware(datetime.combine(day, t)) for t in (office.start, office.end))
    return opens.astimezone(UTC), closes.astimezone(UTC)


def add_working_hours(start: datetime, hours: int, *, calendar: WorkingCalendar, office: OfficeHours) -> datetime:
    """Count `hours` of office time on working days from `start` (0 hours: when counting starts).

    Office hours are clock times; the time inside them is counted in UTC, so a working day
    that contained a clock change would still hold its real number of hours.
    """
    remaining = timedelta(hours=hours)
    moment = start.astimezone(UTC)
    day = local(start).date()
    while True:
        opens, closes = _office_window(day, office)
        if calendar.is_working_day(day) and moment < closes:
            moment = max(moment, opens)
            available = closes - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        day += timedelta(days=1)


def office_opening(day: date, office: OfficeHours) -> datetime:
    return timezone.make_aware(datetime.combine(day, office.start))

"""The working-day calendar: pure functions, no database, no network.

Convention (shown in the UI and README): "N working days from D" is the Nth
working day *after* D; D itself is day 0 whether or not it is a working day.
A rule may instead say the start day counts as day 1 (where a local protocol
does); then a start on a working day is day 1 and the due date comes one
working day sooner.

Working days are Monday to Friday, less the bank holidays of the authority's
region (from the `holidays` package, which includes substitute days and
one-off holidays) and any closure days the authority adds.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

# Our region codes → the `holidays` package's subdivisions of GB.
REGION_SUBDIVISIONS = {"ENG": "ENG", "SCT": "SCT", "NIR": "NIR", "WLS": "WLS"}


@lru_cache(maxsize=16)
def _bank_holidays(region: str) -> holidays.HolidayBase:
    # One instance per region; it fills in years lazily as dates are asked about.
    return holidays.country_holidays("GB", subdiv=REGION_SUBDIVISIONS[region])


@dataclass(frozen=True)
class WorkingCalendar:
    region: str = "ENG"
    # Extra days the authority is closed, with their names.
    closures: tuple[tuple[date, str], ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.region not in REGION_SUBDIVISIONS:
            raise ValueError(f"Unknown bank-holiday region {self.region!r}")

    def non_working_reason(self, day: date) -> str | None:
        """Why a day is not a working day, or None if it is one."""
        if day.weekday() >= 5:
            return day.strftime("%A")
        name = _bank_holidays(self.region).get(day)
        if name:
            return _plain_holiday_name(name)
        for closed, reason in self.closures:
            if closed == day:
                return reason or "Office closed"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None


def _plain_holiday_name(name: str) -> str:
    return name.replace(" (observed)", ", substitute day")


def add_working_days(start: date, n: int, *, calendar: WorkingCalendar, start_counts: bool = False) -> date:
    """The Nth working day after `start` (or before it, for negative N)."""
    if start_counts and n > 0 and calendar.is_working_day(start):
        n -= 1
        if n == 0:
            return start
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar) -> int:
    """How many working days fall after `start`, up to and including `end`.

    When `end` is before `start` the answer is minus the working days from
    `end` up to but not including `start`, so that
    working_days_between(d, add_working_days(d, n)) == n for every n.
    """
    if end < start:
        days = (start - end).days
        return -sum(1 for i in range(days) if calendar.is_working_day(end + timedelta(days=i)))
    days = (end - start).days
    return sum(1 for i in range(1, days + 1) if calendar.is_working_day(start + timedelta(days=i)))


def non_working_days(start: date, end: date, *, calendar: WorkingCalendar) -> list[tuple[date, str]]:
    """Days after `start` up to and including `end` that were not counted, with why."""
    found = []
    day = start
    while day < end:
        day += timedelta(days=1)
        reason = calendar.non_working_reason(day)
        if reason:
            found.append((day, reason))
    return found

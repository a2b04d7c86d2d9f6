"""Calendar months as the dashboard counts them: UK local time, first day to last day."""

from datetime import date, datetime, timedelta

from django.utils import timezone


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def last_day(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """Every month from `first` to `last`, both included."""
    months, month = [], first_of(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's first moment, in UK time."""
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    return start, timezone.make_aware(datetime.combine(next_month(month), datetime.min.time()))


def as_at(month: date, today: date) -> date:
    """The day an "open at month end" count is taken: the month's last day, or today for this month."""
    return min(last_day(month), today)


def two_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 2)
    except ValueError:  # 29 February: the anniversary two years back is 28 February
        return day.replace(year=day.year - 2, day=28)


def recent(today: date, count: int) -> list[date]:
    """The last `count` months up to and including this one."""
    this_month = first_of(today)
    return months_between(add_months(this_month, 1 - count), this_month)

"""The working-day calendar: holidays, weekends, conventions, and agreement with the command."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.calendar import WorkingCalendar, add_working_days, non_working_days, working_days_between

ENG = WorkingCalendar("ENG")
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


@pytest.mark.parametrize(
    "start, n, expected, why",
    [
        (date(2026, 12, 24), 1, date(2026, 12, 29), "Christmas Day, weekend, Boxing Day substitute"),
        (date(2026, 12, 23), 1, date(2026, 12, 24), "Christmas Eve is a working day"),
        (date(2026, 12, 31), 1, date(2027, 1, 4), "New Year's Day then a weekend, across the year end"),
        (date(2027, 12, 24), 1, date(2027, 12, 29), "2027: Christmas and Boxing Day on a weekend, both substituted"),
        (date(2021, 12, 31), 1, date(2022, 1, 4), "2022: New Year's Day substitute on Monday 3 Jan"),
        (date(2026, 4, 2), 1, date(2026, 4, 7), "Easter 2026: Good Friday and Easter Monday"),
        (date(2026, 4, 2), 2, date(2026, 4, 8), "Easter 2026, two days"),
        (date(2026, 11, 20), 1, date(2026, 11, 23), "Friday to Monday"),
        (date(2026, 11, 21), 1, date(2026, 11, 23), "a Saturday start is day 0; Monday is day 1"),
        (date(2026, 11, 22), 1, date(2026, 11, 23), "a Sunday start is day 0"),
        (date(2026, 12, 25), 1, date(2026, 12, 29), "a start on a bank holiday is day 0"),
        (date(2022, 9, 16), 1, date(2022, 9, 20), "one-off: the 2022 state funeral"),
        (date(2023, 5, 5), 1, date(2023, 5, 9), "one-off: the 2023 coronation"),
        (date(2026, 11, 23), 0, date(2026, 11, 23), "zero days is the start"),
        (date(2026, 11, 23), 45, date(2027, 1, 28), "45 working days over Christmas"),
    ],
)
def test_add_working_days(start, n, expected, why):
    assert add_working_days(start, n, calendar=ENG) == expected, why


def test_start_day_counts_convention():
    # Where a protocol counts the start day as day 1, a working-day start brings the due date one day sooner.
    assert add_working_days(date(2026, 11, 23), 5, calendar=ENG, start_counts=True) == date(2026, 11, 27)
    assert add_working_days(date(2026, 11, 23), 5, calendar=ENG) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 23), 1, calendar=ENG, start_counts=True) == date(2026, 11, 23)
    # A start on a non-working day cannot be day 1: the first working day after it is.
    assert add_working_days(date(2026, 11, 21), 1, calendar=ENG, start_counts=True) == date(2026, 11, 23)


def test_closure_days_are_not_working_days():
    closed = WorkingCalendar("ENG", closures=((date(2026, 12, 29), "Office closed for the holidays"),))
    assert add_working_days(date(2026, 12, 24), 1, calendar=closed) == date(2026, 12, 30)
    assert closed.non_working_reason(date(2026, 12, 29)) == "Office closed for the holidays"


def test_regions_differ():
    # 2 January is a bank holiday in Scotland only; St Andrew's Day (substitute) too.
    assert add_working_days(date(2026, 12, 31), 1, calendar=WorkingCalendar("SCT")) == date(2027, 1, 5)
    assert add_working_days(date(2026, 12, 31), 1, calendar=ENG) == date(2027, 1, 4)


def test_non_working_days_names_them():
    assert non_working_days(date(2026, 12, 24), date(2026, 12, 29), calendar=ENG) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "Saturday"),
        (date(2026, 12, 27), "Sunday"),
        (date(2026, 12, 28), "Boxing Day, substitute day"),
    ]


def test_count_between():
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29), calendar=ENG) == 1
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 24), calendar=ENG) == 0
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 27), calendar=ENG) == 5


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=80))
def test_result_is_a_working_day_after_start(start, n):
    due = add_working_days(start, n, calendar=ENG)
    assert ENG.is_working_day(due)
    assert due > start


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=-80, max_value=80))
def test_count_inverts_add(start, n):
    assert working_days_between(start, add_working_days(start, n, calendar=ENG), calendar=ENG) == n


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=0, max_value=60))
def test_monotonic_in_n(start, n):
    assert add_working_days(start, n, calendar=ENG) < add_working_days(start, n + 1, calendar=ENG)


@settings(max_examples=100, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_never_more_than_n_plus_weekends_and_holidays(start, n):
    due = add_working_days(start, n, calendar=ENG)
    skipped = len(non_working_days(start, due, calendar=ENG))
    assert (due - start).days == n + skipped


@pytest.mark.django_db
@pytest.mark.parametrize("start, n", [("2026-12-24", 1), ("2027-03-25", 3), ("2026-11-21", 10), ("2022-09-15", 2)])
def test_command_agrees_with_the_calendar(start, n):
    out = StringIO()
    call_command("working_days", "add", start, str(n), stdout=out)
    expected = add_working_days(date.fromisoformat(start), n, calendar=ENG)
    assert out.getvalue().strip() == expected.isoformat()
    out = StringIO()
    call_command("working_days", "count", start, expected.isoformat(), stdout=out)
    assert out.getvalue().strip() == str(n)


@pytest.mark.django_db
def test_command_uses_the_authoritys_closures():
    from accounts.models import Authority
    from notifications.models import ClosureDay

    authority = Authority.objects.create(name="Closedshire", la_code="991")
    ClosureDay.objects.create(authority=authority, date=date(2026, 12, 29), reason="Closed")
    out = StringIO()
    call_command("working_days", "add", "2026-12-24", "1", "--authority", "991", stdout=out)
    assert out.getvalue().strip() == "2026-12-30"


@pytest.mark.django_db
def test_command_rejects_bad_input():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("working_days", "add", "24/12/2026", "1")
    with pytest.raises(CommandError, match="No authority"):
        call_command("working_days", "add", "2026-12-24", "1", "--authority", "000")


def test_a_year_of_days_is_consistent():
    # Every start in a year, 1..10 days: count(start, add(start, n)) == n.
    day = date(2026, 1, 1)
    while day < date(2027, 1, 1):
        for n in range(1, 11):
            assert working_days_between(day, add_working_days(day, n, calendar=ENG), calendar=ENG) == n
        day += timedelta(days=1)

"""Hours across a clock change, times that exist, and explanations that say what was counted.

UK clocks go forward at 01:00 GMT on Sun 29 Mar 2026 (01:00 becomes 02:00) and back at
01:00 GMT on Sun 25 Oct 2026 (02:00 BST becomes 01:00 GMT, so 01:00–02:00 happens twice).
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone

from accounts.models import Authority
from config.uk_time import time_text
from notifications.calendar import WorkingCalendar
from notifications.clocks import start_clock
from notifications.models import TimescaleRule
from notifications.rules import sync_rules
from notifications.timescales import compute_due, moment_text
from tests.factories import ChildFactory, InvolvementFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLAND = WorkingCalendar()


def at(*args):
    """A UK clock time that happens once."""
    return timezone.make_aware(datetime(*args))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def shown(moment):
    return timezone.localtime(moment).strftime("%a %Y-%m-%d %H:%M %Z")


def rule(code):
    return TimescaleRule.objects.get(code=code, authority__isnull=True, is_current=True)


@pytest.fixture
def worker():
    return UserFactory()


@pytest.fixture
def child(worker):
    child = ChildFactory()
    InvolvementFactory(child=child, agency=worker.agency, allocated_worker=worker)
    return child


# --- Hour rules count elapsed hours -------------------------------------------------------------


# Police protection is a reference-only rule (no workflow here starts it), so these work out its due
# time directly: the rule is still the legal limit the calendar must count right.


def test_police_protection_ends_72_real_hours_later_across_the_october_change():
    taken = at(2026, 10, 24, 1)  # Saturday 01:00 BST
    deadline = compute_due(rule("police_protection_end"), taken, calendar=ENGLAND)
    assert deadline.due_at - taken == timedelta(hours=72)
    assert shown(deadline.due_at) == "Tue 2026-10-27 00:00 GMT"
    assert deadline.explanation == (
        "Child taken into police protection Sat 24 Oct 2026 at 01:00. 72 hours → due Tue 27 Oct 2026 at 00:00. "
        "The clocks go back an hour on Sun 25 Oct 2026: these are 72 real hours, "
        "so the due time is an hour earlier on the clock."
    )
    assert deadline.calendar_used == "elapsed hours, shown in UK time"


def test_police_protection_ends_72_real_hours_later_across_the_march_change():
    taken = at(2026, 3, 28, 1)  # Saturday 01:00 GMT
    deadline = compute_due(rule("police_protection_end"), taken, calendar=ENGLAND)
    assert deadline.due_at - taken == timedelta(hours=72)
    assert shown(deadline.due_at) == "Tue 2026-03-31 02:00 BST"
    assert deadline.explanation.endswith(
        "→ due Tue 31 Mar 2026 at 02:00. The clocks go forward an hour on Sun 29 Mar 2026: "
        "these are 72 real hours, so the due time is an hour later on the clock."
    )


def test_hours_away_from_a_clock_change_keep_the_clock_time_and_say_nothing_of_it(child, worker):
    deadline = start_clock(
        "hsb_strategy_meeting", child, child=child, started_at=at(2026, 11, 20, 15), responsible=worker
    )
    assert deadline.explanation == "Disclosure Fri 20 Nov 2026 at 15:00. 24 hours → due Sat 21 Nov 2026 at 15:00."


def test_every_hour_rule_counts_elapsed_hours_across_both_changes():
    Authority.objects.get_or_create(la_code="933", defaults={"name": "Somerset test"})
    sync_rules(TimescaleRule, Authority)
    hour_rules = TimescaleRule.objects.filter(is_current=True, unit=TimescaleRule.Unit.HOURS)
    assert {r.code for r in hour_rules} >= {"police_protection_end", "hsb_strategy_meeting"}
    assert hour_rules.filter(authority__la_code="933", code="yjb_serious_incident_notification").exists()
    for hour_rule in hour_rules:
        for anchor in (at(2026, 3, 28, 12), at(2026, 10, 24, 12)):
            due = compute_due(hour_rule, anchor, calendar=ENGLAND)
            assert due.due_at - anchor == timedelta(hours=hour_rule.amount), hour_rule


def test_an_hour_rule_ending_in_the_spring_gap_lands_on_a_time_that_exists():
    # 24 hours after 01:30 GMT on Saturday is 01:30 UTC on Sunday, which UK clocks call 02:30.
    due = compute_due(rule("hsb_strategy_meeting"), at(2026, 3, 28, 1, 30), calendar=ENGLAND)
    assert due.due_at == utc(2026, 3, 29, 1, 30)
    assert "→ due Sun 29 Mar 2026 at 02:30." in due.explanation


# --- Working hours stay within office hours across the change -----------------------------------


def test_working_hours_across_the_october_change_count_office_hours_only(child, worker):
    # Red: 4 working hours. Friday 15:00 BST → 2 hours on Friday, 2 from Monday 08:45 GMT.
    deadline = start_clock("mash_rag_red", child, child=child, started_at=at(2026, 10, 23, 15), responsible=worker)
    assert shown(deadline.due_at) == "Mon 2026-10-26 10:45 GMT"
    assert deadline.explanation == (
        "Contact rated red Fri 23 Oct 2026 at 15:00. 4 working hours (office hours 08:45–17:00 on working days) "
        "→ due Mon 26 Oct 2026 at 10:45. Not counted: Sat–Sun."
    )


def test_working_hours_across_the_march_change_count_office_hours_only(child, worker):
    deadline = start_clock("mash_rag_amber", child, child=child, started_at=at(2026, 3, 27, 9), responsible=worker)
    # Amber: 24 working hours from Friday 09:00 GMT: 8 on Friday, 8¼ on Monday, 7¾ on Tuesday (BST).
    assert shown(deadline.due_at) == "Tue 2026-03-31 16:30 BST"


# --- Times that exist, and which one is meant in the repeated hour -------------------------------


@pytest.mark.parametrize(
    "moment, text",
    [
        (utc(2026, 10, 25, 0, 30), "Sun 25 Oct 2026 at 01:30 (BST)"),
        (utc(2026, 10, 25, 1, 30), "Sun 25 Oct 2026 at 01:30 (GMT)"),
        (utc(2026, 10, 25, 2, 30), "Sun 25 Oct 2026 at 02:30"),
        (utc(2026, 10, 24, 23, 59), "Sun 25 Oct 2026 at 00:59"),
        (utc(2026, 3, 29, 0, 59), "Sun 29 Mar 2026 at 00:59"),
        (utc(2026, 3, 29, 1, 0), "Sun 29 Mar 2026 at 02:00"),
        (utc(2026, 3, 29, 1, 30), "Sun 29 Mar 2026 at 02:30"),
    ],
)
def test_moment_text_shows_uk_time_and_names_the_zone_only_in_the_repeated_hour(moment, text):
    assert moment_text(moment) == text


def test_time_text_of_a_naive_time_reads_it_as_uk_time():
    assert time_text(datetime(2026, 7, 1, 9, 5)) == "09:05"


@pytest.mark.parametrize(
    "source, moment, page",
    [
        ('{{ t|date:"j F Y, H:i" }}', utc(2026, 10, 25, 0, 30), "25 October 2026, 01:30 (BST)"),
        ('{{ t|date:"D j M Y, H:i" }}', utc(2026, 10, 25, 1, 30), "Sun 25 Oct 2026, 01:30 (GMT)"),
        ('{{ t|date:"H:i" }}', utc(2026, 10, 25, 1, 15), "01:15 (GMT)"),
        ('{{ t|date:"j F Y, H:i" }}', utc(2026, 10, 25, 2, 15), "25 October 2026, 02:15"),
        ('{{ t|date:"j F Y" }}', utc(2026, 10, 25, 0, 30), "25 October 2026"),
        ('{{ t|date:"j F Y, H:i" }}', utc(2026, 3, 29, 1, 30), "29 March 2026, 02:30"),
    ],
)
def test_pages_show_times_that_exist_and_say_which_in_the_repeated_hour(source, moment, page):
    assert engines["django"].from_string(source).render({"t": moment}) == page


def test_the_deadlines_table_says_which_of_the_two_times_it_means(client, child, worker):
    # 24 real hours after 02:30 BST on Saturday is 01:30 on Sunday, the second time round (GMT).
    start_clock("hsb_strategy_meeting", child, child=child, started_at=utc(2026, 10, 24, 1, 30), responsible=worker)
    client.force_login(worker)
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Sun 25 Oct 2026, 01:30 (GMT)" in page
    assert "Disclosure Sat 24 Oct 2026 at 02:30. 24 hours → due Sun 25 Oct 2026 at 01:30 (GMT)." in page


# --- Explanations ------------------------------------------------------------------------------


def test_a_working_day_rule_counted_back_from_its_anchor_never_lists_the_anchor_day():
    before_review = TimescaleRule(
        code="report_before_review",
        title="Send the report",
        source="test",
        amount=2,
        unit=TimescaleRule.Unit.WORKING_DAYS,
        direction=TimescaleRule.Direction.BEFORE,
        anchor_event="review conference",
        stop_event="report sent",
        responsible_role="practitioner",
    )
    due = compute_due(before_review, at(2026, 12, 28, 10), calendar=ENGLAND)  # Boxing Day's substitute
    assert due.due_date.isoformat() == "2026-12-23"
    assert due.explanation == (
        "Review conference Mon 28 Dec 2026. 2 working days before → due Wed 23 Dec 2026. "
        "Not counted: Fri 25 Dec (Christmas Day), Sat–Sun."
    )


def test_a_calendar_day_rule_counted_back_from_its_anchor_lists_nothing_as_not_counted():
    due = compute_due(rule("resettlement_planning"), at(2027, 3, 1, 9), calendar=ENGLAND)
    assert due.explanation == "Release date Mon 1 Mar 2027. 21 calendar days before → due Mon 8 Feb 2027."


def test_a_working_hour_rule_started_on_saturday_says_so():
    due = compute_due(rule("mash_rag_red"), at(2026, 11, 21, 10), calendar=ENGLAND)
    assert due.explanation == (
        "Contact rated red Sat 21 Nov 2026 at 10:00. Started on Saturday, a non-working day: "
        "counting from 08:45 on Mon 23 Nov 2026. 4 working hours (office hours 08:45–17:00 on working days) "
        "→ due Mon 23 Nov 2026 at 12:45. Not counted: Sat–Sun."
    )


def test_a_working_hour_rule_started_on_a_bank_holiday_names_it():
    due = compute_due(rule("mash_rag_red"), at(2026, 12, 25, 10), calendar=ENGLAND)
    assert due.explanation == (
        "Contact rated red Fri 25 Dec 2026 at 10:00. Started on Fri 25 Dec (Christmas Day), a non-working day: "
        "counting from 08:45 on Tue 29 Dec 2026. 4 working hours (office hours 08:45–17:00 on working days) "
        "→ due Tue 29 Dec 2026 at 12:45. Not counted: Fri 25 Dec (Christmas Day), Sat–Sun, "
        "Mon 28 Dec (Boxing Day, substitute day)."
    )


@pytest.mark.parametrize(
    "started, says",
    [
        (at(2026, 11, 20, 18), "Started after office hours: counting from 08:45 on Mon 23 Nov 2026."),
        (at(2026, 11, 23, 7), "Started before office hours: counting from 08:45 on Mon 23 Nov 2026."),
    ],
)
def test_a_working_hour_rule_started_outside_office_hours_says_when_counting_starts(started, says):
    due = compute_due(rule("mash_rag_red"), started, calendar=ENGLAND)
    assert says in due.explanation
    assert shown(due.due_at) == "Mon 2026-11-23 12:45 GMT"


def test_a_working_hour_rule_started_in_office_hours_counts_from_then():
    due = compute_due(rule("mash_rag_red"), at(2026, 11, 23, 10), calendar=ENGLAND)
    assert "Started" not in due.explanation
    assert shown(due.due_at) == "Mon 2026-11-23 14:00 GMT"


def test_texts_written_by_services_and_pages_say_which_of_the_two_times_they_mean():
    from casework.history.selectors import _when
    from casework.text import when_text
    from referrals.views.shared import _due_label

    first, second = utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)
    assert when_text(first) == "25 October 2026 at 01:30 (BST)"
    assert when_text(second) == "25 October 2026 at 01:30 (GMT)"
    assert _when(second.isoformat()) == "25 October 2026, 01:30 (GMT)"
    assert _due_label(first, today=first.date()) == "Sun 25 Oct, 01:30 (BST)"
    assert when_text(utc(2026, 3, 29, 1, 30)) == "29 March 2026 at 02:30"

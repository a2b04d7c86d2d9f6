"""Statutory clocks: rules as data, due dates that explain themselves, stopping, and the API."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Authority, Role
from notifications.clocks import cancel_clock, start_clock, stop_clock
from notifications.models import ClosureDay, Deadline, TimescaleRule
from notifications.rules import read_rules_file, rule_in_force, sync_rules
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUIRED_CODES = [
    "referral_decision",
    "assessment",
    "icpc",
    "core_group_first",
    "cp_review_first",
    "cp_review_next",
    "transfer_in_conference",
    "mash_outcome_to_cyjs",
    "hsb_strategy_meeting",
    "serious_incident_briefing",
    "placement_planning_meeting",
    "cla_notifications",
    "resettlement_planning",
    "csc_open_after_custody",
    "aim_assessment",
]


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def worker():
    manager = UserFactory(role=Role.TEAM_MANAGER)
    return UserFactory(agency=manager.agency, line_manager=manager)


@pytest.fixture
def child(worker):
    child = ChildFactory()
    InvolvementFactory(child=child, agency=worker.agency, allocated_worker=worker)
    return child


def test_every_rule_in_the_file_is_loaded_by_migration():
    in_file = {code for code, la in read_rules_file() if la is None}
    loaded = set(TimescaleRule.objects.filter(is_current=True, authority__isnull=True).values_list("code", flat=True))
    assert set(REQUIRED_CODES) <= in_file
    assert loaded == in_file


def test_issue_example_contact_on_christmas_eve(child, worker):
    deadline = start_clock("referral_decision", child, child=child, started_at=at(2026, 12, 24, 10), responsible=worker)
    assert deadline.due_date.isoformat() == "2026-12-29"
    assert deadline.explanation == (
        "Contact received Thu 24 Dec 2026. 1 working day → due Tue 29 Dec 2026. "
        "Not counted: Fri 25 Dec (Christmas Day), Sat–Sun, Mon 28 Dec (Boxing Day, substitute day)."
    )
    assert deadline.rule_version == rule_in_force("referral_decision").version
    assert "ENG" in deadline.calendar_used


@pytest.mark.parametrize(
    "code, anchor, due",
    [
        ("assessment", at(2026, 11, 23, 9), "2027-01-28"),
        ("icpc", at(2026, 12, 1, 10), "2026-12-22"),
        ("core_group_first", at(2026, 12, 22, 10), "2027-01-08"),
        ("cp_review_first", at(2026, 11, 30, 10), "2027-02-28"),
        ("cp_review_next", at(2026, 8, 31, 10), "2027-02-28"),
        ("serious_incident_briefing", at(2026, 11, 23, 16), "2026-11-23"),
        ("csc_open_after_custody", at(2026, 11, 30, 10), "2027-02-28"),
        ("aim_assessment", at(2026, 11, 23, 10), "2027-01-28"),
        ("placement_planning_meeting", at(2026, 12, 23, 10), "2027-01-04"),
    ],
)
def test_due_dates(child, worker, code, anchor, due):
    assert start_clock(code, child, child=child, started_at=anchor, responsible=worker).due_date.isoformat() == due


def test_month_end_is_explained(child, worker):
    deadline = start_clock("cp_review_first", child, child=child, started_at=at(2026, 11, 30, 10), responsible=worker)
    assert "last day" in deadline.explanation


def test_hours_are_real_hours_across_the_clock_change(child, worker):
    # Clocks go back on Sunday 25 October 2026: 24 hours from 15:00 BST is 14:00 GMT the next day.
    deadline = start_clock(
        "hsb_strategy_meeting", child, child=child, started_at=at(2026, 10, 24, 15), responsible=worker
    )
    assert timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M") == "2026-10-25 14:00"
    assert deadline.due_date is None


def test_working_hours_count_office_hours_only(child, worker):
    # Red RAG: 4 working hours. Friday 15:00 → 2 hours Friday, 2 hours from Monday 08:45.
    deadline = start_clock("mash_rag_red", child, child=child, started_at=at(2026, 11, 20, 15), responsible=worker)
    assert timezone.localtime(deadline.due_at).strftime("%a %Y-%m-%d %H:%M") == "Mon 2026-11-23 10:45"


def test_countdown_before_release(child, worker):
    release = at(2027, 3, 1, 9)
    deadline = start_clock(
        "resettlement_planning",
        child,
        child=child,
        started_at=at(2026, 12, 1, 9),
        anchor_at=release,
        responsible=worker,
    )
    assert deadline.due_date.isoformat() == "2027-02-08"
    assert "21 calendar days before" in deadline.explanation


def test_authority_closure_days_move_the_due_date(child, worker):
    ClosureDay.objects.create(
        authority=worker.agency.authority, date=timezone.datetime(2026, 12, 29).date(), reason="Closed"
    )
    deadline = start_clock("referral_decision", child, child=child, started_at=at(2026, 12, 24, 10), responsible=worker)
    assert deadline.due_date.isoformat() == "2026-12-30"
    assert "Closed" in deadline.explanation


def test_per_authority_override(child):
    # get_or_create: a transactional test earlier in the same worker may have left the two behind.
    somerset, _ = Authority.objects.get_or_create(la_code="933", defaults={"name": "Somerset test"})
    lancashire, _ = Authority.objects.get_or_create(la_code="888", defaults={"name": "Lancashire test"})
    sync_rules(TimescaleRule, Authority)
    s_worker = UserFactory(agency=AgencyFactory(authority=somerset))
    l_worker = UserFactory(agency=AgencyFactory(authority=lancashire))
    started = at(2026, 11, 20, 15)  # a Friday
    s = start_clock("yjb_serious_incident_notification", child, child=child, started_at=started, responsible=s_worker)
    lan = start_clock("yjb_serious_incident_notification", child, child=child, started_at=started, responsible=l_worker)
    assert timezone.localtime(s.due_at).strftime("%Y-%m-%d %H:%M") == "2026-11-21 15:00"  # 24 hours
    assert lan.due_date.isoformat() == "2026-11-20"  # the same day (000 L1073)


def test_changing_a_rule_never_moves_a_running_clock(child, worker):
    started = at(2026, 11, 23, 10)
    running = start_clock("assessment", child, child=child, started_at=started, responsible=worker)
    rules = read_rules_file()
    rules[("assessment", None)] = {**rules[("assessment", None)], "amount": 40}
    counts = sync_rules(TimescaleRule, Authority, rules)
    assert counts["new_versions"] == 1
    running.refresh_from_db()
    assert running.due_date.isoformat() == "2027-01-28"
    assert running.rule.amount == 45 and not running.rule.is_current
    newer = start_clock("assessment", child, child=child, started_at=started, responsible=worker)
    assert newer.rule_version == running.rule_version + 1
    assert newer.due_date < running.due_date


def test_sync_twice_changes_nothing():
    assert sync_rules(TimescaleRule, Authority)["new_versions"] == 0
    assert sync_rules(TimescaleRule, Authority)["created"] == 0


def test_stop_on_time_and_late(child, worker):
    started = at(2026, 11, 23, 10)
    start_clock("referral_decision", child, child=child, started_at=started, responsible=worker)
    [met] = stop_clock("referral_decision", child, stopped_at=started + timedelta(hours=3))
    assert met.status == Deadline.Status.MET and met.next_action_at is None

    start_clock("assessment", child, child=child, started_at=started, responsible=worker)
    with pytest.raises(ValidationError) as refused:
        stop_clock("assessment", child, stopped_at=started + timedelta(days=120))
    assert "reason" in refused.value.message_dict
    assert Deadline.objects.get(rule_code="assessment").status == Deadline.Status.OPEN  # nothing saved
    [late] = stop_clock(
        "assessment", child, stopped_at=started + timedelta(days=120), reason="Child abroad for 6 weeks"
    )
    assert late.status == Deadline.Status.MET_LATE and late.lateness_reason == "Child abroad for 6 weeks"
    assert stop_clock("assessment", child) == []  # nothing left open


def test_late_close_without_reason_allowed_when_rule_does_not_require_it(child, worker):
    started = at(2026, 11, 23, 10)
    start_clock("core_group_first", child, child=child, started_at=started, responsible=worker)
    [late] = stop_clock("core_group_first", child, stopped_at=started + timedelta(days=60))
    assert late.status == Deadline.Status.MET_LATE


def test_cancel(child, worker):
    start_clock("icpc", child, child=child, started_at=at(2026, 11, 23, 10), responsible=worker)
    assert cancel_clock("icpc", child, reason="Enquiry closed: family moved away") == 1
    assert Deadline.objects.get().status == Deadline.Status.CANCELLED


def test_api_lists_rules_and_child_deadlines(child, worker):
    deadline = start_clock("icpc", child, child=child, started_at=at(2026, 12, 1, 10), responsible=worker)
    api = APIClient()
    api.force_authenticate(worker)
    rules = api.get("/api/v1/timescale-rules/").json()
    icpc = next(r for r in rules if r["code"] == "icpc")
    assert (icpc["amount"], icpc["unit"]) == (15, "working_days") and "L2001" in icpc["source"]
    rows = api.get(f"/api/v1/children/{child.pk}/deadlines/").json()
    assert rows == [
        {
            "id": deadline.pk,
            "rule": "icpc",
            "rule_version": deadline.rule_version,
            "title": deadline.rule.title,
            "kind": "deadline",
            "due": "2026-12-22",
            "due_at": rows[0]["due_at"],
            "date_label": "Tue 22 Dec 2026",
            "status": "open",
            "status_label": "Open",
            "rag": rows[0]["rag"],
            "explanation": deadline.explanation,
            "started_at": rows[0]["started_at"],
            "met_at": None,
            "lateness_reason": "",
        }
    ]


def test_api_deadlines_of_a_child_you_cannot_see_are_404(child):
    outsider = UserFactory(agency=AgencyFactory(kind="cyjs"))
    api = APIClient()
    api.force_authenticate(outsider)
    assert api.get(f"/api/v1/children/{child.pk}/deadlines/").status_code == 404


def test_rag_tags_on_the_child_page_and_home(client, child, worker):
    now = timezone.now()
    start_clock("referral_decision", child, child=child, started_at=now - timedelta(days=10), responsible=worker)
    start_clock("assessment", child, child=child, started_at=now, responsible=worker)
    client.force_login(worker)
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Overdue" in page and "On track" in page and 'id="deadlines"' in page
    home = client.get("/").content.decode()
    assert "2 deadlines" in home and "Overdue" in home
    assert home.index("Decide what happens to a contact") < home.index("Complete the assessment")  # soonest first


def test_rag_amber_within_one_working_day(child, worker):
    from notifications.selectors import rag

    now = timezone.now()
    deadline = start_clock("hsb_strategy_meeting", child, child=child, started_at=now, responsible=worker)
    assert rag(deadline, now=now) == "amber"
    assert rag(deadline, now=now + timedelta(hours=25)) == "red"
    later = start_clock("assessment", child, child=child, started_at=now, responsible=worker)
    assert rag(later, now=now) == "green"


def test_timescales_page_explains_the_convention(client, worker):
    client.force_login(worker)
    page = client.get("/timescales/").content.decode()
    assert "day 0" in page and "Hold the initial child protection conference" in page

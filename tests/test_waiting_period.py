"""Waiting periods (TimescaleRule.Kind.WAITING_PERIOD): an earliest date, not a deadline.

Seed 000 ¶20.5 (domain notes part A T22): CSC stays open 3 months after a DTO/s250 sentence where
it was significantly involved. The sweep reminds that the period ends soon and, at its due moment,
marks it ended (met at exactly that moment): never a "Missed" notice or an escalation. Pages and
the API read it as "Stays open until <date>" and never as overdue."""

import importlib
from datetime import datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Authority
from notifications.clocks import start_clock
from notifications.models import Deadline, DeadlineNotice, Notification, TimescaleRule
from notifications.rules import read_rules_file, rule_in_force, sync_rules
from notifications.selectors import label_deadlines, rag
from notifications.sweep import sweep_deadlines
from tests.factories import AgencyFactory, ChildFactory
from tests.orders_builders import dto, orders_world
from tests.pathway_builders import api_for, client_for, clocks
from tests.test_sweep import line

pytestmark = pytest.mark.django_db
CODE = "csc_open_after_custody"


def at(*args):
    return timezone.make_aware(datetime(*args))


def notices(deadline):
    return sorted(DeadlineNotice.objects.filter(deadline=deadline).values_list("kind", "recipient__username"))


@pytest.fixture
def period():
    """A worker with a whole management chain, and a stay-open period from Mon 30 Nov 2026 (due Sun 28 Feb 2027)."""
    worker, manager, senior, head = line(AgencyFactory())
    child = ChildFactory()
    deadline = start_clock(CODE, child, child=child, started_at=at(2026, 11, 30, 12), responsible=worker)
    deadline.people = (worker, manager, senior, head)
    return deadline


# --- The rule file and the loader ------------------------------------------------------------------------------


def test_the_loader_reads_the_kind():
    rules = read_rules_file()
    assert rules[(CODE, None)]["kind"] == "waiting_period"
    assert rules[("assessment", None)]["kind"] == "deadline"  # the default
    assert rule_in_force(CODE).kind == TimescaleRule.Kind.WAITING_PERIOD and rule_in_force(CODE).is_waiting_period
    assert not rule_in_force("icpc").is_waiting_period
    assert "kind" in TimescaleRule.VERSIONED_FIELDS


def test_sync_sets_only_the_fields_a_historical_model_has():
    """Migration 0003 syncs with a model that has no `kind`: it must neither fail nor make new versions."""
    state = MigrationExecutor(connection).loader.project_state(("notifications", "0003_load_timescale_rules"))
    old_model = state.apps.get_model("notifications", "TimescaleRule")
    assert "kind" not in {f.name for f in old_model._meta.get_fields()}
    counts = sync_rules(old_model, state.apps.get_model("accounts", "Authority"))
    assert counts["created"] == counts["new_versions"] == 0


def test_a_changed_kind_in_the_file_makes_a_new_version():
    rules = read_rules_file()
    rules[("icpc", None)] = {**rules[("icpc", None)], "kind": "waiting_period"}
    assert sync_rules(TimescaleRule, Authority, rules)["new_versions"] == 1
    assert rule_in_force("icpc").is_waiting_period


def test_the_migration_corrects_rows_and_clocks_in_place():
    """0004 sets the kind on the rows running clocks use (no new version: due dates cannot move) and
    turns a period the old sweep had called missed into an ended one."""
    migration = importlib.import_module("notifications.migrations.0004_rule_kind_and_applicability")
    child = ChildFactory()
    deadline = start_clock(CODE, child, child=child, started_at=at(2026, 11, 30, 12))
    TimescaleRule.objects.filter(code=CODE).update(kind="deadline")
    Deadline.objects.filter(pk=deadline.pk).update(status="breached", next_action_at=at(2027, 3, 2, 8, 45))
    versions = set(TimescaleRule.objects.filter(code=CODE).values_list("pk", "version"))
    migration.set_kinds(django_apps, None)
    assert set(TimescaleRule.objects.filter(code=CODE).values_list("pk", "version")) == versions
    assert set(TimescaleRule.objects.filter(code=CODE).values_list("kind", flat=True)) == {"waiting_period"}
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_at, deadline.next_action_at) == ("met", deadline.due_at, None)
    assert deadline.due_date.isoformat() == "2027-02-28"


# --- The sweep ----------------------------------------------------------------------------------------------------


def test_reminded_then_ended_at_the_due_moment_exactly_once_and_never_breached(period):
    worker, manager, senior, head = period.people
    assert period.due_date.isoformat() == "2027-02-28"
    # Reminder: 10 working days before Sun 28 Feb 2027 is Mon 15 Feb, at office opening.
    assert sweep_deadlines(now=at(2027, 2, 15, 8, 0)).notices == 0
    assert sweep_deadlines(now=at(2027, 2, 15, 9, 0)).by_kind == {"reminder": 1}
    reminder = Notification.objects.get(recipient=worker)
    assert reminder.subject == "Waiting period ends soon: Keep CSC open after a detention and training order"
    assert reminder.body.startswith("CSC may close from Mon 1 Mar 2027.")
    assert "Due soon" not in reminder.subject
    sweep_deadlines(now=period.due_at - timedelta(seconds=1))
    period.refresh_from_db()
    assert period.status == Deadline.Status.OPEN

    first = sweep_deadlines(now=period.due_at)
    second = sweep_deadlines(now=period.due_at)
    assert first.by_kind == {"ended": 1} and second.notices == 0
    period.refresh_from_db()
    assert period.status == Deadline.Status.MET and period.met_at == period.due_at and period.next_action_at is None
    # Weeks later, past every escalation moment a deadline would have: nothing more.
    assert sweep_deadlines(now=at(2027, 4, 1, 9)).notices == 0
    assert notices(period) == sorted([("reminder-1", worker.username), ("ended", worker.username)])
    assert not Notification.objects.filter(recipient__in=[manager, senior, head]).exists()
    ended = Notification.objects.filter(recipient=worker).order_by("-id").first()
    assert ended.subject == "Waiting period over: Keep CSC open after a detention and training order"
    assert not Notification.objects.filter(subject__startswith="Missed").exists()
    assert not Notification.objects.filter(subject__startswith="Still overdue").exists()


def test_a_late_first_sweep_ends_it_at_the_due_moment_not_when_it_ran(period):
    worker, *_ = period.people
    result = sweep_deadlines(now=at(2027, 3, 20, 9))
    again = sweep_deadlines(now=at(2027, 3, 21, 9))
    period.refresh_from_db()
    assert result.by_kind == {"ended": 1} and again.notices == 0
    assert period.status == Deadline.Status.MET and period.met_at == period.due_at
    assert notices(period) == [("ended", worker.username)]  # too late to remind


def test_a_deadline_still_breaches(period):
    """The same sweep still treats a deadline as one (tests/test_sweep.py has the whole ladder)."""
    worker, manager, *_ = period.people
    icpc = start_clock("icpc", period.child, child=period.child, started_at=at(2026, 12, 1, 10), responsible=worker)
    sweep_deadlines(now=at(2026, 12, 23, 0, 1))
    icpc.refresh_from_db()
    assert icpc.status == Deadline.Status.BREACHED
    assert {k for k, _ in notices(icpc)} == {"breach"}


# --- How it reads -------------------------------------------------------------------------------------------------------


def test_never_overdue_and_reads_stays_open_until(period):
    later = period.due_at + timedelta(days=5)
    assert rag(period, now=later) == "waiting"
    [row] = label_deadlines([period], now=later)
    assert row.overdue is False and row.due == "Stays open until Sun 28 Feb 2027" and row.kind == "waiting_period"
    assert row.status_label == "Waiting period"
    sweep_deadlines(now=period.due_at)
    period.refresh_from_db()
    assert period.status_label == "Ended" and rag(period) == "done"
    [row] = label_deadlines([period])
    assert row.due == "Stayed open until Sun 28 Feb 2027"


def test_the_explanation_says_ends_not_due(period):
    assert "3 months → ends Sun 28 Feb 2027" in period.explanation and "due" not in period.explanation


def _order_world_with_period():
    w = orders_world()
    order = dto(w, csc_significantly_involved=True)
    return w, order, clocks(order, CODE).get()


def test_child_page_home_and_order_page_wording():
    w, order, deadline = _order_world_with_period()
    Deadline.objects.filter(pk=deadline.pk).update(
        due_at=timezone.now() - timedelta(hours=1)
    )  # past its date, not swept
    client = client_for(w.csc_worker)
    page = client.get(f"/children/{w.child.pk}/").content.decode()
    deadlines = page[page.index('id="deadlines"') : page.index('id="involvements"')]
    assert "Stays open until" in deadlines and "Waiting period" in deadlines
    assert "Overdue" not in deadlines
    home = client.get("/").content.decode()
    assert "Stays open until" in home and "Overdue" not in home
    detail = client_for(w.cyjs_worker).get(f"/orders/{order.pk}/").content.decode()
    assert "Stays open until" in detail and "Overdue" not in detail


def test_the_page_says_ended_once_the_sweep_has_ended_it():
    w, order, deadline = _order_world_with_period()
    sweep_deadlines(now=deadline.due_at)
    page = client_for(w.csc_worker).get(f"/children/{w.child.pk}/").content.decode()
    deadlines = page[page.index('id="deadlines"') : page.index('id="involvements"')]
    assert "Ended" in deadlines and "Overdue" not in deadlines


def test_the_api_reads_it_as_a_waiting_period():
    w, order, deadline = _order_world_with_period()
    Deadline.objects.filter(pk=deadline.pk).update(due_at=timezone.now() - timedelta(hours=1))
    rows = api_for(w.csc_worker).get(f"/api/v1/children/{w.child.pk}/deadlines/").json()
    row = next(r for r in rows if r["rule"] == CODE)
    assert row["kind"] == "waiting_period" and row["rag"] == "waiting" and row["status_label"] == "Waiting period"
    assert row["date_label"].startswith("Stays open until ")
    brief = next(
        d
        for d in api_for(w.cyjs_worker).get(f"/api/v1/orders/{order.pk}/").json()["deadlines"]
        if d["rule_code"] == CODE
    )
    assert (
        brief["kind"] == "waiting_period" and brief["overdue"] is False and brief["due"].startswith("Stays open until ")
    )
    assert brief["status_label"] == "Waiting period"
    resettlement = next(
        d
        for d in api_for(w.cyjs_worker).get(f"/api/v1/orders/{order.pk}/").json()["deadlines"]
        if d["rule_code"] != CODE
    )
    assert resettlement["kind"] == "deadline" and not resettlement["due"].startswith("Stays open")


def test_the_timescales_page_marks_it_as_a_waiting_period():
    w = orders_world()
    page = client_for(w.csc_worker).get("/timescales/").content.decode()
    row = page[page.index("Keep CSC open after a detention and training order") :]
    row = row[: row.index("</tr>")]
    assert "Waiting period" in row and "At least 3 months" in row


# --- Per authority: on or off in the protocol, how long in the timescale rule --------------------------------------------


def test_an_authority_override_sets_the_months_and_the_protocol_only_turns_it_on_or_off():
    from dateutil.relativedelta import relativedelta

    w = orders_world()
    rules = read_rules_file()
    rules[(CODE, w.authority.la_code)] = {**rules[(CODE, None)], "amount": 6}
    assert sync_rules(TimescaleRule, Authority, rules)["created"] == 1
    order = dto(w, csc_significantly_involved=True)
    period = clocks(order, CODE).get()
    assert period.due_date == w.made_on + relativedelta(months=6) and period.rule.is_waiting_period
    page = client_for(w.cyjs_worker).get(f"/children/{w.child.pk}/orders/new/").content.decode()
    assert "it stays open for 6 months after the sentence" in page


def test_the_record_order_page_says_how_long_or_nothing_in_somerset():
    lancashire = orders_world()
    page = client_for(lancashire.cyjs_worker).get(f"/children/{lancashire.child.pk}/orders/new/").content.decode()
    assert "it stays open for 3 months after the sentence" in page
    somerset = orders_world(somerset=True)
    assert somerset.protocol.csc_stays_open_after_custody is False
    page = client_for(somerset.cyjs_worker).get(f"/children/{somerset.child.pk}/orders/new/").content.decode()
    assert "stays open for" not in page

"""My work: each source reaches the right person and no one else, only children the user may open,
every row counted and paginated, and a query count that does not grow with the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from casework.involvements.allocation import allocate_involvement
from casework.models import Assessment, Involvement
from notifications.clocks import start_clock
from notifications.models import Deadline, DeadlineNotice
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, break_glass, front_door_world
from workload.worktray.selectors import worktray

pytestmark = pytest.mark.django_db

RULE = "assessment"


@pytest.fixture
def w():
    w = front_door_world()
    w.child = ChildFactory(first_name="Alex", last_name="Worktray")
    w.involvement = InvolvementFactory(
        child=w.child, agency=w.csc, team=w.csc_team, allocated_worker=w.csc_worker, kind=Involvement.Kind.CIN
    )
    return w


def open_child(w, **child_fields):
    child = ChildFactory(**child_fields)
    InvolvementFactory(child=child, agency=w.csc, team=w.csc_team, allocated_worker=w.csc_worker)
    return child


def deadline(w, child, *, responsible=None, days_ago=1):
    return start_clock(
        RULE,
        child,
        child=child,
        started_at=timezone.now() - timedelta(days=days_ago),
        responsible=responsible or w.csc_worker,
        agency=w.csc,
    )


def kinds(user, kind=None):
    return [(item.kind, item.child_id) for item in worktray(user=user, kind=kind).items]


def page(user, url=None):
    client = Client()
    client.force_login(user)
    response = client.get(url or reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_my_deadlines_and_my_teams_for_the_manager_but_not_another_workers(w):
    deadline(w, w.child)
    colleague = UserFactory(agency=w.csc, team=w.csc_team, line_manager=w.csc_manager)
    assert kinds(w.csc_worker) == [("deadline", w.child.pk)]
    assert kinds(w.csc_manager) == [("deadline", w.child.pk)]
    assert kinds(colleague) == []
    assert kinds(w.cyjs_worker) == []


def test_a_deadline_about_a_child_the_user_cannot_open_never_appears(w):
    hidden = ChildFactory(first_name="Hidden")
    InvolvementFactory(child=hidden, agency=w.cyjs, allocated_worker=w.cyjs_worker)
    deadline(w, hidden, responsible=w.csc_worker)
    restricted = open_child(w, first_name="Restricted", restricted=True)
    Involvement.objects.filter(child=restricted).update(allocated_worker=w.cyjs_worker, team=None)
    deadline(w, restricted, responsible=w.csc_worker)
    assert kinds(w.csc_worker) == []
    assert "Hidden" not in page(w.csc_worker) and "Restricted" not in page(w.csc_worker)


def test_the_row_links_to_the_record_its_clock_waits_on_and_says_overdue(w):
    deadline(w, w.child, days_ago=90)
    item = worktray(user=w.csc_worker).items[0]
    assert item.overdue
    assert item.url == reverse("child-detail", args=[w.child.pk]) + "#deadlines"
    html = page(w.csc_worker)
    assert "Overdue" in html and "Alex Worktray" in html and "1 deadline" in html


def test_thirty_deadlines_make_two_pages_and_the_count_says_thirty(w):
    for n in range(30):
        deadline(w, open_child(w), days_ago=n)
    first = page(w.csc_worker)
    assert "30 deadlines" in first and "Showing 1 to 25 of 30" in first
    second = page(w.csc_worker, reverse("home") + "?page=2")
    assert "Showing 26 to 30 of 30" in second


def test_overdue_first_then_soonest_due(w):
    soon = deadline(w, open_child(w), days_ago=1)
    late = deadline(w, open_child(w), days_ago=80)
    later = deadline(w, open_child(w), days_ago=0)
    order = [item.child_id for item in worktray(user=w.csc_worker).items]
    assert order == [late.child_id, soon.child_id, later.child_id]


def test_an_assessment_waiting_for_sign_off_is_on_the_team_managers_tray_only(w):
    Assessment.objects.create(
        child=w.child,
        referral_received_at=timezone.now() - timedelta(days=10),
        status=Assessment.Status.AWAITING_SIGN_OFF,
        social_worker=w.csc_worker,
        started_on=timezone.localdate() - timedelta(days=10),
        completed_at=timezone.now(),
        completed_by=w.csc_worker,
        created_by=w.csc_worker,
    )
    other_manager = UserFactory(role=Role.TEAM_MANAGER, agency=w.csc)
    assert kinds(w.csc_manager, "sign_off") == [("sign_off", w.child.pk)]
    assert kinds(w.csc_worker, "sign_off") == []
    assert kinds(other_manager, "sign_off") == []
    assert kinds(w.cyjs_manager, "sign_off") == []


def test_emergency_access_to_review_goes_to_the_users_manager_without_naming_a_child_they_cannot_see(w):
    stranger = ChildFactory(first_name="Stranger")
    InvolvementFactory(child=stranger, agency=w.csc)
    break_glass(user=w.cyjs_worker, child=stranger)
    items = worktray(user=w.cyjs_manager, kind="break_glass").items
    assert len(items) == 1 and items[0].child_id is None and items[0].child_name == ""
    assert kinds(w.csc_manager, "break_glass") == []
    assert "Stranger" not in page(w.cyjs_manager)


def test_newly_allocated_work_and_its_notice_reach_the_new_worker(w):
    colleague = UserFactory(agency=w.csc, team=w.csc_team, line_manager=w.csc_manager)
    allocate_involvement(involvement=w.involvement, to=colleague, by=w.csc_manager, reason="Leave cover")
    tray = worktray(user=colleague)
    assert tray.counts["allocation"] == 1 and tray.counts["notice"] == 1
    assert worktray(user=w.csc_worker).counts["allocation"] == 0
    html = page(colleague)
    assert "Leave cover" in html and reverse("notification-open", args=[colleague.notifications.get().pk]) in html


def test_an_escalation_to_a_senior_manager_shows_while_the_deadline_is_open(w):
    senior = UserFactory(role=Role.SENIOR_MANAGER, agency=w.csc)
    clock = deadline(w, w.child, days_ago=90)
    grant_senior_sight(w, senior)
    DeadlineNotice.objects.create(deadline=clock, kind="escalation", recipient=senior, sent_at=timezone.now())
    assert kinds(senior) == [("escalation", w.child.pk)]
    Deadline.objects.filter(pk=clock.pk).update(status=Deadline.Status.MET)
    assert kinds(senior) == []
    assert "You have nothing to do" in page(senior)


def grant_senior_sight(w, senior):
    """A senior manager of CSC sees the children CSC knows (rule 2)."""
    assert senior.agency_id == w.csc.pk


def test_the_query_count_does_not_grow_with_the_rows(w):
    def count_queries():
        user = type(w.csc_manager).objects.get(pk=w.csc_manager.pk)
        with CaptureQueriesContext(connection) as queries:
            client = Client()
            client.force_login(user)
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    for n in range(3):
        deadline(w, open_child(w), days_ago=n)
    small = count_queries()
    for n in range(20):
        deadline(w, open_child(w), days_ago=n)
    assert count_queries() == small


def test_the_api_answers_the_same_rows_with_a_count(w):
    for n in range(30):
        deadline(w, open_child(w), days_ago=n * 5)
    client = APIClient()
    client.force_authenticate(w.csc_worker)
    body = client.get("/api/v1/worktray/?kind=deadline").json()
    assert body["count"] == 30 and len(body["results"]) == 25 and body["next"]
    row = body["results"][0]
    assert set(row) == {"kind", "title", "child_id", "due_at", "overdue", "url"}
    assert row["kind"] == "deadline" and row["overdue"] is True
    assert client.get("/api/v1/worktray/?page=2").json()["count"] == 30
    refused = client.get("/api/v1/worktray/?kind=everything")
    assert refused.status_code == 400 and "kind" in refused.json()


def test_an_auditor_sees_no_children_and_the_access_log_link(w):
    auditor = UserFactory(role=Role.AUDITOR, agency=w.csc)
    deadline(w, w.child, responsible=auditor)
    assert kinds(auditor) == []
    assert "access log" in page(auditor)

"""Team work: a team's open work for its manager, bulk allocation, and teams side by side."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.access import visible_child_ids
from accounts.models import Role
from casework.models import Allocation, Assessment, ChildInNeedPlan, Involvement, YouthJusticeOrder
from notifications.clocks import start_clock
from notifications.models import Deadline, DeadlineNotice
from tests.factories import (
    ChildFactory,
    ContactFactory,
    InvolvementFactory,
    UserFactory,
    authority_with_agencies,
    worker_in_new_team,
)
from workload.models import OpenWorkItem
from workload.team_work.ledger import bring_up_to_date
from workload.team_work.overview import escalations_reaching
from workload.team_work.selectors import WorkFilters, team_work_page
from workload.team_work.sources import work_sources
from workload.team_work.work_items import (
    AWAITING_ME,
    DUE_THIS_WEEK,
    NOT_ALLOCATED,
    OVERDUE,
    Conditions,
    count_items,
)

pytestmark = pytest.mark.django_db


def _assessment(world, child, worker, *, status=Assessment.Status.IN_PROGRESS, due_in=None):
    assessment = Assessment.objects.create(
        child=child,
        referral_received_at=timezone.now() - timedelta(days=5),
        started_on=timezone.localdate() - timedelta(days=5),
        social_worker=worker,
        status=status,
        completed_by=worker if status == Assessment.Status.AWAITING_SIGN_OFF else None,
        created_by=worker,
    )
    if due_in is not None:
        clock = start_clock("assessment", assessment, child=child, responsible=worker, agency=world.csc)
        clock.due_at = timezone.now() + due_in
        clock.save(update_fields=["due_at"])
    return assessment


@pytest.fixture
def world():
    csc, mash, cyjs = authority_with_agencies()
    w = SimpleNamespace(csc=csc, mash=mash, cyjs=cyjs)
    w.worker, w.team, w.manager = worker_in_new_team(csc)
    w.colleague = UserFactory(agency=csc, team=w.team, line_manager=w.manager, first_name="Sam", last_name="Colleague")
    w.senior = UserFactory(role=Role.SENIOR_MANAGER, agency=csc)
    w.manager.line_manager = w.senior
    w.manager.save(update_fields=["line_manager"])
    w.other_worker, w.other_team, w.other_manager = worker_in_new_team(csc)
    w.other_manager.line_manager = w.senior
    w.other_manager.save(update_fields=["line_manager"])
    w.cyjs_worker, w.cyjs_team, w.cyjs_manager = worker_in_new_team(cyjs)

    w.unallocated_child = ChildFactory(first_name="Una")
    w.unallocated = InvolvementFactory(child=w.unallocated_child, agency=csc, team=w.team)
    w.child = ChildFactory(first_name="Alex")
    w.involvement = InvolvementFactory(child=w.child, agency=csc, team=w.team, allocated_worker=w.worker)
    # Overdue, and waiting for the manager's sign-off.
    w.assessment = _assessment(
        w, w.child, w.worker, status=Assessment.Status.AWAITING_SIGN_OFF, due_in=-timedelta(days=1)
    )
    # Due within the hour: due this week, whatever the day.
    w.second_child = ChildFactory(first_name="Bea")
    InvolvementFactory(child=w.second_child, agency=csc, team=w.team, allocated_worker=w.colleague)
    w.due_soon = _assessment(w, w.second_child, w.colleague, due_in=timedelta(hours=1))
    w.plan = ChildInNeedPlan.objects.create(
        child=w.child, started_on=timezone.localdate(), lead_social_worker=w.worker, created_by=w.worker
    )
    w.contact = ContactFactory(child=w.second_child, allocated_to=w.colleague, agency=mash)
    # A restricted child held by another team: a contact with this team's worker, which the manager cannot open.
    w.restricted = ChildFactory(first_name="Hidden", restricted=True)
    InvolvementFactory(child=w.restricted, agency=csc, team=w.other_team, allocated_worker=w.other_worker)
    ContactFactory(child=w.restricted, allocated_to=w.worker, agency=mash)
    # Another team's and another agency's work.
    w.other_child = ChildFactory(first_name="Otto")
    InvolvementFactory(child=w.other_child, agency=csc, team=w.other_team)
    _assessment(w, w.other_child, w.other_worker, due_in=-timedelta(days=2))
    w.yj = InvolvementFactory(
        child=w.child,
        agency=cyjs,
        team=w.cyjs_team,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=w.cyjs_worker,
    )
    YouthJusticeOrder.objects.create(
        child=w.child,
        agency=cyjs,
        involvement=w.yj,
        kind="referral_order",
        made_on=timezone.localdate(),
        created_by=w.cyjs_worker,
    )
    return w


def _rows(world, viewer=None, team=None, **filters):
    page = team_work_page(team=team or world.team, viewer=viewer or world.manager, filters=WorkFilters(**filters))
    return page, [(row.kind, row.child.first_name) for row in page.object_list]


def test_the_teams_open_work_is_listed_not_allocated_first_and_nothing_of_other_teams(world):
    page, rows = _rows(world)
    assert rows[0] == ("involvement", "Una")
    assert set(rows) == {
        ("involvement", "Una"),
        ("involvement", "Alex"),
        ("involvement", "Bea"),
        ("assessment", "Alex"),
        ("assessment", "Bea"),
        ("cin_plan", "Alex"),
        ("contact", "Bea"),
    }
    assert page.paginator.count == 7
    # The restricted child's contact is counted, never named.
    assert page.paginator.object_list.hidden == 1
    # Soonest due after the unallocated: the overdue assessment before the one due within the hour.
    assert rows.index(("assessment", "Alex")) < rows.index(("assessment", "Bea"))


def test_filters_by_worker_kind_and_state(world):
    assert _rows(world, worker=NOT_ALLOCATED)[1] == [("involvement", "Una")]
    assert set(_rows(world, worker=world.colleague.pk)[1]) == {
        ("involvement", "Bea"),
        ("assessment", "Bea"),
        ("contact", "Bea"),
    }
    assert set(_rows(world, kinds=("assessment",))[1]) == {("assessment", "Alex"), ("assessment", "Bea")}
    assert _rows(world, states=frozenset({OVERDUE}))[1] == [("assessment", "Alex")]
    assert _rows(world, states=frozenset({DUE_THIS_WEEK}))[1] == [("assessment", "Bea")]
    assert _rows(world, states=frozenset({AWAITING_ME}))[1] == [("assessment", "Alex")]


def test_the_manager_who_completed_an_assessment_is_not_asked_to_sign_it_off(world):
    Assessment.objects.filter(pk=world.assessment.pk).update(completed_by=world.manager)
    assert _rows(world, states=frozenset({AWAITING_ME}))[1] == []


def test_overdue_and_due_soon_tags_follow_the_deadline(world):
    page, _ = _rows(world, kinds=("assessment",))
    tags = {row.child.first_name: (row.overdue, row.due_soon) for row in page.object_list}
    assert tags == {"Alex": (True, False), "Bea": (False, True)}


def test_youth_justice_work_is_the_youth_justice_teams(world):
    _, rows = _rows(world, viewer=world.cyjs_manager, team=world.cyjs_team)
    assert set(rows) == {("involvement", "Alex"), ("order", "Alex")}


def test_pages_practitioners_get_403_and_another_teams_manager_404(client, world):
    client.force_login(world.worker)
    assert client.get(reverse("team-work")).status_code == 403
    assert client.get(reverse("team-work-team", args=[world.team.pk])).status_code == 403
    client.force_login(world.cyjs_manager)
    assert client.get(reverse("team-work-team", args=[world.team.pk])).status_code == 404
    client.force_login(world.manager)
    assert client.get(reverse("team-work")).url == reverse("team-work-team", args=[world.team.pk])
    page = client.get(reverse("team-work-team", args=[world.team.pk]))
    assert page.status_code == 200
    assert b"Showing 1 to 7 of 7 items" in page.content
    assert b"Hidden" not in page.content
    assert b"1 item of this team's work is about a child you cannot see" in page.content


def test_the_api_answers_the_same_rows(client, world):
    client.force_login(world.manager)
    url = f"/api/v1/teams/{world.team.pk}/work/"
    answer = client.get(url, {"worker": "none"}).json()
    assert answer["count"] == 1 and answer["hidden"] == 0
    assert answer["results"][0]["child_name"] == world.unallocated_child.full_name
    assert answer["results"][0]["worker_id"] is None
    assert client.get(url, {"state": "overdue"}).json()["results"][0]["kind"] == "assessment"
    client.force_login(world.worker)
    assert client.get(url).status_code == 403
    client.force_login(world.cyjs_manager)
    assert client.get(url).status_code == 404


def _allocate(client, world, involvements, to, reason="Leave cover"):
    data = {"involvement": [str(i.pk) for i in involvements], "to": str(to.pk), "reason": reason}
    for involvement in involvements:
        data[f"version-{involvement.pk}"] = str(involvement.version)
    return client.post(reverse("team-work-team", args=[world.team.pk]), data)


def test_bulk_allocation_allocates_every_selected_child(client, world):
    client.force_login(world.manager)
    response = _allocate(client, world, [world.unallocated, world.involvement], world.colleague)
    assert response.status_code == 302
    assert Allocation.objects.count() == 2
    world.involvement.refresh_from_db()
    assert world.involvement.allocated_worker == world.colleague
    assert Assessment.objects.get(pk=world.assessment.pk).social_worker == world.colleague
    assert Deadline.objects.filter(child=world.child, responsible=world.colleague).count() == 1
    assert world.colleague.notifications.count() == 2
    assert world.worker.notifications.count() == 1
    page = client.get(response.url)
    assert b"2 children allocated to Sam Colleague" in page.content


def test_one_refusal_allocates_nobody_and_keeps_the_selection(client, world):
    client.force_login(world.manager)
    stale = Involvement.objects.get(pk=world.involvement.pk)
    stale.version -= 1
    response = _allocate(client, world, [world.unallocated, stale], world.colleague)
    assert response.status_code == 200
    assert not Allocation.objects.exists()
    content = response.content.decode()
    assert "No children were allocated" in content
    assert f'href="#involvement-{world.involvement.pk}"' in content
    assert (
        f'id="involvement-{world.unallocated.pk}" name="involvement" type="checkbox" value="{world.unallocated.pk}" checked'
        in content
    )
    assert "Leave cover" in content


def test_a_missing_reason_and_worker_are_field_errors(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("team-work-team", args=[world.team.pk]), {"involvement": [str(world.unallocated.pk)]}
    )
    assert response.status_code == 200
    assert b"Choose who to allocate the children to" in response.content
    assert b"Enter why you are allocating this work" in response.content
    assert not Allocation.objects.exists()


def test_a_senior_manager_sees_their_teams_side_by_side_and_escalations(client, world):
    overdue = Deadline.objects.get(subject_id=world.assessment.pk, rule_code="assessment")
    DeadlineNotice.objects.create(
        deadline=overdue, kind=DeadlineNotice.Kind.ESCALATION, recipient=world.senior, sent_at=timezone.now()
    )
    client.force_login(world.senior)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("team-work"))
    assert page.status_code == 200
    rows = {row["team"].pk: row for row in page.context["rows"]}
    assert rows[world.team.pk] == {
        "team": world.team,
        "open": 8,  # the restricted child's contact counts here, unnamed
        "not_allocated": 1,
        "overdue": 1,
        "awaiting_sign_off": 1,
    }
    assert (rows[world.other_team.pk]["open"], rows[world.other_team.pk]["not_allocated"]) == (3, 1)
    assert world.cyjs_team.pk not in rows
    assert [e.child for e in page.context["escalations"]] == [world.child]
    # The teams' tallies in one query, not a count of every row of every team.
    assert len([q for q in queries.captured_queries if 'FROM "workload_teamworktally"' in q["sql"]]) == 1


def _grow(world, count):
    for _ in range(count):
        child = ChildFactory()
        InvolvementFactory(child=child, agency=world.csc, team=world.team, allocated_worker=world.worker)
        _assessment(world, child, world.worker, due_in=timedelta(days=3))


def test_the_query_count_does_not_grow_with_the_team(client, world):
    client.force_login(world.manager)
    url = reverse("team-work-team", args=[world.team.pk])
    client.get(url)
    _grow(world, 5)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(world, 45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["page"].paginator.count > 50
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_ledger_holds_what_the_sources_answer_and_the_counts_split_it_by_access(world):
    rows = {(row["w_kind"], row["w_id"], row["w_child"]) for query in work_sources([world.team]) for row in query}
    bring_up_to_date()
    kept = set(OpenWorkItem.objects.filter(team=world.team).values_list("kind", "record_id", "child_id"))
    assert kept == rows and len(rows) > 5
    visible = set(visible_child_ids(world.manager, {child for _, _, child in rows}))
    shown = count_items([world.team.pk], Conditions(), viewer=world.manager, limit=1000)
    hidden = count_items([world.team.pk], Conditions(), viewer=world.manager, seen=False, limit=1000)
    assert shown == sum(1 for _, _, child in rows if child in visible)
    assert hidden == len(rows) - shown > 0
    assert world.restricted.pk not in visible


def test_a_challenge_at_the_senior_managers_stage_reaches_them_and_not_the_team_manager(world):
    from referrals.models import Contact, Disagreement

    decided = ContactFactory(
        child=world.child, agency=world.csc, status=Contact.Status.DECIDED, decided_at=timezone.now()
    )
    Disagreement.objects.create(
        contact=decided,
        raised_by=world.worker,
        raised_at=timezone.now(),
        reason="The family needs an assessment",
        stage=Disagreement.Stage.SENIOR_MANAGER,
    )
    reached = escalations_reaching(user=world.senior)
    assert [(row.what, row.child) for row in reached] == [("Challenge to a MASH decision", world.child)]
    assert escalations_reaching(user=world.manager) == []


def test_a_worker_outside_the_team_cannot_be_chosen(client, world):
    client.force_login(world.manager)
    response = _allocate(client, world, [world.unallocated], world.other_worker)
    assert response.status_code == 200
    assert b"Choose someone in the team" in response.content
    assert not Allocation.objects.exists()


def test_counts_stop_past_the_cap_and_say_more_than(client, world, monkeypatch):
    """At national scale the counts are exact up to a cap past the page, then "more than"; paging goes on."""
    from workload.team_work import selectors

    _grow(world, 6)
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    monkeypatch.setattr("referrals.selectors.COUNT_CAP", 2)
    page = team_work_page(team=world.team, viewer=world.manager, filters=WorkFilters(), per_page=2)
    assert page.paginator.capped and page.paginator.shown_count == 2 and page.has_next()
    later = team_work_page(team=world.team, viewer=world.manager, filters=WorkFilters(), per_page=2, page_number=4)
    assert later.number == 4 and len(later.object_list) == 2
    client.force_login(world.manager)
    response = client.get(reverse("team-work-team", args=[world.team.pk]))
    assert response.status_code == 200


def test_the_page_says_more_than_when_the_hidden_work_passes_the_cap(client, world, monkeypatch):
    from workload.team_work import selectors, views

    monkeypatch.setattr(selectors, "COUNT_CAP", 0)
    monkeypatch.setattr(views, "COUNT_CAP", 0)
    client.force_login(world.manager)
    response = client.get(reverse("team-work-team", args=[world.team.pk]))
    assert b"More than 0 items of this team" in response.content

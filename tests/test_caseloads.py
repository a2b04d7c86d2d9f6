"""Caseloads (workload.caseloads): each worker's children by status and their overdue deadlines,
counted by hand here; who sees which team (the teams they run, never another agency's); the list
of a worker's children through the access policy; the page's query count whatever the team size."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Role
from casework.models import ChildProtectionConference, ChildProtectionPlan, Involvement
from notifications.clocks import start_clock
from notifications.models import Deadline
from tests.factories import (
    ChildFactory,
    InvolvementFactory,
    UserFactory,
    authority_with_agencies,
    worker_in_new_team,
)
from tests.pathway_builders import api_for, client_for
from workload.caseloads.selectors import team_caseloads, worker_children

pytestmark = pytest.mark.django_db
IKind = Involvement.Kind


def on_plan(child, *, by, lead):
    conference = ChildProtectionConference.objects.create(
        child=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        status=ChildProtectionConference.Status.HELD,
        held_at=timezone.now(),
        plan_needed=True,
        category="neglect",
        created_by=by,
    )
    return ChildProtectionPlan.objects.create(
        child=child,
        initial_conference=conference,
        started_on=timezone.localdate(),
        category="neglect",
        lead_social_worker=lead,
        created_by=by,
    )


def clock(code, involvement, worker, *, days_ago):
    return start_clock(
        code,
        involvement,
        child=involvement.child,
        started_at=timezone.now() - timedelta(days=days_ago),
        responsible=worker,
        agency=involvement.agency,
    )


@pytest.fixture
def w():
    """A CSC team (manager, two workers) under a senior manager, another CSC team, and a CYJS team.

    Hand count for the CSC team:
      worker:    children 5 = cin 1 (A) + cp 2 (B on a cp involvement, C on cin with an active plan)
                 + cla 1 (D) + restricted E (cin); A's closed cla involvement counts for nothing;
                 A's CYJS court order is the CYJS worker's, not this worker's.
                 So: children 5, cin 2 (A, E), cp 2, cla 1, youth justice 0, prevention 0.
                 Overdue 1: an assessment 90 days old (45 working days passed); not the one started
                 today, not a met one, not a running waiting period past its date.
      colleague: children 1 (F, early help): prevention 1, overdue 0.
      manager:   nothing.
    """
    csc, mash, cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    senior = UserFactory(role=Role.SENIOR_MANAGER, agency=csc)
    manager.line_manager = senior
    manager.save(update_fields=["line_manager"])
    colleague = UserFactory(agency=csc, team=team, line_manager=manager)
    other_worker, other_team, other_manager = worker_in_new_team(csc)
    yj_worker, yj_team, yj_manager = worker_in_new_team(cyjs)

    def open_to(who, kind, child=None, agency=csc, on_team=team, **kwargs):
        return InvolvementFactory(
            child=child or ChildFactory(), agency=agency, kind=kind, allocated_worker=who, team=on_team, **kwargs
        )

    a = open_to(worker, IKind.CIN)
    open_to(worker, IKind.CLA, child=a.child, end=timezone.localdate() - timedelta(days=3))
    open_to(yj_worker, IKind.YJ_COURT_ORDER, child=a.child, agency=cyjs, on_team=yj_team)
    b = open_to(worker, IKind.CP)
    c = open_to(worker, IKind.CIN)
    on_plan(c.child, by=manager, lead=worker)
    d = open_to(worker, IKind.CLA)
    e = open_to(worker, IKind.CIN, child=ChildFactory(restricted=True))
    f = open_to(colleague, IKind.EARLY_HELP)
    open_to(other_worker, IKind.CIN, on_team=other_team)
    open_to(yj_worker, IKind.YJ_REMAND, agency=cyjs, on_team=yj_team)

    clock("assessment", a, worker, days_ago=90)
    clock("assessment", b, worker, days_ago=0)
    met = clock("assessment", d, worker, days_ago=70)
    Deadline.objects.filter(pk=met.pk).update(status=Deadline.Status.MET, met_at=timezone.now())
    clock("csc_open_after_custody", d, worker, days_ago=200)
    return SimpleNamespace(**locals())


def figures(row):
    return {
        "children": row.children,
        "cin": row.cin,
        "cp": row.cp,
        "cla": row.cla,
        "youth_justice": row.youth_justice,
        "prevention": row.prevention,
        "overdue": row.overdue,
    }


NOTHING = dict(children=0, cin=0, cp=0, cla=0, youth_justice=0, prevention=0, overdue=0)


def test_each_workers_caseload_matches_the_hand_count(w):
    rows = {row.worker: figures(row) for row in team_caseloads(team=w.team)}
    assert rows == {
        w.worker: dict(children=5, cin=2, cp=2, cla=1, youth_justice=0, prevention=0, overdue=1),
        w.colleague: dict(NOTHING, children=1, prevention=1),
        w.manager: NOTHING,
    }


def test_youth_justice_orders_and_remands_count_for_the_cyjs_worker(w):
    rows = {row.worker: figures(row) for row in team_caseloads(team=w.yj_team)}
    assert rows[w.yj_worker] == dict(NOTHING, children=2, youth_justice=2)


def test_a_manager_sees_their_team_a_senior_manager_the_teams_below_and_no_one_another_agencys(w):
    assert [t["id"] for t in api_for(w.manager).get("/api/v1/teams/").json()] == [w.team.pk]
    assert {t["id"] for t in api_for(w.senior).get("/api/v1/teams/").json()} == {w.team.pk}
    assert api_for(w.yj_manager).get(f"/api/v1/teams/{w.team.pk}/caseloads/").status_code == 404
    assert api_for(w.manager).get(f"/api/v1/teams/{w.other_team.pk}/caseloads/").status_code == 404
    assert api_for(w.worker).get("/api/v1/teams/").status_code == 403
    assert api_for(w.worker).get(f"/api/v1/teams/{w.team.pk}/caseloads/").status_code == 403


def test_the_caseload_api_gives_each_worker_and_their_counts(w):
    answer = api_for(w.senior).get(f"/api/v1/teams/{w.team.pk}/caseloads/")
    assert answer.status_code == 200
    by_id = {row["id"]: row for row in answer.json()}
    assert set(by_id) == {w.worker.pk, w.colleague.pk, w.manager.pk}
    assert by_id[w.worker.pk] | {"name": "", "job_title": ""} == {
        "id": w.worker.pk,
        "name": "",
        "job_title": "",
        "children": 5,
        "cin": 2,
        "cp": 2,
        "cla": 1,
        "youth_justice": 0,
        "prevention": 0,
        "overdue": 1,
    }
    assert by_id[w.worker.pk]["name"] == w.worker.display_name
    team = api_for(w.manager).get("/api/v1/teams/").json()[0]
    assert team == {
        "id": w.team.pk,
        "name": w.team.name,
        "agency": w.csc.name,
        "agency_kind": "csc",
        "manager": w.manager.pk,
        "manager_name": w.manager.display_name,
    }


def test_pages_answer_managers_of_the_team_only(w):
    assert client_for(w.worker).get(reverse("team-list")).status_code == 403
    assert client_for(w.worker).get(reverse("team-caseloads", args=[w.team.pk])).status_code == 403
    assert client_for(w.yj_manager).get(reverse("team-caseloads", args=[w.team.pk])).status_code == 404
    page = client_for(w.manager).get(reverse("team-list"))
    assert page.status_code == 200
    assert w.team.name in page.text and w.other_team.name not in page.text and w.yj_team.name not in page.text
    page = client_for(w.manager).get(reverse("team-caseloads", args=[w.team.pk]))
    assert page.status_code == 200
    assert w.worker.display_name in page.text and w.other_worker.display_name not in page.text
    assert "<title>Caseloads: " in page.text.replace("\n", "")


def test_the_caseload_table_downloads_as_csv(w):
    w.colleague.first_name = "=cmd"
    w.colleague.save(update_fields=["first_name"])
    answer = client_for(w.manager).get(reverse("team-caseloads", args=[w.team.pk]), {"format": "csv"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().splitlines()
    assert lines[0].startswith("Worker,Job title,Children,Child in need,Child protection plan,Looked after")
    assert f"{w.worker.display_name},,5,2,2,1,0,0,1" in lines
    assert any(line.startswith("'=cmd") for line in lines)


def test_a_workers_children_list_only_those_the_viewer_may_open_and_says_how_many_it_cannot(w):
    found = worker_children(worker=w.worker, fetched_by=w.senior)
    assert (found.total, found.hidden) == (5, 1)
    assert w.e.child not in set(found.children)
    found = worker_children(worker=w.worker, fetched_by=w.manager)
    assert (found.total, found.hidden) == (5, 0)

    page = client_for(w.senior).get(reverse("worker-children", args=[w.team.pk, w.worker.pk]))
    assert page.status_code == 200
    assert "You cannot open 1 of them" in page.text
    assert reverse("child-detail", args=[w.e.child.pk]) not in page.text
    assert reverse("child-detail", args=[w.a.child.pk]) in page.text
    logged = AccessEvent.objects.filter(what="page:worker-children", user=w.senior).get()
    assert str(w.e.child.pk) not in logged.detail.split("returned: ")[1].split(",")
    assert client_for(w.manager).get(reverse("worker-children", args=[w.team.pk, w.other_worker.pk])).status_code == 404


def test_the_caseload_page_costs_the_same_queries_whatever_the_team_size(w):
    client = client_for(w.manager)
    url = reverse("team-caseloads", args=[w.team.pk])
    client.get(url)  # warm the per-process caches (rules, sessions)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for _ in range(5):
        extra = UserFactory(agency=w.csc, team=w.team, line_manager=w.manager)
        for kind in (IKind.CIN, IKind.CLA, IKind.EARLY_HELP):
            involvement = InvolvementFactory(agency=w.csc, kind=kind, allocated_worker=extra, team=w.team)
            clock("assessment", involvement, extra, days_ago=90)
    assert count() == small

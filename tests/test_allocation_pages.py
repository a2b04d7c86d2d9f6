"""Allocating an involvement from the child's record and the API: who may, to whom, the reason,
a stale page, the notices, the allocation history on the record and the access log."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessEvent, Role
from casework.models import Allocation
from tests.factories import (
    ChildFactory,
    InvolvementFactory,
    TeamFactory,
    UserFactory,
    authority_with_agencies,
    worker_in_new_team,
)
from tests.pathway_builders import api_for, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    csc, mash, cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    colleague = UserFactory(agency=csc, team=team, line_manager=manager, first_name="Morgan", last_name="Colleague")
    outsider = UserFactory(agency=csc, team=TeamFactory(agency=csc), first_name="Olly", last_name="Outsider")
    yj_worker, yj_team, yj_manager = worker_in_new_team(cyjs)
    child = ChildFactory()
    involvement = InvolvementFactory(child=child, agency=csc, team=team, allocated_worker=worker)
    unseen = InvolvementFactory(agency=csc, team=team, allocated_worker=worker, child=ChildFactory(restricted=True))
    return SimpleNamespace(**locals())


def allocate_page(w):
    return reverse("involvement-allocate", args=[w.involvement.pk])


def post(w, user, client=None, **fields):
    data = {"version": w.involvement.version, "to": w.colleague.pk, "reason": "Leave cover", **fields}
    return (client or client_for(user)).post(allocate_page(w), data)


class TestPage:
    def test_a_manager_reassigns_and_the_record_shows_the_history_and_both_workers_are_told(self, w):
        page = client_for(w.manager).get(allocate_page(w))
        assert page.status_code == 200
        assert '<h1 class="govuk-heading-l">Reassign this work</h1>' in page.text
        assert w.colleague.display_name in page.text and w.outsider.display_name not in page.text
        assert "Has this work now" in page.text

        client = client_for(w.manager)
        answer = post(w, w.manager, client)
        assert answer.status_code == 302
        record = client.get(answer["Location"])
        assert f"{w.colleague.display_name} now has the child in need work" in record.text
        history = record.text.split('id="allocation-history"')[1].split("</table>")[0]
        for text in (w.worker.display_name, w.colleague.display_name, w.manager.display_name, "Leave cover"):
            assert text in history
        w.involvement.refresh_from_db()
        assert w.involvement.allocated_worker == w.colleague
        assert w.colleague.notifications.count() == 1 and w.worker.notifications.count() == 1
        assert AccessEvent.objects.filter(
            what="page:involvement-allocate", user=w.manager, child=w.child, outcome="allowed"
        ).exists()
        assert AccessEvent.objects.filter(what="involvement:allocate", action="write", child=w.child).exists()

    def test_the_record_offers_reassign_to_the_manager_only(self, w):
        link = f'href="{allocate_page(w)}"'
        assert link in client_for(w.manager).get(reverse("child-detail", args=[w.child.pk])).text
        assert link not in client_for(w.worker).get(reverse("child-detail", args=[w.child.pk])).text

    def test_a_practitioner_is_refused_and_the_refusal_logged(self, w):
        assert client_for(w.worker).get(allocate_page(w)).status_code == 403
        assert post(w, w.worker).status_code == 403
        assert not Allocation.objects.exists()
        assert AccessEvent.objects.filter(what="page:involvement-allocate", user=w.worker, outcome="denied").exists()

    def test_a_worker_outside_the_team_and_no_reason_are_errors_by_field(self, w):
        page = post(w, w.manager, to=w.outsider.pk, reason="")
        assert page.status_code == 200
        assert "There is a problem" in page.text
        assert 'href="#id_to_0"' in page.text and 'href="#id_reason"' in page.text
        assert "Enter why you are allocating this work" in page.text
        assert not Allocation.objects.exists()

    def test_a_stale_page_changes_nothing_keeps_the_reason_and_shows_who_has_it_now(self, w):
        seen = w.involvement.version
        assert post(w, w.manager).status_code == 302
        page = post(w, w.manager, version=seen, to=w.worker.pk, reason="Back from leave")
        assert page.status_code == 200
        assert "Someone else changed this" in page.text and "Back from leave" in page.text
        assert f'value="{seen + 1}"' in page.text
        assert Allocation.objects.count() == 1

    def test_the_child_record_costs_the_same_queries_with_more_history(self, w):
        client = client_for(w.manager)
        url = reverse("child-detail", args=[w.child.pk])
        post(w, w.manager)
        client.get(url)

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            return len(queries)

        before = count()
        w.involvement.refresh_from_db()
        post(w, w.manager, to=w.worker.pk, reason="Back from leave")
        InvolvementFactory(child=w.child, agency=w.csc, team=w.team, allocated_worker=w.colleague)
        assert count() == before


class TestApi:
    def body(self, w, **fields):
        return {"involvement": w.involvement.pk, "to": w.colleague.pk, "reason": "Leave cover", **fields}

    def test_a_manager_allocates_and_gets_the_allocation(self, w):
        answer = api_for(w.manager).post("/api/v1/allocations/", self.body(w), format="json")
        assert answer.status_code == 201
        data = answer.json()
        assert (data["from_worker"], data["to_worker"], data["reason"]) == (w.worker.pk, w.colleague.pk, "Leave cover")
        assert data["to_worker_name"] == w.colleague.display_name
        listed = api_for(w.manager).get("/api/v1/allocations/", {"child": w.child.pk}).json()
        assert [row["id"] for row in listed["results"]] == [data["id"]]

    def test_a_practitioner_gets_403(self, w):
        answer = api_for(w.worker).post("/api/v1/allocations/", self.body(w), format="json")
        assert answer.status_code == 403
        assert not Allocation.objects.exists()

    def test_a_worker_outside_the_team_or_no_reason_is_400_by_field(self, w):
        answer = api_for(w.manager).post(
            "/api/v1/allocations/", self.body(w, to=w.outsider.pk, reason=" "), format="json"
        )
        assert answer.status_code == 400
        assert set(answer.json()) == {"to", "reason"}

    def test_a_child_the_caller_cannot_see_is_404(self, w):
        body = self.body(w, involvement=w.unseen.pk)
        assert api_for(w.yj_manager).post("/api/v1/allocations/", body, format="json").status_code == 404
        body = self.body(w, involvement=w.involvement.pk)
        assert api_for(w.yj_manager).post("/api/v1/allocations/", body, format="json").status_code == 404
        assert AccessEvent.objects.filter(what="api:allocations-create", user=w.yj_manager, outcome="denied").exists()

    def test_a_stale_version_is_409(self, w):
        seen = w.involvement.version
        api_for(w.manager).post("/api/v1/allocations/", self.body(w), format="json")
        answer = api_for(w.manager).post(
            "/api/v1/allocations/", self.body(w, to=w.worker.pk, version=seen), format="json"
        )
        assert answer.status_code == 409
        assert Allocation.objects.count() == 1


def test_a_senior_manager_above_the_team_may_allocate(w):
    senior = UserFactory(role=Role.SENIOR_MANAGER, agency=w.csc)
    w.manager.line_manager = senior
    w.manager.save(update_fields=["line_manager"])
    assert post(w, senior).status_code == 302

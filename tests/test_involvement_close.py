"""Closing an involvement (casework/involvements): who may, which dates, the reason, and CSC's
stay-open period after custody (seed 000 ¶20.5; domain notes part A T22: the earliest closure
date), as the service, the page and the API enforce it; the access log; optimistic locking."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent, Role
from casework.involvements import services
from casework.models import Involvement
from casework.services import ConcurrentEditError
from notifications.models import Deadline
from tests.factories import AgencyFactory, InvolvementFactory, UserFactory
from tests.involvements_builders import close, held_world
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db
IKind = Involvement.Kind
TODAY = timezone.localdate


@pytest.fixture
def w():
    return held_world()


def refused(call):
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


def day(value):
    return f"{value:%a} {value.day} {value:%b %Y}"


# --- The stay-open period (000 ¶20.5) --------------------------------------------------------------------------


class TestHeldOpen:
    def test_refused_while_the_period_runs_naming_the_first_day_it_may_close(self, w):
        assert w.period.status == Deadline.Status.OPEN and w.period.rule.is_waiting_period
        errors = refused(lambda: close(w))
        first_day = w.period.due_date + timedelta(days=1)
        assert errors == {
            "closed_on": [
                f"Children's social care must stay open until {day(w.period.due_date)} after the custodial sentence "
                f"(joint working agreement 20.5). CSC may close from {day(first_day)}."
            ]
        }
        w.csc_involvement.refresh_from_db()
        assert w.csc_involvement.end is None and w.csc_involvement.version == 1

    @pytest.mark.parametrize("kind", [IKind.CP, IKind.CLA])
    def test_every_csc_kind_is_held(self, kind):
        w = held_world(csc_kind=kind)
        assert "closed_on" in refused(lambda: close(w))

    def test_allowed_once_the_sweep_has_ended_the_period(self):
        w = held_world(ended=True)
        assert w.period.status == Deadline.Status.MET and w.period.met_at == w.period.due_at
        closed = close(w)
        assert closed.end == TODAY() and closed.closed_by == w.csc_worker and closed.version == 2
        assert closed.closure_reason == "Plan outcomes met; stepping down to early help"

    def test_an_ended_period_still_refuses_a_closing_date_inside_it(self):
        w = held_world(ended=True)
        assert "closed_on" in refused(lambda: close(w, closed_on=w.period.due_date))
        assert close(w, closed_on=w.period.due_date + timedelta(days=1)).end == w.period.due_date + timedelta(days=1)

    def test_youth_justice_involvements_are_not_held(self, w):
        closed = close(w, w.cyjs_involvement, by=w.cyjs_worker)
        assert closed.end == TODAY()

    def test_closing_one_csc_involvement_while_another_stays_open_is_allowed(self, w):
        plan = InvolvementFactory(child=w.child, agency=w.csc, kind=IKind.CP, allocated_worker=w.csc_worker)
        assert close(w, plan).end == TODAY()  # CSC stays open: the child in need work carries on
        assert "closed_on" in refused(lambda: close(w))  # but not the last one

    def test_no_hold_without_significant_involvement_or_in_somerset(self):
        from tests.orders_builders import dto, orders_world

        w = orders_world()
        dto(w, csc_significantly_involved=False)
        assert close(w).end == TODAY()
        somerset = held_world(somerset=True)
        assert somerset.period is None and close(somerset).end == TODAY()

    def test_a_cancelled_period_holds_nothing(self, w):
        Deadline.objects.filter(pk=w.period.pk).update(status=Deadline.Status.CANCELLED)
        assert close(w).end == TODAY()


# --- Who, when, why ---------------------------------------------------------------------------------------------------


class TestRules:
    def test_the_allocated_worker_and_a_manager_of_the_agency_may_close(self):
        w = held_world(ended=True)
        assert services.may_close(w.csc_worker, w.csc_involvement)
        assert services.may_close(w.csc_manager, w.csc_involvement)
        assert close(w, by=w.csc_manager).closed_by == w.csc_manager

    @pytest.mark.parametrize("who", ["other_practitioner", "cyjs_manager", "other_agency_manager"])
    def test_others_may_not(self, who):
        w = held_world(ended=True)
        people = {
            "other_practitioner": UserFactory(agency=w.csc, team=w.csc_team, line_manager=w.csc_manager),
            "cyjs_manager": w.cyjs_manager,
            "other_agency_manager": UserFactory(
                agency=AgencyFactory(authority=w.authority, kind="csc"), role=Role.TEAM_MANAGER
            ),
        }
        person = people[who]
        if who == "other_agency_manager":  # sees the child through their own agency's work, manages elsewhere
            InvolvementFactory(child=w.child, agency=person.agency, allocated_worker=person)
        with pytest.raises(PermissionDenied):
            close(w, by=person)
        w.csc_involvement.refresh_from_db()
        assert w.csc_involvement.end is None

    def test_a_user_who_cannot_see_the_child_is_refused(self):
        w = held_world(ended=True)
        stranger = UserFactory(agency=AgencyFactory(kind="csc"), role=Role.TEAM_MANAGER)
        with pytest.raises(PermissionDenied):
            close(w, by=stranger)

    def test_dates_and_reason(self):
        w = held_world(ended=True)
        assert refused(lambda: close(w, closed_on=TODAY() + timedelta(days=1))) == {
            "closed_on": ["The closing date must be today or in the past"]
        }
        before = w.csc_involvement.start - timedelta(days=1)
        assert refused(lambda: close(w, closed_on=before))["closed_on"][0].startswith(
            "The closing date must be on or after the involvement started"
        )
        assert refused(lambda: close(w, reason="   ")) == {"reason": ["Enter why the involvement is closing"]}
        assert refused(lambda: close(w, closed_on=None, reason="")) == {
            "closed_on": ["Enter the date the involvement closed"],
            "reason": ["Enter why the involvement is closing"],
        }

    def test_already_closed(self):
        w = held_world(ended=True)
        close(w)
        with pytest.raises(ValidationError) as error:
            close(w)
        assert error.value.messages == [f"This involvement already closed on {TODAY().day} {TODAY():%B %Y}"]

    def test_a_stale_version_is_refused(self):
        w = held_world(ended=True)
        Involvement.objects.filter(pk=w.csc_involvement.pk).update(version=2)  # someone else changed it
        with pytest.raises(ConcurrentEditError):
            close(w, expected_version=1)
        w.csc_involvement.refresh_from_db()
        assert w.csc_involvement.end is None
        assert close(w, expected_version=2).version == 3

    def test_the_write_is_logged_with_the_reason(self):
        w = held_world(ended=True)
        close(w)
        row = AccessEvent.objects.filter(what="involvement:close").get()
        assert row.user == w.csc_worker and row.child_id == w.child.pk and row.action == AccessEvent.Action.WRITE
        assert row.outcome == AccessEvent.Outcome.ALLOWED
        assert "Child in need" in row.detail and "Plan outcomes met; stepping down to early help" in row.detail

    def test_a_refusal_writes_nothing_to_the_log(self, w):
        refused(lambda: close(w))
        assert not AccessEvent.objects.filter(what="involvement:close").exists()


# --- The page ------------------------------------------------------------------------------------------------------------


def form(involvement, closed_on, reason="No further role for children's social care"):
    return {"version": involvement.version, **date_parts("closed_on", closed_on), "reason": reason}


class TestPage:
    def test_the_childs_record_links_to_it_for_those_who_may_close(self, w):
        url = f"/involvements/{w.csc_involvement.pk}/close/"
        assert url in client_for(w.csc_worker).get(f"/children/{w.child.pk}/").content.decode()
        assert url in client_for(w.csc_manager).get(f"/children/{w.child.pk}/").content.decode()
        assert url not in client_for(w.cyjs_worker).get(f"/children/{w.child.pk}/").content.decode()

    def test_the_hold_is_shown_and_refuses_with_an_error_summary(self, w):
        client = client_for(w.csc_worker)
        url = f"/involvements/{w.csc_involvement.pk}/close/"
        page = client.get(url).content.decode()
        assert "Close this involvement" in page and "must stay open until" in page
        response = client.post(url, form(w.csc_involvement, TODAY()))
        body = response.content.decode()
        assert response.status_code == 200 and "govuk-error-summary" in body
        assert f"CSC may close from {day(w.period.due_date + timedelta(days=1))}" in body
        assert 'href="#id_closed_on' in body  # the summary links to the field
        w.csc_involvement.refresh_from_db()
        assert w.csc_involvement.end is None

    def test_a_missing_reason_is_an_error_on_the_page(self):
        w = held_world(ended=True)
        response = client_for(w.csc_worker).post(
            f"/involvements/{w.csc_involvement.pk}/close/", form(w.csc_involvement, TODAY(), reason="")
        )
        assert "Enter why the involvement is closing" in response.content.decode()

    def test_closing_after_the_period_redirects_to_the_record(self):
        w = held_world(ended=True)
        client = client_for(w.csc_worker)
        response = client.post(f"/involvements/{w.csc_involvement.pk}/close/", form(w.csc_involvement, TODAY()))
        assert response.status_code == 302 and response["Location"] == f"/children/{w.child.pk}/#involvements"
        w.csc_involvement.refresh_from_db()
        assert (
            w.csc_involvement.end == TODAY()
            and w.csc_involvement.closure_reason == "No further role for children's social care"
        )
        assert "Child in need closed" in client.get(response["Location"]).content.decode()

    def test_a_stale_form_says_someone_else_changed_it(self):
        w = held_world(ended=True)
        data = form(w.csc_involvement, TODAY())
        Involvement.objects.filter(pk=w.csc_involvement.pk).update(version=5)
        body = client_for(w.csc_worker).post(f"/involvements/{w.csc_involvement.pk}/close/", data).content.decode()
        assert "Someone else changed this record" in body

    def test_someone_who_may_not_close_it_gets_403_logged(self, w):
        response = client_for(w.cyjs_worker).get(f"/involvements/{w.csc_involvement.pk}/close/")
        assert response.status_code == 403
        row = AccessEvent.objects.filter(what="page:involvement-close").order_by("-id").first()
        assert row.user == w.cyjs_worker and row.outcome == AccessEvent.Outcome.DENIED


# --- The API --------------------------------------------------------------------------------------------------------------


class TestApi:
    def url(self, w):
        return f"/api/v1/involvements/{w.csc_involvement.pk}/close/"

    def body(self, w, **overrides):
        return {
            "version": w.csc_involvement.version,
            "closed_on": TODAY().isoformat(),
            "reason": "Case closed",
            **overrides,
        }

    def test_held_open_is_400_with_the_field_error(self, w):
        response = api_for(w.csc_worker).post(self.url(w), self.body(w), format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["closed_on"] and "CSC may close from" in response.json()["closed_on"][0]

    def test_missing_fields_are_400(self, w):
        response = api_for(w.csc_worker).post(self.url(w), {"version": 1}, format="json")
        assert response.status_code == 400 and {"closed_on", "reason"} <= set(response.json())

    def test_closed_after_the_period(self):
        w = held_world(ended=True)
        response = api_for(w.csc_worker).post(self.url(w), self.body(w), format="json")
        assert response.status_code == 200
        assert response.json()["end"] == TODAY().isoformat() and response.json()["version"] == 2
        assert response.json()["closure_reason"] == "Case closed"
        assert AccessEvent.objects.filter(what="api:involvements-close", user=w.csc_worker).exists()

    def test_stale_version_is_409(self):
        w = held_world(ended=True)
        response = api_for(w.csc_worker).post(self.url(w), self.body(w, version=7), format="json")
        assert response.status_code == 409 and "version" in response.json()

    def test_someone_who_may_not_close_it_gets_403(self):
        w = held_world(ended=True)
        assert api_for(w.cyjs_worker).post(self.url(w), self.body(w), format="json").status_code == 403

    def test_a_hidden_child_is_404(self):
        w = held_world(ended=True)
        stranger = UserFactory(agency=AgencyFactory(kind="csc"), role=Role.TEAM_MANAGER)
        assert api_for(stranger).post(self.url(w), self.body(w), format="json").status_code == 404
        assert api_for(stranger).get(f"/api/v1/involvements/{w.csc_involvement.pk}/").status_code == 404

    def test_read_one(self, w):
        body = api_for(w.csc_worker).get(f"/api/v1/involvements/{w.csc_involvement.pk}/").json()
        assert body["kind"] == "cin" and body["end"] is None and body["version"] == 1

"""Somerset's release information to the child (seed 003 L189–199, S-T11; somerset-vs-lancashire "Release"
row): no later than 14 days before release the child is told nine things. The countdown runs only where
the protocol has Somerset's local custody clocks (`custody_local_clocks`); Lancashire has the 21-day
resettlement plan instead (000 ¶20.8). A test per authority, the clock moving with the release date,
partial then complete saves, the refusals, the page and the API."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from casework.orders import services
from casework.services import ConcurrentEditError
from notifications.models import Deadline
from tests.orders_builders import dto, orders_world, record, somerset_custody_world, tell_release
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db
RULE = "release_information_to_child"
ALL = [code for code, _ in services.RELEASE_ITEMS]
API = "/api/v1/orders/"


@pytest.fixture
def w():
    return somerset_custody_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


class TestTheCountdownPerAuthority:
    def test_somerset_starts_it_14_days_before_release(self, w):
        order = dto(w)
        deadline = clocks(order, RULE).get()
        release = w.made_on + timedelta(days=120)
        assert deadline.status == Deadline.Status.OPEN
        assert deadline.due_date == release - timedelta(days=14)
        assert deadline.anchor_at == timezone.make_aware(datetime.combine(release, time(9)))
        assert deadline.responsible == w.cyjs_worker and deadline.agency == w.cyjs
        assert clocks(order, "resettlement_planning").exists()  # the resettlement countdown is not replaced

    def test_lancashire_does_not_start_it(self):
        w = orders_world()
        order = dto(w)
        assert not clocks(order, RULE).exists()
        assert clocks(order, "resettlement_planning").get().status == Deadline.Status.OPEN
        with pytest.raises(ValidationError, match="does not ask for the release information"):
            tell_release(w, order, ALL[:1])

    def test_somerset_without_the_local_clocks_does_not_start_it(self):
        w = orders_world(somerset=True)  # protocol row saved, custody_local_clocks left off
        assert not clocks(dto(w), RULE).exists()

    def test_not_for_a_community_order(self, w):
        order = record(w)
        assert not clocks(order, RULE).exists()
        with pytest.raises(ValidationError, match="Only a custodial sentence"):
            tell_release(w, order, ALL[:1])

    def test_no_countdown_when_release_is_within_14_days(self, w):
        assert not clocks(dto(w, expected_release_on=w.made_on + timedelta(days=13)), RULE).exists()
        assert clocks(dto(w, expected_release_on=w.made_on + timedelta(days=14)), RULE).exists()

    def test_a_new_release_date_moves_it(self, w):
        order = dto(w)
        new_release = w.made_on + timedelta(days=200)
        services.update_order(
            order=order, by=w.cyjs_worker, expected_version=order.version, data={"expected_release_on": new_release}
        )
        old, new = clocks(order, RULE).order_by("id")
        assert old.status == Deadline.Status.CANCELLED and "Expected release date changed" in old.lateness_reason
        assert new.status == Deadline.Status.OPEN and new.due_date == new_release - timedelta(days=14)

    def test_other_changes_leave_it(self, w):
        order = dto(w)
        services.update_order(
            order=order, by=w.cyjs_worker, expected_version=order.version, data={"establishment_name": "Example YOI"}
        )
        assert clocks(order, RULE).get().status == Deadline.Status.OPEN

    def test_ending_the_order_cancels_it(self, w):
        order = dto(w)
        services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        deadline = clocks(order, RULE).get()
        assert deadline.status == Deadline.Status.CANCELLED and deadline.lateness_reason.startswith("Order ended")


class TestRecordingTheNineItems:
    def test_partial_then_complete_stops_the_clock(self, w):
        order = dto(w)
        order = tell_release(w, order, ALL[:4], told_on=timezone.localdate() - timedelta(days=2))
        assert clocks(order, RULE).get().status == Deadline.Status.OPEN
        assert [code for code, _ in services.release_items_outstanding(order)] == ALL[4:]
        assert order.release_information[0] == {
            "item": ALL[0],
            "told_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "told_by": "Jo Youthworker, youth justice worker",
            "recorded_by": w.cyjs_worker.pk,
        }
        assert last_log(what="youth-justice-order:release-information").detail == f"order {order.pk}, 4 of 9 items"
        order = tell_release(w, order, ALL[4:], told_by="Casey Socialworker, social worker")
        deadline = clocks(order, RULE).get()
        assert deadline.status == Deadline.Status.MET
        assert services.release_items_outstanding(order) == []
        assert order.release_information[-1]["told_by"] == "Casey Socialworker, social worker"

    def test_completed_after_the_due_date_is_met_late(self):
        w = somerset_custody_world(made_days_ago=200)
        order = dto(w, expected_release_on=timezone.localdate() + timedelta(days=5))
        tell_release(w, order, ALL)
        assert clocks(order, RULE).get().status == Deadline.Status.MET_LATE

    def test_a_new_release_date_after_all_nine_starts_nothing(self, w):
        order = tell_release(w, dto(w), ALL)
        services.update_order(
            order=order,
            by=w.cyjs_worker,
            expected_version=order.version,
            data={"expected_release_on": w.made_on + timedelta(days=200)},
        )
        assert list(clocks(order, RULE).values_list("status", flat=True)) == [Deadline.Status.MET]

    def test_refusals(self, w):
        order = dto(w)
        tomorrow = timezone.localdate() + timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            tell_release(w, order, ["pocket_money"], told_on=tomorrow, told_by=" ")
        assert error.value.message_dict == {
            "items": ["Choose only from the list of things to tell the child"],
            "told_on": ["The date the child was told must be today or in the past"],
            "told_by": ["Enter who told the child, for example the youth justice worker"],
        }
        with pytest.raises(ValidationError) as error:
            tell_release(w, order, [], told_on=w.made_on - timedelta(days=1))
        assert set(error.value.message_dict) == {"items", "told_on"}
        order = tell_release(w, order, ALL[:1])
        with pytest.raises(ValidationError, match="Already recorded: who will collect them"):
            tell_release(w, order, ALL[:2])
        order.refresh_from_db()
        assert len(order.release_information) == 1

    def test_only_cyjs_records_it(self, w):
        order = dto(w)
        with pytest.raises(PermissionDenied):
            tell_release(w, order, ALL[:1], by=w.csc_worker)
        order.refresh_from_db()
        assert order.release_information == []

    def test_a_stale_version_is_refused(self, w):
        order = dto(w)
        with pytest.raises(ConcurrentEditError):
            tell_release(w, order, ALL[:1], version=order.version + 1)

    def test_an_ended_order_is_refused(self, w):
        order = dto(w)
        services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        order.refresh_from_db()
        with pytest.raises(ValidationError, match="cannot be changed"):
            tell_release(w, order, ALL[:1])


class TestThePage:
    def url(self, order):
        return reverse("order-release-information", args=[order.pk])

    def post(self, order, items, told_on=None, told_by="Jo Youthworker", version=None):
        return {
            "version": order.version if version is None else version,
            "items": items,
            **date_parts("told_on", told_on),
            "told_by": told_by,
        }

    def test_the_order_page_links_to_it_and_shows_progress(self, w):
        order = tell_release(w, dto(w), ALL[:2])
        page = client_for(w.cyjs_worker).get(reverse("order-detail", args=[order.pk])).content.decode()
        assert "Record what the child has been told about release" in page
        assert "7 of 9 still to tell the child" in page
        assert page.count("Not yet") >= 7

    def test_lancashire_order_page_has_no_link(self):
        w = orders_world()
        order = dto(w)
        page = client_for(w.cyjs_worker).get(reverse("order-detail", args=[order.pk])).content.decode()
        assert "Record what the child has been told about release" not in page
        assert client_for(w.cyjs_worker).get(self.url(order)).status_code == 302

    def test_partial_save_then_complete(self, w):
        order = dto(w)
        client = client_for(w.cyjs_worker)
        response = client.post(self.url(order), self.post(order, ALL[:3], timezone.localdate()))
        assert response.status_code == 302
        order.refresh_from_db()
        assert len(order.release_information) == 3
        page = client.get(self.url(order)).content.decode()
        assert page.count('type="checkbox"') == 6  # only what is still to tell
        response = client.post(self.url(order), self.post(order, ALL[3:], timezone.localdate()), follow=True)
        assert "All nine release items recorded" in response.content.decode()
        assert clocks(order, RULE).get().status == Deadline.Status.MET

    def test_errors_are_shown_in_a_summary(self, w):
        order = dto(w)
        response = client_for(w.cyjs_worker).post(
            self.url(order), self.post(order, [], timezone.localdate() + timedelta(days=1), "")
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert "Choose what the child has been told" in page
        assert "Enter who told the child" in page

    def test_a_stale_form_is_refused(self, w):
        order = dto(w)
        response = client_for(w.cyjs_worker).post(
            self.url(order), self.post(order, ALL[:1], timezone.localdate(), version=order.version + 1)
        )
        assert response.status_code == 200
        assert "Someone else changed this order" in response.content.decode()
        order.refresh_from_db()
        assert order.release_information == []

    def test_csc_may_not_open_it(self, w):
        assert client_for(w.csc_worker).get(self.url(dto(w))).status_code == 403


class TestTheApi:
    def url(self, order):
        return f"{API}{order.pk}/release-information/"

    def test_records_and_answers_the_order(self, w):
        order = dto(w)
        api = api_for(w.cyjs_worker)
        response = api.post(
            self.url(order),
            {
                "version": order.version,
                "items": ALL,
                "told_on": timezone.localdate().isoformat(),
                "told_by": "Jo Youthworker",
            },
            format="json",
        )
        assert response.status_code == 200
        body = response.json()
        assert [entry["item"] for entry in body["release_information"]] == ALL
        assert [d["status"] for d in body["deadlines"] if d["rule_code"] == RULE] == ["met"]
        assert last_log(what="youth-justice-order:release-information").child_id == w.child.pk

    def test_400_with_field_errors(self, w):
        order = dto(w)
        response = api_for(w.cyjs_worker).post(
            self.url(order),
            {
                "version": order.version,
                "items": ["unknown"],
                "told_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
                "told_by": "Jo",
            },
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()) == {"items", "told_on"}
        assert api_for(w.cyjs_worker).post(self.url(order), {"items": ALL}, format="json").status_code == 400

    def test_409_on_a_stale_version(self, w):
        order = dto(w)
        response = api_for(w.cyjs_worker).post(
            self.url(order),
            {
                "version": order.version + 1,
                "items": ALL[:1],
                "told_on": timezone.localdate().isoformat(),
                "told_by": "Jo",
            },
            format="json",
        )
        assert response.status_code == 409

    def test_403_for_csc(self, w):
        order = dto(w)
        response = api_for(w.csc_worker).post(
            self.url(order),
            {"version": order.version, "items": ALL[:1], "told_on": timezone.localdate().isoformat(), "told_by": "Jo"},
            format="json",
        )
        assert response.status_code == 403

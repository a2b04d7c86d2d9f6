"""The care of a child in youth detention (seed 000 ¶19–20; 003 L162–167; somerset-vs-lancashire S-T4..S-T8,
C4, C5, C6, C9): each clock's start and stop, the per-authority local clocks, who may write, the bail
package status, the pages, the API, the access log and the chronology."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from casework.chronology.selectors import chronology
from casework.court import services as court_services
from casework.custody_care import selectors, services
from casework.models import (
    BailPackageReview,
    CourtAppearance,
    CustodyPlanningMeeting,
    CustodyVisit,
    Involvement,
    JointWorkingProtocol,
    LookedAfterReview,
)
from casework.orders import services as order_services
from notifications.models import Deadline, Notification
from tests.court_builders import court_world, remand
from tests.custody_care_builders import bail_review, review, sentence_world, visit, yda_world
from tests.factories import ChildFactory, InvolvementFactory
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db
Section = JointWorkingProtocol.Section
OPEN = Deadline.Status.OPEN
CUSTODY_CODES = set(services.CLOCKS)


def today():
    return timezone.localdate()


def open_codes(custody):
    return set(
        Deadline.objects.filter(subject_id=custody.pk, rule_code__in=CUSTODY_CODES, status__in=Deadline.OPEN_STATUSES)
        .filter(subject_type__model=type(custody)._meta.model_name)
        .values_list("rule_code", flat=True)
    )


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


# --- Clocks: a remand to youth detention (000 ¶19.1, ¶19.3; 003 L164) ------------------------------------------------


class TestRemandClocks:
    def test_a_youth_detention_remand_starts_the_review_and_first_visit_clocks(self):
        w = yda_world(days_ago=3)
        assert open_codes(w.remand) == {services.LAC_REVIEW, services.FIRST_VISIT}
        started = w.remand.started_on
        assert clocks(w.remand, services.LAC_REVIEW).get().due_date == started + timedelta(days=28)
        first = clocks(w.remand, services.FIRST_VISIT).get()
        assert first.due_date == started + timedelta(days=7)
        assert first.responsible_id == w.csc_worker.pk and first.agency_id == w.csc.pk

    def test_a_local_authority_remand_starts_none_of_them(self):
        w = court_world()
        la = remand(w, "local_authority")
        assert open_codes(la) == set()

    def test_ending_the_remand_cancels_them(self):
        w = yda_world()
        court_services.end_remand(
            remand=w.remand, by=w.cyjs_worker, expected_version=w.remand.version, ended_on=today()
        )
        assert open_codes(w.remand) == set()
        cancelled = clocks(w.remand, services.LAC_REVIEW).get()
        assert cancelled.status == Deadline.Status.CANCELLED and cancelled.lateness_reason == "The remand ended"

    def test_a_review_stops_the_28_day_clock(self):
        w = yda_world()
        made = review(w)
        assert clocks(w.remand, services.LAC_REVIEW).get().status == Deadline.Status.MET
        assert made.chair_text == "Ira Reviewer" and made.remand_id == w.remand.pk and made.order_id is None
        review(w, days_ago=0)  # a later review: no clock to stop, still recorded
        assert LookedAfterReview.objects.filter(remand=w.remand).count() == 2

    def test_a_late_review_is_met_late(self):
        w = yda_world(days_ago=40)
        review(w, days_ago=1)
        assert clocks(w.remand, services.LAC_REVIEW).get().status == Deadline.Status.MET_LATE

    def test_a_statutory_visit_stops_the_first_clock_and_starts_the_next_six_weeks_on(self):
        w = yda_world(days_ago=5)
        visit(w, days_ago=2)
        assert clocks(w.remand, services.FIRST_VISIT).get().status == Deadline.Status.MET
        nxt = clocks(w.remand, services.NEXT_VISIT, status=OPEN).get()
        assert nxt.due_date == today() - timedelta(days=2) + timedelta(days=42)
        visit(w, days_ago=0)
        assert clocks(w.remand, services.NEXT_VISIT, status=Deadline.Status.MET).count() == 1
        assert clocks(w.remand, services.NEXT_VISIT, status=OPEN).get().due_date == today() + timedelta(days=42)

    def test_a_visit_dated_before_the_latest_changes_no_clock(self):
        w = yda_world(days_ago=5)
        visit(w, days_ago=1)
        before = list(clocks(w.remand, services.NEXT_VISIT).values_list("pk", "status"))
        visit(w, days_ago=3)
        assert list(clocks(w.remand, services.NEXT_VISIT).values_list("pk", "status")) == before

    def test_no_next_visit_clock_after_release(self):
        w = yda_world(days_ago=5)
        court_services.end_remand(
            remand=w.remand, by=w.cyjs_worker, expected_version=w.remand.version, ended_on=today()
        )
        visit(w, days_ago=1)  # recorded afterwards, made while the child was still in custody
        assert not clocks(w.remand, services.NEXT_VISIT).exists()


# --- Clocks: a custodial sentence, per authority (003 L162; 000 ¶20.2–20.4) ---------------------------------------------


class TestSentenceClocks:
    def test_lancashire_16_year_old_stays_looked_after_review_and_visits_but_no_local_clocks(self):
        w = sentence_world(age=16)
        assert open_codes(w.order) == {services.LAC_REVIEW, services.FIRST_VISIT}

    def test_lancashire_15_year_old_s23za_visits_only(self):
        w = sentence_world(age=15)
        assert w.order.section_20_ended
        assert open_codes(w.order) == {services.FIRST_VISIT}
        with pytest.raises(ValidationError) as error:
            review(w)
        assert "not looked after" in error.value.message_dict["held_on"][0]
        visit(w)
        assert clocks(w.order, services.FIRST_VISIT).get().status == Deadline.Status.MET

    def test_somerset_adds_the_planning_meeting_and_the_joint_visit(self):
        w = sentence_world(somerset=True, age=16)
        assert w.order.section_20_ended  # Somerset: s20 ends at any age (003 L156)
        assert open_codes(w.order) == {services.FIRST_VISIT, services.PLANNING_MEETING, services.JOINT_VISIT}
        planning = clocks(w.order, services.PLANNING_MEETING).get()
        assert planning.responsible_id == w.cyjs_worker.pk and planning.agency_id == w.cyjs.pk

    def test_somerset_no_joint_visit_when_csc_is_not_involved(self):
        w = sentence_world(somerset=True, csc_kind=None)
        assert open_codes(w.order) == {services.PLANNING_MEETING}

    def test_a_child_in_need_is_not_looked_after_no_care_clocks(self):
        w = sentence_world(csc_kind=Involvement.Kind.CIN)
        assert open_codes(w.order) == set()
        with pytest.raises(ValidationError) as error:
            visit(w)
        assert "no section 23ZA" in error.value.message_dict["kind"][0]

    def test_a_community_order_starts_nothing(self):
        w = sentence_world(age=16)
        from tests.orders_builders import record

        yro = record(w)
        assert open_codes(yro) == set()

    def test_the_joint_visit_stops_its_clock_and_the_planning_meeting_its(self):
        w = sentence_world(somerset=True)
        joint = visit(w, "joint", by=w.cyjs_worker)
        assert joint.visitors == "Casey Socialworker and Jo Youthworker"
        assert clocks(w.order, services.JOINT_VISIT).get().status == Deadline.Status.MET
        assert clocks(w.order, services.FIRST_VISIT, status=OPEN).exists()  # a joint visit is not the statutory one
        services.record_planning_meeting(
            order=w.order, by=w.cyjs_worker, held_on=today(), attendees="YJS, CSC, the child"
        )
        assert clocks(w.order, services.PLANNING_MEETING).get().status == Deadline.Status.MET
        with pytest.raises(ValidationError) as error:
            services.record_planning_meeting(order=w.order, by=w.cyjs_worker, held_on=today(), attendees="Again")
        assert (
            "already" not in error.value.message_dict["held_on"][0]
            and "recorded as held on" in error.value.message_dict["held_on"][0]
        )

    def test_release_cancels_the_open_clocks(self):
        w = sentence_world(somerset=True)
        order = order_services.YouthJusticeOrder.objects.get(pk=w.order.pk)
        order_services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=today())
        assert open_codes(w.order) == set()
        assert clocks(w.order, services.PLANNING_MEETING).get().status == Deadline.Status.CANCELLED


# --- Refusals and who may write ------------------------------------------------------------------------------------------------


class TestRefusals:
    def test_review_field_errors(self):
        w = yda_world()
        with pytest.raises(ValidationError) as error:
            review(w, chair_name="", child_attended=None, decisions=" ")
        assert set(error.value.message_dict) == {"chair_name", "child_attended", "decisions"}
        with pytest.raises(ValidationError) as error:
            review(w, days_ago=10)
        assert "on or after the child entered custody" in error.value.message_dict["held_on"][0]
        with pytest.raises(ValidationError) as error:
            review(w, held_on=today() + timedelta(days=1))
        assert "today or in the past" in error.value.message_dict["held_on"][0]
        with pytest.raises(ValidationError) as error:
            review(w, next_review_on=today() - timedelta(days=1))
        assert error.value.message_dict == {"next_review_on": ["The next review must be after this one"]}
        assert not LookedAfterReview.objects.exists()

    def test_a_custody_of_another_child_or_no_custody_is_refused(self):
        w = yda_world()
        other = yda_world()
        with pytest.raises(ValidationError) as error:
            review(w, remand=other.remand)
        assert "remand" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            review(w, remand=None)
        assert "custody" in error.value.message_dict

    def test_only_csc_records_reviews_and_statutory_visits(self):
        w = yda_world()
        with pytest.raises(PermissionDenied):
            review(w, by=w.cyjs_worker)
        with pytest.raises(PermissionDenied):
            visit(w, by=w.cyjs_worker)
        with pytest.raises(PermissionDenied):
            bail_review(w, by=w.csc_worker)
        assert not LookedAfterReview.objects.exists() and not CustodyVisit.objects.exists()

    def test_a_joint_visit_names_both_workers(self):
        w = yda_world()
        with pytest.raises(ValidationError) as error:
            visit(w, "joint", cyjs_visitor="", csc_visitor="")
        assert set(error.value.message_dict) == {"csc_visitor", "cyjs_visitor"}

    def test_a_worker_who_cannot_see_the_child_is_refused(self):
        w = yda_world()
        stranger = court_world()
        with pytest.raises(PermissionDenied):
            review(w, by=stranger.csc_worker)


# --- Bail package reviews (000 ¶19.2) ------------------------------------------------------------------------------------------


class TestBailPackage:
    def test_a_package_is_needed_when_bail_could_be_offered_and_csc_is_told(self):
        w = yda_world()
        with pytest.raises(ValidationError) as error:
            bail_review(w, could=True, package_proposed="")
        assert list(error.value.message_dict) == ["package_proposed"]
        bail_review(w, could=True)
        note = Notification.objects.get(recipient=w.csc_worker, subject__startswith="A bail package is proposed")
        assert note.link == reverse("custody-care", args=[w.child.pk])

    def test_refused_for_a_local_authority_remand_and_after_the_remand_ended(self):
        w = court_world()
        la = remand(w, "local_authority")
        with pytest.raises(ValidationError) as error:
            services.record_bail_package_review(
                remand=la, by=w.cyjs_worker, reviewed_on=today(), bail_could_be_offered=False
            )
        assert "remand" in error.value.message_dict
        y = yda_world()
        court_services.end_remand(
            remand=y.remand, by=y.cyjs_worker, expected_version=y.remand.version, ended_on=today()
        )
        with pytest.raises(ValidationError):
            bail_review(y)

    def test_status_flags_a_hearing_since_the_last_review(self):
        w = yda_world(days_ago=10)

        def status():
            return selectors.bail_status(
                w.remand,
                BailPackageReview.objects.filter(remand=w.remand),
                CourtAppearance.objects.filter(child=w.child),
            )

        assert status().flag == "No bail package review recorded since the remand began"
        bail_review(w, days_ago=6)
        assert status().flag == "" and status().text.startswith("Bail package last reviewed on")
        CourtAppearance.objects.create(
            child=w.child,
            agency=w.cyjs,
            hearing_at=timezone.now() - timedelta(days=2),
            court="Example Youth Court",
            created_by=w.cyjs_worker,
        )
        hearing_day = today() - timedelta(days=2)
        assert (
            status().flag == f"No bail package review since the court hearing on {hearing_day.day} {hearing_day:%B %Y}"
        )
        bail_review(w, days_ago=1)
        assert status().flag == ""

    def test_a_future_hearing_does_not_count(self):
        w = yda_world(days_ago=10)
        bail_review(w, days_ago=5)
        CourtAppearance.objects.create(
            child=w.child,
            agency=w.cyjs,
            hearing_at=timezone.now() + timedelta(days=3),
            court="Example Youth Court",
            created_by=w.cyjs_worker,
        )
        assert (
            selectors.bail_status(w.remand, w.remand.bail_package_reviews.all(), CourtAppearance.objects.all()).flag
            == ""
        )


# --- Editing: no silent overwrites ---------------------------------------------------------------------------------------------


class TestEditing:
    def test_a_stale_version_is_refused(self):
        w = yda_world()
        made = review(w)
        services.update_looked_after_review(
            review=made, by=w.csc_worker, expected_version=made.version, data={"decisions": "New plan"}
        )
        with pytest.raises(services.ConcurrentEditError):
            services.update_looked_after_review(
                review=made, by=w.csc_worker, expected_version=1, data={"decisions": "Older"}
            )
        made.refresh_from_db()
        assert made.decisions == "New plan" and made.version == 2

    def test_unknown_fields_and_bad_values(self):
        w = yda_world()
        made = review(w)
        with pytest.raises(ValidationError) as error:
            services.update_looked_after_review(
                review=made, by=w.csc_worker, expected_version=1, data={"held_on": today()}
            )
        assert "held_on" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.update_looked_after_review(
                review=made, by=w.csc_worker, expected_version=1, data={"decisions": ""}
            )


# --- The youth justice summary and the pages -------------------------------------------------------------------------------------


class TestPages:
    def test_summary_shows_the_bail_status_and_links_the_page(self):
        w = yda_world(days_ago=5)
        bail_review(w, days_ago=4)
        page = client_for(w.cyjs_worker).get(reverse("youth-justice-summary", args=[w.child.pk])).content.decode()
        day = today() - timedelta(days=4)
        assert 'id="custody-care">Care in youth detention</h2>' in page
        assert f"Bail package last reviewed on {day.day} {day:%B %Y}" in page
        assert reverse("custody-care", args=[w.child.pk]) in page
        CourtAppearance.objects.create(
            child=w.child,
            agency=w.cyjs,
            hearing_at=timezone.now() - timedelta(days=1),
            court="Example Youth Court",
            created_by=w.cyjs_worker,
        )
        page = client_for(w.cyjs_worker).get(reverse("youth-justice-summary", args=[w.child.pk])).content.decode()
        assert "No bail package review since the court hearing on" in page

    def test_summary_section_follows_the_protocol(self):
        w = yda_world()
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.REMAND])
        page = client_for(w.csc_worker).get(reverse("youth-justice-summary", args=[w.child.pk])).content.decode()
        assert "Care in youth detention" not in page
        assert client_for(w.csc_worker).get(reverse("custody-care", args=[w.child.pk])).status_code == 403
        assert last_log(what="page:custody-care").outcome == AccessEvent.Outcome.DENIED

    def test_the_custody_care_page_for_csc_and_cyjs(self):
        w = yda_world()
        url = reverse("custody-care", args=[w.child.pk])
        key = services.custody_key(w.remand)
        csc = client_for(w.csc_worker).get(url).content.decode()
        assert (
            "Remanded to youth detention from" in csc and "Looked after review (28 days from entering custody)" in csc
        )
        assert reverse("looked-after-review-new", args=[w.child.pk, key]) in csc
        assert reverse("bail-package-review-new", args=[w.child.pk, key]) not in csc
        cyjs = client_for(w.cyjs_worker).get(url).content.decode()
        assert reverse("looked-after-review-new", args=[w.child.pk, key]) not in cyjs
        assert reverse("bail-package-review-new", args=[w.child.pk, key]) in cyjs
        assert last_log(what="page:custody-care", user=w.cyjs_worker).outcome == AccessEvent.Outcome.ALLOWED

    def test_police_who_see_the_child_get_403_and_a_hidden_restricted_child_404(self):
        w = yda_world()
        from tests.factories import AgencyFactory, UserFactory

        police = UserFactory(agency=AgencyFactory(authority=w.authority, kind="police"))
        InvolvementFactory(child=w.child, agency=police.agency, kind=Involvement.Kind.OTHER)
        assert client_for(police).get(reverse("custody-care", args=[w.child.pk])).status_code == 403
        other = ChildFactory(restricted=True)
        assert client_for(w.cyjs_worker).get(reverse("custody-care", args=[other.pk])).status_code == 404

    def test_recording_a_review_through_the_page(self):
        w = yda_world()
        url = reverse("looked-after-review-new", args=[w.child.pk, services.custody_key(w.remand)])
        assert client_for(w.cyjs_worker).get(url).status_code == 403
        client = client_for(w.csc_worker)
        refused = client.post(
            url,
            {
                **date_parts("held_on", today()),
                "chair_name": "",
                "child_attended": "yes",
                "decisions": "x",
                **date_parts("next_review_on", None),
            },
        )
        assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
        assert "Enter who chaired the review" in refused.content.decode()
        done = client.post(
            url,
            {
                **date_parts("held_on", today()),
                "chair_name": "Ira Reviewer",
                "child_attended": "no",
                "decisions": "Plan agreed",
                **date_parts("next_review_on", today() + timedelta(days=90)),
            },
            follow=True,
        )
        assert done.redirect_chain[-1][0] == reverse("custody-care", args=[w.child.pk])
        made = LookedAfterReview.objects.get()
        assert not made.child_attended and made.next_review_on == today() + timedelta(days=90)
        assert "The child did not take part" in done.content.decode()
        assert last_log(what="looked-after-review:create").action == AccessEvent.Action.WRITE

    def test_a_wrong_custody_key_is_404(self):
        w = yda_world()
        for key in ("remand-999999", "order-x", "police-1"):
            assert (
                client_for(w.csc_worker).get(reverse("looked-after-review-new", args=[w.child.pk, key])).status_code
                == 404
            )

    def test_editing_a_review_with_a_stale_version_says_so(self):
        w = yda_world()
        made = review(w)
        url = reverse("looked-after-review-edit", args=[made.pk])
        body = {
            "version": made.version,
            "chair_name": "Ira Reviewer",
            "child_attended": "yes",
            "decisions": "Changed",
            **date_parts("next_review_on", None),
        }
        assert client_for(w.csc_worker).post(url, body).status_code == 302
        stale = client_for(w.csc_worker).post(url, {**body, "decisions": "Older"})
        assert stale.status_code == 200 and "Someone else changed this record" in stale.content.decode()
        made.refresh_from_db()
        assert made.decisions == "Changed"

    def test_visit_bail_and_planning_pages(self):
        w = sentence_world(somerset=True)
        key = services.custody_key(w.order)
        cyjs = client_for(w.cyjs_worker)
        form = cyjs.get(reverse("custody-visit-new", args=[w.child.pk, key]))
        assert 'value="statutory"' not in form.content.decode()  # CYJS records only joint visits
        done = cyjs.post(
            reverse("custody-visit-new", args=[w.child.pk, key]),
            {
                "kind": "joint",
                **date_parts("visited_on", today()),
                "csc_visitor": "Casey Socialworker",
                "cyjs_visitor": "Jo Youthworker",
                "child_seen_alone": "",
                "notes": "",
            },
        )
        assert done.status_code == 302 and CustodyVisit.objects.get().kind == "joint"
        assert (
            cyjs.post(
                reverse("custody-planning-meeting-new", args=[w.child.pk, key]),
                {**date_parts("held_on", today()), "attendees": "YJS and CSC", "decisions": ""},
            ).status_code
            == 302
        )
        refused = cyjs.post(
            reverse("bail-package-review-new", args=[w.child.pk, key]),
            {
                **date_parts("reviewed_on", today()),
                "bail_could_be_offered": "no",
                "package_proposed": "",
                "csc_consulted": "",
                **date_parts("next_hearing_on", None),
                **date_parts("next_review_on", None),
            },
        )
        assert "Only a remand to youth detention accommodation has a bail package review" in refused.content.decode()


# --- The API ---------------------------------------------------------------------------------------------------------------------


REVIEWS, VISITS, BAIL = "/api/v1/looked-after-reviews/", "/api/v1/custody-visits/", "/api/v1/bail-package-reviews/"


class TestApi:
    def review_body(self, w, **extra):
        return {
            "child": w.child.pk,
            "remand": w.remand.pk,
            "held_on": today().isoformat(),
            "chair_name": "Ira Reviewer",
            "child_attended": True,
            "decisions": "Plan agreed",
            **extra,
        }

    def test_create_retrieve_and_list(self):
        w = yda_world()
        created = api_for(w.csc_worker).post(REVIEWS, self.review_body(w), format="json")
        assert created.status_code == 201, created.json()
        assert clocks(w.remand, services.LAC_REVIEW).get().status == Deadline.Status.MET
        assert last_log(what="api:looked-after-reviews-create").action == AccessEvent.Action.WRITE
        got = api_for(w.cyjs_worker).get(f"{REVIEWS}{created.json()['id']}/")
        assert got.status_code == 200 and got.json()["chair_name"] == "Ira Reviewer"
        other = yda_world()
        review(other)
        ids = [row["id"] for row in api_for(w.csc_worker).get(REVIEWS).json()["results"]]
        assert ids == [created.json()["id"]]

    def test_400_403_404(self):
        w = yda_world()
        bad = api_for(w.csc_worker).post(REVIEWS, self.review_body(w, chair_name="", decisions=""), format="json")
        assert bad.status_code == 400 and {"chair_name", "decisions"} <= set(bad.json())
        assert api_for(w.cyjs_worker).post(REVIEWS, self.review_body(w), format="json").status_code == 403
        hidden = ChildFactory()
        assert (
            api_for(w.csc_worker).post(REVIEWS, self.review_body(w, child=hidden.pk), format="json").status_code == 404
        )
        assert api_for(w.csc_worker).get(f"{REVIEWS}999999/").status_code == 404
        assert not LookedAfterReview.objects.exists()

    def test_not_shared_is_403_and_an_empty_list(self):
        w = yda_world()
        made = review(w)
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.REMAND])
        api = api_for(w.csc_worker)
        assert api.get(f"{REVIEWS}{made.pk}/").status_code == 403
        assert last_log(what="api:looked-after-reviews-detail").outcome == AccessEvent.Outcome.DENIED
        assert api.get(REVIEWS).json()["results"] == []
        assert api.post(REVIEWS, self.review_body(w), format="json").status_code == 403

    def test_patch_needs_the_version_and_conflicts_when_stale(self):
        w = yda_world()
        made = review(w)
        api = api_for(w.csc_worker)
        assert api.patch(f"{REVIEWS}{made.pk}/", {"decisions": "x"}, format="json").status_code == 400
        ok = api.patch(f"{REVIEWS}{made.pk}/", {"version": 1, "decisions": "New plan"}, format="json")
        assert ok.status_code == 200 and ok.json()["version"] == 2
        stale = api.patch(f"{REVIEWS}{made.pk}/", {"version": 1, "decisions": "Old"}, format="json")
        assert stale.status_code == 409 and "version" in stale.json()

    def test_visits_and_bail_reviews(self):
        w = yda_world()
        body = {
            "child": w.child.pk,
            "remand": w.remand.pk,
            "kind": "statutory",
            "visited_on": today().isoformat(),
            "csc_visitor": "Casey Socialworker",
        }
        assert api_for(w.cyjs_worker).post(VISITS, body, format="json").status_code == 403
        made = api_for(w.csc_worker).post(VISITS, body, format="json")
        assert made.status_code == 201 and clocks(w.remand, services.NEXT_VISIT, status=OPEN).exists()
        bail = {"remand": w.remand.pk, "reviewed_on": today().isoformat(), "bail_could_be_offered": True}
        refused = api_for(w.cyjs_worker).post(BAIL, bail, format="json")
        assert refused.status_code == 400 and "package_proposed" in refused.json()
        assert api_for(w.csc_worker).post(BAIL, {**bail, "package_proposed": "Aunt"}, format="json").status_code == 403
        done = api_for(w.cyjs_worker).post(BAIL, {**bail, "package_proposed": "Aunt"}, format="json")
        assert done.status_code == 201 and done.json()["reviewed_by"] == w.cyjs_worker.pk
        stale = api_for(w.cyjs_worker).patch(
            f"{BAIL}{done.json()['id']}/", {"version": 9, "package_proposed": "x"}, format="json"
        )
        assert stale.status_code == 409


MEETINGS = "/api/v1/custody-planning-meetings/"


class TestPlanningMeetingApi:
    """/api/v1/custody-planning-meetings/: the meeting YJS convenes after a sentence to custody (003 L162)."""

    def body(self, w, **extra):
        return {"order": w.order.pk, "held_on": today().isoformat(), "attendees": "YJS, CSC and the child", **extra}

    def test_create_stops_the_clock_then_retrieve_and_list(self):
        w = sentence_world(somerset=True)
        assert clocks(w.order, services.PLANNING_MEETING).get().status == OPEN
        created = api_for(w.cyjs_worker).post(MEETINGS, self.body(w, decisions="Education plan agreed"), format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["child"] == w.child.pk and created.json()["created_by"] == w.cyjs_worker.pk
        assert clocks(w.order, services.PLANNING_MEETING).get().status == Deadline.Status.MET
        assert last_log(what="api:custody-planning-meetings-create").action == AccessEvent.Action.WRITE
        assert last_log(what="custody-planning-meeting:create").action == AccessEvent.Action.WRITE
        got = api_for(w.csc_worker).get(f"{MEETINGS}{created.json()['id']}/")
        assert got.status_code == 200 and got.json()["attendees"] == "YJS, CSC and the child"
        assert last_log(what="api:custody-planning-meetings-detail").outcome == AccessEvent.Outcome.ALLOWED
        api = api_for(w.cyjs_worker)
        assert [row["id"] for row in api.get(MEETINGS, {"child": w.child.pk}).json()["results"]] == [
            created.json()["id"]
        ]
        assert api.get(MEETINGS, {"child": w.child.pk + 999}).json()["results"] == []
        assert last_log(what="api:custody-planning-meetings-list") is not None
        other = sentence_world()  # Lancashire-like: no planning meeting clock, but the meeting can still be recorded
        services.record_planning_meeting(order=other.order, by=other.cyjs_worker, held_on=today(), attendees="YJS")
        assert [row["id"] for row in api.get(MEETINGS).json()["results"]] == [created.json()["id"]]

    def test_400_field_errors_and_a_second_meeting(self):
        w = sentence_world(somerset=True)
        api = api_for(w.cyjs_worker)
        bad = api.post(
            MEETINGS, self.body(w, attendees="", held_on=(today() + timedelta(days=1)).isoformat()), format="json"
        )
        assert bad.status_code == 400 and {"held_on", "attendees"} <= set(bad.json())
        assert "Enter who attended the meeting" in bad.json()["attendees"][0]
        assert api.post(MEETINGS, {"held_on": today().isoformat()}, format="json").json().keys() >= {
            "order",
            "attendees",
        }
        assert not CustodyPlanningMeeting.objects.exists()
        assert clocks(w.order, services.PLANNING_MEETING).get().status == OPEN
        assert api.post(MEETINGS, self.body(w), format="json").status_code == 201
        again = api.post(MEETINGS, self.body(w), format="json")
        assert again.status_code == 400 and "recorded as held on" in again.json()["held_on"][0]
        from tests.orders_builders import record

        yro = record(w)
        community = api.post(MEETINGS, self.body(w, order=yro.pk), format="json")
        assert community.status_code == 400 and "Only a custodial sentence" in community.json()["held_on"][0]
        assert CustodyPlanningMeeting.objects.count() == 1

    def test_403_for_csc_and_where_not_shared(self):
        w = sentence_world(somerset=True)
        refused = api_for(w.csc_worker).post(MEETINGS, self.body(w), format="json")
        assert refused.status_code == 403 and not CustodyPlanningMeeting.objects.exists()
        made = services.record_planning_meeting(order=w.order, by=w.cyjs_worker, held_on=today(), attendees="YJS")
        w.protocol.csc_reads = [Section.ORDERS]
        w.protocol.save(update_fields=["csc_reads"])
        api = api_for(w.csc_worker)
        assert api.get(f"{MEETINGS}{made.pk}/").status_code == 403
        assert last_log(what="api:custody-planning-meetings-detail").outcome == AccessEvent.Outcome.DENIED
        assert api.get(MEETINGS).json()["results"] == []

    def test_404_for_a_hidden_child_or_no_meeting(self):
        w = sentence_world(somerset=True)
        other = sentence_world()
        hidden = api_for(w.cyjs_worker).post(MEETINGS, self.body(other), format="json")
        assert hidden.status_code == 404 and not CustodyPlanningMeeting.objects.exists()
        assert last_log(what="api:custody-planning-meetings-create").outcome == AccessEvent.Outcome.DENIED
        made = services.record_planning_meeting(
            order=other.order, by=other.cyjs_worker, held_on=today(), attendees="YJS"
        )
        assert api_for(w.cyjs_worker).get(f"{MEETINGS}{made.pk}/").status_code == 404
        assert api_for(w.cyjs_worker).get(f"{MEETINGS}999999/").status_code == 404

    def test_no_edit_so_patch_is_not_allowed(self):
        """There is no page to change a planning meeting, so no PATCH (and no version conflict) either."""
        w = sentence_world(somerset=True)
        made = services.record_planning_meeting(order=w.order, by=w.cyjs_worker, held_on=today(), attendees="YJS")
        answer = api_for(w.cyjs_worker).patch(f"{MEETINGS}{made.pk}/", {"version": 1, "attendees": "x"}, format="json")
        assert answer.status_code == 405
        made.refresh_from_db()
        assert made.attendees == "YJS" and made.version == 1


# --- Links from the remand and the order to the custody care page -----------------------------------------------------


REMAND_LINK, ORDER_LINK = (
    "Reviews, visits and bail reviews in custody",
    "Reviews, visits and the planning meeting in custody",
)


class TestLinks:
    def test_a_youth_detention_remand_links_the_page_for_its_readers(self):
        w = yda_world()
        care = f'href="{reverse("custody-care", args=[w.child.pk])}"'
        url = reverse("remand-detail", args=[w.remand.pk])
        for reader in (w.cyjs_worker, w.csc_worker):
            page = client_for(reader).get(url).content.decode()
            assert care in page and REMAND_LINK in page
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.REMAND])
        page = client_for(w.csc_worker).get(url)
        assert (
            page.status_code == 200 and REMAND_LINK not in page.content.decode() and care not in page.content.decode()
        )

    def test_a_remand_to_local_authority_accommodation_has_no_link(self):
        w = court_world()
        la = remand(w, "local_authority")
        page = client_for(w.cyjs_worker).get(reverse("remand-detail", args=[la.pk])).content.decode()
        assert REMAND_LINK not in page and reverse("custody-care", args=[w.child.pk]) not in page

    def test_a_custodial_order_links_the_page_for_its_readers(self):
        w = sentence_world(somerset=True)
        url = reverse("order-detail", args=[w.order.pk])
        care = f'href="{reverse("custody-care", args=[w.child.pk])}"'
        for reader in (w.cyjs_worker, w.csc_worker):
            page = client_for(reader).get(url).content.decode()
            assert care in page and ORDER_LINK in page
        w.protocol.csc_reads = [Section.ORDERS]
        w.protocol.save(update_fields=["csc_reads"])
        page = client_for(w.csc_worker).get(url)
        assert page.status_code == 200 and ORDER_LINK not in page.content.decode()

    def test_a_community_order_has_no_link(self):
        w = sentence_world()
        from tests.orders_builders import record

        yro = record(w)
        page = client_for(w.cyjs_worker).get(reverse("order-detail", args=[yro.pk])).content.decode()
        assert ORDER_LINK not in page and reverse("custody-care", args=[w.child.pk]) not in page


# --- The chronology ----------------------------------------------------------------------------------------------------------------


CARE_EVENTS = {"looked_after_review", "custody_visit", "bail_package_review", "custody_planning_meeting"}


class TestChronology:
    def test_entries_follow_the_section_and_the_agency_filter(self):
        w = yda_world()
        review(w)
        visit(w)
        bail_review(w)
        titles = {e.title for e in chronology(child=w.child, viewer=w.cyjs_worker) if e.event_type in CARE_EVENTS}
        assert titles == {
            "Looked after review held",
            "Statutory visit by children's social care",
            "Bail package reviewed",
        }
        csc_only = {
            e.title
            for e in chronology(child=w.child, viewer=w.cyjs_worker, agency_kinds=["csc"])
            if e.event_type in CARE_EVENTS
        }
        assert csc_only == {"Looked after review held", "Statutory visit by children's social care"}
        entry = next(e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "bail_package_review")
        assert entry.agency_kind == "cyjs" and entry.url == reverse("custody-care", args=[w.child.pk])
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.REMAND])
        assert not [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type in CARE_EVENTS]

"""Matches to confirm (casework.intake.matching): a name-and-birthday match from the CYJS intake or the police's
notice opens a child's record only when someone who already works with the child confirms it, or to one
worker for the break-glass period. Access, pages, API and the access log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import AccessEvent, BreakGlassAccess
from accounts.services import break_glass_to_review
from casework.intake import matching, services
from casework.models import Child, CustodyEpisode, IdentityMatchRequest, Involvement
from notifications.models import Notification
from tests.factories import UserFactory
from tests.intake_builders import identity, intake_world, notification
from tests.pathway_builders import api_for, client_for

pytestmark = pytest.mark.django_db

CUSTODY, PREVENTION = services.INTAKES["custody"], services.INTAKES["prevention"]
EMERGENCY_REASON = "The child is in custody tonight and the appropriate adult needs their history now."


@pytest.fixture
def w():
    return intake_world()


def asked(w, intake=CUSTODY):
    return services.open_for_cyjs(by=w.duty, intake=intake, identity=identity(w), child_id=w.csc_child.pk).match_request


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def police_match(w):
    response = api_for(w.police).post("/api/v1/custody-notifications/", notification(w), format="json")
    assert response.status_code == 201
    return IdentityMatchRequest.objects.get(custody_episode_id=response.data["reference"])


class TestWhoIsAsked:
    def test_the_allocated_worker_and_their_managers_are_told(self, w):
        match = asked(w)
        told = set(
            Notification.objects.filter(subject="Confirm a child's identity").values_list("recipient_id", flat=True)
        )
        assert told == {w.csc_worker.pk, w.csc_manager.pk}
        notice = Notification.objects.filter(recipient=w.csc_worker).get()
        assert notice.link == f"/identity-matches/{match.pk}/" and "Casey" not in notice.body

    def test_with_no_one_allocated_the_team_managers_of_services_working_with_the_child_are_told(self, w):
        Involvement.objects.filter(pk=w.csc_involvement.pk).update(allocated_worker=None, team=None)
        asked(w)
        told = set(
            Notification.objects.filter(subject="Confirm a child's identity").values_list("recipient_id", flat=True)
        )
        # The MASH manager is a candidate but cannot see the child (no contact), so cannot confirm and is not told.
        assert told == {w.csc_manager.pk}

    def test_asking_again_while_waiting_returns_the_same_request(self, w):
        first = asked(w)
        assert asked(w) == first
        assert IdentityMatchRequest.objects.count() == 1
        assert last_log(what="identity-match:request").detail == (
            f"asked again; match to confirm {first.pk} still waiting; no access until confirmed"
        )
        assert Notification.objects.filter(recipient=w.csc_worker).count() == 1


class TestConfirming:
    def test_confirming_opens_the_involvement_allocated_to_the_worker_who_asked(self, w):
        match = matching.confirm_identity_match(request=asked(w), by=w.csc_worker)
        inv = match.involvement
        assert (match.status, match.decided_by) == ("confirmed", w.csc_worker)
        assert (inv.child, inv.agency, inv.kind, inv.allocated_worker, inv.team) == (
            w.csc_child,
            w.cyjs,
            "other",
            w.duty,
            w.cyjs_team,
        )
        assert access.decide(w.duty, w.csc_child).purpose == AccessEvent.Purpose.NORMAL
        event = last_log(what="identity-match:confirm")
        assert (event.user_id, event.child_id, event.purpose, event.outcome) == (
            w.csc_worker.pk,
            w.csc_child.pk,
            "normal",
            "allowed",
        )
        assert event.detail == f"match to confirm {match.pk} confirmed; {w.cyjs.name} involvement {inv.pk} opened"
        assert Notification.objects.filter(recipient=w.duty, subject="A match you asked for was confirmed").exists()

    def test_a_prevention_match_opens_a_prevention_involvement(self, w):
        match = matching.confirm_identity_match(request=asked(w, PREVENTION), by=w.csc_manager)
        assert match.involvement.kind == "yj_prevention"

    @pytest.mark.parametrize("who", ["duty", "cyjs_manager", "teacher", "mash_manager", "police"])
    def test_someone_who_cannot_see_the_child_or_asked_cannot_confirm(self, w, who):
        match = asked(w)
        user = getattr(w, who)
        with pytest.raises(PermissionDenied):
            matching.confirm_identity_match(request=match, by=user)
        assert client_for(user).get(f"/identity-matches/{match.pk}/").status_code in (
            (200,) if who in ("duty", "cyjs_manager") else (404,)
        )
        assert client_for(user).post(f"/identity-matches/{match.pk}/", {"decision": "confirm"}).status_code in (
            403,
            404,
        )
        assert api_for(user).post(f"/api/v1/identity-matches/{match.pk}/confirm/", {}, format="json").status_code == 404
        assert api_for(user).get(f"/api/v1/identity-matches/{match.pk}/").status_code == 404
        assert not Involvement.objects.filter(child=w.csc_child, agency=w.cyjs).exists()
        assert IdentityMatchRequest.objects.get(pk=match.pk).is_pending

    def test_break_glass_does_not_make_someone_a_confirmer(self, w):
        match = asked(w)
        outsider = w.teacher  # a partner who does not work with the child
        assert not access.decide(outsider, w.csc_child).allowed
        from accounts.services import start_break_glass

        start_break_glass(user=outsider, child=w.csc_child, reason=EMERGENCY_REASON)
        assert access.decide(outsider, w.csc_child).purpose == AccessEvent.Purpose.BREAK_GLASS
        assert not matching.may_confirm(outsider, match)
        assert (
            api_for(outsider).post(f"/api/v1/identity-matches/{match.pk}/confirm/", {}, format="json").status_code
            == 404
        )

    def test_an_explicit_grant_may_confirm(self, w):
        from accounts.services import grant_child_access

        match = asked(w)
        colleague = UserFactory(agency=w.csc)
        grant_child_access(
            granted_by=w.csc_manager,
            user=colleague,
            child=w.csc_child,
            reason="Joint visit planned with the social worker.",
        )
        assert matching.may_confirm(colleague, match)

    def test_the_confirm_page_shows_the_details_beside_the_record(self, w):
        match = asked(w)
        page = client_for(w.csc_worker).get(f"/identity-matches/{match.pk}/").content.decode()
        assert "Confirm a child&#x27;s identity: Casey Newcomer" in page
        assert "casey Newcomer" in page and "ZZ9 9ZZ" in page and "Not given" in page
        assert last_log(what="page:identity-match").user_id == w.csc_worker.pk
        listing = client_for(w.csc_worker).get("/identity-matches/").content.decode()
        assert f'href="/identity-matches/{match.pk}/"' in listing
        assert "1 match to confirm" in client_for(w.csc_worker).get("/").content.decode()

    def test_confirming_on_the_page(self, w):
        match = asked(w)
        missing = client_for(w.csc_worker).post(f"/identity-matches/{match.pk}/", {})
        assert missing.status_code == 200 and "Say whether this is the same child" in missing.content.decode()
        no_reason = client_for(w.csc_worker).post(
            f"/identity-matches/{match.pk}/", {"decision": "reject", "reason": ""}
        )
        assert "Enter why this is not the same child" in no_reason.content.decode()
        done = client_for(w.csc_worker).post(f"/identity-matches/{match.pk}/", {"decision": "confirm", "reason": ""})
        assert done.status_code == 302 and done.url == "/identity-matches/"
        assert IdentityMatchRequest.objects.get(pk=match.pk).status == "confirmed"
        assert client_for(w.duty).get(f"/children/{w.csc_child.pk}/custody/new/").status_code == 200


class TestRejecting:
    def test_a_reason_is_needed_and_nothing_is_opened(self, w):
        match = asked(w)
        with pytest.raises(ValidationError) as error:
            matching.reject_identity_match(request=match, by=w.csc_worker, reason=" ")
        assert error.value.message_dict == {"reason": ["Enter why this is not the same child"]}
        matching.reject_identity_match(
            request=match, by=w.csc_worker, reason="Our Casey lives with grandparents in another town."
        )
        assert not Involvement.objects.filter(child=w.csc_child, agency=w.cyjs).exists()
        assert not access.decide(w.duty, w.csc_child).allowed
        assert Notification.objects.filter(recipient=w.duty, subject="A match you asked for was rejected").exists()
        assert last_log(what="identity-match:reject").detail == f"match to confirm {match.pk} rejected; nothing opened"

    def test_the_worker_then_records_a_new_child_without_seeing_the_reason(self, w):
        match = asked(w)
        matching.reject_identity_match(request=match, by=w.csc_worker, reason="Our Casey lives with grandparents.")
        client = client_for(w.duty)
        page = client.get(f"/identity-matches/{match.pk}/").content.decode()
        assert "not the same child" in page and "grandparents" not in page and "Record a new child" in page
        done = client.post(f"/identity-matches/{match.pk}/new-record/")
        child = Child.objects.exclude(pk=w.csc_child.pk).get(last_name="Newcomer")
        assert done.status_code == 302 and done.url == f"/children/{child.pk}/custody/new/"
        assert list(child.possible_duplicates.all()) == [w.csc_child]
        assert IdentityMatchRequest.objects.get(pk=match.pk).new_child == child
        assert not access.decide(w.duty, w.csc_child).allowed
        again = client.post(f"/identity-matches/{match.pk}/new-record/")
        assert again.status_code == 302 and Child.objects.filter(last_name="Newcomer").count() == 2


class TestEmergencyAccess:
    def test_break_glass_opens_the_record_to_the_worker_alone_for_24_hours_and_the_match_stays_waiting(self, w):
        match = asked(w)
        client = client_for(w.duty)
        done = client.post(f"/identity-matches/{match.pk}/emergency-access/", {"reason": EMERGENCY_REASON})
        assert done.status_code == 302 and done.url == f"/children/{w.csc_child.pk}/custody/new/"
        grant = BreakGlassAccess.objects.get(user=w.duty, child=w.csc_child)
        assert grant.expires_at - grant.started_at == timedelta(hours=24) and grant.reason == EMERGENCY_REASON
        assert client.get(done.url).status_code == 200
        assert access.decide(w.duty, w.csc_child).purpose == AccessEvent.Purpose.BREAK_GLASS
        # Nothing opened for the service: no involvement, a colleague still cannot see the child, the match waits.
        assert not Involvement.objects.filter(child=w.csc_child, agency=w.cyjs).exists()
        assert not access.decide(w.cyjs_worker, w.csc_child).allowed
        assert IdentityMatchRequest.objects.get(pk=match.pk).is_pending
        # The manager is told and has it to review.
        assert break_glass_to_review(manager=w.cyjs_manager).filter(pk=grant.pk, reviewed_at__isnull=True).exists()
        assert Notification.objects.filter(
            recipient=w.cyjs_manager, link=reverse("break-glass-review", args=[grant.pk])
        ).exists()
        # It ends after 24 hours unless the match is confirmed.
        later = timezone.now() + timedelta(hours=24, minutes=1)
        assert not access.decide(w.duty, w.csc_child, now=later).allowed
        event = last_log(what="identity-match:break-glass")
        assert (event.purpose, event.outcome) == ("break_glass", "allowed")
        assert "still waiting for confirmation" in event.detail and "no involvement opened" in event.detail

    def test_confirming_afterwards_keeps_access_beyond_the_emergency(self, w):
        match = asked(w)
        matching.use_emergency_access(request=match, by=w.duty, reason=EMERGENCY_REASON)
        matching.confirm_identity_match(request=match, by=w.csc_worker)
        later = timezone.now() + timedelta(hours=25)
        assert access.decide(w.duty, w.csc_child, now=later).purpose == AccessEvent.Purpose.NORMAL

    def test_a_short_reason_is_refused_on_the_page(self, w):
        match = asked(w)
        page = client_for(w.duty).post(f"/identity-matches/{match.pk}/emergency-access/", {"reason": "urgent"})
        assert page.status_code == 200 and "Explain the reason in at least a sentence" in page.content.decode()
        assert not BreakGlassAccess.objects.exists()

    def test_only_the_asking_service_may_use_it_here(self, w):
        match = asked(w)
        with pytest.raises(PermissionDenied):
            matching.use_emergency_access(request=match, by=w.teacher, reason=EMERGENCY_REASON)
        assert (
            client_for(w.teacher)
            .post(f"/identity-matches/{match.pk}/emergency-access/", {"reason": EMERGENCY_REASON})
            .status_code
            == 404
        )
        assert not BreakGlassAccess.objects.exists()


class TestApi:
    def test_list_confirm_and_a_second_decision_is_409(self, w):
        match = asked(w)
        api = api_for(w.csc_worker)
        listed = api.get("/api/v1/identity-matches/").data
        assert listed["count"] == 1
        assert [row["id"] for row in listed["results"]] == [match.pk] and listed["results"][0]["first_name"] == "casey"
        done = api.post(f"/api/v1/identity-matches/{match.pk}/confirm/", {}, format="json")
        assert done.status_code == 200 and done.data["status"] == "confirmed"
        assert access.decide(w.duty, w.csc_child).allowed
        again = api_for(w.csc_manager).post(
            f"/api/v1/identity-matches/{match.pk}/reject/",
            {"reason": "Not ours at all, different school."},
            format="json",
        )
        assert again.status_code == 409 and again.data == {"status": ["Someone has already decided this match"]}

    def test_reject_needs_a_reason(self, w):
        match = asked(w)
        response = api_for(w.csc_worker).post(f"/api/v1/identity-matches/{match.pk}/reject/", {}, format="json")
        assert response.status_code == 400 and response.data == {"reason": ["Enter why this is not the same child"]}


class TestPoliceMatch:
    def test_the_police_never_see_or_follow_the_request(self, w):
        match = police_match(w)
        assert client_for(w.police).get(f"/identity-matches/{match.pk}/").status_code == 404
        assert "Casey" not in client_for(w.police).get("/identity-matches/").content.decode()

    def test_cyjs_sees_the_waiting_match_but_not_the_record(self, w):
        match = police_match(w)
        page = client_for(w.cyjs_manager).get(f"/identity-matches/{match.pk}/").content.decode()
        assert "Casey Newcomer: waiting for confirmation" in page and "ZZ9 9ZZ" not in page

    def test_confirming_opens_an_unallocated_involvement_and_tells_cyjs(self, w):
        match = police_match(w)
        matching.confirm_identity_match(request=match, by=w.csc_worker)
        inv = Involvement.objects.get(child=w.csc_child, agency=w.cyjs)
        assert (inv.kind, inv.allocated_worker) == ("other", None)
        assert api_for(w.duty).get(f"/api/v1/children/{w.csc_child.pk}/").status_code == 200
        assert Notification.objects.filter(
            recipient=w.cyjs_manager, link=f"/custody/{match.custody_episode_id}/"
        ).exists()

    def test_rejecting_moves_the_notice_to_a_new_record_open_to_cyjs(self, w):
        match = police_match(w)
        matching.reject_identity_match(
            request=match, by=w.csc_worker, reason="Our Casey was at home with us that night."
        )
        match.refresh_from_db()
        episode = CustodyEpisode.objects.get(pk=match.custody_episode_id)
        assert episode.child == match.new_child and match.new_child != w.csc_child
        assert access.decide(w.duty, match.new_child).allowed and not access.decide(w.duty, w.csc_child).allowed
        # The same arrest sent again is still the same notice.
        again = api_for(w.police).post(
            "/api/v1/custody-notifications/",
            notification(w, arrested_at=episode.arrested_at.isoformat()),
            format="json",
        )
        assert again.status_code == 200 and again.data["reference"] == episode.pk

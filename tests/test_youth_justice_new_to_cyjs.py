"""A child new to the child and youth justice service (casework.intake: police custody and prevention
referrals for a child CYJS cannot yet see; seed 000 ¶8.3, ¶10–11, ¶13), the police's notice of a child in
custody by API, and the PACE transfer lead (000 ¶12.2): services, pages, API, access and the access log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import access
from accounts.models import AccessEvent, Role
from casework.custody import services as custody_services
from casework.intake import services
from casework.models import (
    Child,
    CustodyEpisode,
    IdentityMatchRequest,
    Involvement,
    JointWorkingProtocol,
    PreventionReferral,
)
from notifications.models import Notification
from tests.custody_builders import pace_request
from tests.factories import AgencyFactory, AuthorityFactory, ChildFactory, InvolvementFactory, UserFactory
from tests.intake_builders import born, identity, intake_world, notification, stranger
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db

CUSTODY, PREVENTION = services.INTAKES["custody"], services.INTAKES["prevention"]


@pytest.fixture
def w():
    return intake_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def details_post(values):
    data = {k: v for k, v in values.items() if k != "date_of_birth"}
    return {**data, **date_parts("date_of_birth", values.get("date_of_birth"))}


# --- The service ---------------------------------------------------------------------------------------------


class TestMatching:
    def test_cyjs_cannot_see_a_child_known_only_to_csc(self, w):
        """The reason for the intake: default-deny (accounts.access)."""
        assert not access.decide(w.duty, w.csc_child).allowed

    def test_finds_the_csc_child_showing_only_name_and_date_of_birth(self, w):
        [match] = services.find_matches(by=w.duty, identity=identity(w))
        assert match == services.Match(w.csc_child.pk, "Casey Newcomer", w.csc_child.date_of_birth)

    def test_a_different_birthday_is_no_match(self, w):
        assert (
            services.find_matches(
                by=w.duty, identity=identity(w, date_of_birth=w.csc_child.date_of_birth - timedelta(days=1))
            )
            == []
        )

    def test_a_restricted_child_is_never_offered(self, w):
        Child.objects.filter(pk=w.csc_child.pk).update(restricted=True)
        assert services.find_matches(by=w.duty, identity=identity(w)) == []

    def test_the_search_is_logged_with_what_it_found(self, w):
        services.find_matches(by=w.duty, identity=identity(w), log_as="page:cyjs-intake-matches")
        event = last_log(what="page:cyjs-intake-matches")
        assert event.action == "search" and event.user_id == w.duty.pk
        assert (
            event.detail == f"query: casey Newcomer {w.csc_child.date_of_birth.isoformat()}\nreturned: {w.csc_child.pk}"
        )


class TestOpenForCyjs:
    def test_choosing_a_match_opens_nothing_and_asks_for_confirmation(self, w):
        children = Child.objects.count()
        result = services.open_for_cyjs(by=w.duty, intake=CUSTODY, identity=identity(w), child_id=w.csc_child.pk)
        assert Child.objects.count() == children and result.child == w.csc_child and not result.is_new_child
        assert result.involvement is None and not Involvement.objects.filter(child=w.csc_child, agency=w.cyjs).exists()
        match = result.match_request
        assert (match.child, match.agency, match.source, match.requested_by, match.status) == (
            w.csc_child,
            w.cyjs,
            "intake_custody",
            w.duty,
            "pending",
        )
        assert (match.first_name, match.last_name, match.date_of_birth) == (
            "casey",
            "Newcomer",
            w.csc_child.date_of_birth,
        )
        assert not access.decide(w.duty, w.csc_child).allowed
        assert w.csc_child not in access.visible_children(w.duty)

    def test_the_request_is_logged_as_giving_no_access(self, w):
        result = services.open_for_cyjs(by=w.duty, intake=CUSTODY, identity=identity(w), child_id=w.csc_child.pk)
        event = last_log(what="identity-match:request")
        assert (event.child_id, event.user_id, event.action, event.purpose, event.outcome) == (
            w.csc_child.pk,
            w.duty.pk,
            "write",
            "none",
            "denied",
        )
        assert event.detail.startswith(
            f"match to confirm {result.match_request.pk} (Recording a child in police custody) for {w.cyjs.name}; no access until confirmed"
        )
        assert not AccessEvent.objects.filter(what="cyjs-intake:custody").exists()

    def test_a_new_record_is_logged_with_its_reason(self, w):
        result = services.open_for_cyjs(by=w.duty, intake=CUSTODY, identity=stranger())
        event = last_log(what="cyjs-intake:custody")
        assert (event.child_id, event.user_id, event.action, event.purpose, event.outcome) == (
            result.child.pk,
            w.duty.pk,
            "write",
            "normal",
            "allowed",
        )
        assert event.detail == f"new to CYJS: police custody; new record; involvement {result.involvement.pk}"

    def test_a_new_child_is_recorded_allocated_and_logged(self, w):
        result = services.open_for_cyjs(by=w.duty, intake=PREVENTION, identity=stranger(postcode="zz1 1zz"))
        child = result.child
        assert result.is_new_child and (child.first_name, child.last_name, child.postcode, child.created_by) == (
            "Morgan",
            "Unrecorded",
            "ZZ1 1ZZ",
            w.duty,
        )
        assert (result.involvement.kind, result.involvement.allocated_worker) == ("yj_prevention", w.duty)
        assert last_log(what="child:create").child_id == child.pk
        assert last_log(what="cyjs-intake:prevention").detail.startswith(
            "new to CYJS: prevention referral; new record;"
        )
        assert access.decide(w.duty, child).allowed

    def test_an_id_that_is_not_a_match_is_refused_and_opens_nothing(self, w):
        """A worker may not open any hidden child by sending its id."""
        hidden = ChildFactory(first_name="Other", last_name="Hiddenchild", date_of_birth=born(12))
        with pytest.raises(ValidationError) as error:
            services.open_for_cyjs(by=w.duty, intake=CUSTODY, identity=identity(w), child_id=hidden.pk)
        assert error.value.message_dict == {
            "choice": ["That record does not match the details you entered. Choose again"]
        }
        assert not Involvement.objects.filter(child=hidden, agency=w.cyjs).exists()
        assert not access.decide(w.duty, hidden).allowed

    def test_a_restricted_child_cannot_be_joined_and_a_new_record_is_flagged(self, w):
        Child.objects.filter(pk=w.csc_child.pk).update(restricted=True)
        with pytest.raises(ValidationError):
            services.open_for_cyjs(by=w.duty, intake=CUSTODY, identity=identity(w), child_id=w.csc_child.pk)
        result = services.open_for_cyjs(by=w.duty, intake=CUSTODY, identity=identity(w))
        assert result.is_new_child and list(result.child.possible_duplicates.all()) == [w.csc_child]
        assert not access.decide(w.duty, w.csc_child).allowed

    def test_a_child_already_open_to_the_service_keeps_its_involvement(self, w):
        kept = w.cyjs_involvement
        result = services.open_for_cyjs(
            by=w.duty,
            intake=CUSTODY,
            identity=services.clean_identity(
                first_name="Jordan", last_name="Examplechild", date_of_birth=w.child.date_of_birth
            ),
            child_id=w.child.pk,
        )
        assert result.already_open and result.involvement == kept
        assert Involvement.objects.filter(child=w.child, agency=w.cyjs).count() == 1
        assert "already open to the service" in last_log(what="cyjs-intake:custody").detail

    @pytest.mark.parametrize("who", ["csc_worker", "mash_worker", "police", "teacher"])
    def test_only_cyjs_may_use_it(self, w, who):
        with pytest.raises(PermissionDenied):
            services.open_for_cyjs(by=getattr(w, who), intake=CUSTODY, identity=identity(w), child_id=w.csc_child.pk)
        assert not Involvement.objects.filter(child=w.csc_child).exclude(pk=w.csc_involvement.pk).exists()

    def test_prevention_is_for_children_aged_8_to_17(self, w):
        with pytest.raises(ValidationError) as error:
            services.open_for_cyjs(by=w.duty, intake=PREVENTION, identity=stranger(date_of_birth=born(7)))
        assert error.value.message_dict == {
            "date_of_birth": ["Morgan is 7. The prevention service works with children aged 8 to 17 (agreement 13.1)"]
        }
        assert not Child.objects.filter(last_name="Unrecorded").exists()


class TestCleanIdentity:
    def test_names_and_date_of_birth_are_needed(self):
        with pytest.raises(ValidationError) as error:
            services.clean_identity(first_name=" ", last_name="", date_of_birth=None)
        assert error.value.message_dict == {
            "first_name": ["Enter the child's first name"],
            "last_name": ["Enter the child's last name"],
            "date_of_birth": ["Enter the child's date of birth"],
        }

    def test_future_birthday_and_bad_postcode_refused(self):
        with pytest.raises(ValidationError) as error:
            services.clean_identity(
                first_name="A",
                last_name="B",
                date_of_birth=timezone.localdate() + timedelta(days=1),
                postcode="NOT A CODE",
            )
        assert error.value.message_dict == {
            "date_of_birth": ["The date of birth must be today or in the past"],
            "postcode": ["Enter a real postcode, like LA1 1AA"],
        }

    def test_postcode_is_tidied(self):
        assert stranger(postcode=" la11aa ").postcode == "LA1 1AA"


# --- The pages ------------------------------------------------------------------------------------------------


class TestPages:
    def test_my_work_offers_the_starts_to_cyjs_only(self, w):
        page = client_for(w.duty).get("/").content.decode()
        assert 'href="/youth-justice/new-child/custody/"' in page and "Record a child in police custody" in page
        assert 'href="/youth-justice/new-child/prevention/"' in page and "Record a prevention referral" in page
        assert "/youth-justice/new-child/" not in client_for(w.csc_worker).get("/").content.decode()

    @pytest.mark.parametrize("who", ["csc_worker", "mash_worker", "police"])
    def test_others_get_403(self, w, who):
        client = client_for(getattr(w, who))
        for url in ("/youth-justice/new-child/custody/", "/youth-justice/new-child/prevention/record/"):
            assert client.get(url).status_code == 403
        assert client.post("/youth-justice/new-child/custody/", details_post({"first_name": "A"})).status_code == 403

    def test_unknown_intake_is_404(self, w):
        assert client_for(w.duty).get("/youth-justice/new-child/court/").status_code == 404

    def test_bad_details_show_an_error_summary(self, w):
        response = client_for(w.duty).post(
            "/youth-justice/new-child/custody/",
            details_post(
                {
                    "first_name": "",
                    "last_name": "Newcomer",
                    "date_of_birth": timezone.localdate() + timedelta(days=3),
                    "postcode": "12345",
                }
            ),
        )
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page
        assert "Enter the child&#x27;s first name" in page
        for message in ("The date of birth must be today or in the past", "Enter a real postcode, like LA1 1AA"):
            assert message in page

    def test_custody_journey_asks_for_the_match_to_be_confirmed(self, w):
        client = client_for(w.duty)
        response = client.post(
            "/youth-justice/new-child/custody/",
            details_post(
                {
                    "first_name": "Casey",
                    "last_name": "Newcomer",
                    "date_of_birth": w.csc_child.date_of_birth,
                    "postcode": "",
                }
            ),
        )
        assert response.status_code == 302 and response.url == "/youth-justice/new-child/custody/record/"
        page = client.get(response.url).content.decode()
        assert "A record matches" in page and "Yes, it is Casey Newcomer, born" in page
        # Nothing of CSC's record beyond the name and the date of birth the worker typed.
        assert "ZZ9 9ZZ" not in page and "Example Row" not in page and w.csc_worker.display_name not in page
        assert last_log(what="page:cyjs-intake-matches").detail.endswith(f"returned: {w.csc_child.pk}")
        missing = client.post("/youth-justice/new-child/custody/record/", {})
        assert "Choose the record that is this child, or create a new record" in missing.content.decode()
        done = client.post("/youth-justice/new-child/custody/record/", {"choice": str(w.csc_child.pk)})
        match = IdentityMatchRequest.objects.get(child=w.csc_child)
        assert done.status_code == 302 and done.url == f"/identity-matches/{match.pk}/"
        waiting = client.get(done.url).content.decode()
        assert "Casey Newcomer: waiting for confirmation" in waiting and "Get emergency access" in waiting
        # Still nothing of CSC's record: the page shows what the worker typed.
        assert "ZZ9 9ZZ" not in waiting and "Example Row" not in waiting and w.csc_worker.display_name not in waiting
        assert client.get(f"/children/{w.csc_child.pk}/custody/new/").status_code in (403, 404)
        assert client.get(f"/children/{w.csc_child.pk}/").status_code in (403, 404)
        assert Child.objects.filter(last_name="Newcomer").count() == 1

    def test_prevention_journey_for_a_new_child_links_the_referral_to_the_involvement(self, w):
        client = client_for(w.duty)
        client.post(
            "/youth-justice/new-child/prevention/",
            details_post(
                {
                    "first_name": "Morgan",
                    "last_name": "Unrecorded",
                    "date_of_birth": born(13),
                    "address": "",
                    "postcode": "",
                }
            ),
        )
        page = client.get("/youth-justice/new-child/prevention/record/").content.decode()
        assert "No record matches" in page and "Create a new record" in page
        done = client.post("/youth-justice/new-child/prevention/record/", {})
        child = Child.objects.get(last_name="Unrecorded")
        involvement = Involvement.objects.get(child=child, agency=w.cyjs)
        assert done.url == f"/children/{child.pk}/prevention/new/?involvement={involvement.pk}"
        saved = client.post(
            done.url,
            {
                "route": "prevention",
                "source": "school",
                "referrer_name": "Terry Teacher",
                **date_parts("received_on", timezone.localdate()),
                "reasons": "Missing school.",
                "consent_given": "yes",
                "radicalisation_concern": "no",
            },
        )
        referral = PreventionReferral.objects.get(child=child)
        assert saved.status_code == 302 and referral.involvement == involvement

    def test_the_record_page_without_details_goes_back_to_the_start(self, w):
        response = client_for(w.duty).get("/youth-justice/new-child/custody/record/")
        assert response.status_code == 302 and response.url == "/youth-justice/new-child/custody/"


class TestPreventionInvolvementLink:
    def test_another_childs_involvement_is_refused(self, w):
        from tests.prevention_builders import referral

        other = InvolvementFactory(child=w.csc_child, agency=w.cyjs, kind="yj_prevention")
        with pytest.raises(ValidationError) as error:
            referral(w, by=w.duty, involvement=other)
        assert error.value.message_dict == {
            "involvement": ["That involvement is not your service's open involvement with this child"]
        }


# --- The police's notice by API ----------------------------------------------------------------------------------


class TestCustodyNotificationApi:
    URL = "/api/v1/custody-notifications/"

    def test_a_new_child_is_recorded_for_cyjs_and_its_team_managers_told(self, w):
        response = api_for(w.police).post(
            self.URL,
            notification(
                child={"first_name": "Morgan", "last_name": "Unrecorded", "date_of_birth": born(15).isoformat()}
            ),
            format="json",
        )
        assert response.status_code == 201, response.data
        episode = CustodyEpisode.objects.get(pk=response.data["reference"])
        assert set(response.data) == {"reference", "received_at", "told"}
        child = episode.child
        assert (child.last_name, episode.agency, episode.created_by, episode.custody_suite) == (
            "Unrecorded",
            w.cyjs,
            w.police,
            "Exampletown police station",
        )
        inv = Involvement.objects.get(child=child, agency=w.cyjs)
        assert (inv.kind, inv.allocated_worker, inv.end) == ("other", None, None)
        [notice] = Notification.objects.filter(recipient=w.cyjs_manager, subject="The police say a child is in custody")
        assert notice.link == f"/custody/{episode.pk}/"
        event = last_log(what="api:custody-notifications")
        assert event.detail.startswith("new to CYJS: police custody; notified by Testshire Police; new record;")
        assert access.decide(w.duty, child).allowed and not access.decide(w.police, child).allowed

    def test_a_single_match_opens_nothing_and_waits_for_confirmation(self, w):
        children = Child.objects.count()
        response = api_for(w.police).post(self.URL, notification(w), format="json")
        assert response.status_code == 201
        assert Child.objects.count() == children
        episode = CustodyEpisode.objects.get(pk=response.data["reference"])
        assert (episode.child, episode.agency) == (w.csc_child, w.cyjs)
        assert not Involvement.objects.filter(child=w.csc_child, agency=w.cyjs).exists()
        for cyjs_user in (w.duty, w.cyjs_manager, w.cyjs_worker):
            assert api_for(cyjs_user).get(f"/api/v1/children/{w.csc_child.pk}/").status_code == 404
            assert api_for(cyjs_user).get(f"/api/v1/custody-episodes/{episode.pk}/").status_code == 404
        match = IdentityMatchRequest.objects.get(child=w.csc_child)
        assert (match.source, match.requested_by, match.custody_episode, match.status) == (
            "police_notification",
            w.police,
            episode,
            "pending",
        )
        assert f"no access given: match to confirm {match.pk}" in last_log(what="api:custody-notifications").detail
        [to_cyjs] = Notification.objects.filter(recipient=w.cyjs_manager)
        assert to_cyjs.link == f"/identity-matches/{match.pk}/" and "confirms the match" in to_cyjs.body
        assert Notification.objects.filter(recipient=w.csc_worker, subject="Confirm a child's identity").exists()

    def test_the_answer_is_the_same_for_a_match_and_no_match(self, w):
        api = api_for(w.police)
        matched = api.post(self.URL, notification(w), format="json")
        unmatched = api.post(
            self.URL,
            notification(
                child={"first_name": "Morgan", "last_name": "Unrecorded", "date_of_birth": born(15).isoformat()}
            ),
            format="json",
        )
        assert matched.status_code == unmatched.status_code == 201
        assert set(matched.data) == set(unmatched.data) == {"reference", "received_at", "told"}
        assert matched.data["told"] == unmatched.data["told"] == w.cyjs.name
        assert matched.headers.get("Location") == unmatched.headers.get("Location")

    def test_the_same_arrest_sent_again_returns_the_first(self, w):
        body = notification(w)
        first = api_for(w.police).post(self.URL, body, format="json")
        again = api_for(w.police).post(self.URL, body, format="json")
        assert again.status_code == 200 and again.data["reference"] == first.data["reference"]
        assert CustodyEpisode.objects.filter(child=w.csc_child).count() == 1

    def test_a_police_system_account_may_send_it(self, w):
        system = UserFactory(agency=w.police_agency, role=Role.SERVICE_ACCOUNT)
        assert api_for(system).post(self.URL, notification(w), format="json").status_code == 201

    def test_field_errors(self, w):
        api = api_for(w.police)
        missing = api.post(self.URL, {"child": {"first_name": "A"}, "custody_suite": ""}, format="json")
        assert missing.status_code == 400
        assert set(missing.data["child"]) == {"last_name", "date_of_birth"} and "arrested_at" in missing.data
        assert "custody_suite" in missing.data
        future = api.post(
            self.URL,
            notification(
                w,
                child={
                    "first_name": "A",
                    "last_name": "B",
                    "postcode": "nope",
                    "date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat(),
                },
            ),
            format="json",
        )
        assert future.status_code == 400 and future.data["child"]["date_of_birth"] == [
            "The date of birth must be today or in the past"
        ]
        postcode = api.post(
            self.URL,
            notification(
                w,
                child={"first_name": "A", "last_name": "B", "postcode": "nope", "date_of_birth": born(12).isoformat()},
            ),
            format="json",
        )
        assert postcode.status_code == 400 and postcode.data == {
            "child": {"postcode": ["Enter a real postcode, like LA1 1AA"]}
        }
        later = api.post(
            self.URL, notification(w, arrested_at=(timezone.now() + timedelta(hours=2)).isoformat()), format="json"
        )
        assert later.status_code == 400
        assert later.data == {
            "arrested_at": ["The arrest must have happened already: enter a time today or in the past"]
        }
        assert not CustodyEpisode.objects.exists()

    @pytest.mark.parametrize("who", ["duty", "csc_worker", "mash_worker", "teacher"])
    def test_only_the_police_may_send_it(self, w, who):
        response = api_for(getattr(w, who)).post(self.URL, notification(w), format="json")
        assert response.status_code == 403
        assert not CustodyEpisode.objects.exists()


# --- The PACE transfer lead (000 ¶12.2) -------------------------------------------------------------------------


def remained(w, request=None):
    request = request or pace_request(w)
    done = custody_services.record_pace_outcome(
        request=request, by=w.duty, expected_version=1, outcome="remained", reason="No bed was free before midnight."
    )
    done.refresh_from_db()
    return done


class TestPaceTransferLead:
    def test_the_named_lead_is_told_not_the_team_manager(self, w):
        lead = UserFactory(agency=w.cyjs, role=Role.TEAM_MANAGER, first_name="Lee", last_name="Pacelead")
        JointWorkingProtocol.objects.create(authority=w.authority, pace_transfer_lead=lead)
        done = remained(w)
        assert done.manager_told == lead
        assert Notification.objects.filter(recipient=lead, subject__icontains="held in police custody").count() == 1
        assert not Notification.objects.filter(
            recipient=w.cyjs_manager, subject__icontains="held in police custody"
        ).exists()

    def test_unset_the_recorders_team_manager_is_told(self, w):
        JointWorkingProtocol.objects.create(authority=w.authority)
        done = remained(w)
        assert done.manager_told == w.cyjs_manager
        assert (
            Notification.objects.filter(recipient=w.cyjs_manager, subject__icontains="held in police custody").count()
            == 1
        )

    def test_a_lead_who_has_left_falls_back_to_the_team_manager(self, w):
        lead = UserFactory(agency=w.cyjs, role=Role.TEAM_MANAGER, is_active=False)
        JointWorkingProtocol.objects.create(authority=w.authority, pace_transfer_lead=lead)
        assert remained(w).manager_told == w.cyjs_manager

    def test_the_lead_must_be_a_cyjs_manager_of_the_authority(self, w):
        other_cyjs = AgencyFactory(authority=AuthorityFactory(), kind="cyjs")
        refused = {
            "a CSC manager": w.csc_manager,
            "a CYJS practitioner": w.duty,
            "another authority's CYJS manager": UserFactory(agency=other_cyjs, role=Role.TEAM_MANAGER),
            "a CYJS manager who has left": UserFactory(agency=w.cyjs, role=Role.TEAM_MANAGER, is_active=False),
        }
        for why, user in refused.items():
            protocol = JointWorkingProtocol(authority=w.authority, pace_transfer_lead=user)
            with pytest.raises(ValidationError) as error:
                protocol.full_clean()
            assert error.value.message_dict["pace_transfer_lead"] == [
                "Choose an active manager in this authority's child and youth justice service"
            ], why
        JointWorkingProtocol(authority=w.authority, pace_transfer_lead=w.cyjs_senior).full_clean()

    def test_admin_offers_only_cyjs_managers(self, w):
        admin = UserFactory(agency=None, role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
        page = client_for(admin).get("/admin/casework/jointworkingprotocol/add/").content.decode()
        page = page[page.index('name="pace_transfer_lead"') :]
        page = page[: page.index("</select>")]
        assert f'value="{w.cyjs_manager.pk}"' in page and f'value="{w.cyjs_senior.pk}"' in page
        assert f'value="{w.csc_manager.pk}"' not in page and f'value="{w.duty.pk}"' not in page

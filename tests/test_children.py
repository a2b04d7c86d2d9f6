"""Adding, changing and finding children; access history and grants; the API's front door; page security."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.access import AccessDecision
from accounts.models import AccessEvent, ApiToken, ChildUserObjectPermission, Role
from casework import services
from casework.models import Child, Involvement
from casework.validators import nhs_number_is_valid, normalise_nhs_number
from notifications.models import Notification
from tests.factories import (
    PASSWORD,
    ChildFactory,
    InvolvementFactory,
    UserFactory,
    authority_with_agencies,
    worker_in_new_team,
)
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db

VALID_NHS = "9434765919"  # the NHS Data Dictionary's example
OTHER_VALID_NHS = "4010232137"


@pytest.fixture
def world():
    csc, mash, cyjs = authority_with_agencies()
    practitioner, team, manager = worker_in_new_team(csc)
    return SimpleNamespace(csc=csc, mash=mash, cyjs=cyjs, practitioner=practitioner, team=team, manager=manager)


def child_form(**overrides):
    """What the 'Add a child' page posts, with fictional details."""
    dob = overrides.pop("date_of_birth", date(2015, 6, 1))
    expected = overrides.pop("expected_date_of_birth", None)
    data = {
        "first_name": "Robin",
        "middle_names": "",
        "last_name": "Examplechild",
        "also_known_as": "",
        "is_born": "yes" if dob else "no",
        **date_parts("date_of_birth", dob),
        **date_parts("expected_date_of_birth", expected),
        "gender": "0",
        "ethnicity": "NOBT",
        "nhs_number": "",
        "upn": "",
        "yot_reference": "",
        "pnc_reference": "",
        "address": "",
        "postcode": "",
        "involvement_kind": Involvement.Kind.CIN,
    }
    data.update(overrides)
    return data


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


# --- NHS numbers --------------------------------------------------------------------------------


class TestNhsNumber:
    def test_valid(self):
        assert nhs_number_is_valid("9434765919")
        assert nhs_number_is_valid(OTHER_VALID_NHS)

    def test_valid_with_spaces_or_hyphens(self):
        assert nhs_number_is_valid("943 476 5919")
        assert nhs_number_is_valid("943-476-5919")
        assert normalise_nhs_number(" 943 476 5919 ") == "9434765919"

    @pytest.mark.parametrize("number", ["9434765918", "9434765910", "1234567890"])
    def test_wrong_check_digit(self, number):
        assert not nhs_number_is_valid(number)

    @pytest.mark.parametrize("number", ["", "943476591", "94347659190", "943476591X", "abcdefghij"])
    def test_wrong_length_or_not_digits(self, number):
        assert not nhs_number_is_valid(number)

    def test_check_digit_of_ten_is_never_valid(self):
        # 1234567890: the weighted sum gives a check digit of 10, which no NHS number has.
        assert not any(nhs_number_is_valid(f"123456789{d}") for d in range(10))


# --- adding a child -------------------------------------------------------------------------------


class TestAddChild:
    def test_a_valid_child_is_saved_with_an_involvement_allocated_to_the_creator(self, world):
        response = client_for(world.practitioner).post("/children/new/", child_form(nhs_number=VALID_NHS))
        assert response.status_code == 302
        child = Child.objects.get()
        assert response["Location"] == f"/children/{child.pk}/"
        assert child.nhs_number == VALID_NHS
        assert child.created_by == world.practitioner
        [involvement] = child.involvements.all()
        assert (involvement.agency, involvement.allocated_worker, involvement.team, involvement.end) == (
            world.csc,
            world.practitioner,
            world.team,
            None,
        )
        event = AccessEvent.objects.get(what="child:create")
        assert (event.child_id, event.action, event.outcome, event.purpose) == (child.pk, "write", "allowed", "normal")
        assert client_for(world.practitioner).get(f"/children/{child.pk}/").status_code == 200

    def test_an_invalid_nhs_number_is_refused(self, world):
        response = client_for(world.practitioner).post("/children/new/", child_form(nhs_number="1234567890"))
        assert response.status_code == 200
        assert field_errors(response, "nhs_number") == ["Enter a real NHS number: 10 digits, like 943 476 5919"]
        assert not Child.objects.exists()
        assert not Involvement.objects.exists()

    def test_a_date_of_birth_in_the_future_is_refused(self, world):
        tomorrow = timezone.localdate() + timedelta(days=1)
        response = client_for(world.practitioner).post("/children/new/", child_form(date_of_birth=tomorrow))
        assert response.status_code == 200
        assert field_errors(response, "date_of_birth") == ["Date of birth must be today or in the past"]
        assert "Date of birth must be today or in the past" in response.content.decode()
        assert not Child.objects.exists()

    def test_born_today_is_allowed(self, world):
        response = client_for(world.practitioner).post("/children/new/", child_form(date_of_birth=timezone.localdate()))
        assert response.status_code == 302
        assert Child.objects.get().date_of_birth == timezone.localdate()

    def test_an_unborn_child_with_an_expected_date_is_allowed(self, world):
        expected = timezone.localdate() + timedelta(days=60)
        data = child_form(
            date_of_birth=None, expected_date_of_birth=expected, involvement_kind=Involvement.Kind.EARLY_HELP
        )
        response = client_for(world.practitioner).post("/children/new/", data)
        assert response.status_code == 302
        child = Child.objects.get()
        assert (child.date_of_birth, child.expected_date_of_birth, child.is_unborn) == (None, expected, True)

    def test_an_unborn_child_needs_an_expected_date_that_is_not_past(self, world):
        yesterday = timezone.localdate() - timedelta(days=1)
        response = client_for(world.practitioner).post(
            "/children/new/", child_form(date_of_birth=None, expected_date_of_birth=yesterday)
        )
        assert response.status_code == 200
        assert field_errors(response, "expected_date_of_birth") == [
            "Expected date of birth must be today or in the future"
        ]
        assert not Child.objects.exists()

    def test_a_date_is_required(self, world):
        response = client_for(world.practitioner).post("/children/new/", child_form(date_of_birth=None, is_born="yes"))
        assert response.status_code == 200
        assert field_errors(response, "date_of_birth") == [
            "Enter the date of birth, or the expected date for an unborn child"
        ]
        assert not Child.objects.exists()

    def test_the_same_nhs_number_twice_is_refused(self, world):
        client = client_for(world.practitioner)
        assert client.post("/children/new/", child_form(nhs_number=VALID_NHS)).status_code == 302
        response = client.post(
            "/children/new/", child_form(first_name="Sasha", last_name="Otherchild", nhs_number="943 476 5919")
        )
        assert response.status_code == 200
        assert field_errors(response, "nhs_number") == [
            "A child with this NHS number is already recorded. Search for them instead"
        ]
        assert Child.objects.count() == 1
        assert Involvement.objects.count() == 1

    def test_the_same_nhs_number_is_refused_by_the_service_too(self, world):
        ChildFactory(nhs_number=VALID_NHS)
        with pytest.raises(ValidationError) as error:
            services.create_child(
                created_by=world.practitioner,
                data={"first_name": "A", "last_name": "B", "date_of_birth": date(2014, 1, 1), "nhs_number": VALID_NHS},
                involvement_kind=Involvement.Kind.CIN,
            )
        assert "nhs_number" in error.value.message_dict
        assert Child.objects.count() == 1

    def test_nhs_number_with_spaces_is_normalised(self, world):
        response = client_for(world.practitioner).post("/children/new/", child_form(nhs_number=" 943 476 5919 "))
        assert response.status_code == 302
        assert Child.objects.get().nhs_number == VALID_NHS

    def test_same_date_of_birth_and_similar_name_is_saved_and_flagged(self, world):
        client = client_for(world.practitioner)
        client.post("/children/new/", child_form(first_name="Jayden", last_name="Examplechild"))
        first = Child.objects.get()
        response = client.post("/children/new/", child_form(first_name="Jaden", last_name="Examplechild"))
        assert response.status_code == 302
        second = Child.objects.exclude(pk=first.pk).get()
        assert list(second.possible_duplicates.all()) == [first]
        assert list(first.possible_duplicates.all()) == [second]  # symmetrical

        content = client.get(f"/children/{second.pk}/").content.decode()
        assert "This child may be recorded more than once." in content
        assert f'href="/children/{first.pk}/"' in content

    def test_a_duplicate_the_user_cannot_see_is_counted_not_named(self, world):
        hidden = ChildFactory(first_name="Jayden", last_name="Examplechild", date_of_birth=date(2015, 6, 1))
        InvolvementFactory(child=hidden, agency=world.cyjs)
        client = client_for(world.practitioner)
        client.post("/children/new/", child_form(first_name="Jaden", last_name="Examplechild"))
        mine = Child.objects.exclude(pk=hidden.pk).get()
        assert list(mine.possible_duplicates.all()) == [hidden]
        content = client.get(f"/children/{mine.pk}/").content.decode()
        assert "This child may be recorded more than once." in content
        assert "1 possible match you cannot see" in content
        assert f'href="/children/{hidden.pk}/"' not in content

    def test_a_different_name_on_the_same_birthday_is_not_flagged(self, world):
        client = client_for(world.practitioner)
        client.post("/children/new/", child_form(first_name="Jayden", last_name="Examplechild"))
        client.post("/children/new/", child_form(first_name="Morgan", last_name="Unrelatedname"))
        assert Child.objects.count() == 2
        assert not Child.possible_duplicates.through.objects.exists()

    @pytest.mark.parametrize("role", [Role.AUDITOR, Role.SERVICE_ACCOUNT])
    def test_auditors_and_service_accounts_cannot_add_children(self, world, role):
        user = UserFactory(role=role, agency=world.csc)
        client = client_for(user)
        assert client.get("/children/new/").status_code == 403
        assert client.post("/children/new/", child_form()).status_code == 403
        assert not Child.objects.exists()


# --- changing a child: optimistic locking -------------------------------------------------------


def edit_form(child, version, **overrides):
    data = child_form(
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number or "",
        version=str(version),
    )
    del data["involvement_kind"]
    data.update(overrides)
    return data


class TestEditChild:
    @pytest.fixture
    def child(self, world):
        child = ChildFactory(first_name="Robin", last_name="Examplechild", date_of_birth=date(2015, 6, 1))
        InvolvementFactory(child=child, agency=world.csc, allocated_worker=world.practitioner, team=world.team)
        return child

    def test_the_edit_page_carries_the_version(self, world, child):
        response = client_for(world.practitioner).get(f"/children/{child.pk}/edit/")
        assert response.status_code == 200
        assert response.context["form"]["version"].value() == 1

    def test_a_change_is_saved_and_bumps_the_version(self, world, child):
        response = client_for(world.practitioner).post(
            f"/children/{child.pk}/edit/", edit_form(child, 1, postcode="ZZ99 9ZZ")
        )
        assert response.status_code == 302
        child.refresh_from_db()
        assert (child.postcode, child.version) == ("ZZ99 9ZZ", 2)
        event = AccessEvent.objects.get(what="child:update")
        assert event.detail == "changed: postcode"

    def test_two_edits_from_the_same_version_the_second_is_refused(self, world, child):
        colleague = world.manager  # the team manager of the involvement's team can also edit
        first, second = client_for(world.practitioner), client_for(colleague)
        # Both open the edit page while the record is at version 1.
        assert first.get(f"/children/{child.pk}/edit/").context["form"]["version"].value() == 1
        assert second.get(f"/children/{child.pk}/edit/").context["form"]["version"].value() == 1

        response = first.post(f"/children/{child.pk}/edit/", edit_form(child, 1, address="1 First Street"))
        assert response.status_code == 302

        response = second.post(f"/children/{child.pk}/edit/", edit_form(child, 1, address="2 Second Road"))
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        assert len(errors) == 1
        assert errors[0].startswith("Someone else changed this record while you were editing it.")
        assert "Someone else changed this record" in response.content.decode()

        child.refresh_from_db()
        assert (child.address, child.version) == ("1 First Street", 2)
        assert AccessEvent.objects.filter(what="child:update").count() == 1

    def test_the_service_refuses_a_stale_version(self, world, child):
        decision = AccessDecision(True, AccessEvent.Purpose.NORMAL)
        services.update_child(
            child=Child.objects.get(pk=child.pk),
            updated_by=world.practitioner,
            decision=decision,
            expected_version=1,
            data={"postcode": "AA1 1AA"},
        )
        with pytest.raises(services.ConcurrentEditError, match="Someone else changed this record"):
            services.update_child(
                child=Child.objects.get(pk=child.pk),
                updated_by=world.manager,
                decision=decision,
                expected_version=1,
                data={"postcode": "BB2 2BB"},
            )
        child.refresh_from_db()
        assert (child.postcode, child.version) == ("AA1 1AA", 2)

    def test_changing_to_another_childs_nhs_number_is_refused(self, world, child):
        ChildFactory(nhs_number=VALID_NHS)  # known to no agency: the practitioner may not see them
        response = client_for(world.practitioner).post(
            f"/children/{child.pk}/edit/", edit_form(child, 1, nhs_number=VALID_NHS)
        )
        assert response.status_code == 200
        assert field_errors(response, "nhs_number") == [services.NHS_NUMBER_REFUSED]
        child.refresh_from_db()
        assert (child.nhs_number, child.version) == (None, 1)

    def test_someone_without_access_cannot_edit(self, world, child):
        outsider = UserFactory(agency=world.cyjs)
        response = client_for(outsider).post(f"/children/{child.pk}/edit/", edit_form(child, 1, address="Somewhere"))
        assert response.status_code == 403
        child.refresh_from_db()
        assert (child.address, child.version) == ("", 1)


# --- search ---------------------------------------------------------------------------------------


class TestSearch:
    @pytest.fixture
    def children(self, world):
        made = SimpleNamespace(
            robin=ChildFactory(
                first_name="Robin", last_name="Examplechild", date_of_birth=date(2015, 6, 1), nhs_number=VALID_NHS
            ),
            sasha=ChildFactory(first_name="Sasha", last_name="Examplechild", date_of_birth=date(2013, 2, 3)),
            morgan=ChildFactory(
                first_name="Morgan", last_name="Otherfamily", date_of_birth=date(2015, 6, 1), nhs_number=OTHER_VALID_NHS
            ),
        )
        for child in vars(made).values():
            InvolvementFactory(child=child, agency=world.csc)
        return made

    def search(self, user, **params):
        response = client_for(user).get("/children/", params)
        assert response.status_code == 200
        return [c.pk for c in response.context["results"]]

    def test_by_name(self, world, children):
        assert self.search(world.practitioner, q="Examplechild") == [children.robin.pk, children.sasha.pk]
        assert self.search(world.practitioner, q="robin examplechild") == [children.robin.pk]
        assert self.search(world.practitioner, q="Nobody") == []

    @pytest.mark.parametrize("query", ["9434765919", "943 476 5919"])
    def test_by_nhs_number(self, world, children, query):
        assert self.search(world.practitioner, q=query) == [children.robin.pk]

    def test_by_date_of_birth(self, world, children):
        found = self.search(
            world.practitioner, q="", date_of_birth_day="1", date_of_birth_month="6", date_of_birth_year="2015"
        )
        assert found == [children.robin.pk, children.morgan.pk]

    def test_by_name_and_date_of_birth(self, world, children):
        found = self.search(
            world.practitioner,
            q="Examplechild",
            date_of_birth_day="1",
            date_of_birth_month="6",
            date_of_birth_year="2015",
        )
        assert found == [children.robin.pk]

    def test_a_search_is_logged_with_what_it_returned(self, world, children):
        self.search(world.practitioner, q="Examplechild")
        event = AccessEvent.objects.get(action="search")
        assert event.user_id == world.practitioner.pk
        assert event.detail.splitlines()[-1] == f"returned: {children.robin.pk},{children.sasha.pk}"

    def test_an_empty_search_asks_for_something(self, world, children):
        response = client_for(world.practitioner).get("/children/", {"q": ""})
        assert response.status_code == 200
        assert "Enter a name, NHS number or date of birth to search" in response.content.decode()
        assert response.context["results"] is None

    def test_the_api_searches_the_same_way(self, world, children):
        api = api_for(world.practitioner)
        assert [r["id"] for r in api.get("/api/v1/children/", {"search": "Examplechild"}).data["results"]] == [
            children.robin.pk,
            children.sasha.pk,
        ]
        assert [r["id"] for r in api.get("/api/v1/children/", {"search": "943 476 5919"}).data["results"]] == [
            children.robin.pk
        ]


# --- who has viewed this record ---------------------------------------------------------------


class TestAccessHistory:
    @pytest.fixture
    def child(self, world):
        child = ChildFactory()
        InvolvementFactory(child=child, agency=world.csc, allocated_worker=world.practitioner, team=world.team)
        return child

    def test_the_team_manager_of_the_involved_agency_sees_it(self, world, child):
        outsider = UserFactory(agency=world.cyjs)
        client_for(world.practitioner).get(f"/children/{child.pk}/")
        client_for(outsider).get(f"/children/{child.pk}/")

        response = client_for(world.manager).get(f"/children/{child.pk}/access-history/")
        assert response.status_code == 200
        content = response.content.decode()
        assert world.practitioner.username in content
        assert outsider.username in content
        assert "Refused" in content
        usernames = [e.username for e in response.context["page"].object_list]
        assert usernames == [world.manager.username, outsider.username, world.practitioner.username]

    def test_a_manager_of_another_team_in_the_same_agency_sees_it(self, world, child):
        _worker, _team, other_manager = worker_in_new_team(world.csc)
        assert client_for(other_manager).get(f"/children/{child.pk}/access-history/").status_code == 200

    def test_a_practitioner_cannot(self, world, child):
        response = client_for(world.practitioner).get(f"/children/{child.pk}/access-history/")
        assert response.status_code == 403
        assert world.practitioner.username not in response.content.decode()

    def test_a_manager_of_an_agency_not_involved_cannot(self, world, child):
        _worker, _team, cyjs_manager = worker_in_new_team(world.cyjs)
        assert client_for(cyjs_manager).get(f"/children/{child.pk}/access-history/").status_code == 403
        grant_holder, _team, _m = worker_in_new_team(world.cyjs, role=Role.TEAM_MANAGER)
        from tests.factories import grant

        grant(user=grant_holder, child=child)
        # A grant lets a manager read the record, not see who else has.
        assert client_for(grant_holder).get(f"/children/{child.pk}/").status_code == 200
        assert client_for(grant_holder).get(f"/children/{child.pk}/access-history/").status_code == 403


# --- giving someone access --------------------------------------------------------------------


class TestGrant:
    @pytest.fixture
    def child(self, world):
        child = ChildFactory()
        InvolvementFactory(child=child, agency=world.csc, allocated_worker=world.practitioner, team=world.team)
        return child

    def test_a_csc_team_manager_gives_a_cyjs_practitioner_access(self, world, child):
        cyjs_practitioner = UserFactory(agency=world.cyjs)
        assert client_for(cyjs_practitioner).get(f"/children/{child.pk}/").status_code == 403

        manager = client_for(world.manager)
        response = manager.get(f"/children/{child.pk}/grant/")
        assert response.status_code == 200
        assert cyjs_practitioner in response.context["form"].fields["user"].queryset

        response = manager.post(
            f"/children/{child.pk}/grant/",
            {
                "user": cyjs_practitioner.pk,
                "reason": "Joint work with youth justice on the child's plan",
                **date_parts("expires_on", None),
            },
        )
        assert response.status_code == 302
        assert response["Location"] == f"/children/{child.pk}/"
        grant = ChildUserObjectPermission.objects.get(user=cyjs_practitioner, content_object=child)
        assert (grant.granted_by, grant.expires_at) == (world.manager, None)
        assert Notification.objects.filter(recipient=cyjs_practitioner).count() == 1

        response = client_for(cyjs_practitioner).get(f"/children/{child.pk}/")
        assert response.status_code == 200
        event = AccessEvent.objects.filter(what="page:child-record", user=cyjs_practitioner).latest("id")
        assert (event.outcome, event.purpose) == ("allowed", "grant")

    def test_a_grant_with_an_end_date(self, world, child):
        cyjs_practitioner = UserFactory(agency=world.cyjs)
        ends = timezone.localdate() + timedelta(days=10)
        response = client_for(world.manager).post(
            f"/children/{child.pk}/grant/",
            {
                "user": cyjs_practitioner.pk,
                "reason": "Joint work with youth justice on the plan",
                **date_parts("expires_on", ends),
            },
        )
        assert response.status_code == 302
        grant = ChildUserObjectPermission.objects.get(user=cyjs_practitioner)
        assert timezone.localtime(grant.expires_at).date() == ends

    def test_a_grant_needs_a_reason(self, world, child):
        cyjs_practitioner = UserFactory(agency=world.cyjs)
        response = client_for(world.manager).post(
            f"/children/{child.pk}/grant/",
            {"user": cyjs_practitioner.pk, "reason": "ok", **date_parts("expires_on", None)},
        )
        assert response.status_code == 200
        assert field_errors(response, "reason") == ["Explain the reason in at least a sentence"]
        assert not ChildUserObjectPermission.objects.exists()

    def test_a_practitioner_cannot_grant(self, world, child):
        cyjs_practitioner = UserFactory(agency=world.cyjs)
        client = client_for(world.practitioner)
        assert client.get(f"/children/{child.pk}/grant/").status_code == 403
        response = client.post(
            f"/children/{child.pk}/grant/",
            {
                "user": cyjs_practitioner.pk,
                "reason": "Joint work with youth justice on the plan",
                **date_parts("expires_on", None),
            },
        )
        assert response.status_code == 403
        assert not ChildUserObjectPermission.objects.exists()
        assert client_for(cyjs_practitioner).get(f"/children/{child.pk}/").status_code == 403


# --- the API's front door ---------------------------------------------------------------------


class TestApi:
    def test_token_for_valid_credentials(self, world):
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": world.practitioner.username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200
        token = response.json()["token"]
        assert ApiToken.objects.get(user=world.practitioner).digest != token  # stored hashed

        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api.get("/api/v1/children/", {"search": "anyone"}).status_code == 200

    @pytest.mark.parametrize("credentials", ["wrong_password", "unknown_user", "missing_password"])
    def test_no_token_for_bad_credentials(self, world, credentials):
        body = {
            "wrong_password": {"username": world.practitioner.username, "password": "not-the-password"},
            "unknown_user": {"username": "nobody-here", "password": PASSWORD},
            "missing_password": {"username": world.practitioner.username},
        }[credentials]
        response = APIClient().post("/api/v1/auth/token/", body, format="json")
        assert response.status_code == 400
        assert "token" not in response.json()
        assert not ApiToken.objects.exists()

    def test_a_bad_token_is_refused(self, world):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
        assert api.get("/api/v1/children/").status_code == 401

    @pytest.mark.parametrize("path", ["/api/v1/children/", "/api/v1/children/1/", "/api/v1/contacts/"])
    def test_unauthenticated_requests_are_refused(self, path):
        response = APIClient().get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Token")

    def test_an_unauthenticated_request_reveals_nothing(self, world):
        child = ChildFactory()
        response = APIClient().get(f"/api/v1/children/{child.pk}/")
        assert response.status_code == 401
        assert child.first_name not in response.content.decode()
        assert not AccessEvent.objects.exists()  # refused before any child is looked up

    def test_schema(self, world):
        assert APIClient().get("/api/v1/schema/").status_code == 401  # signed-in users only, with DEBUG off
        api = APIClient()
        api.force_authenticate(world.practitioner)
        response = api.get("/api/v1/schema/")
        assert response.status_code == 200
        assert b"/api/v1/children/" in response.content
        assert b"openapi" in response.content


# --- page security ---------------------------------------------------------------------------


class TestPageSecurity:
    @pytest.mark.parametrize("path, signed_in", [("/sign-in/", False), ("/", True), ("/children/", True)])
    def test_content_security_policy_header(self, world, path, signed_in):
        client = client_for(world.practitioner) if signed_in else Client()
        response = client.get(path)
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy

    def test_signing_in_works(self, world):
        client = Client()
        response = client.post("/sign-in/", {"username": world.practitioner.username, "password": PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(world.practitioner.pk)

    def test_a_wrong_password_is_refused(self, world):
        client = Client()
        response = client.post("/sign-in/", {"username": world.practitioner.username, "password": "wrong"})
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_login_is_locked_after_five_failures(self, world, settings):
        assert settings.AXES_FAILURE_LIMIT == 5
        username = world.practitioner.username
        client = Client()
        for _ in range(4):
            response = client.post("/sign-in/", {"username": username, "password": "wrong"})
            assert response.status_code == 200
        # The fifth failure reaches the limit.
        client.post("/sign-in/", {"username": username, "password": "wrong"})

        response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 429
        assert "Too many attempts to sign in" in response.content.decode()
        assert "_auth_user_id" not in client.session

        # A fresh browser from the same address is refused too.
        fresh = Client()
        response = fresh.post("/sign-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 429
        assert "_auth_user_id" not in fresh.session

        # Another person signing in from the same address is not affected.
        other = UserFactory(agency=world.csc)
        response = Client().post("/sign-in/", {"username": other.username, "password": PASSWORD})
        assert response.status_code == 302

    def test_four_failures_do_not_lock(self, world):
        username = world.practitioner.username
        client = Client()
        for _ in range(4):
            client.post("/sign-in/", {"username": username, "password": "wrong"})
        response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(world.practitioner.pk)


def _every_birthday_child_compared(child):
    """The search as it was: fetch every child born that day and compare names in Python."""
    same_dob = Child.objects.filter(date_of_birth=child.date_of_birth).exclude(pk=child.pk)
    return {other.pk for other in same_dob if services._similar(child, other)}


@pytest.mark.django_db
class TestDuplicateSearchInTheDatabase:
    """find_possible_duplicates asks PostgreSQL (pg_trgm) for the candidates; _similar still decides."""

    BIRTHDAY = date(2015, 6, 1)
    NAMES = [
        ("Jayden", "Examplechild"),
        ("Jaden", "Examplechild"),
        ("Jay", "Examplechild"),
        ("Jayden", "Examplechilde"),
        ("Jyaden", "Examplechild"),
        ("J", "Examplechild"),
        ("Morgan", "Unrelatedname"),
        ("Sam", "Ho"),
        ("Sam", "Hoo"),
        ("Al", "Ng"),
        ("Al", "Nguyen"),
        ("Siobhan", "O'Brien"),
        ("Siobhan", "Obrien"),
        ("SIOBHAN", "O'BRIEN"),
        ("Mohammed", "Khan"),
        ("Muhammad", "Khan"),
        ("Olivia", "Smith"),
        ("Olivia", "Smyth"),
        ("Zoë", "Nowak"),
        ("Zoe", "Nowak"),
    ]

    def test_it_finds_what_comparing_every_child_born_that_day_found(self):
        children = [
            ChildFactory(first_name=first, last_name=last, date_of_birth=self.BIRTHDAY) for first, last in self.NAMES
        ]
        ChildFactory(first_name="Jayden", last_name="Examplechild", date_of_birth=self.BIRTHDAY + timedelta(days=1))
        for child in children:
            found = {other.pk for other in services.find_possible_duplicates(child)}
            assert found == _every_birthday_child_compared(child), child.full_name
        # Something is found for most of them, so the comparison above is not trivially empty.
        assert sum(bool(services.find_possible_duplicates(c)) for c in children) >= 12

    def test_an_unsaved_child_is_compared_with_everyone_born_that_day(self):
        first = ChildFactory(first_name="Jayden", last_name="Examplechild", date_of_birth=self.BIRTHDAY)
        ChildFactory(first_name="Morgan", last_name="Unrelatedname", date_of_birth=self.BIRTHDAY)
        candidate = Child(first_name="Jaden", last_name="Examplechild", date_of_birth=self.BIRTHDAY)
        assert [c.pk for c in services.find_possible_duplicates(candidate)] == [first.pk]
        assert (
            services.find_possible_duplicates(
                Child(first_name="A", last_name="B", expected_date_of_birth=self.BIRTHDAY)
            )
            == []
        )

    def test_one_narrow_query_however_many_share_the_birthday(self, django_assert_num_queries):
        for i in range(60):
            ChildFactory(first_name=f"Other{i}", last_name=f"Surname{i}", date_of_birth=self.BIRTHDAY)
        twin = ChildFactory(first_name="Jayden", last_name="Examplechild", date_of_birth=self.BIRTHDAY)
        child = ChildFactory(first_name="Jaden", last_name="Examplechild", date_of_birth=self.BIRTHDAY)
        with django_assert_num_queries(1) as queries:
            found = services.find_possible_duplicates(child)
        assert [c.pk for c in found] == [twin.pk]
        assert "similarity(" in queries.captured_queries[0]["sql"]
        assert found[0].first_name == "Jayden"  # the names came back with the row

    def test_a_contact_for_a_similar_child_is_received_and_flagged_not_refused(self):
        from tests.factories import front_door_world

        world = front_door_world()
        twin = ChildFactory(first_name="Jayden", last_name="Examplechild", date_of_birth=self.BIRTHDAY)
        api = APIClient()
        api.force_authenticate(world.service)
        response = api.post(
            "/api/v1/contacts/",
            {
                "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                "referrer": {"name": "A Teacher", "agency": "education"},
                "child": {
                    "first_name": "Jaden",
                    "last_name": "Examplechild",
                    "date_of_birth": self.BIRTHDAY.isoformat(),
                },
                "concerns": "free text",
                "categories": ["neglect"],
                "consent": "given",
            },
            format="json",
        )
        assert response.status_code == 201
        new = Child.objects.exclude(pk=twin.pk).get()
        assert list(new.possible_duplicates.all()) == [twin]
        assert list(twin.possible_duplicates.all()) == [new]

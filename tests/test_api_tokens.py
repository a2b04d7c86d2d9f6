"""API tokens (accounts.tokens): people's expire and end on sign-out or a password change; a partner
system's service token does only what its scopes allow; keys are shown once and stored hashed."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from accounts.tokens import create_service_token, issue_sign_in_token
from referrals.models import Contact
from tests.factories import PASSWORD, UserFactory, front_door_world

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
CONTACTS = "/api/v1/contacts/"
CHILDREN = "/api/v1/children/"
RULES = "/api/v1/timescale-rules/"


def sign_in(user, password=PASSWORD):
    return APIClient().post(TOKEN, {"username": user.username, "password": password}, format="json")


def with_key(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def contact_body():
    return {
        "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "referrer": {"name": "A Teacher", "agency": "education"},
        "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01"},
        "concerns": "free text",
        "categories": ["neglect"],
        "consent": "given",
    }


@pytest.fixture
def person():
    return UserFactory()


# --- signing in -----------------------------------------------------------------------------


def test_each_sign_in_gives_a_new_token_stored_only_as_its_hash(person):
    first, second = sign_in(person).json(), sign_in(person).json()
    assert first["token"] != second["token"]
    stored = ApiToken.objects.filter(user=person)
    assert stored.count() == 2
    for token in stored:
        assert token.digest not in (first["token"], second["token"])
        assert first["token"] not in token.digest and second["token"] not in token.digest
    assert with_key(first["token"]).get(CHILDREN).status_code == 200
    assert with_key(second["token"]).get(CHILDREN).status_code == 200


def test_a_token_expires_after_12_hours_by_default(person):
    signed_in_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(signed_in_at, tick=False):
        answer = sign_in(person).json()
    assert datetime.fromisoformat(answer["expiry"].replace("Z", "+00:00")) == signed_in_at + timedelta(hours=12)
    with time_machine.travel(signed_in_at + timedelta(hours=11, minutes=59), tick=False):
        assert with_key(answer["token"]).get(CHILDREN).status_code == 200
    with time_machine.travel(signed_in_at + timedelta(hours=12, minutes=1), tick=False):
        assert with_key(answer["token"]).get(CHILDREN).status_code == 401
    assert not ApiToken.objects.filter(user=person).exists()  # an expired token is deleted when it is tried


def test_how_long_a_token_lasts_is_a_setting(person, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=1)}
    signed_in_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(signed_in_at, tick=False):
        key = sign_in(person).json()["token"]
    with time_machine.travel(signed_in_at + timedelta(minutes=61), tick=False):
        assert with_key(key).get(CHILDREN).status_code == 401


def test_a_service_account_cannot_get_a_token_with_its_password():
    system = UserFactory(role=Role.SERVICE_ACCOUNT)
    response = sign_in(system)
    assert response.status_code == 403
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


def test_the_token_endpoint_is_rate_limited():
    for attempt in range(20):
        assert (
            APIClient().post(TOKEN, {"username": f"nobody{attempt}", "password": "x"}, format="json").status_code == 400
        )
    assert APIClient().post(TOKEN, {"username": "nobody", "password": "x"}, format="json").status_code == 429


def test_the_token_endpoint_is_locked_after_five_failures(person):
    assert sign_in(person).status_code == 200
    ApiToken.objects.all().delete()
    for _ in range(5):
        assert sign_in(person, password="not-the-password").status_code == 400
    response = sign_in(person)  # the right password, while locked out (axes)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not ApiToken.objects.exists()


# --- ending tokens --------------------------------------------------------------------------


def test_the_api_sign_out_ends_only_the_token_it_was_sent_with(person):
    one, other = sign_in(person).json()["token"], sign_in(person).json()["token"]
    assert with_key(one).post("/api/v1/auth/sign-out/").status_code == 204
    assert with_key(one).get(CHILDREN).status_code == 401
    assert with_key(other).get(CHILDREN).status_code == 200


def test_signing_out_everywhere_ends_all_the_persons_tokens(person):
    one, other = sign_in(person).json()["token"], sign_in(person).json()["token"]
    assert with_key(one).post("/api/v1/auth/sign-out-everywhere/").status_code == 204
    assert with_key(one).get(CHILDREN).status_code == 401
    assert with_key(other).get(CHILDREN).status_code == 401


def test_web_sign_out_ends_the_persons_tokens_and_nobody_elses(person):
    colleague = UserFactory()
    mine, theirs = sign_in(person).json()["token"], sign_in(colleague).json()["token"]
    browser = Client()
    browser.force_login(person)
    assert browser.post("/sign-out/").status_code == 302
    assert with_key(mine).get(CHILDREN).status_code == 401
    assert with_key(theirs).get(CHILDREN).status_code == 200


def test_a_password_change_ends_the_persons_tokens(person):
    key = sign_in(person).json()["token"]
    person.set_password("a-brand-new-password-2")
    person.save()
    assert with_key(key).get(CHILDREN).status_code == 401
    assert sign_in(person, password="a-brand-new-password-2").status_code == 200


def test_a_service_accounts_tokens_outlive_its_password_and_sign_outs():
    world = front_door_world()
    key = create_service_token(user=world.service, name="School system", scopes=["read"]).key
    world.service.set_password("a-brand-new-password-2")
    world.service.save()
    browser = Client()
    browser.force_login(world.service)
    browser.post("/sign-out/")
    assert with_key(key).get(RULES).status_code == 200


# --- "Your API tokens" ----------------------------------------------------------------------


def test_the_list_shows_the_persons_working_tokens_without_keys(person):
    mine = sign_in(person).json()["token"]
    theirs = sign_in(UserFactory()).json()["token"]
    browser = Client()
    browser.force_login(person)
    response = browser.get("/account/api-tokens/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Your API tokens" in page and "Signed in to the API" in page
    assert page.count('name="token"') == 1  # one revoke button: not the colleague's token
    assert mine not in page and mine[:15] not in page and theirs not in page
    for token in ApiToken.objects.all():
        assert token.digest not in page


def test_a_person_revokes_their_own_token_and_no_one_elses(person):
    mine = sign_in(person).json()["token"]
    colleague = UserFactory()
    theirs = sign_in(colleague).json()["token"]
    browser = Client()
    browser.force_login(person)
    my_token = ApiToken.objects.get(user=person)
    their_token = ApiToken.objects.get(user=colleague)

    assert browser.post("/account/api-tokens/", {"token": their_token.pk}).status_code == 302
    assert with_key(theirs).get(CHILDREN).status_code == 200

    response = browser.post("/account/api-tokens/", {"token": my_token.pk}, follow=True)
    assert "Token revoked" in response.content.decode()
    assert with_key(mine).get(CHILDREN).status_code == 401


def test_the_token_list_needs_sign_in():
    response = Client().get("/account/api-tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_an_administrator_revokes_tokens_in_admin_and_nothing_else_changes_there():
    world = front_door_world()
    key = create_service_token(user=world.service, name="School system", scopes=["read"]).key
    token = ApiToken.objects.get()
    admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)

    listing = browser.get("/admin/accounts/apitoken/").content.decode()
    assert "School system" in listing and key not in listing and token.digest not in listing
    assert browser.get("/admin/accounts/apitoken/add/").status_code == 403
    assert browser.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403

    response = browser.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert LogEntry.objects.filter(object_id=str(token.pk), user=admin).exists()
    assert with_key(key).get(RULES).status_code == 401


# --- service tokens -------------------------------------------------------------------------


@pytest.fixture
def world():
    return front_door_world()


def test_a_service_token_does_what_its_scopes_allow(world):
    key = create_service_token(user=world.service, name="School system", scopes=["contacts:write"]).key
    system = with_key(key)
    assert system.post(CONTACTS, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="one").status_code == 201
    # Reading needs `read`.
    assert system.get(CONTACTS).status_code == 403
    assert system.get(CHILDREN).status_code == 403


def test_a_service_token_without_the_write_scope_is_refused(world):
    key = create_service_token(
        user=world.service, name="School system", scopes=["read", "custody-notifications:write"]
    ).key
    system = with_key(key)
    response = system.post(CONTACTS, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="one")
    assert response.status_code == 403
    assert "scopes" in response.json()["detail"]
    assert not Contact.objects.exists()
    assert system.get(RULES).status_code == 200


def test_a_person_with_a_token_keeps_their_own_rights(world):
    key = issue_sign_in_token(user=world.teacher).key
    assert with_key(key).post(CONTACTS, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="one").status_code == 201


def test_a_revoked_service_token_is_refused(world):
    issued = create_service_token(user=world.service, name="School system", scopes=["read"])
    assert with_key(issued.key).get(RULES).status_code == 200
    ApiToken.objects.get(pk=issued.token.pk).delete()
    assert with_key(issued.key).get(RULES).status_code == 401


def test_a_service_token_lasts_until_revoked_unless_given_an_expiry(world):
    made_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(made_at, tick=False):
        lasting = create_service_token(user=world.service, name="School system", scopes=["read"]).key
        brief = create_service_token(
            user=world.service, name="Trial", scopes=["read"], valid_for=timedelta(days=30)
        ).key
    with time_machine.travel(made_at + timedelta(days=31), tick=False):
        assert with_key(lasting).get(RULES).status_code == 200
        assert with_key(brief).get(RULES).status_code == 401


def test_last_use_is_recorded(world):
    issued = create_service_token(user=world.service, name="School system", scopes=["read"])
    assert issued.token.last_used_at is None
    with_key(issued.key).get(RULES)
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


def test_the_command_prints_the_key_once_and_it_works(world):
    out, err = StringIO(), StringIO()
    call_command(
        "create_service_token",
        "--user",
        world.service.username,
        "--scopes",
        "read,contacts:write",
        "--name",
        "Police custody system",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert (token.name, token.scopes, token.expiry) == ("Police custody system", ["contacts:write", "read"], None)
    assert token.digest != key and key not in err.getvalue()
    assert with_key(key).get(RULES).status_code == 200


@pytest.mark.parametrize(
    "user_role, scopes, message",
    [
        (Role.SERVICE_ACCOUNT, "contacts:delete", "Unknown scope"),
        (Role.PRACTITIONER, "read", "service accounts only"),
    ],
)
def test_the_command_refuses_unknown_scopes_and_people(user_role, scopes, message):
    user = UserFactory(role=user_role)
    with pytest.raises(CommandError, match=message):
        call_command(
            "create_service_token", "--user", user.username, "--scopes", scopes, stdout=StringIO(), stderr=StringIO()
        )
    assert not ApiToken.objects.exists()

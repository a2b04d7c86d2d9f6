"""Security codes for local accounts: who must use them, setting up, signing in, recovery codes."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import two_factor
from accounts.models import Authority, Role
from tests.factories import PASSWORD, AgencyFactory, AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_wait_between_codes(settings):
    # django-otp slows down after a wrong code; these tests check the lockout, not the wait.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def strict_agency():
    return AgencyFactory(authority=AuthorityFactory(require_two_factor=True))


def code_for(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def with_app(user):
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    codes = two_factor.replace_recovery_codes(user=user)
    return device, codes


def password_step(client, user, next_url=None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/", data)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "role, required",
    [
        (Role.TEAM_MANAGER, True),
        (Role.MASH_MANAGER, True),
        (Role.AUDITOR, True),
        (Role.ADMINISTRATOR, True),
        (Role.PRACTITIONER, False),
        (Role.MASH_WORKER, False),
    ],
)
def test_who_must_use_a_security_code_is_the_authoritys_choice(strict_agency, role, required):
    user = UserFactory(agency=strict_agency, role=role)
    assert two_factor.must_use_two_factor(user) is required
    relaxed = UserFactory(agency=AgencyFactory(authority=AuthorityFactory(require_two_factor=False)), role=role)
    assert two_factor.must_use_two_factor(relaxed) is False


def test_administrators_with_no_authority_follow_the_global_setting(settings):
    admin = UserFactory(agency=None, role=Role.ADMINISTRATOR)
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    assert two_factor.must_use_two_factor(admin)
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = False
    assert not two_factor.must_use_two_factor(admin)


def test_a_manager_who_must_use_codes_is_sent_to_set_up_before_anything_else(strict_agency):
    manager = UserFactory(agency=strict_agency, role=Role.TEAM_MANAGER)
    client = Client()
    response = password_step(client, manager, next_url="/children/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/set-up/"
    assert signed_in_as(client) is None
    # Nothing else opens until the app is set up.
    assert client.get("/children/").status_code == 302
    assert client.get("/")["Location"].startswith("/sign-in/")

    page = client.get("/account/two-factor/set-up/")
    text = page.content.decode()
    assert (
        "<title>Set up an authenticator app" in text
        and '<h1 class="govuk-heading-l">Set up an authenticator app' in text
    )
    assert 'src="data:image/svg+xml' in text
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert two_factor.app_secret(device).replace(" ", "") in text.replace(" ", "")

    wrong = client.post("/account/two-factor/set-up/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert "Enter a correct security code" in wrong.content.decode()
    assert signed_in_as(client) is None

    done = client.post("/account/two-factor/set-up/", {"code": code_for(device)})
    assert done.status_code == 200
    assert signed_in_as(client) == str(manager.pk)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/children/"' in done.content.decode()
    assert "no-store" in done["Cache-Control"]
    assert client.get("/children/").status_code == 200


def test_a_wrong_code_is_refused_and_a_right_one_signs_in(strict_agency):
    manager = UserFactory(agency=strict_agency, role=Role.SENIOR_MANAGER)
    device, _codes = with_app(manager)
    client = Client()
    response = password_step(client, manager)
    assert response["Location"] == "/sign-in/security-code/"
    assert signed_in_as(client) is None

    right = code_for(device)
    wrong = client.post("/sign-in/security-code/", {"code": "123456" if right != "123456" else "654321"})
    text = wrong.content.decode()
    assert wrong.status_code == 200
    assert "<title>Error: Enter your security code" in text
    assert "There is a problem" in text and "Enter a correct security code" in text
    assert signed_in_as(client) is None

    response = client.post("/sign-in/security-code/", {"code": right})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(manager.pk)


def test_a_recovery_code_works_once(strict_agency):
    auditor = UserFactory(agency=strict_agency, role=Role.AUDITOR)
    _device, codes = with_app(auditor)
    first = Client()
    password_step(first, auditor)
    response = first.post("/sign-in/security-code/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert signed_in_as(first) == str(auditor.pk)
    assert two_factor.recovery_codes_left(user=auditor) == 9

    again = Client()
    password_step(again, auditor)
    response = again.post("/sign-in/security-code/", {"code": codes[0]})
    assert "Enter a correct security code" in response.content.decode()
    assert signed_in_as(again) is None


def test_new_recovery_codes_replace_the_old_ones(strict_agency):
    manager = UserFactory(agency=strict_agency, role=Role.TEAM_MANAGER)
    device, old = with_app(manager)
    client = Client()
    password_step(client, manager)
    client.post("/sign-in/security-code/", {"code": code_for(device)})
    page = client.get("/account/two-factor/recovery-codes/")
    assert "You have 10 recovery codes left" in page.content.decode()
    response = client.post("/account/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.check_code(user=manager, code=old[1]).device is None


def test_a_session_without_the_second_step_cannot_make_new_recovery_codes(strict_agency):
    manager = UserFactory(agency=strict_agency, role=Role.TEAM_MANAGER)
    _device, old = with_app(manager)
    client = Client()
    client.force_login(manager)
    response = client.post("/account/two-factor/recovery-codes/")
    assert response.status_code == 302
    assert two_factor.check_code(user=manager, code=old[0]).device is not None


def test_wrong_codes_lock_out_like_wrong_passwords(strict_agency, settings):
    manager = UserFactory(agency=strict_agency, role=Role.TEAM_MANAGER)
    device, _codes = with_app(manager)
    right = code_for(device)
    wrong = "123456" if right != "123456" else "654321"
    client = Client()
    password_step(client, manager)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/sign-in/security-code/", {"code": wrong}).status_code == 200
    locked = client.post("/sign-in/security-code/", {"code": wrong})
    assert locked.status_code == 429
    # Locked out: the password step is refused too, even with the right code to hand.
    response = password_step(Client(), manager)
    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_the_admin_site_sign_in_goes_through_the_same_steps():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fadmin%2F"


def test_people_who_need_no_code_sign_in_with_a_password(strict_agency):
    worker = UserFactory(agency=strict_agency, role=Role.PRACTITIONER)
    client = Client()
    response = password_step(client, worker)
    assert response["Location"] == "/"
    assert signed_in_as(client) == str(worker.pk)


def test_demo_users_sign_in_with_the_password_alone(settings):
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", quiet=True, allow_without_debug=True, no_history=True)
    assert not Authority.objects.filter(require_two_factor=True).exists()
    for username in ("csc.manager", "auditor", "mash.manager"):
        client = Client()
        response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
        assert response["Location"] == "/", username
        assert signed_in_as(client) is not None


class TestApiTokens:
    def test_a_person_with_an_app_must_send_a_code(self, strict_agency):
        manager = UserFactory(agency=strict_agency, role=Role.TEAM_MANAGER)
        device, _codes = with_app(manager)
        body = {"username": manager.username, "password": PASSWORD}
        response = APIClient().post("/api/v1/auth/token/", body, format="json")
        assert response.status_code == 400
        assert "otp" in response.json()
        response = APIClient().post("/api/v1/auth/token/", {**body, "otp": code_for(device)}, format="json")
        assert response.status_code == 200 and response.json()["token"]

    def test_someone_who_must_use_codes_but_has_no_app_is_told_to_set_it_up(self, strict_agency):
        manager = UserFactory(agency=strict_agency, role=Role.TEAM_MANAGER)
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": manager.username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 400
        assert "set up two-factor authentication" in response.json()["otp"][0]

    def test_a_practitioner_needs_no_code(self, strict_agency):
        worker = UserFactory(agency=strict_agency, role=Role.PRACTITIONER)
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": worker.username, "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200

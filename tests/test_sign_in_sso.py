"""Signing in with a council account, against a real OpenID Connect provider on loopback.

The provider (tests/oidc_provider: django-oauth-toolkit in its own process, its own SQLite
database, an RSA key made here) signs ID tokens; this app fetches its discovery document and
keys and runs the whole authorization-code flow with PKCE, state and nonce.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from accounts.models import Role
from tests.factories import AgencyFactory, AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "casework-test-client"
CLIENT_SECRET = "casework-test-client-secret"
PROVIDER_PASSWORD = "council-password-1"
CALLBACK = "http://testserver/sign-in/council-account/callback/"
PEOPLE = {
    "casey.manager@council.example": "casey.manager@council.example",
    "nobody.here@council.example": "nobody.here@council.example",
    "former.worker@council.example": "former.worker@council.example",
}


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OIDC_PROVIDER_DB": str(tmp_path_factory.mktemp("idp") / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": pem,
        "OIDC_PROVIDER_SETUP": json.dumps(
            {
                "people": [{"username": name, "email": email} for name, email in PEOPLE.items()],
                "password": PROVIDER_PASSWORD,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": CALLBACK,
            }
        ),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("port "), "the test identity provider did not start"
        url = f"http://127.0.0.1:{int(line.split()[1])}"
        yield SimpleNamespace(url=url, discovery=f"{url}/o/.well-known/openid-configuration")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso_on(settings, identity_provider):
    settings.SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_DISCOVERY = identity_provider.discovery
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_USER_FIELD = "username"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.sso.CouncilAccountBackend"]
    return identity_provider


@pytest.fixture
def manager(db):
    authority = AuthorityFactory(require_two_factor=True)
    return UserFactory(
        username="casey.manager@council.example", role=Role.TEAM_MANAGER, agency=AgencyFactory(authority=authority)
    )


def sign_in_at_provider(client, provider, username, *, state=None):
    """Start at our sign-in, sign in at the provider; returns our callback's response."""
    start = client.get("/sign-in/council-account/")
    assert start.status_code == 302
    authorize = start["Location"]
    assert authorize.startswith(provider.url)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]

    browser = requests.Session()
    response = browser.get(authorize, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    login_url = urljoin(provider.url, response.headers["Location"])
    page = browser.get(login_url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        login_url,
        data={"username": username, "password": PROVIDER_PASSWORD, "csrfmiddlewaretoken": csrf},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, "the provider refused its own user"
    response = browser.get(urljoin(provider.url, response.headers["Location"]), allow_redirects=False, timeout=10)
    assert response.status_code == 302
    back = urlsplit(response.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    params = parse_qs(back.query)
    assert params.get("code"), response.headers["Location"]
    if state is not None:
        params["state"] = [state]
    return client.get(back.path, {key: values[0] for key, values in params.items()})


def test_the_sign_in_page_offers_a_council_account_only_when_configured(settings, sso_on):
    page = Client().get("/sign-in/").content.decode()
    assert "Sign in with your council account" in page
    assert page.index("Sign in with your council account") < page.index('name="password"')

    settings.SSO_ENABLED = False
    assert "council account" not in Client().get("/sign-in/").content.decode()
    assert Client().get("/sign-in/council-account/").status_code == 404


def test_a_person_with_an_account_here_signs_in_without_a_local_code(sso_on, manager):
    client = Client()
    response = sign_in_at_provider(client, sso_on, "casey.manager@council.example")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(manager.pk)
    # The provider asks for its own second factor: no security code here, even where required.
    home = client.get("/")
    assert home.status_code == 200


def test_the_match_can_be_on_email(sso_on, settings):
    settings.OIDC_USERNAME_CLAIM = "email"
    settings.OIDC_USER_FIELD = "email"
    user = UserFactory(username="ccm", email="Casey.Manager@council.example")
    client = Client()
    sign_in_at_provider(client, sso_on, "casey.manager@council.example")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_someone_with_no_account_here_is_refused_and_none_is_made(sso_on, manager):
    from accounts.models import User

    before = User.objects.count()
    client = Client()
    response = sign_in_at_provider(client, sso_on, "nobody.here@council.example")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == before
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "There is no account in this service for your council account" in text
    assert "Ask your administrator" in text


def test_an_account_switched_off_here_is_refused(sso_on):
    UserFactory(username="former.worker@council.example", is_active=False)
    client = Client()
    response = sign_in_at_provider(client, sso_on, "former.worker@council.example")
    assert "_auth_user_id" not in client.session
    text = client.get(response["Location"]).content.decode()
    assert "Your account in this service has been switched off" in text


def test_a_callback_whose_state_is_not_ours_is_refused(sso_on, manager):
    client = Client()
    response = sign_in_at_provider(client, sso_on, "casey.manager@council.example", state="not-the-state-we-sent")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session

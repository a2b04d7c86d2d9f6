"""Production defaults: HTTPS settings on unless DEBUG (`check --deploy` clean), pages private unless
marked public, the API answering 401/403 in JSON, and the API docs for signed-in users."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from rest_framework.test import APIClient

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def a_new_page(request):
    return HttpResponse("a page nobody marked")


# This module is also the URL conf of the tests marked `urls` below: the app's URLs and one new page.
urlpatterns = [path("a-new-page/", a_new_page), path("", include("config.urls"))]


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    """Settings are read from the environment when the process starts, so ask a fresh one."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("SECURE_", "TRUST_", "API_DOCS", "DEBUG", "ALLOWED_HOSTS", "ALLOW_GENERATED", "DJANGO_ALLOW_ASYNC")
        )
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY="k" + "".join(chr(33 + (i * 7) % 90) for i in range(60)),
        ALLOWED_HOSTS="casework.example.org",
        AUDIT_ANCHOR_KEY="a" + "".join(chr(33 + (i * 11) % 90) for i in range(60)),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_https_settings_are_on_when_debug_is_off():
    """The tests run with DEBUG off: everything but the redirect (tests/conftest.py) keeps its production value."""
    from django.conf import settings

    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert not settings.API_DOCS_PUBLIC


@pytest.mark.django_db
@pytest.mark.urls("tests.test_production_settings")
def test_a_page_nobody_marked_public_needs_sign_in():
    response = Client().get("/a-new-page/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/a-new-page/"
    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get("/a-new-page/").content == b"a page nobody marked"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/sign-in/", "/thresholds/check/"])
def test_public_pages_open_without_sign_in(url):
    assert Client().get(url).status_code == 200


@pytest.mark.django_db
def test_an_unknown_address_is_not_found_rather_than_sign_in():
    assert Client().get("/no-such-page/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/children/"),
        ("post", "/api/v1/contacts/"),
        ("get", "/api/v1/timescale-rules/"),
        ("post", "/api/v1/custody-notifications/"),
        ("post", "/api/v1/auth/sign-out/"),
    ],
)
def test_the_api_answers_401_in_json_without_a_token(method, url):
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


@pytest.mark.django_db
def test_the_api_schema_and_docs_need_sign_in():
    assert APIClient().get("/api/v1/schema/").status_code == 401
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/api/v1/docs/"

    browser = Client()
    browser.force_login(UserFactory())
    assert browser.get("/api/v1/docs/").status_code == 200
    assert browser.get("/api/v1/schema/").status_code == 200


@pytest.mark.django_db
def test_the_api_docs_can_be_public(settings):
    settings.API_DOCS_PUBLIC = True
    assert APIClient().get("/api/v1/schema/").status_code == 200
    assert Client().get("/api/v1/docs/").status_code == 200

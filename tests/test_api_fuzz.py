"""Every API operation, fuzzed from its own schema (schemathesis), as a CSC social worker and a MASH worker.

The demo data is loaded once for the module, inside a transaction rolled back at the end, and
the app is called in-process through WSGI. A few examples per operation, derandomized, so the
run is the same every time: it finds answers the schema does not promise (a 500, an undocumented
status, a body that does not match) rather than exploring deeply.
"""

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# The mark makes pytest-django create the test database; each test then runs in its own savepoint.
pytestmark = pytest.mark.django_db

ROLES = ["csc.worker", "mash.worker"]

CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "seed": 20261207,
        "phases": {
            # The coverage phase's boundary cases for every field of every body would take the run past
            # ten minutes; the fuzzing phase generates both valid and invalid input instead.
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            # Valid input may still be refused: an id of a record the caller may not see answers 404,
            # a role that may not act 403, a state that does not allow the change 409.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "404", "409", "422"]},
        },
    }
)

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=CONFIG)
schema.app = get_wsgi_application()

# Left out, with why:
schema = (
    schema.exclude(
        # The token endpoint counts attempts (throttle, lockout after failures): fuzzing it would lock the roles out.
        path="/api/v1/auth/token/",
    )
    .exclude(
        # The schema document itself, not an operation on case data.
        path="/api/v1/schema/",
    )
    .exclude(
        # Signing out ends the very token the fuzzing calls with (tests/test_api_tokens.py covers them).
        path_regex=r"^/api/v1/auth/sign-out",
    )
)


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """Demo data and a token for each role, in one transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", quiet=True, allow_without_debug=True, no_history=True)
            client = Client()
            found = {}
            for username in ROLES:
                answer = client.post("/api/v1/auth/token/", {"username": username, "password": settings.DEMO_PASSWORD})
                assert answer.status_code == 200, answer.content
                found[username] = answer.json()["token"]
            yield found
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(params=ROLES)
def token(request, tokens):
    # The app is called through WSGI, whose request signals would close the test's connection
    # (Django's test client does the same while it calls the app).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield tokens[request.param]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, token):
    # Each example in a savepoint: one that fails in the database leaves the next one a working transaction.
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Token {token}"})

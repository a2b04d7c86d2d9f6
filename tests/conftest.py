import pytest
from django.core.cache import cache
from django.db import transaction


@pytest.fixture(autouse=True, scope="session")
def _flush_past_append_only_triggers():
    """Let a transactional test's flush empty the access log, which refuses TRUNCATE.

    Django flushes with one TRUNCATE of every table. For that transaction only, the
    session runs as a replica, which fires no ordinary trigger (PostgreSQL superusers
    only, as the test database's owner is). Production keeps refusing TRUNCATE:
    tests/test_audit_log.py shows it.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            flush(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def _anchor_file_per_test(settings, tmp_path):
    """The database is rolled back after each test; the anchor file must go with it."""
    settings.AUDIT_ANCHOR_PATH = tmp_path / "access-log-anchors.jsonl"


def pytest_configure(config):
    """The test client and the browser tests' live server speak plain http: no redirect to https.

    Settings otherwise keep their production defaults (the tests run with DEBUG off); the
    defaults themselves are checked by tests/test_production_settings.py.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make many users; the production hasher would make the suite take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login-attempt counters and API throttles live in the cache (Redis in CI).

    A test that changed a timescale rule leaves its connection marked "rules changed in this
    transaction" (notifications.caches): the change was rolled back, so clear the mark too, or every
    later test would read rules from the database and the query-count tests would depend on order.
    """
    from django.db import connection

    connection._timescales_changed = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _data_from_migrations(request):
    """Timescale rules and threshold frameworks come from data migrations; a transactional test's
    flush removes them, and with xdist any test may follow one in the same worker, so reload."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from accounts.models import Authority
    from notifications.models import TimescaleRule
    from notifications.rules import sync_rules
    from thresholds.models import Framework
    from thresholds.services import sync_frameworks

    if not TimescaleRule.objects.exists():
        sync_rules(TimescaleRule, Authority)
    if not Framework.objects.exists():
        sync_frameworks()

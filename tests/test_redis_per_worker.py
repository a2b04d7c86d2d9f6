"""Each pytest-xdist worker gets its own Redis database (tests/redis_per_worker.py)."""

import os

import pytest
from django.conf import settings

from tests.redis_per_worker import run_redis_url, worker_redis_url


def test_first_worker_keeps_the_database_it_was_given():
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw0") == "redis://127.0.0.1:6379/15"


def test_later_workers_count_down_from_it():
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw1") == "redis://127.0.0.1:6379/14"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw7") == "redis://127.0.0.1:6379/8"


def test_host_password_and_options_are_kept():
    url = "rediss://:secret@cache.example:6380/9?ssl_cert_reqs=none"
    assert worker_redis_url(url, "gw2") == "rediss://:secret@cache.example:6380/7?ssl_cert_reqs=none"


def test_a_url_without_a_database_is_database_0():
    assert worker_redis_url("redis://127.0.0.1:6379", "gw0") == "redis://127.0.0.1:6379/0"


def test_a_worker_that_would_fall_below_database_0_is_refused():
    with pytest.raises(pytest.UsageError, match="start REDIS_URL at a higher database"):
        worker_redis_url("redis://127.0.0.1:6379/1", "gw2")


def test_a_database_given_in_the_query_is_refused():
    with pytest.raises(pytest.UsageError, match="in the path"):
        worker_redis_url("redis://127.0.0.1:6379?db=3", "gw1")


@pytest.mark.skipif("PYTEST_XDIST_WORKER" not in os.environ, reason="runs in an xdist worker only")
def test_this_workers_cache_and_broker_use_its_own_database(request):
    """Settings were read after the worker took its database, and everything Redis-backed uses it."""
    given = request.config.stash.get(run_redis_url, None)
    if given is None:
        pytest.skip("REDIS_URL is not set")
    expected = worker_redis_url(given, os.environ["PYTEST_XDIST_WORKER"])
    assert settings.REDIS_URL == expected
    assert settings.CACHES["default"]["LOCATION"] == expected
    assert settings.CELERY_BROKER_URL == expected

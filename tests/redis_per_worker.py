"""One Redis database for each pytest-xdist worker.

The tests keep login lockouts, API throttles, the cache and Celery's broker in Redis, and empty
the whole database around every test (tests/conftest.py). Two workers sharing one would empty
each other's lockout counters in the middle of a test. So each worker takes its own: gw0 the
database named in REDIS_URL, gw1 the one below it, and so on (make test's 15, 14, ...), which
keeps a run inside Redis's 16 databases.

PostgreSQL needs nothing here: pytest-django gives each worker its own test database.
This module is a plugin loaded with -p (pyproject.toml), not a conftest: settings read REDIS_URL
when pytest-django loads them, which is before any conftest is imported.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis URL for xdist worker `worker` ("gw0", "gw1", ...) when the run was given `url`."""
    parts = urlsplit(url)
    if "db=" in parts.query:
        raise pytest.UsageError(f"REDIS_URL names its database in the query; give it in the path: {url}")
    base = int(parts.path.strip("/") or 0)
    number = base - int(worker.removeprefix("gw"))
    if number < 0:
        raise pytest.UsageError(
            f"Worker {worker} needs Redis database {number}: start REDIS_URL at a higher database (make test uses 15)"
        )
    return urlunsplit(parts._replace(path=f"/{number}"))


# The REDIS_URL the run was given, before a worker changed it.
run_redis_url = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL")
    if url:
        early_config.stash[run_redis_url] = url
    if worker and url:
        os.environ["REDIS_URL"] = worker_redis_url(url, worker)
    return (yield)

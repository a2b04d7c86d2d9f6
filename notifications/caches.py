"""Per-process caches of the timescale rules in force and each authority's closure days.

Every clock started used to read its rule (two queries) and the authority's
closure days (one more) from the database. They change rarely, so each process
keeps them, tagged with a generation token kept in the shared cache (Redis in
production). Saving or deleting a rule or a closure day, and loading the rules
file, sets a new token (at once, and again when the change commits), and every
process reloads at its next use. Local runs without Redis share a file-based
cache under var/, so the web server and the Celery worker see the same token.
If the shared cache cannot be reached, nothing is cached: the database is asked.

Inside `one_generation()` (starting a clock reads a rule and a calendar) the
token is read from the shared cache once for the whole block, not once a value.
"""

import logging
import threading
import uuid
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

GENERATION_KEY = "notifications:timescales:generation"
logger = logging.getLogger(__name__)

_shared: dict[str, Any] = {"generation": None, "rules": {}, "closures": {}}
_lock = threading.Lock()
_local = threading.local()  # .scope: None outside one_generation(); inside, [token read?, tables]


def _generation() -> str | None:
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(GENERATION_KEY, token, timeout=None):
                token = cache.get(GENERATION_KEY) or token
        return token
    except Exception:  # the shared cache is down: do not cache at all
        logger.warning("Timescale cache: shared cache unavailable; reading rules from the database")
        return None


@contextmanager
def one_generation():
    """Read the generation token at most once in this block (this thread); blocks nest."""
    if getattr(_local, "scope", None) is not None:
        yield
        return
    _local.scope = [False, None]
    try:
        yield
    finally:
        _local.scope = None


def _tables():
    """(rules, closures) dicts for the current generation, or None when caching is off."""
    scope = getattr(_local, "scope", None)
    if scope is not None:
        if not scope[0]:
            scope[:] = [True, _read_tables()]
        return scope[1]
    return _read_tables()


def _read_tables():
    token = _generation()
    if token is None:
        return None
    with _lock:
        if _shared["generation"] != token:
            _shared.update(generation=token, rules={}, closures={})
        return _shared["rules"], _shared["closures"]


def cached(table: str, key, load):
    """The value for `key` in `table` ("rules" or "closures"), loading it with `load()` when missing.

    The generation is read before the database, so a change that commits in
    between is loaded now or on the next use, never lost.
    """
    if getattr(connection, "_timescales_changed", False):
        if connection.in_atomic_block:
            # This transaction changed rules or closures: read them (uncommitted) from the
            # database, and keep them out of the cache other threads read.
            return load()
        connection._timescales_changed = False  # that transaction has ended
    tables = _tables()
    if tables is None:
        return load()
    store = tables[0] if table == "rules" else tables[1]
    try:
        return store[key]
    except KeyError:
        value = store[key] = load()
        return value


def invalidate():
    """Make every process reload rules and closure days at its next use."""
    with _lock:
        _shared.update(generation=None, rules={}, closures={})
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Timescale cache: shared cache unavailable; other processes may keep old rules")


def _committed():
    connection._timescales_changed = False
    invalidate()


def invalidate_on_change(**kwargs):
    """Signal handler: invalidate now and again when the change commits.

    Until then this transaction reads rules straight from the database, so it
    sees its own change and never puts an uncommitted one in the cache.
    """
    if connection.in_atomic_block:
        connection._timescales_changed = True
    invalidate()
    transaction.on_commit(_committed)

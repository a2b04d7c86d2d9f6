"""The append-only, hash-chained access log.

Appends are serialised by a transaction-level PostgreSQL advisory lock, held
from the append until the transaction commits. An append early in a long
transaction therefore makes every other request that logs wait for the rest of
it. Write services and the contacts API run inside `access_log_last()`: rows
recorded inside it are collected and appended together, under one lock, as the
block's last statements, so the lock is held only for that append and the
commit. They are still written in the same transaction as the work they record,
and dropped with it (or with a savepoint of it) if it rolls back.

`verify_chain` finds a row changed or removed in the middle. A rewritten or shortened
end still links up: `accounts.anchors` signs the end every few minutes, and says what
`audit_verify` can and cannot find.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .access import AccessDecision, is_administrator
from .models import AccessEvent

# Any constant: serialises appends so each row chains to exactly one predecessor.
_CHAIN_LOCK_KEY = 4_711_2002
_LAST_HASH_SQL = f'SELECT "hash" FROM "{AccessEvent._meta.db_table}" ORDER BY "id" DESC LIMIT 1'


def _append_many(events: list[AccessEvent]) -> list[AccessEvent]:
    """Chain and insert `events`, in order, as one step under the chain lock."""
    # The database lock alone serialises appends. (An extra in-process lock would
    # deadlock against a transaction that already holds the database lock from
    # an earlier append and is about to make another.) No savepoint: a failed
    # append fails the caller's transaction, which is what it should do.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        # SQLite transactions start IMMEDIATE (settings), which takes the write lock.
        # This read comes after the lock, so it sees the last committed row (READ COMMITTED).
        with connection.cursor() as cursor:  # written out: the ORM's building of it cost more than the query
            cursor.execute(_LAST_HASH_SQL)
            row = cursor.fetchone()
        prev = row[0] if row else AccessEvent.GENESIS_HASH
        for event in events:
            event.prev_hash = prev
            event.hash = prev = event.compute_hash()
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            # One INSERT; ids are assigned in list order, which is the chain's order.
            AccessEvent.objects.bulk_create(events)
    return events


def _append(event: AccessEvent) -> AccessEvent:
    batch = getattr(connection, "_access_log_batch", None)
    if batch is not None and connection.in_atomic_block:
        # Appended at the end of the enclosing access_log_last() block. The marker
        # registered with on_commit is how we learn whether the savepoint this row
        # was recorded in was rolled back: Django drops those callbacks when it is.
        marker = _Marker()
        transaction.on_commit(marker)
        batch.append((event, marker))
        return event
    return _append_many([event])[0]


class _Marker:
    """A no-op on_commit callback standing for one deferred row."""

    __slots__ = ()

    def __call__(self):
        pass


@contextmanager
def access_log_last():
    """An atomic block whose access-log rows are appended as its last statements.

    Use it (as a context manager or decorator) instead of transaction.atomic
    around write services. Nested blocks defer to the outermost one. Rows
    recorded in a savepoint that is rolled back are dropped with it, as they
    would have been had they been inserted straight away.
    """
    with transaction.atomic():
        if getattr(connection, "_access_log_batch", None) is not None:
            yield  # an enclosing block appends
            return
        batch = connection._access_log_batch = []
        try:
            yield
        finally:
            connection._access_log_batch = None
        if batch and not connection.needs_rollback:
            live = {id(func) for _, func, _ in connection.run_on_commit}
            kept = [event for event, marker in batch if id(marker) in live]
            if kept:
                _append_many(kept)


def record_access(
    *, user, child, what: str, decision: AccessDecision, action: str = AccessEvent.Action.READ, detail: str = ""
) -> AccessEvent:
    """Write one access-log row for one read or write of a child's record."""
    return _append(
        AccessEvent(
            occurred_at=timezone.now(),
            user=user if user.is_authenticated else None,
            username=user.get_username() if user.is_authenticated else "",
            child=child,
            action=action,
            what=what,
            purpose=decision.purpose,
            outcome=decision.outcome,
            detail=detail,
        )
    )


# Who a search made from the server's command line is logged as (there is no signed-in user).
COMMAND_LINE = "(command line)"


def record_search(*, user, what: str, query: str, child_ids) -> AccessEvent:
    """One row per search, list or export: what was asked and which children came back.

    `user` None: a command run on the server (an export), logged as COMMAND_LINE.
    """
    ids = ",".join(str(i) for i in child_ids)
    return _append(
        AccessEvent(
            occurred_at=timezone.now(),
            user=user,
            username=user.get_username() if user else COMMAND_LINE,
            child=None,
            action=AccessEvent.Action.SEARCH,
            what=what,
            purpose=AccessEvent.Purpose.ADMIN if user is None or is_administrator(user) else AccessEvent.Purpose.NORMAL,
            outcome=AccessEvent.Outcome.ALLOWED,
            detail=f"query: {query}\nreturned: {ids}",
        )
    )


@dataclass
class ChainReport:
    rows_checked: int
    first_bad_id: int | None = None
    problem: str = ""
    # For each row asked about in `checkpoints`: its hash and how many rows there are up to it.
    positions: dict[int, tuple[str, int]] = field(default_factory=dict)

    @property
    def intact(self):
        return self.first_bad_id is None


def verify_chain(batch_size: int = 5000, *, checkpoints=frozenset()) -> ChainReport:
    """Recompute every row's hash in order and check each links to the one before.

    `checkpoints` are row ids (the anchored ones) whose hash and position the report
    keeps, so the anchors are checked in the same single pass over the log.
    """
    report = ChainReport(0)
    expected_prev = AccessEvent.GENESIS_HASH
    for event in AccessEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            report.first_bad_id, report.problem = event.id, "does not link to the row before it"
            return report
        if event.compute_hash() != event.hash:
            report.first_bad_id, report.problem = event.id, "content does not match its hash"
            return report
        expected_prev = event.hash
        report.rows_checked += 1
        if event.id in checkpoints:
            report.positions[event.id] = (event.hash, report.rows_checked)
    return report

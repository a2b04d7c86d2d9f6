"""The append-only, hash-chained access log."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .access import AccessDecision, is_administrator
from .models import AccessEvent

# Any constant: serialises appends so each row chains to exactly one predecessor.
_CHAIN_LOCK_KEY = 4_711_2002


def _append(event: AccessEvent) -> AccessEvent:
    # The database lock alone serialises appends. (An extra in-process lock would
    # deadlock against a transaction that already holds the database lock from
    # an earlier append and is about to make another.)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        # SQLite transactions start IMMEDIATE (settings), which takes the write lock.
        last_hash = AccessEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last_hash or AccessEvent.GENESIS_HASH
        event.hash = event.compute_hash()
        event.save(force_insert=True)
    return event


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


def record_search(*, user, what: str, query: str, child_ids) -> AccessEvent:
    """One row per search or list: what was asked and which children came back."""
    ids = ",".join(str(i) for i in child_ids)
    return _append(
        AccessEvent(
            occurred_at=timezone.now(),
            user=user,
            username=user.get_username(),
            child=None,
            action=AccessEvent.Action.SEARCH,
            what=what,
            purpose=AccessEvent.Purpose.ADMIN if is_administrator(user) else AccessEvent.Purpose.NORMAL,
            outcome=AccessEvent.Outcome.ALLOWED,
            detail=f"query: {query}\nreturned: {ids}",
        )
    )


@dataclass
class ChainReport:
    rows_checked: int
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def intact(self):
        return self.first_bad_id is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every row's hash in order and check each links to the one before."""
    expected_prev = AccessEvent.GENESIS_HASH
    checked = 0
    for event in AccessEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "does not link to the row before it")
        if event.compute_hash() != event.hash:
            return ChainReport(checked, event.id, "content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked)

"""Signed anchors for the end of the access log, and checking the log against them.

The hash chain alone shows that each row still links to the one before it. Someone
who can write to the database behind the append-only triggers can still rewrite
every row from some point to the end and recompute the hashes, or cut rows off the
end: the shorter or rewritten chain links up just as well. So every few minutes
(Celery beat, `anchor_access_log`) the log's end (last row id, its hash, and how
many rows there are up to it) is signed with HMAC-SHA256 under `AUDIT_ANCHOR_KEY`,
a key that is not in the database, and written to two append-only stores:

- the `AccessLogAnchor` table, whose triggers refuse UPDATE, DELETE and TRUNCATE.
  It travels with the database and its backups, but whoever can get round the
  log's triggers can get round these too;
- a JSON-lines file at `AUDIT_ANCHOR_PATH`, outside the database. Someone with
  only database access (a database administrator, a stolen database password,
  SQL injection) cannot reach it; it has to be kept and backed up on its own.

`audit_verify` checks every anchor from both stores, so removing anchors from one
of them hides nothing while the other keeps them. It reports a failure when:

- a row does not link to the row before it, or its content does not match its hash;
- an anchor's signature is not valid under the current key (forged or altered);
- an anchored row is missing (rows cut from the end, or the whole log emptied);
- an anchored row's hash has changed (the log rewritten up to or past that row,
  even with every hash recomputed);
- there are fewer rows up to an anchored row than the anchor counted.

It cannot detect:

- rows rewritten, added or cut after the latest anchor, that is within the last
  anchoring interval (10 minutes by default), provided the chain still links;
- anything done by someone who has both the key and write access to both stores
  (the key is in the application's environment: a compromised application server
  has it);
- anchors removed from both stores, or the file replaced with an older copy while
  the table's anchors are removed too.
"""

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from casework.text import when_text

from .audit import ChainReport
from .models import AccessEvent, AccessLogAnchor

# Any constant, unlike the chain's: two anchoring runs at once write one anchor.
_ANCHOR_LOCK_KEY = 4_711_2003
_SIGNING_SALT = "accounts.anchors.access-log-end"


def sign(anchor: AccessLogAnchor) -> str:
    return salted_hmac(
        _SIGNING_SALT, anchor.signed_content(), secret=settings.AUDIT_ANCHOR_KEY, algorithm="sha256"
    ).hexdigest()


def signature_is_valid(anchor: AccessLogAnchor) -> bool:
    return constant_time_compare(sign(anchor), anchor.signature)


def anchor_access_log(*, now: datetime | None = None) -> AccessLogAnchor | None:
    """Sign the log's current end and append it to the anchor table and file.

    Writes nothing when the log is empty or its end is already anchored, so a
    doubled or missed beat tick does no harm.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ANCHOR_LOCK_KEY])
        # Not under the chain's lock, so appends go on meanwhile. Rows are appended one
        # transaction at a time, in id order, so every row up to a committed last row is
        # committed too, and the count below cannot change after this read.
        last = AccessEvent.objects.order_by("-id").values("id", "hash").first()
        if last is None or AccessLogAnchor.objects.filter(last_hash=last["hash"]).exists():
            return None
        anchor = AccessLogAnchor(
            anchored_at=now or timezone.now(),
            last_event_id=last["id"],
            last_hash=last["hash"],
            event_count=AccessEvent.objects.filter(id__lte=last["id"]).count(),
        )
        anchor.signature = sign(anchor)
        anchor.save(force_insert=True)
        # Last, so a failed write to the file undoes the row. (A file line whose row was
        # rolled back afterwards is harmless: it signs an end the log really had.)
        _append_to_file(anchor)
    return anchor


def _as_line(anchor: AccessLogAnchor) -> str:
    content = json.loads(anchor.signed_content())
    return json.dumps(content | {"signature": anchor.signature}, sort_keys=True, separators=(",", ":")) + "\n"


def _append_to_file(anchor: AccessLogAnchor) -> None:
    path = Path(settings.AUDIT_ANCHOR_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, _as_line(anchor).encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class AnchorSet:
    """Every anchor from both stores, each once."""

    anchors: list[AccessLogAnchor]
    in_table: int = 0
    in_file: int = 0
    only_in_table: int = 0
    only_in_file: int = 0
    file_found: bool = False
    problems: list[str] = field(default_factory=list)


def load_anchors() -> AnchorSet:
    table = {(a.signed_content(), a.signature): a for a in AccessLogAnchor.objects.order_by("last_event_id")}
    file, problems, found = _read_file()
    anchors = {**file, **table}
    return AnchorSet(
        anchors=sorted(anchors.values(), key=lambda a: (a.last_event_id, a.anchored_at)),
        in_table=len(table),
        in_file=len(file),
        only_in_table=len(table.keys() - file.keys()),
        only_in_file=len(file.keys() - table.keys()),
        file_found=found,
        problems=problems,
    )


def _read_file():
    path = Path(settings.AUDIT_ANCHOR_PATH)
    anchors, problems = {}, []
    if not path.exists():
        return anchors, problems, False
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                anchor = AccessLogAnchor(
                    anchored_at=datetime.fromisoformat(data["anchored_at"]),
                    last_event_id=int(data["last_event_id"]),
                    last_hash=str(data["last_hash"]),
                    event_count=int(data["event_count"]),
                    signature=str(data["signature"]),
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                problems.append(f"Line {number} of the anchor file is not an anchor.")
                continue
            anchors[(anchor.signed_content(), anchor.signature)] = anchor
    return anchors, problems, True


def check_anchors(anchor_set: AnchorSet, chain: ChainReport) -> list[str]:
    """What the log as it is now contradicts in its anchors (an empty list: nothing).

    `chain` must come from `verify_chain(checkpoints=...)` with every anchored row id.
    """
    problems = list(anchor_set.problems)
    for anchor in anchor_set.anchors:
        made = f"the anchor of {when_text(anchor.anchored_at)}"
        if not signature_is_valid(anchor):
            # Not evidence of anything else: an unsigned claim about the log proves nothing.
            problems.append(f"The signature of {made} (row {anchor.last_event_id}) is not valid.")
            continue
        position = chain.positions.get(anchor.last_event_id)
        if position is None:
            problems.append(f"Row {anchor.last_event_id}, named by {made}, is missing: rows were removed from the log.")
            continue
        row_hash, rows_up_to = position
        if row_hash != anchor.last_hash:
            problems.append(f"Row {anchor.last_event_id} is not the row {made} signed: the log was rewritten up to it.")
        elif rows_up_to < anchor.event_count:
            problems.append(
                f"{anchor.event_count - rows_up_to} rows up to row {anchor.last_event_id} are missing since {made}."
            )
    return problems


def latest_valid(anchor_set: AnchorSet) -> AccessLogAnchor | None:
    valid = [a for a in anchor_set.anchors if signature_is_valid(a)]
    return max(valid, key=lambda a: a.last_event_id, default=None)

"""Keeping `workload.OpenWorkItem` true to the records it copies, and each team's tally of it.

What a team's open work is stays defined once, by `workload.team_work.sources`; the ledger writes
what those queries answer into the table, a child at a time:

- when a record that feeds Team work is saved or deleted (the receivers in `workload.apps`, and
  `casework.signals.records_changed` for the services' bulk updates), the child is noted and its
  rows are written again when the transaction commits;
- a read of Team work first writes any child noted in this thread and not yet written (a request
  that writes and then reads, or a test that never commits);
- `reconcile` writes every child again, a batch at a time, so a change made outside the services
  (the admin's raw SQL, a bulk load) is put right by the next run of the `reconcile_team_work` task.

Rewriting a child's rows is one DELETE and one INSERT ... SELECT of the sources for that child. On
PostgreSQL two rewrites of the same child (one may be a reconcile's batch) take turns, by a
transaction-level advisory lock on each LOCK_SPAN children by id, so the second reads what the first
committed.

Each rewrite adds the difference it made to the teams' tallies (`workload.TeamWorkTally`), so a
manager of many teams sees them counted without a read of every row; `reconcile` ends by counting
the tallies again from the rows, holding off rewrites meanwhile (EVERY_SPAN, which each rewrite
shares).

Each team has a generation in the cache, changed whenever its rows are rewritten (and again once
the rewrite commits, so a count read from the snapshot before it is never kept under the new one):
what is worked out from a team's rows (`workload.team_work.work_items`) is kept under it.
"""

import logging
import threading
import time
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q

from accounts.models import Team
from casework.models import Assessment, Child

from ..models import OpenWorkItem, TeamWorkTally
from .sources import ASSESSMENT, CLOCK_SUBJECTS, work_sources

log = logging.getLogger(__name__)

# The first key of the ledger's advisory locks; the second is a span of LOCK_SPAN children by id.
LOCK_NAMESPACE = 48_151
LOCK_SPAN = 1_000
EVERY_SPAN = -1
RECONCILE_BATCH = 20_000

_pending = threading.local()


def _noted() -> set[int]:
    if not hasattr(_pending, "children"):
        _pending.children = set()
    return _pending.children


def note_changed(child_ids: Iterable[int | None]) -> None:
    """These children's records changed: write their rows again once the change is committed."""
    ids = {child_id for child_id in child_ids if child_id is not None}
    if not ids:
        return
    _noted().update(ids)
    # Robust: the change is already committed, and a failed rewrite is put right by the next read or reconcile.
    transaction.on_commit(bring_up_to_date, robust=True)


def bring_up_to_date() -> None:
    """Write the rows of every child noted in this thread and not yet written."""
    noted = _noted()
    if noted:
        children = sorted(noted)
        noted.clear()
        rewrite(
            Q(child_id__in=children),
            (f"w_child IN ({', '.join(['%s'] * len(children))})", children),
            spans={child_id // LOCK_SPAN for child_id in children},
        )


def rewrite(children: Q, chosen: tuple[str, list], *, spans: Iterable[int]) -> int:
    """Delete and write again the rows of some children: those `children` selects (a condition on
    `child_id`), which `chosen` selects too (SQL on the sources' `w_child`, and its parameters),
    all of them in `spans` (child id // LOCK_SPAN). Answers how many rows were written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Shared with every other rewrite, not with a recount of the tallies (`_recount_tallies`).
                cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [LOCK_NAMESPACE, EVERY_SPAN])
                # In order, so that two rewrites waiting for each other's spans cannot deadlock.
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, span) FROM unnest(%s::int[]) AS span ORDER BY span",
                    [LOCK_NAMESPACE, sorted(spans)],
                )
        rows = OpenWorkItem.objects.filter(children)
        before = _tally(rows)
        rows.delete()
        written = _insert(*chosen)
        after = _tally(rows)
        _add_to_tallies(before, after)
        teams = set(before) | set(after)
        new_generation(teams)
        transaction.on_commit(lambda: new_generation(teams))
        return written


def reconcile(*, batch: int = RECONCILE_BATCH) -> dict:
    """Write every child's rows again, `batch` children (by id) a transaction, and drop rows of teams
    or children no longer there. Answers the rows written and the seconds taken."""
    started = time.monotonic()
    last = Child.objects.aggregate(last=Max("pk"))["last"] or 0
    written = 0
    for start in range(0, last + 1, batch):
        spans = range(start // LOCK_SPAN, (start + batch - 1) // LOCK_SPAN + 1)
        written += rewrite(
            Q(child_id__gte=start, child_id__lt=start + batch),
            ("w_child >= %s AND w_child < %s", [start, start + batch]),
            spans=spans,
        )
    OpenWorkItem.objects.filter(child_id__gt=last).delete()
    _recount_tallies()
    new_generation(Team.objects.values_list("pk", flat=True))
    seconds = round(time.monotonic() - started, 1)
    log.info("Team work ledger reconciled: %s rows in %s s", written, seconds)
    return {"rows": written, "seconds": seconds}


AWAITING_SIGN_OFF = Q(kind=ASSESSMENT, detail=Assessment.Status.AWAITING_SIGN_OFF)
TALLIED = ("open", "not_allocated", "awaiting_sign_off")


def _tally(rows) -> dict[int, tuple[int, int, int]]:
    """Open, not allocated and waiting-for-sign-off rows of `rows`, by team."""
    counted = rows.values("team_id").annotate(
        open=Count("team_id"),
        not_allocated=Count("team_id", filter=Q(allocated=False)),
        awaiting_sign_off=Count("team_id", filter=AWAITING_SIGN_OFF),
    )
    return {row["team_id"]: (row["open"], row["not_allocated"], row["awaiting_sign_off"]) for row in counted}


def _add_to_tallies(before: dict, after: dict) -> None:
    """Add what a rewrite changed to each team's tally. Differences add up in any order, so two
    rewrites touching the same team at once both count; teams in order, so they cannot deadlock."""
    changes = []
    for team_id in sorted(set(before) | set(after)):
        was, now = before.get(team_id, (0, 0, 0)), after.get(team_id, (0, 0, 0))
        difference = [new - old for new, old in zip(now, was, strict=True)]
        if any(difference):
            changes.append([team_id, *difference])
    if not changes:
        return
    table = TeamWorkTally._meta.db_table
    columns = ", ".join(f'"{name}"' for name in TALLIED)
    added = ", ".join(f'"{name}" = {table}."{name}" + excluded."{name}"' for name in TALLIED)
    values = ", ".join(["(%s, %s, %s, %s)"] * len(changes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (team_id, {columns}) VALUES {values} ON CONFLICT (team_id) DO UPDATE SET {added}",
            [value for change in changes for value in change],
        )


def _recount_tallies() -> None:
    """Count every team's tally again from the rows, while no rewrite runs (they wait for it)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, EVERY_SPAN])
        counted = _tally(OpenWorkItem.objects.all())
        TeamWorkTally.objects.all().delete()
        TeamWorkTally.objects.bulk_create(
            TeamWorkTally(team_id=team_id, **dict(zip(TALLIED, tally, strict=True)))
            for team_id, tally in counted.items()
        )


def tallies(team_ids) -> dict[int, dict[str, int]]:
    """Each team's open, not allocated and waiting-for-sign-off work (none for a team with none)."""
    bring_up_to_date()
    found = {team_id: dict.fromkeys(TALLIED, 0) for team_id in team_ids}
    for tally in TeamWorkTally.objects.filter(team_id__in=team_ids):
        found[tally.team_id] = {name: getattr(tally, name) for name in TALLIED}
    return found


def generations(team_ids) -> dict[int, str]:
    """Each team's generation: a token that changes whenever the team's rows change."""
    keys = {_generation_key(team_id): team_id for team_id in team_ids}
    found = cache.get_many(list(keys))
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    for key, token in missing.items():
        # add, not set: two readers of a team with no generation yet agree on the first one written.
        cache.add(key, token, None)
    if missing:
        found.update(cache.get_many(list(missing)))
    return {team_id: found.get(key, "") for key, team_id in keys.items()}


def new_generation(team_ids) -> None:
    """The teams' work changed: nothing worked out from it before is read again."""
    if team_ids:
        cache.set_many({_generation_key(team_id): uuid.uuid4().hex for team_id in team_ids}, None)


def _generation_key(team_id) -> str:
    return f"team-work:generation:{team_id}"


COPIED = (
    ("team_id", "w_team"),
    ("kind", "w_kind"),
    ("record_id", "w_id"),
    ("child_id", "w_child"),
    ("worker_id", "w_worker"),
    ("allocated", "w_worker IS NOT NULL"),
    ("detail", "COALESCE(w_detail, '')"),
    ("due_at", "w_due"),
    ("deadline_id", "w_deadline"),
    ("version", "w_version"),
)


# The sources of every team compiled to SQL, for the teams as they were when it was compiled:
# compiling them costs more than running them for a child.
_compiled: dict[tuple, tuple[str, list]] = {}


def _every_teams_work() -> tuple[str, list]:
    """The UNION ALL of every team's sources, as SQL and parameters, compiled again only when the
    teams (or the clocks' content types, which the SQL names by id) change. A condition on `w_child`
    around it reaches every branch (PostgreSQL pushes it down)."""
    teams = list(Team.objects.select_related("agency").order_by("pk"))
    subject_types = ContentType.objects.get_for_models(*CLOCK_SUBJECTS).values()
    signature = (
        tuple((team.pk, team.agency_id, team.agency.kind) for team in teams),
        tuple(sorted(subject_type.pk for subject_type in subject_types)),
    )
    if signature not in _compiled:
        parts: list[str] = []
        params: list = []
        for query in work_sources(teams):
            sql, query_params = query.order_by().query.sql_with_params()
            parts.append(sql)
            params += query_params
        _compiled.clear()
        _compiled[signature] = (" UNION ALL ".join(parts), params)
    return _compiled[signature]


def _insert(condition: str, condition_params: list) -> int:
    union, params = _every_teams_work()
    columns = ", ".join(column for column, _ in COPIED)
    values = ", ".join(value for _, value in COPIED)
    # A record without a worker joins every open involvement of its child, so a team holding two
    # comes twice: ON CONFLICT keeps one. (The WHERE lets SQLite read ON CONFLICT as the upsert clause.)
    sql = (
        f"INSERT INTO {OpenWorkItem._meta.db_table} ({columns})"
        f" SELECT {values} FROM ({union}) AS work WHERE {condition} ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + list(condition_params))
        return max(cursor.rowcount, 0)

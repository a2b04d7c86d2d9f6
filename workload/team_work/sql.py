"""Counting and paging a team's work in SQL: the sources (workload.team_work.sources) joined by UNION ALL.

The ORM cannot filter, group or order a union by an expression, so the outer query is written
here, once. Each source already filters by team, and PostgreSQL pushes the outer conditions
(worker, due, child) down into every branch, so a page costs a fixed number of queries whatever
the size of the team or the authority: two capped counts (work shown, work about children the
viewer may not see) and one for the page.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime

from accounts.access import visible_children

from .sources import COLUMNS

NOT_ALLOCATED = "none"
OVERDUE, DUE_THIS_WEEK, AWAITING_ME = "overdue", "due_this_week", "awaiting_me"


@dataclass(frozen=True)
class Conditions:
    """The outer filters: a worker (a user id, or NOT_ALLOCATED), and states, any of which may hold."""

    worker: int | str | None = None
    states: frozenset = field(default_factory=frozenset)
    now: object = None
    week_ends: object = None

    def sql(self) -> tuple[list[str], list]:
        clauses: list[str] = []
        params: list[object] = []
        if self.worker == NOT_ALLOCATED:
            clauses.append("w_worker IS NULL")
        elif self.worker is not None:
            clauses.append("w_worker = %s")
            params.append(self.worker)
        either: list[str] = []
        either_params: list[object] = []
        if OVERDUE in self.states:
            either.append("w_due < %s")
            either_params.append(self.now)
        if DUE_THIS_WEEK in self.states:
            either.append("(w_due >= %s AND w_due <= %s)")
            either_params += [self.now, self.week_ends]
        if AWAITING_ME in self.states:
            either.append("w_awaiting")
        if either:
            clauses.append("(" + " OR ".join(either) + ")")
            params += either_params
        return clauses, params

    @property
    def dated(self) -> bool:
        """Whether the filters ask about due dates (else counting can leave the clocks unread)."""
        return bool(self.states & {OVERDUE, DUE_THIS_WEEK})


def _where(clauses) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def union_of(queries) -> tuple[str, list]:
    parts, params = [], []
    for query in queries:
        sql, query_params = query.order_by().query.sql_with_params()
        parts.append(sql)
        params += query_params
    return " UNION ALL ".join(parts), params


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def seen_by(viewer, *, seen=True) -> tuple[str, list]:
    """A condition on a row of work (`work.w_child`): its child is one `viewer` may see (accounts.access),
    or with seen=False one they may not.

    Asked of the rows a page or a capped count reads, not of every child of the team first: for a
    team of thousands that question cost most of a second."""
    children = visible_children(viewer).filter(pk=RawSQL("work.w_child", ())).values("pk")
    try:
        sql, params = children.query.sql_with_params()
    except EmptyResultSet:
        return ("FALSE" if seen else "TRUE"), []
    return f"{'' if seen else 'NOT '}EXISTS ({sql})", list(params)


def count_work(queries, conditions: Conditions, *, seen: tuple[str, list], limit: int) -> int:
    """The rows matching the conditions and `seen` (see `seen_by`), counted no further than `limit`.

    An exact count asks the access policy about every child of the team; stopping at `limit` keeps
    the cost of a count that of the rows it reads."""
    if not queries:
        return 0
    union, params = union_of(queries)
    clauses, where_params = conditions.sql()
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM ({union}) AS work{_where(clauses + [seen[0]])} LIMIT %s) AS counted"
    return _fetch(sql, params + where_params + seen[1] + [limit])[0][0]


def page_of_work(queries, conditions: Conditions, *, seen: tuple[str, list], offset: int, limit: int) -> list[dict]:
    """The rows matching the conditions and `seen`: not allocated first, then soonest due.

    The rows are put in order first and the access policy asked of them in that order, only until
    the page is full; OFFSET 0 keeps PostgreSQL from asking it of every row before sorting."""
    if not queries:
        return []
    union, params = union_of(queries)
    clauses, where_params = conditions.sql()
    # Not w_deadline: which clock is due is looked up for the page's rows alone (selectors._clocks_of),
    # and a column nothing reads is never computed, so every row of the team costs one clock lookup, not two.
    columns = ", ".join(column for column in COLUMNS if column != "w_deadline")
    ordered = (
        f"SELECT {columns} FROM ({union}) AS work{_where(clauses)}"
        " ORDER BY (w_worker IS NULL) DESC, w_due ASC NULLS LAST, w_kind, w_id"
        # SQLite (the zero-setup local database) takes no bare OFFSET and needs no fence.
        + (" OFFSET 0" if connection.vendor == "postgresql" else "")
    )
    sql = f"SELECT {columns}, NULL AS w_deadline FROM ({ordered}) AS work WHERE {seen[0]} LIMIT %s OFFSET %s"
    rows = _fetch(sql, params + where_params + seen[1] + [limit, offset])
    names = [column for column in COLUMNS if column != "w_deadline"] + ["w_deadline"]
    found = [dict(zip(names, row, strict=True)) for row in rows]
    for row in found:
        row["w_due"] = _moment(row["w_due"])
    return found


def _moment(value):
    """A due moment as PostgreSQL returns it (aware); SQLite hands raw SQL its stored UTC value,
    as text or as a naive datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def counts_by_team(queries) -> dict[int, dict[str, int]]:
    """Open, not allocated and waiting-for-sign-off counts of each team, in one query.

    Nothing here reads a due date, so PostgreSQL leaves the sources' clock lookups out."""
    if not queries:
        return {}
    union, params = union_of(queries)
    sql = (
        "SELECT w_team, COUNT(*), COUNT(*) FILTER (WHERE w_worker IS NULL),"
        " COUNT(*) FILTER (WHERE w_kind = 'assessment' AND w_detail = 'awaiting_sign_off')"
        f" FROM ({union}) AS work GROUP BY w_team"
    )
    return {
        team: {"open": open_, "not_allocated": unallocated, "awaiting_sign_off": sign_off}
        for team, open_, unallocated, sign_off in _fetch(sql, params)
    }

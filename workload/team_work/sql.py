"""Counting and paging a team's work in SQL: the sources (workload.team_work.sources) joined by UNION ALL.

The ORM cannot filter, group or order a union by an expression, so the outer query is written
here, once. Each source already filters by team, and PostgreSQL pushes the outer conditions
(worker, due, child) down into every branch, so a page costs a fixed number of queries whatever
the size of the team or the authority: one for the children it is about, one to count, one for the page.
"""

from dataclasses import dataclass, field

from django.db import connection

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

    def sql(self, *, visible: list[int] | None = None) -> tuple[str, list]:
        clauses: list[str] = []
        params: list[object] = []
        if visible is not None:
            clauses.append("w_child = ANY(%s)")
            params.append(visible)
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
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


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


def children_of(queries) -> list[int]:
    """Every child the teams' open work is about: asked about once, by the caller, for the whole list.

    Putting the access policy into each source instead made PostgreSQL plan it once a source,
    about 200 ms before the first row."""
    if not queries:
        return []
    union, params = union_of(queries)
    return [row[0] for row in _fetch(f"SELECT DISTINCT w_child FROM ({union}) AS work", params)]


def count_work(queries, conditions: Conditions, *, visible: list[int]) -> tuple[int, int]:
    """(rows about the `visible` children, rows about others) matching the conditions, in one query."""
    if not queries:
        return 0, 0
    union, params = union_of(queries)
    where, where_params = conditions.sql()
    sql = f"SELECT COUNT(*) FILTER (WHERE w_child = ANY(%s)), COUNT(*) FROM ({union}) AS work{where}"
    shown, total = _fetch(sql, [visible] + params + where_params)[0]
    return shown, total - shown


def page_of_work(queries, conditions: Conditions, *, visible: list[int], offset: int, limit: int) -> list[dict]:
    """The rows about the `visible` children matching the conditions: not allocated first, then soonest due."""
    if not queries:
        return []
    union, params = union_of(queries)
    where, where_params = conditions.sql(visible=visible)
    sql = (
        f"SELECT {', '.join(COLUMNS)} FROM ({union}) AS work{where}"
        " ORDER BY (w_worker IS NULL) DESC, w_due ASC NULLS LAST, w_kind, w_id LIMIT %s OFFSET %s"
    )
    return [dict(zip(COLUMNS, row, strict=True)) for row in _fetch(sql, params + where_params + [limit, offset])]


def counts_by_team(queries, *, now) -> dict[int, dict[str, int]]:
    """Open, not allocated, overdue and waiting-for-sign-off counts of each team, in one query."""
    if not queries:
        return {}
    union, params = union_of(queries)
    sql = (
        "SELECT w_team, COUNT(*), COUNT(*) FILTER (WHERE w_worker IS NULL), COUNT(*) FILTER (WHERE w_due < %s),"
        " COUNT(*) FILTER (WHERE w_kind = 'assessment' AND w_detail = 'awaiting_sign_off')"
        f" FROM ({union}) AS work GROUP BY w_team"
    )
    return {
        team: {"open": open_, "not_allocated": unallocated, "overdue": overdue, "awaiting_sign_off": sign_off}
        for team, open_, unallocated, overdue, sign_off in _fetch(sql, [now] + params)
    }

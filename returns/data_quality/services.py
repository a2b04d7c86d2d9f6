"""The data quality check: the year-to-date census through the year's DfE rules, stored.

Run each night for every authority (returns.tasks) and when a manager asks ("Check now"). Each
problem is stored with the child and who held the child's case then (team, worker), so the page
and worktrays read the last run instead of running the rules again.
"""

import logging
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from accounts.models import Authority
from casework.models import Child

from ..cin_census.gather import social_care_involvements
from ..cin_census.services import check_census
from ..cin_census.validation import ERROR, Issue
from ..cin_census.years import CollectionYear
from ..models import DataQualityIssue, DataQualityRun

logger = logging.getLogger(__name__)


def _holders(authority: Authority, child_ids) -> dict[int, tuple[int | None, int | None]]:
    """Each child's team and worker: their open social care involvement's, else the last to close."""
    holders: dict[int, tuple[int | None, int | None]] = {}
    rows = (
        social_care_involvements(authority)
        .filter(child_id__in=child_ids)
        .order_by("child_id", "-end", "-start")  # PostgreSQL and SQLite differ on NULLs: sorted below
        .values_list("child_id", "end", "start", "team_id", "allocated_worker_id")
    )
    best: dict[int, tuple] = {}
    for child_id, end, start, team_id, worker_id in rows:
        key = (end is None, end or start, start)
        if child_id not in best or key > best[child_id][0]:
            best[child_id] = (key, team_id, worker_id)
    for child_id, (_, team_id, worker_id) in best.items():
        holders[child_id] = (team_id, worker_id)
    return holders


def _one_per_rule_and_child(issues: list[Issue]) -> list[Issue]:
    """The rules report each field they look at; a person fixes one problem: the fields together."""
    merged: dict[tuple, Issue] = {}
    for issue in issues:
        key = (issue.rule, issue.child_reference)
        if key in merged:
            seen = merged[key]
            fields = [f for f in (seen.field, issue.field) if f]
            merged[key] = replace(seen, field=", ".join(dict.fromkeys(", ".join(fields).split(", "))))
        else:
            merged[key] = issue
    return list(merged.values())


def run_check(*, authority: Authority, year: CollectionYear | None = None, by=None, now=None) -> DataQualityRun:
    now = now or timezone.now()
    year = year or CollectionYear.containing(timezone.localdate(now))
    run = DataQualityRun.objects.create(authority=authority, year=year.name, started_at=now, requested_by=by)
    try:
        issues = check_census(authority, year, now=now)
    except Exception:
        # Rule codes and ids only reach the log: never a child's details.
        logger.exception("Data quality check failed for authority %s, %s", authority.la_code, year)
        DataQualityRun.objects.filter(pk=run.pk).update(status=DataQualityRun.Status.FAILED, finished_at=timezone.now())
        raise
    issues = _one_per_rule_and_child(issues)
    references = {issue.child_reference for issue in issues if issue.child_reference}
    child_ids = dict(Child.objects.filter(return_reference__in=references).values_list("return_reference", "pk"))
    holders = _holders(authority, child_ids.values())
    rows = []
    for issue in issues:
        child_id = child_ids.get(issue.child_reference or "")
        team_id, worker_id = holders.get(child_id, (None, None)) if child_id else (None, None)
        rows.append(
            DataQualityIssue(
                run=run,
                rule=issue.rule,
                kind=issue.kind,
                message=issue.message,
                child_id=child_id,
                table=issue.table,
                field=issue.field,
                team_id=team_id,
                worker_id=worker_id,
            )
        )
    with transaction.atomic():
        DataQualityIssue.objects.bulk_create(rows, batch_size=2000)
        run.status = DataQualityRun.Status.DONE
        run.finished_at = timezone.now()
        run.children = len(child_ids)
        run.errors = sum(1 for issue in issues if issue.kind == ERROR)
        run.queries = len(issues) - run.errors
        run.save(update_fields=["status", "finished_at", "children", "errors", "queries"])
    return run

"""What the data quality page, the worktray and the API read: the last run, through the access policy.

A problem about a child the reader may not open is counted, never named.
"""

from dataclasses import dataclass

from django.db.models import Count

from accounts import access

from ..cin_census.years import CollectionYear
from ..models import DataQualityIssue, DataQualityRun
from . import rules

TREND_RUNS = 30


@dataclass(frozen=True)
class ShownIssue:
    issue: DataQualityIssue
    plain: str
    fix_url: str


@dataclass(frozen=True)
class Findings:
    run: DataQualityRun | None
    shown: list[ShownIssue]  # about children the reader may open, and the return as a whole
    hidden: int  # about children the reader may not open


def latest_run(authority, year: CollectionYear) -> DataQualityRun | None:
    return (
        DataQualityRun.objects.filter(authority=authority, year=year.name, status=DataQualityRun.Status.DONE)
        .order_by("-started_at")
        .first()
    )


def findings(user, year: CollectionYear, *, worker=None, kind: str | None = None) -> Findings:
    run = latest_run(user.authority, year) if user.authority else None
    if run is None:
        return Findings(run=None, shown=[], hidden=0)
    chosen = run.issues.select_related("child", "team", "worker")
    if worker is not None:
        chosen = chosen.filter(worker=worker)
    if kind:
        chosen = chosen.filter(kind=kind)
    issues = list(chosen)
    visible = access.visible_child_ids(user, {i.child_id for i in issues if i.child_id})
    shown, hidden = [], 0
    for issue in issues:
        if issue.child_id and issue.child_id not in visible:
            hidden += 1
            continue
        words = rules.words(issue.rule, issue.message)
        url = rules.fix_url(issue.rule, issue.child_id) if issue.child_id else ""
        shown.append(ShownIssue(issue=issue, plain=words.plain, fix_url=url))
    return Findings(run=run, shown=shown, hidden=hidden)


def counts_by_team_and_worker(run: DataQualityRun) -> list:
    """Errors and queries per team and worker (counts only: no child is named)."""
    return list(
        run.issues.exclude(child=None)
        .values("team__name", "worker__first_name", "worker__last_name", "kind")
        .annotate(count=Count("pk"))
        .order_by("team__name", "worker__last_name", "worker__first_name", "kind")
    )


def trend(authority, year: CollectionYear) -> list[DataQualityRun]:
    """The last runs' totals, oldest first."""
    runs = DataQualityRun.objects.filter(authority=authority, year=year.name, status=DataQualityRun.Status.DONE)
    return list(reversed(runs.order_by("-started_at")[:TREND_RUNS]))

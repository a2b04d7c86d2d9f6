"""A worker's own census errors, as worktray rows (workload.worktray.selectors.SOURCES)."""

from django.utils import timezone

from workload.worktray.items import WorkItem

from ..cin_census.validation import ERROR
from ..cin_census.years import CollectionYear
from . import selectors


def census_error_items(user, *, now=None) -> list[WorkItem]:
    """Errors the last check found on children whose case the user holds (one query for the run,
    one for its rows, one for the access policy)."""
    if user.authority is None:
        return []
    year = CollectionYear.containing(timezone.localdate(now))
    found = selectors.findings(user, year, worker=user, kind=ERROR)
    return [
        WorkItem(
            kind="census_error",
            title=shown.plain,
            url=shown.fix_url,
            child_id=shown.issue.child_id,
            child_name=shown.issue.child.full_name if shown.issue.child else "",
            detail=f"Children in need census {year}, rule {shown.issue.rule}",
            since=found.run.finished_at if found.run else None,
        )
        for shown in found.shown
        if shown.issue.child_id
    ]

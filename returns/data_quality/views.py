"""The data quality page: what the last check of the year-to-date census found, and "Check now"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import access
from accounts.audit import record_search

from ..cin_census.validation import ERROR, QUERY
from ..cin_census.years import CollectionYear
from . import selectors


def _allowed(request) -> None:
    if not access.may_see_data_quality(request.user) or request.user.authority is None:
        raise PermissionDenied


@login_required
def data_quality(request):
    _allowed(request)
    year = CollectionYear.containing(timezone.localdate())
    kind = request.GET.get("kind") if request.GET.get("kind") in (ERROR, QUERY) else ERROR
    found = selectors.findings(request.user, year, kind=kind)
    if found.run is not None:
        record_search(
            user=request.user,
            what="returns:data_quality",
            query=f"{year} {kind}",
            child_ids=sorted({s.issue.child_id for s in found.shown if s.issue.child_id}),
        )
    context = {
        "year": year,
        "kind": kind,
        "found": found,
        "by_worker": selectors.counts_by_team_and_worker(found.run) if found.run else [],
        "trend": selectors.trend(request.user.authority, year),
        "may_prepare_returns": access.may_prepare_returns(request.user),
    }
    return render(request, "returns/data_quality.html", context)


@login_required
@require_POST
def check_now(request):
    _allowed(request)
    from ..tasks import check_data_quality_task

    authority_id, user_id = request.user.authority.pk, request.user.pk
    transaction.on_commit(lambda: check_data_quality_task.delay(authority_id, user_id))
    messages.success(request, "The check has started. It takes a few minutes: refresh this page to see it.")
    return redirect("data-quality")

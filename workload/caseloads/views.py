"""Caseload pages: the teams a manager runs, each team's caseloads, and one worker's children.

Managers only (a practitioner gets 403); a team the user does not run answers 404, as if it did not
exist. The figures are counts; the list of a worker's children goes through the access policy and
is logged as a search.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from accounts.audit import record_search
from casework.models import Involvement
from config.spreadsheet import csv_download

from . import selectors

CHILDREN_PER_PAGE = 50


def _manager(request):
    if not request.user.is_manager:
        raise PermissionDenied
    return request.user


def _team(request, team_id):
    team = selectors.team_for(fetched_by=_manager(request), team_id=team_id)
    if team is None:
        raise Http404
    return team


@login_required
def team_list(request):
    teams = list(selectors.teams_for(fetched_by=_manager(request)))
    return render(request, "workload/teams.html", {"teams": teams, "title": "Your teams"})


def _caseloads_csv(team, caseloads):
    header = ["Worker", "Job title", "Children", *(h for _, h in selectors.STATUSES), "Overdue"]
    rows = (
        [
            row.worker.display_name,
            row.worker.job_title,
            row.children,
            *(count for _, count in row.by_status()),
            row.overdue,
        ]
        for row in caseloads
    )
    return csv_download(f"caseloads-team-{team.pk}.csv", header, rows)


@login_required
def team_caseloads(request, team_id):
    team = _team(request, team_id)
    caseloads = selectors.team_caseloads(team=team)
    if request.GET.get("format") == "csv":
        return _caseloads_csv(team, caseloads)
    return render(
        request,
        "workload/caseloads.html",
        {
            "team": team,
            "caseloads": caseloads,
            "statuses": [heading for _, heading in selectors.STATUSES],
            "title": f"Caseloads: {team.name}",
        },
    )


@login_required
def worker_children(request, team_id, worker_id):
    team = _team(request, team_id)
    worker = selectors.team_worker(team=team, worker_id=worker_id)
    if worker is None:
        raise Http404
    found = selectors.worker_children(worker=worker, fetched_by=request.user)
    with_worker = Involvement.objects.filter(end__isnull=True, allocated_worker=worker).order_by("kind")
    children = found.children.prefetch_related(Prefetch("involvements", queryset=with_worker, to_attr="with_worker"))
    page = Paginator(children, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    record_search(
        user=request.user,
        what="page:worker-children",
        query=f"worker {worker.pk} team {team.pk} page {page.number}",
        child_ids=[child.pk for child in page],
    )
    return render(
        request,
        "workload/worker_children.html",
        {
            "team": team,
            "worker": worker,
            "page": page,
            "total": found.total,
            "hidden": found.hidden,
            "title": f"Children open to {worker.display_name}",
        },
    )

"""Pages of Team work: a team's open work with bulk allocation, and a manager's teams side by side."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from referrals.selectors import COUNT_CAP

from .forms import BulkAllocationForm, TeamWorkFilterForm
from .overview import escalations_reaching, teams_side_by_side
from .selectors import team_of, team_work_page, teams_of
from .services import allocate_children

# Those above a team see their teams side by side, and what escalated to them, even with one team.
OVERSEEING_ROLES = (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR)


def team_work(request):
    """A team manager lands on their team; someone running several teams sees them side by side."""
    teams = teams_of(request.user)
    if len(teams) == 1 and request.user.role not in OVERSEEING_ROLES:
        query = request.META.get("QUERY_STRING", "")
        return redirect(reverse("team-work-team", args=[teams[0].pk]) + (f"?{query}" if query else ""))
    return render(
        request,
        "workload/team_work_teams.html",
        {"rows": teams_side_by_side(teams=teams), "escalations": escalations_reaching(user=request.user)},
    )


@require_http_methods(["GET", "POST"])
def team_work_team(request, team_id):
    team = team_of(request.user, team_id)
    filter_form = TeamWorkFilterForm(request.GET or None, team=team)
    allocation_form = BulkAllocationForm(request.POST or None, team=team)
    refusals = []
    if request.method == "POST" and allocation_form.is_valid():
        to = allocation_form.cleaned_data["to"]
        outcome = allocate_children(
            selection=allocation_form.selection, to=to, by=request.user, reason=allocation_form.cleaned_data["reason"]
        )
        if outcome.succeeded:
            count = len(outcome.allocated)
            messages.success(request, f"{count} {'child' if count == 1 else 'children'} allocated to {to.display_name}")
            return redirect(request.get_full_path())
        for key, errors in outcome.field_errors.items():
            for error in errors:
                allocation_form.add_error(key if key in allocation_form.fields else None, error)
        refusals = outcome.refused
    filters = filter_form.filters()
    page = team_work_page(team=team, viewer=request.user, filters=filters, page_number=request.GET.get("page"))
    return render(
        request,
        "workload/team_work.html",
        {
            "team": team,
            "several_teams": request.user.role in OVERSEEING_ROLES or len(teams_of(request.user)) > 1,
            "filter_form": filter_form,
            "filters": filters,
            "page": page,
            "hidden": min(page.paginator.object_list.hidden, COUNT_CAP),
            "hidden_capped": page.paginator.object_list.hidden_capped,
            "form": allocation_form,
            "refusals": refusals,
            "has_errors": bool(refusals or allocation_form.errors),
            "selected": set(allocation_form.selection),
            "allocatable": any(row.is_involvement for row in page.object_list),
            "clear_url": reverse("team-work-team", args=[team.pk]),
        },
    )

"""GET /api/v1/teams/{id}/work/: a team's open work, as on the Team work page.

403 for someone who runs no team (a practitioner), 404 for a team the caller does not run.
Filters: `worker` (a user id, or "none" for work not allocated), `kind` and `state` (each may be
repeated), `page`. The count is of rows the caller may see; `hidden` says how many they may not. Both are exact up to
1,000 (the count: 1,000 rows past the page asked for); beyond that they are lower bounds, and
`count_is_lower_bound` / `hidden_is_lower_bound` say so.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from referrals.selectors import COUNT_CAP

from .forms import TeamWorkFilterForm
from .selectors import PER_PAGE, team_of, team_work_page
from .serializers import WorkRowSerializer


class TeamWorkView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("worker", str, description='A worker\'s user id, or "none" for work not allocated'),
            OpenApiParameter("kind", str, many=True),
            OpenApiParameter("state", str, many=True, description="overdue, due_this_week, awaiting_me"),
            OpenApiParameter("page", int),
        ],
        responses=WorkRowSerializer(many=True),
    )
    def get(self, request, pk):
        team = team_of(request.user, pk)
        filters = TeamWorkFilterForm(request.query_params, team=team).filters()
        page = team_work_page(
            team=team, viewer=request.user, filters=filters, page_number=request.query_params.get("page")
        )
        work = page.paginator.object_list
        return Response(
            {
                "count": page.paginator.shown_count,
                "count_is_lower_bound": page.paginator.capped,
                "hidden": min(work.hidden, COUNT_CAP),
                "hidden_is_lower_bound": work.hidden_capped,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "per_page": PER_PAGE,
                "results": WorkRowSerializer(page.object_list, many=True).data,
            }
        )

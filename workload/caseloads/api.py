"""API for teams and caseloads: /api/v1/teams/ and /api/v1/teams/{id}/caseloads/.

Managers only (403 for anyone else, practitioners included). A team the caller does not run,
another agency's among them, answers 404 as if it did not exist.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .serializers import TeamSerializer, WorkerCaseloadSerializer


def _manager(request):
    if not request.user.is_manager:
        raise PermissionDenied("Only managers see teams and caseloads")
    return request.user


class TeamList(APIView):
    """The teams the caller runs: as their team manager or above them in the line."""

    @extend_schema(responses=TeamSerializer(many=True))
    def get(self, request):
        teams = selectors.teams_for(fetched_by=_manager(request))
        return Response(TeamSerializer(teams, many=True).data)


class TeamCaseloads(APIView):
    """Each worker of the team with the children open to them by status, and their overdue deadlines."""

    @extend_schema(responses=WorkerCaseloadSerializer(many=True))
    def get(self, request, pk):
        team = selectors.team_for(fetched_by=_manager(request), team_id=pk)
        if team is None:
            raise Http404
        return Response(WorkerCaseloadSerializer(selectors.team_caseloads(team=team), many=True).data)

"""API of workload.team_work: paths under /api/v1/."""

from django.urls import path

from .api import TeamWorkView

api_urlpatterns: list = [
    path("teams/<record_id:pk>/work/", TeamWorkView.as_view(), name="api-team-work"),
]

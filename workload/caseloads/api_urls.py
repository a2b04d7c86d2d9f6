"""API of workload.caseloads: paths under /api/v1/."""

from django.urls import path

import config.api  # noqa: F401  (registers the record_id path converter)

from .api import TeamCaseloads, TeamList

api_urlpatterns: list = [
    path("teams/", TeamList.as_view(), name="api-team-list"),
    path("teams/<record_id:pk>/caseloads/", TeamCaseloads.as_view(), name="api-team-caseloads"),
]

"""Pages of workload.caseloads."""

from django.urls import path

import config.api  # noqa: F401  (registers the record_id path converter)

from . import views

urlpatterns = [
    path("teams/", views.team_list, name="team-list"),
    path("teams/<record_id:team_id>/caseloads/", views.team_caseloads, name="team-caseloads"),
    path(
        "teams/<record_id:team_id>/caseloads/<record_id:worker_id>/",
        views.worker_children,
        name="worker-children",
    ),
]

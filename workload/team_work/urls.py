"""Pages of workload.team_work."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("team-work/", views.team_work, name="team-work"),
    path("team-work/<record_id:team_id>/", views.team_work_team, name="team-work-team"),
]

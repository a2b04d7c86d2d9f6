"""API of workload.worktray: paths under /api/v1/."""

from django.urls import path

from .api import WorktrayList

api_urlpatterns: list = [path("worktray/", WorktrayList.as_view(), name="api-worktray")]

"""API of workload.worktray: paths under /api/v1/."""

api_urlpatterns: list = []

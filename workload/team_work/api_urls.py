"""API of workload.team_work: paths under /api/v1/."""

api_urlpatterns: list = []

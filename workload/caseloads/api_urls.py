"""API of workload.caseloads: paths under /api/v1/."""

api_urlpatterns: list = []

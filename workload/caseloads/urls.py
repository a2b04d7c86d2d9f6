"""Pages of workload.caseloads."""

urlpatterns: list = []

"""Pages of workload.team_work."""

urlpatterns: list = []

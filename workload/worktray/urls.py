"""Pages of workload.worktray."""

urlpatterns: list = []

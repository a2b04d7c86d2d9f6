"""Pages of the performance dashboard."""

urlpatterns: list = []

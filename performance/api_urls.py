"""API of the performance measures: paths under /api/v1/."""

urlpatterns: list = []

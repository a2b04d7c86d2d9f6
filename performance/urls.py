"""Pages of the performance dashboard."""

from django.urls import path, register_converter

from . import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MonthConverter, "month")

urlpatterns = [
    path("performance/", views.dashboard, name="performance-dashboard"),
    path("performance/<slug:code>/", views.measure_page, name="performance-measure"),
    path("performance/<slug:code>/by-month.csv", views.months_csv, name="performance-months-csv"),
    path("performance/<slug:code>/breakdown.csv", views.breakdown_csv, name="performance-breakdown-csv"),
    path("performance/<slug:code>/<month:month>/", views.drilldown, name="performance-drilldown"),
    path("performance/<slug:code>/<month:month>/records.csv", views.drilldown_csv, name="performance-drilldown-csv"),
]

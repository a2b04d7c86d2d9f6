"""API of the performance measures: paths under /api/v1/."""

from django.urls import path

from .api import MeasuresView

urlpatterns = [path("performance/measures/", MeasuresView.as_view(), name="api-performance-measures")]

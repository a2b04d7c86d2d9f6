"""API of the statutory returns (under /api/v1/)."""

from django.urls import path

from .cin_census.api import CinCensusView

urlpatterns = [path("returns/cin-census/", CinCensusView.as_view(), name="api-returns-cin-census")]

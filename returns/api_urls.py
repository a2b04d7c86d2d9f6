"""API of the statutory returns (under /api/v1/)."""

from django.urls import path

from .cin_census.api import CensusErrorsView, CinCensusView

urlpatterns = [
    path("returns/cin-census/", CinCensusView.as_view(), name="api-returns-cin-census"),
    path("returns/cin-census/errors/", CensusErrorsView.as_view(), name="api-returns-cin-census-errors"),
]

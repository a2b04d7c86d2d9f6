"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/hsb/new/", not_built, name="hsb-consultation-new"),
    path("hsb/<int:pk>/", not_built, name="hsb-consultation-detail"),
    path("hsb/<int:pk>/step/", not_built, name="hsb-consultation-step"),
]

"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/lead-agency/new/", not_built, name="lead-agency-new"),
    path("lead-agency/<int:pk>/", not_built, name="lead-agency-detail"),
    path("children/<int:pk>/joint-disagreements/new/", not_built, name="joint-disagreement-new"),
    path("joint-disagreements/<int:pk>/", not_built, name="joint-disagreement-detail"),
]

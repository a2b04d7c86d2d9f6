"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/conferences/new/", not_built, name="conference-new"),
    path("conferences/<int:pk>/", not_built, name="conference-detail"),
    path("conferences/<int:pk>/record/", not_built, name="conference-record"),
    path("conferences/<int:pk>/report.pdf", not_built, name="conference-report-pdf"),
    path("children/<int:pk>/transfer-in/new/", not_built, name="transfer-in-new"),
    path("child-protection-plans/<int:pk>/", not_built, name="cp-plan-detail"),
    path("child-protection-plans/<int:pk>/edit/", not_built, name="cp-plan-edit"),
    path("child-protection-plans/<int:pk>/core-groups/new/", not_built, name="core-group-new"),
    path("child-protection-plans/<int:pk>/end/", not_built, name="cp-plan-end"),
]

"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/strategy-discussions/new/", not_built, name="strategy-discussion-new"),
    path("strategy-discussions/<int:pk>/", not_built, name="strategy-discussion-detail"),
    path("strategy-discussions/<int:pk>/record/", not_built, name="strategy-discussion-record"),
    path("section-47-enquiries/<int:pk>/", not_built, name="section-47-detail"),
    path("section-47-enquiries/<int:pk>/outcome/", not_built, name="section-47-outcome"),
    path("section-47-enquiries/<int:pk>/conference-requests/new/", not_built, name="conference-request-new"),
    path("conference-requests/<int:pk>/respond/", not_built, name="conference-request-respond"),
]

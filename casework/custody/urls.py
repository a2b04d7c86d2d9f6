"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/custody/new/", not_built, name="custody-new"),
    path("custody/<int:pk>/", not_built, name="custody-detail"),
    path("custody/<int:pk>/edit/", not_built, name="custody-edit"),
    path("custody/<int:pk>/screening/", not_built, name="aa-screening"),
    path("custody/<int:pk>/pace/new/", not_built, name="pace-request-new"),
    path("pace-requests/<int:pk>/", not_built, name="pace-request-record"),
]

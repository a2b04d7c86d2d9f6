"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/court/new/", not_built, name="court-appearance-new"),
    path("court/<int:pk>/", not_built, name="court-appearance-detail"),
    path("court/<int:pk>/outcome/", not_built, name="court-appearance-record"),
    path("children/<int:pk>/remands/new/", not_built, name="remand-new"),
    path("remands/<int:pk>/", not_built, name="remand-detail"),
    path("remands/<int:pk>/edit/", not_built, name="remand-edit"),
    path("remands/<int:pk>/end/", not_built, name="remand-end"),
]

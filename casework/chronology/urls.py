"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/chronology/", not_built, name="child-chronology"),
    path("children/<int:pk>/chronology.pdf", not_built, name="child-chronology-pdf"),
    path("children/<int:pk>/case-notes/new/", not_built, name="case-note-new"),
    path("case-notes/<int:pk>/", not_built, name="case-note-detail"),
    path("children/<int:pk>/chronology/new/", not_built, name="significant-event-new"),
]

"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/assessments/new/", not_built, name="assessment-start"),
    path("assessments/<int:pk>/", not_built, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", not_built, name="assessment-edit"),
    path("assessments/<int:pk>/complete/", not_built, name="assessment-complete"),
    path("assessments/<int:pk>/sign-off/", not_built, name="assessment-sign-off"),
    path("children/<int:pk>/cin-plans/new/", not_built, name="cin-plan-start"),
    path("cin-plans/<int:pk>/", not_built, name="cin-plan-detail"),
    path("cin-plans/<int:pk>/edit/", not_built, name="cin-plan-edit"),
    path("cin-plans/<int:pk>/end/", not_built, name="cin-plan-end"),
    path("cin-plans/<int:pk>/meetings/new/", not_built, name="cin-meeting-new"),
    path("cin-meetings/<int:pk>/record/", not_built, name="cin-meeting-record"),
]

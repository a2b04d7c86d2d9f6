"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/serious-incidents/new/", not_built, name="serious-incident-new"),
    path("serious-incidents/<int:pk>/", not_built, name="serious-incident-detail"),
    path("serious-incidents/<int:pk>/notification.pdf", not_built, name="serious-incident-pdf"),
    path("serious-incidents/report/", not_built, name="serious-incident-report"),
    path("serious-incidents/report.csv", not_built, name="serious-incident-report-csv"),
]

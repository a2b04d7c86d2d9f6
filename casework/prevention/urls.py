"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/prevention/new/", not_built, name="prevention-referral-new"),
    path("prevention/<int:pk>/", not_built, name="prevention-referral-detail"),
    path("prevention/<int:pk>/screening/", not_built, name="prevention-referral-screen"),
]

"""URLs for this part of the pathway. Placeholders answer 404 until their pages are built."""

from django.http import Http404
from django.urls import path


def not_built(request, **kwargs):
    raise Http404


urlpatterns = [
    path("children/<int:pk>/orders/new/", not_built, name="order-new"),
    path("orders/<int:pk>/", not_built, name="order-detail"),
    path("orders/<int:pk>/edit/", not_built, name="order-edit"),
    path("orders/<int:pk>/end/", not_built, name="order-end"),
    path("children/<int:pk>/youth-justice/", not_built, name="youth-justice-summary"),
]

"""URLs for closing an involvement and recording a looked-after legal basis."""

from django.urls import path

from . import views

urlpatterns = [
    path("involvements/<int:pk>/close/", views.involvement_close, name="involvement-close"),
    path("involvements/<int:pk>/legal-basis/", views.involvement_legal_basis, name="involvement-legal-basis"),
]

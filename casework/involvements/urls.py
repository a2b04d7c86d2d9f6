"""URLs for closing an involvement."""

from django.urls import path

from . import views

urlpatterns = [
    path("involvements/<int:pk>/close/", views.involvement_close, name="involvement-close"),
]

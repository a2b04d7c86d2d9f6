"""URLs for closing an involvement, recording a looked-after legal basis and allocating one."""

from django.urls import path

from . import views

urlpatterns = [
    path("involvements/<int:pk>/close/", views.involvement_close, name="involvement-close"),
    path("involvements/<int:pk>/allocate/", views.involvement_allocate, name="involvement-allocate"),
    path("involvements/<int:pk>/legal-basis/", views.involvement_legal_basis, name="involvement-legal-basis"),
]

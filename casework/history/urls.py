"""URL for the child's change history."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/history/", views.history_page, name="child-history"),
]

"""URLs for recording a child new to the child and youth justice service (seed 000 ¶10–11, ¶13–14)."""

from django.urls import path

from . import views

urlpatterns = [
    path("youth-justice/new-child/<slug:code>/", views.intake_details, name="cyjs-intake"),
    path("youth-justice/new-child/<slug:code>/record/", views.intake_record, name="cyjs-intake-record"),
]

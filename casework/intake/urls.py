"""URLs for recording a child new to the child and youth justice service (seed 000 ¶10–11, ¶13–14)."""

from django.urls import path

from . import views

urlpatterns = [
    path("youth-justice/new-child/<slug:code>/", views.intake_details, name="cyjs-intake"),
    path("youth-justice/new-child/<slug:code>/record/", views.intake_record, name="cyjs-intake-record"),
    path("identity-matches/", views.identity_match_list, name="identity-matches"),
    path("identity-matches/<int:pk>/", views.identity_match, name="identity-match"),
    path(
        "identity-matches/<int:pk>/emergency-access/", views.identity_match_emergency, name="identity-match-emergency"
    ),
    path("identity-matches/<int:pk>/new-record/", views.identity_match_new_record, name="identity-match-new-record"),
]

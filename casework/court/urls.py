"""URLs for court appearances and remands (seed 000 ¶9.3, ¶17–19)."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/court/new/", views.court_appearance_new, name="court-appearance-new"),
    path("court/<int:pk>/", views.court_appearance_detail, name="court-appearance-detail"),
    path("court/<int:pk>/outcome/", views.court_appearance_record, name="court-appearance-record"),
    path("children/<int:pk>/remands/new/", views.remand_new, name="remand-new"),
    path("remands/<int:pk>/", views.remand_detail, name="remand-detail"),
    path("remands/<int:pk>/edit/", views.remand_edit, name="remand-edit"),
    path("remands/<int:pk>/end/", views.remand_end, name="remand-end"),
    path("remands/<int:pk>/joint-discussion/", views.remand_joint_discussion, name="remand-joint-discussion"),
    path(
        "remands/<int:pk>/placement-planning-meeting/",
        views.remand_placement_planning_meeting,
        name="remand-placement-planning-meeting",
    ),
    path("remands/<int:pk>/cla-notifications/", views.remand_cla_notifications, name="remand-cla-notifications"),
    path("remands/<int:pk>/leaving-care/", views.remand_leaving_care, name="remand-leaving-care"),
    path("remands/<int:pk>/escalate/", views.remand_escalate, name="remand-escalate"),
]

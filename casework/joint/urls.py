"""URLs for lead agency decisions and joint working disagreements (000 ¶2.3, ¶21.1; part B PE; 003 ¶2.3–2.7)."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/lead-agency/new/", views.lead_agency_new, name="lead-agency-new"),
    path("lead-agency/<int:pk>/", views.lead_agency_detail, name="lead-agency-detail"),
    path(
        "lead-agency/<int:pk>/planning-meeting/",
        views.lead_agency_planning_meeting,
        name="lead-agency-planning-meeting",
    ),
    path("children/<int:pk>/joint-disagreements/new/", views.joint_disagreement_new, name="joint-disagreement-new"),
    path("joint-disagreements/<int:pk>/", views.joint_disagreement_detail, name="joint-disagreement-detail"),
]

"""URLs for the assessment and the child in need plan."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/assessments/new/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="assessment-edit"),
    path("assessments/<int:pk>/complete/", views.assessment_complete, name="assessment-complete"),
    path("assessments/<int:pk>/sign-off/", views.assessment_sign_off, name="assessment-sign-off"),
    path("children/<int:pk>/cin-plans/new/", views.cin_plan_start, name="cin-plan-start"),
    path("cin-plans/<int:pk>/", views.cin_plan_detail, name="cin-plan-detail"),
    path("cin-plans/<int:pk>/edit/", views.cin_plan_edit, name="cin-plan-edit"),
    path("cin-plans/<int:pk>/end/", views.cin_plan_end, name="cin-plan-end"),
    path("cin-plans/<int:pk>/meetings/new/", views.cin_meeting_new, name="cin-meeting-new"),
    path("cin-meetings/<int:pk>/record/", views.cin_meeting_record, name="cin-meeting-record"),
]

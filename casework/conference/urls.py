"""URLs for child protection conferences, plans and core groups."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/conferences/new/", views.conference_new, name="conference-new"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference-detail"),
    path("conferences/<int:pk>/record/", views.conference_record, name="conference-record"),
    path("conferences/<int:pk>/report.pdf", views.conference_report_pdf, name="conference-report-pdf"),
    path("children/<int:pk>/transfer-in/new/", views.transfer_in_new, name="transfer-in-new"),
    path("child-protection-plans/<int:pk>/", views.cp_plan_detail, name="cp-plan-detail"),
    path("child-protection-plans/<int:pk>/edit/", views.cp_plan_edit, name="cp-plan-edit"),
    path("child-protection-plans/<int:pk>/core-groups/new/", views.core_group_new, name="core-group-new"),
    path("child-protection-plans/<int:pk>/end/", views.cp_plan_end, name="cp-plan-end"),
]

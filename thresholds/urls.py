from django.urls import path

from . import views

urlpatterns = [
    path("thresholds/new/", views.checklist_new_contact, name="threshold-new"),
    path("children/<int:pk>/thresholds/new/", views.checklist_for_child, name="threshold-child-new"),
    path("thresholds/assessments/<int:pk>/", views.assessment_detail, name="threshold-assessment"),
    path("thresholds/assessments/<int:pk>/contact/", views.start_contact, name="threshold-start-contact"),
    path("thresholds/check/", views.public_check, name="threshold-check"),
]

"""URLs for police custody, appropriate adult screening and PACE accommodation (seed 000 ¶10–12)."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/custody/new/", views.custody_new, name="custody-new"),
    path("custody/<int:pk>/", views.custody_detail, name="custody-detail"),
    path("custody/<int:pk>/edit/", views.custody_edit, name="custody-edit"),
    path("custody/<int:pk>/screening/", views.aa_screening, name="aa-screening"),
    path("custody/<int:pk>/pace/new/", views.pace_request_new, name="pace-request-new"),
    path("pace-requests/<int:pk>/", views.pace_request_record, name="pace-request-record"),
]

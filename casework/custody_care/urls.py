"""URLs for the care of a child in youth detention (000 ¶19–20; 003 L162–167). `key` names the period
in custody: remand-<id> or order-<id>."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/custody-care/", views.custody_care, name="custody-care"),
    path(
        "children/<int:pk>/custody-care/<str:key>/looked-after-reviews/new/",
        views.review_new,
        name="looked-after-review-new",
    ),
    path("looked-after-reviews/<int:pk>/edit/", views.review_edit, name="looked-after-review-edit"),
    path("children/<int:pk>/custody-care/<str:key>/visits/new/", views.visit_new, name="custody-visit-new"),
    path(
        "children/<int:pk>/custody-care/<str:key>/bail-package-reviews/new/",
        views.bail_review_new,
        name="bail-package-review-new",
    ),
    path(
        "children/<int:pk>/custody-care/<str:key>/planning-meeting/",
        views.planning_meeting_new,
        name="custody-planning-meeting-new",
    ),
]

"""URLs for strategy discussions, section 47 enquiries and requests for a conference."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/strategy-discussions/new/", views.discussion_new, name="strategy-discussion-new"),
    path("strategy-discussions/<int:pk>/", views.discussion_detail, name="strategy-discussion-detail"),
    path("strategy-discussions/<int:pk>/record/", views.discussion_record, name="strategy-discussion-record"),
    path("section-47-enquiries/<int:pk>/", views.enquiry_detail, name="section-47-detail"),
    path("section-47-enquiries/<int:pk>/outcome/", views.enquiry_outcome, name="section-47-outcome"),
    path(
        "section-47-enquiries/<int:pk>/conference-requests/new/",
        views.conference_request_new,
        name="conference-request-new",
    ),
    path("conference-requests/<int:pk>/respond/", views.conference_request_respond, name="conference-request-respond"),
]

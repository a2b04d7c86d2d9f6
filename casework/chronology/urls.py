"""URLs for case notes, significant events and the child's chronology."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/chronology/", views.chronology_page, name="child-chronology"),
    path("children/<int:pk>/chronology.pdf", views.chronology_pdf, name="child-chronology-pdf"),
    path("children/<int:pk>/case-notes/new/", views.case_note_new, name="case-note-new"),
    path("case-notes/<int:pk>/", views.case_note_detail, name="case-note-detail"),
    path("children/<int:pk>/chronology/new/", views.significant_event_new, name="significant-event-new"),
]

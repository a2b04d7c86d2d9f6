"""URLs for serious incidents (seed 000 ¶7 and its appendix; 003 ¶11)."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/serious-incidents/new/", views.incident_new, name="serious-incident-new"),
    path("serious-incidents/<int:pk>/", views.incident_detail, name="serious-incident-detail"),
    path("serious-incidents/<int:pk>/verify/", views.incident_step, {"step": "verify"}, name="serious-incident-verify"),
    path(
        "serious-incidents/<int:pk>/quality-assure/",
        views.incident_step,
        {"step": "quality-assure"},
        name="serious-incident-quality-assure",
    ),
    path("serious-incidents/<int:pk>/submit/", views.incident_step, {"step": "submit"}, name="serious-incident-submit"),
    path(
        "serious-incidents/<int:pk>/yjb-notified/",
        views.incident_step,
        {"step": "yjb-notified"},
        name="serious-incident-yjb-notified",
    ),
    path(
        "serious-incidents/<int:pk>/csc-told/",
        views.incident_step,
        {"step": "csc-told"},
        name="serious-incident-csc-told",
    ),
    path(
        "serious-incidents/<int:pk>/mappa-notified/",
        views.incident_step,
        {"step": "mappa-notified"},
        name="serious-incident-mappa-notified",
    ),
    path(
        "serious-incidents/<int:pk>/charged/",
        views.incident_step,
        {"step": "charged"},
        name="serious-incident-charged",
    ),
    path(
        "serious-incidents/<int:pk>/panel-notified/",
        views.incident_step,
        {"step": "panel-notified"},
        name="serious-incident-panel-notified",
    ),
    path(
        "serious-incidents/<int:pk>/learning/",
        views.incident_step,
        {"step": "learning"},
        name="serious-incident-learning",
    ),
    path("serious-incidents/<int:pk>/notification.pdf", views.incident_pdf, name="serious-incident-pdf"),
    path("serious-incidents/report/", views.report, name="serious-incident-report"),
    path("serious-incidents/report.csv", views.report_csv, name="serious-incident-report-csv"),
]

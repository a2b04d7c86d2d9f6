"""URLs for the CYJS harmful sexual behaviour hub (seed 000 HSB hub appendix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/hsb/", views.consultation_list, name="hsb-consultation-list"),
    path("children/<int:pk>/hsb/new/", views.consultation_new, name="hsb-consultation-new"),
    path("hsb/<int:pk>/", views.consultation_detail, name="hsb-consultation-detail"),
    path("hsb/<int:pk>/step/", views.consultation_step, name="hsb-consultation-step"),
    path("hsb/<int:pk>/police-investigation/", views.consultation_police, name="hsb-consultation-police"),
]

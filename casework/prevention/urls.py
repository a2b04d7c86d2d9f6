"""URLs for prevention and diversion referrals (seed 000 ¶13–14; part B PP1–PP6)."""

from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:pk>/prevention/new/", views.referral_new, name="prevention-referral-new"),
    path("prevention/<int:pk>/", views.referral_detail, name="prevention-referral-detail"),
    path("prevention/<int:pk>/screening/", views.referral_screen, name="prevention-referral-screen"),
    path("prevention/<int:pk>/follow-up/", views.referral_follow_up, name="prevention-referral-follow-up"),
    path("prevention/<int:pk>/prevent/", views.referral_prevent, name="prevention-referral-prevent"),
    path("prevention/<int:pk>/close/", views.referral_close, name="prevention-referral-close"),
]

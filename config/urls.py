from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import views as account_views
from accounts.api import TokenView
from casework import views as child_views
from casework.api import ChildViewSet
from notifications import views as notification_views
from notifications.api import TimescaleRuleList
from referrals import views as referral_views
from referrals.api import ContactViewSet

router = DefaultRouter()
router.register("children", ChildViewSet, basename="api-child")
router.register("contacts", ContactViewSet, basename="api-contact")

api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("timescale-rules/", TimescaleRuleList.as_view(), name="api-timescale-rules"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
    path("children/", child_views.child_search, name="child-search"),
    path("children/new/", child_views.child_create, name="child-create"),
    path("children/<int:pk>/", child_views.child_detail, name="child-detail"),
    path("children/<int:pk>/edit/", child_views.child_edit, name="child-edit"),
    path("children/<int:pk>/break-glass/", child_views.child_break_glass, name="child-break-glass"),
    path("children/<int:pk>/access-history/", account_views.child_access_history, name="child-access-history"),
    path("children/<int:pk>/grant/", account_views.child_grant, name="child-grant"),
    path("break-glass/", account_views.break_glass_list, name="break-glass-list"),
    path("break-glass/<int:pk>/", account_views.break_glass_review, name="break-glass-review"),
    path("access-log/", account_views.access_log, name="access-log"),
    path("contacts/<int:pk>/", referral_views.contact_detail, name="contact-detail"),
    path("timescales/", notification_views.timescale_list, name="timescale-list"),
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification-open"),
    path("api/v1/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

handler404 = "config.errors.not_found"
handler403 = "config.errors.forbidden"

import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import sso, two_factor_views
from accounts import views as account_views
from accounts.api import SignOutEverywhereView, SignOutView, TokenView
from casework import views as child_views
from casework.api import ChildViewSet
from casework.assessment import api as assessment_api
from casework.chronology import api as chronology_api
from casework.conference import api as conference_api
from casework.court import api as court_api
from casework.custody import api as custody_api
from casework.custody_care import api as custody_care_api
from casework.enquiry import api as enquiry_api
from casework.hsb import api as hsb_api
from casework.incidents import api as incidents_api
from casework.intake import api as intake_api
from casework.involvements import api as involvements_api
from casework.joint import api as joint_api
from casework.orders import api as orders_api
from casework.prevention import api as prevention_api
from notifications import views as notification_views
from notifications.api import TimescaleRuleList
from referrals import views as referral_views
from referrals.api import ContactViewSet
from thresholds import api as thresholds_api
from workload.worktray import views as worktray_views

from .api import ApiRouter


def signed_in_unless_public(view):
    """The API docs page: sends a visitor to sign in first unless API_DOCS_PUBLIC (its schema
    answers 401 instead, through accounts.permissions.ApiDocsAccess)."""

    @functools.wraps(view)  # keeps `cls`: still an API view to LoginRequiredMiddleware; this function decides
    def docs(request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return docs


router = ApiRouter()
router.register("children", ChildViewSet, basename="api-child")
router.register("contacts", ContactViewSet, basename="api-contact")
for pathway_api in (
    assessment_api,
    enquiry_api,
    conference_api,
    chronology_api,
    custody_api,
    court_api,
    orders_api,
    prevention_api,
    hsb_api,
    incidents_api,
    joint_api,
    thresholds_api,
    custody_care_api,
    involvements_api,
    intake_api,
):
    pathway_api.register(router)

api_patterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/sign-out/", SignOutView.as_view(), name="api-sign-out"),
    path("auth/sign-out-everywhere/", SignOutEverywhereView.as_view(), name="api-sign-out-everywhere"),
    path("timescale-rules/", TimescaleRuleList.as_view(), name="api-timescale-rules"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", signed_in_unless_public(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("", include("workload.api_urls")),
    path("", include("performance.api_urls")),
    path("", include("returns.api_urls")),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", worktray_views.my_work, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-in/security-code/", two_factor_views.verify, name="two-factor-verify"),
    path("sign-in/council-account/", sso.StartSignIn.as_view(), name="oidc_authentication_init"),
    path("sign-in/council-account/callback/", sso.FinishSignIn.as_view(), name="oidc_authentication_callback"),
    path("sign-in/council-account/refused/", sso.refused, name="sso-refused"),
    path("account/two-factor/set-up/", two_factor_views.setup, name="two-factor-setup"),
    path("account/two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two-factor-recovery-codes"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
    path("account/api-tokens/", account_views.api_tokens, name="api-tokens"),
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
    path("contacts/<int:pk>/rating/", referral_views.contact_rag, name="contact-rag"),
    path("contacts/<int:pk>/allocate/", referral_views.contact_allocate, name="contact-allocate"),
    path("contacts/<int:pk>/checks/", referral_views.contact_check_request, name="contact-check-request"),
    path(
        "contacts/<int:pk>/checks/<int:check_pk>/", referral_views.contact_check_respond, name="contact-check-respond"
    ),
    path("contacts/<int:pk>/decision/", referral_views.contact_decision, name="contact-decision"),
    path("contacts/<int:pk>/authorise/", referral_views.contact_authorise, name="contact-authorise"),
    path("contacts/<int:pk>/feedback/", referral_views.contact_feedback, name="contact-feedback"),
    path("contacts/<int:pk>/challenge/", referral_views.contact_challenge, name="contact-challenge"),
    path(
        "contacts/<int:pk>/challenges/<int:d_pk>/respond/",
        referral_views.disagreement_respond,
        name="disagreement-respond",
    ),
    path(
        "contacts/<int:pk>/challenges/<int:d_pk>/escalate/",
        referral_views.disagreement_escalate,
        name="disagreement-escalate",
    ),
    path(
        "contacts/<int:pk>/challenges/<int:d_pk>/resolve/",
        referral_views.disagreement_resolve,
        name="disagreement-resolve",
    ),
    path("mash/", referral_views.triage_queue, name="triage-queue"),
    path("referrals/", referral_views.my_referrals, name="my-referrals"),
    path("referrals/new/", referral_views.referral_child, name="referral-new"),
    path("referrals/new/child-details/", referral_views.referral_child_details, name="referral-new-child-details"),
    path("referrals/new/possible-matches/", referral_views.referral_matches, name="referral-new-matches"),
    path("referrals/new/household/", referral_views.referral_household, name="referral-new-household"),
    path("referrals/new/concerns/", referral_views.referral_concerns, name="referral-new-concerns"),
    path("referrals/new/consent/", referral_views.referral_consent, name="referral-new-consent"),
    path("referrals/new/your-details/", referral_views.referral_referrer, name="referral-new-referrer"),
    path("referrals/new/check/", referral_views.referral_check, name="referral-new-check"),
    path("referrals/<int:pk>/sent/", referral_views.referral_sent, name="referral-sent"),
    path("timescales/", notification_views.timescale_list, name="timescale-list"),
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification-open"),
    path("", include("casework.assessment.urls")),
    path("", include("casework.enquiry.urls")),
    path("", include("casework.conference.urls")),
    path("", include("casework.chronology.urls")),
    path("", include("casework.history.urls")),
    path("", include("casework.custody.urls")),
    path("", include("casework.court.urls")),
    path("", include("casework.orders.urls")),
    path("", include("casework.prevention.urls")),
    path("", include("casework.hsb.urls")),
    path("", include("casework.incidents.urls")),
    path("", include("casework.joint.urls")),
    path("", include("casework.custody_care.urls")),
    path("", include("casework.involvements.urls")),
    path("", include("casework.intake.urls")),
    path("", include("thresholds.urls")),
    path("", include("workload.urls")),
    path("", include("performance.urls")),
    path("", include("returns.urls")),
    path("api/v1/", include(api_patterns)),
    path("admin/login/", account_views.admin_sign_in),
    path("admin/", admin.site.urls),
]

handler404 = "config.errors.not_found"
handler403 = "config.errors.forbidden"
handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"

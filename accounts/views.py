from datetime import datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework.pages import add_service_errors, open_child

from . import access, services, tokens, two_factor
from .forms import GrantForm, ReviewForm, SignInForm
from .models import AccessEvent, User
from .two_factor_views import start_second_step


class SignInView(LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.needs_second_step(user):
            return start_second_step(self.request, user, next_url=self.get_success_url())
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"sso_enabled": settings.SSO_ENABLED}


@login_not_required  # it only sends people to the one sign-in page
def admin_sign_in(request):
    """The admin site's own sign-in would skip the second step: everyone signs in here."""
    next_url = request.GET.get("next", "/admin/")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


@login_required
def break_glass_list(request):
    if not (request.user.is_manager or access.is_administrator(request.user)):
        raise PermissionDenied
    show = request.GET.get("show", "waiting")
    records = services.break_glass_to_review(manager=request.user).select_related("user", "child", "reviewed_by")
    if show != "all":
        records = records.filter(reviewed_at__isnull=True)
    page = Paginator(records.order_by("-started_at"), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/break_glass_list.html", {"page": page, "show": show})


@login_required
def break_glass_review(request, pk):
    record = get_object_or_404(
        services.break_glass_to_review(manager=request.user).select_related("user", "child"), pk=pk
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_break_glass(manager=request.user, break_glass=record, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Marked as reviewed")
            return redirect("break-glass-list")
    return render(request, "accounts/break_glass_review.html", {"record": record, "form": form})


@login_required
def child_access_history(request, pk):
    """Who has viewed this record: for managers of an agency working with the child."""
    child, decision, refusal = open_child(
        request, pk, what="page:child-access-history", allowed_if=access.may_view_access_history
    )
    if refusal:
        return refusal
    events = AccessEvent.objects.filter(child=child).select_related("user", "user__agency").order_by("-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/child_access_history.html", {"child": child, "page": page})


@login_required
def child_grant(request, pk):
    child, decision, refusal = open_child(request, pk, what="page:child-grant")
    if refusal:
        return refusal
    if not access.may_grant_access(request.user, child):
        raise PermissionDenied
    candidates = (
        User.objects.filter(is_active=True, agency__authority=request.user.authority)
        .exclude(role__in=["auditor", "administrator"])
        .exclude(pk=request.user.pk)
        .select_related("agency")
        .order_by("agency__name", "last_name")
    )
    form = GrantForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59))) if expires_on else None
        try:
            services.grant_child_access(
                granted_by=request.user,
                user=form.cleaned_data["user"],
                child=child,
                reason=form.cleaned_data["reason"],
                expires_at=expires_at,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "expires_at" in error.error_dict:
                form.add_error("expires_on", error.error_dict.pop("expires_at"))
            add_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['user'].display_name} can now see this record")
            return redirect("child-detail", pk=child.pk)
    return render(request, "accounts/child_grant.html", {"child": child, "form": form})


@login_required
def access_log(request):
    """The whole access log, for auditors: who, when, what, why; never case content."""
    if not access.may_see_access_log(request.user):
        raise PermissionDenied
    events = AccessEvent.objects.order_by("-id")
    filters = {
        "username": request.GET.get("username", "").strip(),
        "child": request.GET.get("child", "").strip(),
        "outcome": request.GET.get("outcome", ""),
    }
    if filters["username"]:
        events = events.filter(username=filters["username"])
    if filters["child"].isdigit():
        events = events.filter(child_id=int(filters["child"]))
    if filters["outcome"] in AccessEvent.Outcome.values:
        events = events.filter(outcome=filters["outcome"])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page, "filters": filters})


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Your API tokens: when each was made, when it ends and when it was last used; never the key."""
    if request.method == "POST":
        token_id = request.POST.get("token", "")
        if token_id.isdigit() and tokens.revoke_own_token(user=request.user, token_id=int(token_id)):
            messages.success(request, "Token revoked: it no longer works")
        return redirect("api-tokens")
    return render(request, "accounts/api_tokens.html", {"tokens": tokens.tokens_of(user=request.user)})

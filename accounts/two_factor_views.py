"""The second sign-in step, setting up an authenticator app, and recovery codes.

After a correct password, a person who needs a second step is not signed in: the session
holds only who passed the password (for a few minutes) until a code is accepted. A wrong
code counts as a failed sign-in for django-axes, so codes lock out like passwords.
"""

import time

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import get_user_model, login, user_login_failed
from django.contrib.auth.decorators import login_not_required, login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import two_factor
from .forms import SecurityCodeForm

PENDING = "two_factor_pending"
PENDING_SECONDS = 10 * 60


def start_second_step(request, user, *, next_url):
    """Remember who passed the password step; they are signed in only after the code."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "since": time.time(),
        "next": next_url,
    }
    return redirect("two-factor-verify" if two_factor.has_two_factor(user) else "two-factor-setup")


def _pending(request):
    """The person part-way through signing in, or None (nobody, or it took too long)."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _finish_sign_in(request, user, pending, device):
    request.session.pop(PENDING, None)
    user.backend = pending["backend"]
    login(request, user)
    django_otp.login(request, device)


def _next_url(request, pending):
    url = pending.get("next") if pending else None
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "home"


def _codes_page(request, codes, continue_to):
    # Every view that calls this is never_cache: the codes are not kept by the browser.
    return render(
        request, "registration/recovery_codes_new.html", {"codes": codes, "continue_to": resolve_url(continue_to)}
    )


@login_not_required  # the second step comes before the sign-in it completes
@sensitive_post_parameters("code")
@never_cache
def verify(request):
    user, pending = _pending(request)
    if user is None:
        return redirect("login")
    if not two_factor.has_two_factor(user):
        return redirect("two-factor-setup")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING, None)
        return get_lockout_response(request, None, credentials)
    form = SecurityCodeForm(
        request.POST or None, hint="The 6-digit code from your authenticator app, or one of your recovery codes."
    )
    if request.method == "POST" and form.is_valid():
        check = two_factor.check_code(user=user, code=form.cleaned_data["code"])
        if check.device is not None:
            _finish_sign_in(request, user, pending, check.device)
            return redirect(_next_url(request, pending))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING, None)
            return get_lockout_response(request, None, credentials)
        form.add_error(
            "code",
            "Wait a minute, then enter a new code" if check.throttled else "Enter a correct security code",
        )
    return render(request, "registration/two_factor_verify.html", {"form": form})


@login_not_required  # a person who must use codes sets them up before they are signed in
@sensitive_post_parameters("code")
@never_cache
def setup(request):
    """Set up an authenticator app: while signing in (required, none yet), or from the account page."""
    if request.user.is_authenticated:
        user, pending = request.user, None
        if two_factor.has_two_factor(user) and not user.is_verified():
            messages.error(request, "Sign in again with your security code to change your authenticator app")
            return redirect("two-factor-recovery-codes")
    else:
        user, pending = _pending(request)
        if user is None:
            return redirect("login")
        if two_factor.has_two_factor(user):
            return redirect("two-factor-verify")
    device = two_factor.app_device_to_confirm(user=user)
    form = SecurityCodeForm(request.POST or None, hint="The 6-digit code your app shows after you add this account.")
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_app_device(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            if pending is not None:
                device.refresh_from_db()
                _finish_sign_in(request, user, pending, device)
                return _codes_page(request, codes, _next_url(request, pending))
            django_otp.login(request, device)
            return _codes_page(request, codes, "two-factor-recovery-codes")
        form.add_error("code", "Enter a correct security code")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_data_uri": qr.svg_data_uri(scale=4, border=2),
        "secret": two_factor.app_secret(device),
        "required": pending is not None,
    }
    return render(request, "registration/two_factor_setup.html", context)


@login_required
@never_cache
def recovery_codes(request):
    """How many recovery codes are left, and making new ones (which ends the old ones)."""
    user = request.user
    has_app = two_factor.has_two_factor(user)
    if request.method == "POST" and has_app:
        if not user.is_verified():
            messages.error(request, "Sign in again with your security code to make new recovery codes")
            return redirect("two-factor-recovery-codes")
        return _codes_page(request, two_factor.replace_recovery_codes(user=user), "two-factor-recovery-codes")
    context = {
        "has_app": has_app,
        "codes_left": two_factor.recovery_codes_left(user=user) if has_app else 0,
        "required": two_factor.must_use_two_factor(user),
    }
    return render(request, "registration/recovery_codes.html", context)

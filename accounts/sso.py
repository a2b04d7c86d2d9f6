"""Single sign-on with the council's identity provider (OpenID Connect, through mozilla-django-oidc).

The provider's user is matched to an account that already exists here, by one claim of the
signed ID token (OIDC_USERNAME_CLAIM, e.g. preferred_username, email or oid) against one user
field (OIDC_USER_FIELD). Nobody gets an account by signing in; someone with no account, or
whose account is switched off, is told so and sent to their administrator. The provider asks
for its own second factor, so these sessions skip ours.

Endpoints come from the provider's discovery document (OIDC_OP_DISCOVERY) unless set one by one.
"""

import functools

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import render, resolve_url
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

REFUSAL = "sso_refusal"

# Setting name: key in the discovery document.
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_ISSUER": "issuer",
}
_MISSING = object()


@functools.lru_cache(maxsize=4)
def _discovery(url):
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    return response.json()


def sso_setting(attr, *default):
    """A setting for mozilla-django-oidc, filled from the discovery document where left blank."""
    value = getattr(settings, attr, _MISSING)
    if value in (_MISSING, "", None) and attr in _DISCOVERED and settings.OIDC_OP_DISCOVERY:
        value = _discovery(settings.OIDC_OP_DISCOVERY).get(_DISCOVERED[attr], _MISSING)
    if value is _MISSING:
        if default:
            return default[0]
        raise ImproperlyConfigured(f"Setting {attr} not found")
    return value


class CouncilAccountBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(sso_setting)

    def verify_token(self, token, **kwargs):
        """The library checks the signature, expiry and nonce; the audience and issuer are checked here."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token is for another client")
        issuer = self.get_settings("OIDC_OP_ISSUER", "")
        # A multi-tenant discovery document names a pattern ("{tenantid}"), not an issuer.
        if issuer and "{" not in issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("ID token from another issuer")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # The signed ID token carries the claims we match on (Entra's user-info endpoint does not).
        return payload

    def verify_claims(self, claims):
        return True  # a missing claim simply matches nobody

    def describe_user_by_claims(self, claims):
        return "the configured claim"  # the library logs this: no personal data

    def filter_users_by_claims(self, claims):
        User = get_user_model()
        value = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not isinstance(value, str) or not value.strip():
            return User.objects.none()
        return User.objects.filter(**{f"{settings.OIDC_USER_FIELD}__iexact": value.strip()})

    def create_user(self, claims):
        raise SuspiciousOperation("Accounts are never created by signing in")

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            self.request.session[REFUSAL] = "no_account"
            return None
        if not user.is_active:
            self.request.session[REFUSAL] = "inactive"
            return None
        return user

    def user_can_authenticate(self, user):
        return user.is_active


class _WhenSsoIsOn:
    get_settings = staticmethod(sso_setting)

    def dispatch(self, request, *args, **kwargs):
        if not settings.SSO_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class StartSignIn(_WhenSsoIsOn, OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        if not settings.SSO_ENABLED:  # the parent reads the provider's endpoints here
            return
        super().__init__(*args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class FinishSignIn(_WhenSsoIsOn, OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE)


@login_not_required
@never_cache
def refused(request):
    reason = request.session.pop(REFUSAL, "no_account")
    return render(request, "registration/sso_refused.html", {"reason": reason})

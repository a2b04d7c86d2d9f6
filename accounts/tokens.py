"""API tokens: issuing, listing and ending them, for people and for partner systems.

Every way a token is made or ended goes through here: the token endpoint, the API's sign-out,
the "Your API tokens" page, Django admin, the `create_service_token` command, web sign-out and
password changes. Keys are shown once, when made; only their hash is stored (knox).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Role, User

READ = "read"


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its key: the only moment the key exists outside the caller's hands."""

    token: ApiToken
    key: str


def known_scopes() -> list[str]:
    """`read` (every GET), and `<area>:write` for each area of the API (contacts, custody-notifications, ...)."""
    from config.urls import router  # the API's areas are the router's prefixes

    areas = sorted({prefix.split("/")[0] for prefix, _viewset, _basename in router.registry})
    return [READ] + [f"{area}:write" for area in areas]


@transaction.atomic
def issue_sign_in_token(*, user: User) -> IssuedToken:
    """A new token for a person who has just given their username and password; a new one each time."""
    if user.role == Role.SERVICE_ACCOUNT:
        # A password would get a partner system a token without scopes.
        raise PermissionDenied("A partner system uses a service token from an administrator, not a password")
    user.auth_token_set.filter(expiry__lte=timezone.now()).delete()
    token, key = ApiToken.objects.create(user=user)
    return IssuedToken(token, key)


@transaction.atomic
def create_service_token(
    *, user: User, name: str, scopes: list[str], created_by: User | None = None, valid_for: timedelta | None = None
) -> IssuedToken:
    """A long-lived token for one partner system, limited to `scopes`; no expiry unless `valid_for` is given."""
    if user.role != Role.SERVICE_ACCOUNT:
        raise ValidationError({"user": "Service tokens are for service accounts only"})
    if not user.is_active:
        raise ValidationError({"user": "This account is switched off"})
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the system that will use this token"})
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": "Give the token at least one scope"})
    unknown = [scope for scope in scopes if scope not in known_scopes()]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope: {', '.join(unknown)}"})
    token, key = ApiToken.objects.create(user=user, expiry=valid_for, name=name, scopes=scopes, created_by=created_by)
    return IssuedToken(token, key)


def tokens_of(*, user: User):
    """The user's tokens that still work, newest first."""
    now = timezone.now()
    return user.auth_token_set.exclude(expiry__lte=now).order_by("-created")


def revoke_token(*, token: ApiToken) -> None:
    token.delete()


def revoke_own_token(*, user: User, token_id: int) -> bool:
    """End one of the user's own tokens; False when they have no such token."""
    deleted, _ = user.auth_token_set.filter(pk=token_id).delete()
    return bool(deleted)


def end_sign_in_tokens(*, user: User) -> int:
    """End every token a person got by signing in (on sign-out and password change).

    A service account's tokens are credentials of their own, not derived from its password or
    a session: they end only when revoked.
    """
    if user is None or user.pk is None or user.role == Role.SERVICE_ACCOUNT:
        return 0
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def ended_by_sign_out(sender, request, user, **kwargs):
    """`user_logged_out` receiver: signing out of the web ends the person's API tokens too."""
    end_sign_in_tokens(user=user)


class EndTokensOnPasswordChange:
    """Ends a person's API tokens when their password changes.

    Django tells every password validator of a changed password (`password_changed`), whichever
    way it changed (the password form, admin, `changepassword`); this one checks nothing.
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        end_sign_in_tokens(user=user)

    def get_help_text(self):
        return "Changing your password ends your API tokens."

"""API permissions applied to every view by default (settings.REST_FRAMEWORK)."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken
from .tokens import READ

API_ROOT = "/api/v1/"


def required_scope(request, view) -> str:
    """What a service token needs for this request.

    A view may name it (`required_scope`); otherwise reading needs `read`, and any write needs
    `<area>:write`, the area being the first part of the path under /api/v1/ (`contacts`,
    `custody-notifications`, `orders` for /api/v1/orders/5/release-information/).
    """
    declared = getattr(view, "required_scope", None)
    if declared:
        return declared
    if request.method in SAFE_METHODS:
        return READ
    path = request.path_info
    area = path[len(API_ROOT) :].split("/")[0] if path.startswith(API_ROOT) else ""
    return f"{area}:write"


class TokenScopes(BasePermission):
    """A request made with a partner system's token may do only what the token's scopes allow (403).

    People's tokens and sessions carry the person's own rights, checked by the views as ever.
    """

    message = "This token's scopes do not allow this request."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or not token.limited_to_scopes:
            return True
        return required_scope(request, view) in token.scopes


class ApiDocsAccess(BasePermission):
    """The schema and API docs: open when API_DOCS_PUBLIC (local work), otherwise for signed-in users."""

    def has_permission(self, request, view):
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)

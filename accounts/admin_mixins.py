"""Django admin for case records: shown, never changed, and every look logged.

Case records change only through their services, which check who may act, write
the case event and the access log, and start or stop clocks. Admin saving a model
would skip all of that, so admin shows case records and offers no add, change or
delete. Configuration (authorities, agencies, teams, users, rules) stays editable.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied

from . import access
from .audit import record_access
from .models import AccessEvent


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline of a case record."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChildAccessLoggedAdminMixin:
    """Opening one record about a child in admin is decided and logged like any page."""

    access_log_what = ""

    def child_of(self, obj):
        return obj.child

    def _decide_and_log(self, request, object_id, what):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return
        child = self.child_of(obj)
        decision = access.decide(request.user, child)
        read = request.method in ("GET", "HEAD")
        record_access(
            user=request.user,
            child=child,
            what=what,
            decision=decision,
            action=AccessEvent.Action.READ if read else AccessEvent.Action.WRITE,
            detail="" if read or self.has_change_permission(request, obj) else "refused: read-only in admin",
        )
        if not decision.allowed:
            raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._decide_and_log(request, object_id, self.access_log_what)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._decide_and_log(request, object_id, f"{self.access_log_what}:history")
        return super().history_view(request, object_id, extra_context)

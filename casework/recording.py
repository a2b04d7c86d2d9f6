"""What every pathway service does when it writes: log the write, refuse a stale edit.

Shared by the assessment, enquiry, conference and chronology services so that
the access log and optimistic locking work one way everywhere.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.db.models.signals import post_save

from accounts import access
from accounts.audit import record_access
from accounts.models import AccessEvent

from .services import ConcurrentEditError


def require_access(user, child) -> access.AccessDecision:
    """A service refuses to write to a child's record the user cannot see."""
    decision = access.decide(user, child)
    if not decision.allowed:
        raise PermissionDenied("You cannot see this child's record")
    return decision


def log_write(user, child, what: str, *, decision=None, detail: str = ""):
    """One access-log row for a write, on the basis the user has now (normal, grant, break-glass)."""
    decision = decision or access.decide(user, child)
    record_access(user=user, child=child, what=what, action=AccessEvent.Action.WRITE, decision=decision, detail=detail)


def save_if_unchanged(record, *, expected_version: int | None, fields: dict):
    """Write `fields` only if nobody saved the record since `expected_version` was read.

    `expected_version=None` means the caller holds the row lock (select_for_update)
    and has just read it, as services that move a record on do.
    """
    if not fields:
        return record
    model = type(record)
    query = model.objects.filter(pk=record.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    if not query.update(**fields, version=F("version") + 1):
        raise ConcurrentEditError(
            "Someone else changed this record while you were working on it. Your changes were not saved."
        )
    for name, value in fields.items():
        setattr(record, name, value)
    record.version = (expected_version or record.version) + 1
    # A queryset update sends no post_save; what keeps copies of records (the Team work ledger) listens for one.
    post_save.send(
        sender=model, instance=record, created=False, update_fields=frozenset(fields), raw=False, using=query.db
    )
    return record


def required_text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value

"""Break-glass access and per-child grants."""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casework.who_works_with import manager_of
from notifications.services import notify

from . import access
from .audit import record_access
from .models import AccessEvent, BreakGlassAccess, ChildUserObjectPermission

MIN_REASON_LENGTH = 20
MIN_REASON_WORDS = 4


def _check_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: "Enter the reason you need access"})
    if len(reason) < MIN_REASON_LENGTH or len(reason.split()) < MIN_REASON_WORDS:
        raise ValidationError({field: "Explain the reason in at least a sentence"})
    return reason


@transaction.atomic
def start_break_glass(*, user, child, reason: str) -> BreakGlassAccess:
    """Give a user emergency access for the authority's break-glass period.

    Their line manager is told at once and the access waits on the managers'
    review list until someone marks it reviewed.
    """
    reason = _check_reason(reason)
    decision = access.decide(user, child)
    if decision.allowed:
        raise ValidationError("You can already see this record")
    if not decision.break_glass_offered:
        raise PermissionDenied("Emergency access is not available for this record")
    now = timezone.now()
    hours = user.authority.break_glass_hours if user.authority else 24
    grant = BreakGlassAccess.objects.create(
        user=user, child=child, reason=reason, started_at=now, expires_at=now + timedelta(hours=hours)
    )
    record_access(
        user=user,
        child=child,
        what="break-glass:start",
        action=AccessEvent.Action.WRITE,
        decision=access.AccessDecision(True, AccessEvent.Purpose.BREAK_GLASS),
    )
    manager = manager_of(user)
    if manager:
        notify(
            recipient=manager,
            subject=f"{user.display_name} used emergency access to a child's record",
            body="Review the reason they gave and mark it reviewed.",
            link=reverse("break-glass-review", args=[grant.pk]),
        )
    return grant


def break_glass_to_review(*, manager):
    """Emergency accesses by the people this manager manages (all, for senior roles); never their own."""
    qs = BreakGlassAccess.objects.select_related("user", "reviewed_by").exclude(user=manager)
    if access.is_administrator(manager):
        return qs
    if manager.role in ("senior_manager", "head_of_service", "director_of_childrens_services") and manager.agency_id:
        return qs.filter(user__agency_id=manager.agency_id)
    if manager.is_manager:
        return qs.filter(user__line_manager=manager) | qs.filter(user__team__manager=manager)
    return qs.none()


@transaction.atomic
def review_break_glass(*, manager, break_glass: BreakGlassAccess, comment: str) -> BreakGlassAccess:
    if not break_glass_to_review(manager=manager).filter(pk=break_glass.pk).exists():
        raise PermissionDenied("You do not manage the person who used this access")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Enter a comment on this access"})
    locked = BreakGlassAccess.objects.select_for_update().get(pk=break_glass.pk)
    if locked.reviewed_at:
        raise ValidationError("Someone has already reviewed this access")
    locked.reviewed_by = manager
    locked.reviewed_at = timezone.now()
    locked.review_comment = comment
    locked.save(update_fields=["reviewed_by", "reviewed_at", "review_comment"])
    return locked


def check_grant_terms(*, reason: str, expires_at=None) -> str:
    """The reason (cleaned) if a grant may be given with it and this end, else ValidationError by field."""
    reason = _check_reason(reason)
    if expires_at and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The end date must be in the future"})
    return reason


@transaction.atomic
def grant_child_access(*, granted_by, user, child, reason: str, expires_at=None) -> ChildUserObjectPermission:
    """Give one person access to one child, for example for joint work."""
    if not access.may_grant_access(granted_by, child):
        raise PermissionDenied("You cannot give access to this record")
    reason = check_grant_terms(reason=reason, expires_at=expires_at)
    permission = Permission.objects.get(codename=access.VIEW_CHILD, content_type__app_label="casework")
    grant, _ = ChildUserObjectPermission.objects.update_or_create(
        user=user,
        content_object=child,
        permission=permission,
        defaults={"reason": reason, "expires_at": expires_at, "granted_by": granted_by},
    )
    record_access(
        user=granted_by,
        child=child,
        what="grant:create",
        action=AccessEvent.Action.WRITE,
        decision=access.decide(granted_by, child),
        detail=f"granted to user {user.pk}",
    )
    notify(
        recipient=user,
        subject="You have been given access to a child's record",
        link=reverse("child-detail", args=[child.pk]),
    )
    return grant

"""The access policy: who may see a child's record, and on what basis.

Every page, API endpoint, PDF and export asks this module. A user sees a
child only if one of these holds, checked in this order:

1. they are an administrator (auditors see the access log, never case content);
2. their agency has an involvement with the child that is open, or closed in
   the last 6 months (seed 000 ¶8.3 uses six months as "known to" the service);
3. they hold a MASH role and the child has a contact at their authority's
   front door that is open or was decided in the last 30 days;
4. they hold an explicit, unexpired per-child grant;
5. they have unexpired break-glass access.

A restricted child is not visible through rules 2, 3 or 5: only the allocated
workers, their line or team managers, and explicit grants open it.

The same rules serve one child (`decide`) and lists (`visible_children`), as
SQL expressions, so a list can never show what a record page would refuse.
"""

from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from casework.models import Child, Involvement
from referrals.models import Contact

from .models import AccessEvent, BreakGlassAccess, ChildUserObjectPermission, Role

INVOLVEMENT_RECENCY = relativedelta(months=6)
MASH_CONTACT_RECENCY = timedelta(days=30)
VIEW_CHILD = "view_child"

Purpose = AccessEvent.Purpose


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    purpose: str
    # When refused: may the user give themselves emergency access?
    break_glass_offered: bool = False

    @property
    def outcome(self):
        return AccessEvent.Outcome.ALLOWED if self.allowed else AccessEvent.Outcome.DENIED


def is_administrator(user) -> bool:
    return user.is_superuser or user.role == Role.ADMINISTRATOR


def sees_case_content(user) -> bool:
    return user.is_active and user.role != Role.AUDITOR


def may_use_break_glass(user) -> bool:
    """Break-glass is for people doing casework, not auditors or other systems."""
    return sees_case_content(user) and user.role not in (Role.SERVICE_ACCOUNT, Role.AUDITOR)


def _open_or_recent_involvements(now):
    cutoff = timezone.localdate(now) - INVOLVEMENT_RECENCY
    return Involvement.objects.filter(Q(end__isnull=True) | Q(end__gte=cutoff), child=OuterRef("pk"))


def _false():
    return Value(False, output_field=BooleanField())


def _normal_basis(user, now):
    """Rules 2 and 3, with the restricted-child limit, as one SQL condition."""
    involvements = _open_or_recent_involvements(now)
    looks_after = Exists(
        involvements.filter(Q(allocated_worker=user) | Q(allocated_worker__line_manager=user) | Q(team__manager=user))
    )
    agency = Exists(involvements.filter(agency_id=user.agency_id)) if user.agency_id else _false()
    if user.is_mash and user.agency_id:
        # Only contacts at this user's own authority's front door.
        in_mash = Exists(
            Contact.objects.filter(child=OuterRef("pk"), agency__authority_id=user.agency.authority_id).filter(
                Q(status=Contact.Status.OPEN) | Q(decided_at__gte=now - MASH_CONTACT_RECENCY)
            )
        )
        agency = Q(agency) | Q(in_mash)
    return (Q(restricted=False) & Q(agency)) | Q(looks_after)


def _grant_basis(user, now):
    return Exists(
        ChildUserObjectPermission.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            content_object=OuterRef("pk"),
            user=user,
            permission__codename=VIEW_CHILD,
        )
    )


def _break_glass_basis(user, now):
    if not may_use_break_glass(user):
        return Q(_false())
    return Q(restricted=False) & Q(
        Exists(BreakGlassAccess.objects.filter(child=OuterRef("pk"), user=user, expires_at__gt=now))
    )


def visible_children(user, *, now=None) -> QuerySet:
    """Children this user may see, as a queryset (for lists, search and the API)."""
    now = now or timezone.now()
    if not user.is_authenticated or not sees_case_content(user):
        return Child.objects.none()
    if is_administrator(user):
        return Child.objects.all()
    return Child.objects.filter(_normal_basis(user, now) | Q(_grant_basis(user, now)) | _break_glass_basis(user, now))


def decide(user, child, *, now=None) -> AccessDecision:
    """May this user see this child, and on what basis? One query."""
    now = now or timezone.now()
    if not user.is_authenticated or not sees_case_content(user):
        return AccessDecision(False, Purpose.NONE)
    if is_administrator(user):
        return AccessDecision(True, Purpose.ADMIN)
    bases = (
        Child.objects.filter(pk=child.pk)
        .annotate(
            via_normal=ExpressionWrapper(_normal_basis(user, now), output_field=BooleanField()),
            via_grant=_grant_basis(user, now),
            via_break_glass=ExpressionWrapper(_break_glass_basis(user, now), output_field=BooleanField()),
        )
        .values("via_normal", "via_grant", "via_break_glass", "restricted")
        .first()
    )
    if bases is None:
        return AccessDecision(False, Purpose.NONE)
    if bases["via_normal"]:
        return AccessDecision(True, Purpose.NORMAL)
    if bases["via_grant"]:
        return AccessDecision(True, Purpose.GRANT)
    if bases["via_break_glass"]:
        return AccessDecision(True, Purpose.BREAK_GLASS)
    offered = may_use_break_glass(user) and not bases["restricted"]
    return AccessDecision(False, Purpose.NONE, break_glass_offered=offered)


def may_grant_access(user, child, *, now=None) -> bool:
    """Managers whose own agency works with the child may give others access."""
    if is_administrator(user):
        return True
    return user.is_manager and decide(user, child, now=now).purpose == Purpose.NORMAL


def may_view_access_history(user, child, *, now=None) -> bool:
    """Managers of an agency involved with the child see who viewed the record."""
    return may_grant_access(user, child, now=now)


def may_see_access_log(user) -> bool:
    return user.is_authenticated and (user.role == Role.AUDITOR or is_administrator(user))


def visible_child_ids(user, ids, *, now=None) -> set[int]:
    """Which of these children this user may see, in one query: for a page or answer that names
    other children (a household, a sibling), which shows those it may not see without who they are."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    return set(visible_children(user, now=now).filter(pk__in=ids).values_list("pk", flat=True))

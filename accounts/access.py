"""The access policy: who may see a child's record, and on what basis.

Every page, API endpoint, PDF and export asks this module. A user sees a
child only if one of these holds, checked in this order:

1. they are an administrator (auditors see the access log, never case content);
2. their agency knows the child: an involvement with the child that is open, or
   closed in the last 6 months (seed 000 ¶8.3's "known to" the service; the rule
   is casework.who_works_with's, the same one every service asks);
3. they hold a MASH role and the child has a contact held by their
   authority's MASH that is open, was decided in the last 30 days, or has a
   challenge to its decision still open. Contacts that went straight to a CSC
   team (seed 000 ¶8.4) are that team's, not MASH's, and MASH's own "MASH
   contact" involvements open nothing by themselves: MASH works with a child
   through the contacts it holds;
4. they hold an explicit, unexpired per-child grant;
5. they have unexpired break-glass access to a child of their own authority
   (one with an involvement or a contact at one of its agencies).

A restricted child is not visible through rules 2, 3 or 5: only the allocated
workers, their line or team managers, and explicit grants open it.

A contact is part of its child's record: whoever may see the child sees its
contacts in full, and the referrer who made it sees its status and outcome
(`decide_contact`, `visible_contacts`).

The same rules serve one child (`decide`) and lists (`visible_children`), as
SQL expressions, so a list can never show what a record page would refuse.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from casework.models import Child, Involvement
from casework.who_works_with import known_on
from referrals.models import Contact, Disagreement

from .models import AccessEvent, Agency, BreakGlassAccess, ChildUserObjectPermission, Role

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


def front_door_agency_ids(user) -> list[int]:
    """The MASH agencies of the user's authority (usually one), remembered on the user for the request."""
    ids = getattr(user, "_front_door_agency_ids", None)
    if ids is None:
        ids = (
            list(
                Agency.objects.filter(authority_id=user.agency.authority_id, kind=Agency.Kind.MASH)
                .order_by("id")
                .values_list("id", flat=True)
            )
            if user.agency_id
            else []
        )
        user._front_door_agency_ids = ids
    return ids


def _open_or_recent_involvements(now, child_ref=None):
    return Involvement.objects.filter(
        known_on(timezone.localdate(now)), child=OuterRef("pk") if child_ref is None else child_ref
    )


def _looks_after(user, involvements):
    """Allocated to the child, or manages who is (the only workers who open a restricted child)."""
    return Exists(
        involvements.filter(Q(allocated_worker=user) | Q(allocated_worker__line_manager=user) | Q(team__manager=user))
    )


def _false():
    return Value(False, output_field=BooleanField())


def _held_by_mash(user, now):
    """Rule 3: a contact at this user's own authority's MASH that MASH is still working on."""
    ids = front_door_agency_ids(user)
    if not ids:
        return _false()
    challenged = Exists(Disagreement.objects.filter(contact=OuterRef("pk"), status=Disagreement.Status.OPEN))
    return Exists(
        Contact.objects.filter(child=OuterRef("pk"), agency_id__in=ids).filter(
            Q(status=Contact.Status.OPEN) | Q(decided_at__gte=now - MASH_CONTACT_RECENCY) | Q(challenged)
        )
    )


def _normal_basis(user, now):
    """Rules 2 and 3, with the restricted-child limit, as one SQL condition."""
    involvements = _open_or_recent_involvements(now)
    if user.is_mash:
        # MASH's "MASH contact" involvements stay on the record for six months; its access lasts 30 days.
        involvements = involvements.exclude(agency_id__in=front_door_agency_ids(user))
        agency = _held_by_mash(user, now)
    elif user.agency_id:
        agency = Exists(involvements.filter(agency_id=user.agency_id))
    else:
        agency = _false()
    return (Q(restricted=False) & Q(agency)) | Q(_looks_after(user, involvements))


def _grant_basis(user, now, child_ref=None):
    return Exists(
        ChildUserObjectPermission.objects.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            content_object=OuterRef("pk") if child_ref is None else child_ref,
            user=user,
            permission__codename=VIEW_CHILD,
        )
    )


def _authority_agency_ids(user) -> list[int]:
    """The agencies of the user's authority, remembered on the user for the request."""
    ids = getattr(user, "_authority_agency_ids", None)
    if ids is None:
        ids = list(Agency.objects.filter(authority_id=user.agency.authority_id).values_list("id", flat=True))
        user._authority_agency_ids = ids
    return ids


def _in_users_authority(user, child_ref):
    """The child has an involvement or a contact at an agency of the user's authority."""
    ids = _authority_agency_ids(user)
    return Exists(Involvement.objects.filter(child=child_ref, agency_id__in=ids)) | Exists(
        Contact.objects.filter(child=child_ref, agency_id__in=ids)
    )


def _break_glass_basis(user, now):
    if not may_use_break_glass(user) or not user.agency_id:
        return Q(_false())
    # Checked inside the break-glass lookup, so it costs nothing unless the user has broken glass.
    active = BreakGlassAccess.objects.filter(child=OuterRef("pk"), user=user, expires_at__gt=now).filter(
        _in_users_authority(user, OuterRef(OuterRef("pk")))
    )
    return Q(restricted=False) & Q(Exists(active))


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
            in_authority=(
                ExpressionWrapper(Q(_in_users_authority(user, OuterRef("pk"))), output_field=BooleanField())
                if user.agency_id
                else _false()
            ),
        )
        .values("via_normal", "via_grant", "via_break_glass", "restricted", "in_authority")
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
    # Emergency access is for the user's own authority's children only.
    offered = may_use_break_glass(user) and not bases["restricted"] and bool(bases["in_authority"])
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


# Who prepares the statutory returns (the CIN census, Ofsted's Annex A): the performance team and
# senior leaders. The returns hold every child in need in the authority, so no one else.
RETURNS_ROLES = frozenset({Role.PERFORMANCE_ANALYST, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR})


def may_prepare_returns(user) -> bool:
    return user.is_authenticated and user.role in RETURNS_ROLES


def may_see_data_quality(user) -> bool:
    """The data quality page (counts for everyone's children, names only of children they may
    open): managers, and those who prepare the returns. A worker sees their own on the worktray."""
    return user.is_authenticated and (user.is_manager or user.role in RETURNS_ROLES)


# --- Contacts --------------------------------------------------------------------

CONTACT_FULL, CONTACT_REFERRER = "full", "referrer"


@dataclass(frozen=True)
class ContactAccess:
    level: str | None  # CONTACT_FULL: everything; CONTACT_REFERRER: status and outcome only; None: nothing
    decision: AccessDecision


def decide_contact(user, contact, *, now=None) -> ContactAccess:
    """A contact is part of its child's record; the referrer also sees what became of their own."""
    decision = decide(user, contact.child, now=now)
    if decision.allowed:
        return ContactAccess(CONTACT_FULL, decision)
    if user.is_authenticated and contact.referrer_user_id == user.pk:
        return ContactAccess(CONTACT_REFERRER, AccessDecision(True, Purpose.NORMAL))
    return ContactAccess(None, decision)


def visible_contacts(user, contacts=None, *, now=None) -> QuerySet:
    """The contacts (of `contacts`, default all) this user may see in full: those about children they may see."""
    contacts = Contact.objects.all() if contacts is None else contacts
    if user.is_authenticated and sees_case_content(user) and is_administrator(user):
        return contacts
    return contacts.filter(Exists(visible_children(user, now=now).filter(pk=OuterRef("child_id"))))


def visible_child_ids(user, ids, *, now=None) -> set[int]:
    """Which of these children this user may see, in one query: for a page or answer that names
    other children (a household, a sibling), which shows those it may not see without who they are."""
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return set()
    return set(visible_children(user, now=now).filter(pk__in=ids).values_list("pk", flat=True))


def mash_queue_contacts(user, contacts, *, now=None) -> QuerySet:
    """Of `contacts`, all open and held at this MASH user's own front door, those whose child they may see.

    The same answer as `visible_contacts` for these contacts, built for the triage queue: rule 3
    opens every such child unless restricted, so only a restricted child needs asking further,
    and then only the rules that open a restricted child (looks after it, or a grant). Building
    the whole policy cost the queue page about 30 ms of Python per query, twice a page;
    tests/test_access_matrix.py compares the two.
    """
    now = now or timezone.now()
    child = OuterRef("child_id")
    involvements = _open_or_recent_involvements(now, child).exclude(agency_id__in=front_door_agency_ids(user))
    return contacts.filter(
        Q(child__restricted=False) | Q(_looks_after(user, involvements)) | Q(_grant_basis(user, now, child))
    )

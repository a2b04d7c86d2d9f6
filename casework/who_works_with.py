"""Who works with a child: which agency acts for them, whether a service knows them, and who in it.

Every service asks these questions here, so the front door, assessments, strategy discussions,
conferences, orders, custody, incidents, the deadline sweep and the access policy give one answer.

1. The authority. Each authority is a separate service: a child known to another authority's
   social care is not "known to CSC" here. The authority is that of the person acting for the
   child (the worker the work is for, else whoever records it). Someone with no agency (an
   administrator) acts for the authority of the child's open involvement of the kind asked about.

2. The agency of a kind that acts for the child (`acting_agency`): the person's own agency when it is
   of that kind; else the agency of that kind already working with the child in the authority (an
   open involvement, the lead agency's first, then the latest opened); else the authority's first
   agency of that kind, the one a new case goes to; else none.

3. Known to a service (`how_known`, `is_known`): on a given day the authority's agency of that kind
   has an involvement with the child that is open, or that ended in the six months before, the day
   exactly six months back included. Seed 000 ¶8.3: "If a child is known (or has been known within
   the past six months), CYJS will complete the CYJS section of the MASH assessment". The access
   policy's rule 2 (accounts/access.py) is the same fact: an agency that knows a child sees their
   record, so both read `KNOWN_WITHIN` and `known_on`.

4. The allocated worker of a child in a service (`allocated_worker`): of the open involvements of that
   kind with an active worker allocated, the looked-after one first (its duties follow the child into
   court and custody), then the lead agency's, then the latest opened.

5. A person's manager (`manager_of`): their line manager, else their team's manager; never themselves,
   and never someone whose account is no longer active (nobody would read what is sent to them).
   The manager of an agency's work with the child (`manager_of_work`): the allocated worker's
   manager, else the manager of the team the involvement is with.

6. Who answers for a service that knows a child (`who_answers`): the allocated worker (rule 4), else
   the worker of the involvement that ended last within the six months; when that involvement has no
   active worker, the manager of its work (rule 5). Seed 000 ¶8.3: CYJS completes the CYJS section of
   the MASH assessment for a child it knows now or knew in the past six months.
"""

import enum
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Agency

from .models import Involvement

# Seed 000 ¶8.3: "known (or has been known within the past six months)".
KNOWN_WITHIN = relativedelta(months=6)


class Known(enum.Enum):
    NOW = "now"
    RECENTLY = "recently"
    NOT_KNOWN = "not_known"


def known_on(on: date) -> Q:
    """Involvements that make their agency know the child on `on` (rule 3), for any query."""
    return Q(end__isnull=True) | Q(end__gte=on - KNOWN_WITHIN)


def open_involvements(child, kind: str, *, authority=None) -> QuerySet:
    """The child's open involvements with agencies of `kind` (in `authority`, if given), the lead first."""
    involvements = Involvement.objects.filter(child=child, agency__kind=kind, end__isnull=True)
    if authority is not None:
        involvements = involvements.filter(agency__authority=authority)
    return involvements.order_by("-is_lead_agency", "-start", "-id")


def agency_of(kind: str, authority) -> Agency | None:
    """The authority's agency of `kind` that takes a new case: its first."""
    if authority is None:
        return None
    return Agency.objects.filter(authority=authority, kind=kind).select_related("authority").order_by("id").first()


def acting_agency(kind: str, *, child=None, by=None, authority=None) -> Agency | None:
    """The agency of `kind` that acts for `child` when `by` acts, or for `authority` (rules 1 and 2)."""
    if by is not None and by.agency_id:
        if by.agency.kind == kind:
            return by.agency
        authority = authority or by.agency.authority
    if child is not None:
        involvement = open_involvements(child, kind, authority=authority).select_related("agency__authority").first()
        if involvement is not None:
            return involvement.agency
    return agency_of(kind, authority)


def how_known(kind: str, child, *, authority, on: date | None = None) -> Known:
    """Whether the authority's service of `kind` knows the child on `on` (default today): rule 3."""
    on = on or timezone.localdate()
    ends = list(
        Involvement.objects.filter(
            known_on(on), child=child, agency__kind=kind, agency__authority=authority
        ).values_list("end", flat=True)
    )
    if not ends:
        return Known.NOT_KNOWN
    if any(end is None or end > on for end in ends):
        return Known.NOW
    return Known.RECENTLY


def is_known(kind: str, child, *, authority, on: date | None = None) -> bool:
    return how_known(kind, child, authority=authority, on=on) is not Known.NOT_KNOWN


def allocated_involvement(child, kind: str, *, authority=None) -> Involvement | None:
    """The open involvement of `kind` whose worker is the child's allocated worker there (rule 4)."""
    return (
        open_involvements(child, kind, authority=authority)
        .filter(allocated_worker__isnull=False, allocated_worker__is_active=True)
        .select_related(
            "agency__authority", "team__manager", "allocated_worker__line_manager", "allocated_worker__team__manager"
        )
        .order_by(
            Case(When(kind=Involvement.Kind.CLA, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-is_lead_agency",
            "-start",
            "-id",
        )
        .first()
    )


def allocated_worker(child, kind: str, *, authority=None):
    """The child's allocated worker in the service of `kind`, or None (rule 4)."""
    involvement = allocated_involvement(child, kind, authority=authority)
    return involvement.allocated_worker if involvement else None


def manager_of(user):
    """The person's manager, or None (rule 5)."""
    if user is None:
        return None
    candidates = (
        user.line_manager if user.line_manager_id else None,
        user.team.manager if user.team_id and user.team.manager_id else None,
    )
    for manager in candidates:
        if manager is not None and manager.pk != user.pk and manager.is_active:
            return manager
    return None


def manager_of_work(involvement):
    """The manager of an agency's work with the child (rule 5), or None."""
    manager = manager_of(involvement.allocated_worker) if involvement.allocated_worker_id else None
    if manager is None and involvement.team_id and involvement.team.manager_id and involvement.team.manager.is_active:
        manager = involvement.team.manager
    return manager


def who_answers(child, kind: str, *, authority, on: date | None = None):
    """Who in the authority's service of `kind` answers for a child it knows on `on` (rule 6), or None."""
    involvement = allocated_involvement(child, kind, authority=authority)
    if involvement is None:
        involvement = (
            Involvement.objects.filter(
                known_on(on or timezone.localdate()), child=child, agency__kind=kind, agency__authority=authority
            )
            .select_related("team__manager", "allocated_worker__line_manager", "allocated_worker__team__manager")
            .order_by(F("end").desc(nulls_first=True), "-start", "-id")
            .first()
        )
    if involvement is None:
        return None
    worker = involvement.allocated_worker
    if worker is not None and worker.is_active:
        return worker
    return manager_of_work(involvement)

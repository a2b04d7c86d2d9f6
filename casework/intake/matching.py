"""Matches to confirm: a service that has a child's name and date of birth (a CYJS worker at intake, or the
police's notice of a child in custody) and finds them already recorded by another service does not see that
record on the strength of the match. Agency involvement is access (accounts.access rule 2), so opening the
asking service's involvement on a name-and-birthday match would open the whole record, for good, on a guess.

Instead an `IdentityMatchRequest` waits for someone who already works with the child to compare the details
with the record and confirm or reject the match:

- who may confirm: anyone outside the asking service who sees the child on a normal basis or an explicit
  grant (not break-glass), other than the person who asked (`may_confirm`);
- who is told: the child's allocated workers, their line managers and team managers, in the services that
  work with the child; with no one allocated, those services' team managers and the authority's MASH
  managers; always only those who may confirm (`people_to_confirm`);
- confirming opens the asking service's involvement (allocated to the worker who asked; unallocated for the
  police's notice) and so the record; rejecting opens nothing;
- until then, a worker of the asking service who cannot wait uses emergency access (break-glass, with its
  reason, time limit and manager review: accounts.services.start_break_glass). That opens the record to them
  alone until it ends; the request stays waiting, and no involvement is opened.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.audit import access_log_last, record_access
from accounts.models import AccessEvent, BreakGlassAccess, Role, User
from accounts.services import start_break_glass
from notifications.services import notify

from ..justice.sharing import in_youth_justice, may_write_youth_justice
from ..models import AppropriateAdultScreening, IdentityMatchRequest, Involvement
from ..recording import log_write
from ..services import ConcurrentEditError, record_new_child
from ..who_works_with import known_on

Source = IdentityMatchRequest.Source
Status = IdentityMatchRequest.Status
WRITE = AccessEvent.Action.WRITE
CONFIRMING_BASES = (access.Purpose.NORMAL, access.Purpose.GRANT)
NOT_GIVEN = access.AccessDecision(False, access.Purpose.NONE)

# The asking service's involvement a confirmed match opens. A child detained by the police has no kind of
# its own (see casework.intake.services.INTAKES).
INVOLVEMENT_KIND = {
    Source.INTAKE_CUSTODY: Involvement.Kind.OTHER,
    Source.INTAKE_PREVENTION: Involvement.Kind.YJ_PREVENTION,
    Source.POLICE_NOTIFICATION: Involvement.Kind.OTHER,
}


def preferred_involvement(involvements, kind):
    """The agency's open involvement to use: one of `kind` first, then the newest."""
    ordered = sorted(involvements, key=lambda inv: (inv.kind != kind, -inv.start.toordinal(), -inv.pk))
    return ordered[0] if ordered else None


def _caseworker_of(user, agency_id) -> bool:
    return user.agency_id == agency_id and in_youth_justice(user) and may_write_youth_justice(user)


def may_confirm(user, request: IdentityMatchRequest, *, now=None) -> bool:
    """Someone who already sees the child (not through break-glass) and is not on the asking side."""
    if not user.is_authenticated or user.pk == request.requested_by_id or user.agency_id == request.agency_id:
        return False
    return access.decide(user, request.child, now=now).purpose in CONFIRMING_BASES


def may_follow(user, request: IdentityMatchRequest) -> bool:
    """The asking side: the worker who asked, and the asking service's caseworkers. Never the police: their
    notice's answer says nothing of whether the child was already recorded, and neither may anything else."""
    if not user.is_authenticated or not user.is_active:
        return False
    if request.source != Source.POLICE_NOTIFICATION and user.pk == request.requested_by_id:
        return True
    return _caseworker_of(user, request.agency_id)


def people_to_confirm(request: IdentityMatchRequest) -> list[User]:
    """Who is asked to confirm (see the module's docstring), in a stable order."""
    child = request.child
    involvements = list(
        Involvement.objects.filter(known_on(timezone.localdate()), child=child)
        .exclude(agency_id=request.agency_id)
        .select_related("allocated_worker__line_manager", "team__manager")
    )
    people = []
    for inv in involvements:
        worker = inv.allocated_worker
        people += [worker, worker.line_manager if worker else None, inv.team.manager if inv.team else None]
    if not any(inv.allocated_worker_id for inv in involvements):
        people += User.objects.filter(
            Q(agency_id__in={inv.agency_id for inv in involvements}, role=Role.TEAM_MANAGER)
            | Q(agency__authority_id=request.agency.authority_id, role=Role.MASH_MANAGER)
        )
    unique = {person.pk: person for person in people if person is not None and person.is_active}
    return [unique[pk] for pk in sorted(unique) if may_confirm(unique[pk], request)]


def match_link(request: IdentityMatchRequest) -> str:
    return reverse("identity-match", args=[request.pk])


def cyjs_managers(agency) -> list[User]:
    return list(User.objects.filter(agency=agency, role=Role.TEAM_MANAGER, is_active=True).order_by("id"))


@access_log_last()
def request_identity_match(*, child, agency, source, requested_by, identity, custody_episode=None):
    """Ask the people who work with `child` to confirm that `identity` (as typed or sent) is them. A worker
    who asks again for the same child while a request of theirs waits gets that request back.

    Returns (request, created). The access log records the request as giving no access.
    """
    existing = IdentityMatchRequest.objects.filter(
        child=child, agency=agency, source=source, requested_by=requested_by, status=Status.PENDING
    ).first()
    if existing is not None and custody_episode is None:
        record_access(
            user=requested_by,
            child=child,
            what="identity-match:request",
            action=WRITE,
            decision=NOT_GIVEN,
            detail=f"asked again; match to confirm {existing.pk} still waiting; no access until confirmed",
        )
        return existing, False
    request = IdentityMatchRequest.objects.create(
        child=child,
        agency=agency,
        source=source,
        requested_by=requested_by,
        requested_at=timezone.now(),
        custody_episode=custody_episode,
        **identity.as_child_data(),
    )
    told = people_to_confirm(request)
    for person in told:
        notify(
            recipient=person,
            subject="Confirm a child's identity",
            body=f"{agency.name} has details that match a child you work with. Check them against the record, "
            "then confirm or reject the match. They cannot see the record until it is confirmed.",
            link=match_link(request),
        )
    told_text = ", ".join(str(person.pk) for person in told) or "no one who can see the record was found"
    record_access(
        user=requested_by,
        child=child,
        what="identity-match:request",
        action=WRITE,
        decision=NOT_GIVEN,
        detail=f"match to confirm {request.pk} ({request.get_source_display()}) for {agency.name}; "
        f"no access until confirmed; asked to confirm: users {told_text}",
    )
    return request, True


def _locked_pending(request, by):
    if not may_confirm(by, request):
        raise PermissionDenied("You cannot confirm this match")
    locked = (
        IdentityMatchRequest.objects.select_for_update()
        .select_related("child", "agency", "requested_by")
        .get(pk=request.pk)
    )
    if not locked.is_pending:
        raise ConcurrentEditError("Someone has already decided this match")
    return locked


def _decide(locked, *, by, status, reason):
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.reason = reason


@access_log_last()
def confirm_identity_match(*, request: IdentityMatchRequest, by, reason: str = "") -> IdentityMatchRequest:
    """The details are this child: open the asking service's involvement (000 ¶8.3: the child is then known
    to it), allocated to the worker who asked, or unallocated for the police's notice."""
    locked = _locked_pending(request, by)
    child, agency = locked.child, locked.agency
    kind = INVOLVEMENT_KIND[locked.source]
    involvement = preferred_involvement(Involvement.objects.filter(child=child, agency=agency, end__isnull=True), kind)
    if involvement is None:
        asker = locked.requested_by
        allocate = locked.source != Source.POLICE_NOTIFICATION and asker.is_active and asker.agency_id == agency.pk
        involvement = Involvement.objects.create(
            child=child,
            agency=agency,
            kind=kind,
            start=timezone.localdate(),
            allocated_worker=asker if allocate else None,
            team=asker.team if allocate else None,
        )
    _decide(locked, by=by, status=Status.CONFIRMED, reason=(reason or "").strip())
    locked.involvement = involvement
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason", "involvement"])
    log_write(
        by,
        child,
        "identity-match:confirm",
        detail=f"match to confirm {locked.pk} confirmed; {agency.name} involvement {involvement.pk} opened",
    )
    if locked.source == Source.POLICE_NOTIFICATION:
        for manager in cyjs_managers(agency):
            notify(
                recipient=manager,
                subject="The police say a child is in custody",
                body=f"At {locked.custody_episode.custody_suite}. The match was confirmed. Allocate a duty worker "
                "to screen the appropriate adult's form.",
                link=reverse("custody-detail", args=[locked.custody_episode_id]),
            )
    else:
        notify(
            recipient=locked.requested_by,
            subject="A match you asked for was confirmed",
            body="The record is now open to your service, allocated to you.",
            link=match_link(locked),
        )
    return locked


@access_log_last()
def reject_identity_match(*, request: IdentityMatchRequest, by, reason: str) -> IdentityMatchRequest:
    """The details are not this child: nothing is opened. The worker who asked may record a new child
    (casework.intake.services.record_new_child_instead); the police's notice is moved to a new record, as it
    would have been with no match."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why this is not the same child"})
    locked = _locked_pending(request, by)
    _decide(locked, by=by, status=Status.REJECTED, reason=reason)
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    moved = ""
    if locked.source == Source.POLICE_NOTIFICATION:
        moved = _police_notice_to_new_child(locked)
    log_write(
        by,
        locked.child,
        "identity-match:reject",
        detail=f"match to confirm {locked.pk} rejected; nothing opened{moved}",
    )
    if locked.source != Source.POLICE_NOTIFICATION:
        notify(
            recipient=locked.requested_by,
            subject="A match you asked for was rejected",
            body="The record is not the child you entered. Record them as a new child.",
            link=match_link(locked),
        )
    return locked


def _police_notice_to_new_child(locked) -> str:
    """The record the police's notice would have made with no match, opened to CYJS (it is their new record),
    with the notice's custody episode moved onto it unless CYJS has already added to it under emergency
    access (then the people who can see both records sort it out). Returns what the access log should add."""
    try:
        child = record_new_child(created_by=locked.requested_by, data=request_identity_data(locked))
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error
    involvement = Involvement.objects.create(
        child=child, agency=locked.agency, kind=INVOLVEMENT_KIND[locked.source], start=timezone.localdate()
    )
    locked.new_child = child
    locked.save(update_fields=["new_child"])
    episode = locked.custody_episode
    added_to = AppropriateAdultScreening.objects.filter(episode=episode).exists() or episode.pace_requests.exists()
    if not added_to:
        episode.child = child
        episode.save(update_fields=["child"])
    record_access(
        user=locked.requested_by,
        child=child,
        what="child:create",
        action=WRITE,
        decision=access.AccessDecision(True, access.Purpose.NORMAL),
        detail=f"the police's notice of a child in custody, after match to confirm {locked.pk} was rejected; "
        f"{locked.agency.name} involvement {involvement.pk}; custody episode {episode.pk} "
        + ("left on the matched record" if added_to else "moved to this record"),
    )
    for manager in cyjs_managers(locked.agency):
        notify(
            recipient=manager,
            subject="The police say a child is in custody",
            body=f"At {episode.custody_suite}. The child was recorded as new. Allocate a duty worker "
            "to screen the appropriate adult's form.",
            link=reverse("child-detail", args=[child.pk]) if added_to else reverse("custody-detail", args=[episode.pk]),
        )
    return f"; new record {child.pk} made for the police's notice" + (
        "" if added_to else f", custody episode {episode.pk} moved to it"
    )


def request_identity_data(request) -> dict:
    """The details as the asker typed or sent them, as a new child's data."""
    return {
        name: getattr(request, name) for name in ("first_name", "last_name", "date_of_birth", "address", "postcode")
    }


@access_log_last()
def use_emergency_access(*, request: IdentityMatchRequest, by, reason: str) -> BreakGlassAccess:
    """The child cannot wait for the match to be confirmed: break-glass for `by` alone (its reason, time
    limit and manager review), the request still waiting. No involvement is opened: that would outlast the
    emergency access and open the record to the whole service."""
    if not _caseworker_of(by, request.agency_id) or not may_follow(by, request):
        raise PermissionDenied("Only the service that asked may use emergency access here")
    if not IdentityMatchRequest.objects.filter(pk=request.pk, status=Status.PENDING).exists():
        raise ValidationError("This match has been decided. Open the page again")
    child = request.child
    if access.decide(by, child).purpose == access.Purpose.BREAK_GLASS:
        grant = (
            BreakGlassAccess.objects.filter(user=by, child=child, expires_at__gt=timezone.now())
            .order_by("-expires_at")
            .first()
        )
    else:
        grant = start_break_glass(user=by, child=child, reason=reason)
    record_access(
        user=by,
        child=child,
        what="identity-match:break-glass",
        action=WRITE,
        decision=access.AccessDecision(True, access.Purpose.BREAK_GLASS),
        detail=f"match to confirm {request.pk} still waiting for confirmation; emergency access {grant.pk} "
        f"until {grant.expires_at:%Y-%m-%d %H:%M} UTC; no involvement opened",
    )
    return grant


# --- Lists ------------------------------------------------------------------------------------------------------


def matches_to_confirm(*, fetched_by):
    """Waiting matches this user may confirm."""
    if not fetched_by.is_authenticated:
        return []
    waiting = (
        IdentityMatchRequest.objects.filter(status=Status.PENDING, child__in=access.visible_children(fetched_by))
        .exclude(requested_by=fetched_by)
        .select_related("child", "agency", "requested_by")
    )
    if fetched_by.agency_id:
        waiting = waiting.exclude(agency_id=fetched_by.agency_id)
    return [request for request in waiting if may_confirm(fetched_by, request)]


def matches_asked(*, fetched_by):
    """Matches this user's side asked for (the worker's own, or their service's when they are its caseworker)."""
    if not fetched_by.is_authenticated:
        return IdentityMatchRequest.objects.none()
    mine = Q(requested_by=fetched_by) & ~Q(source=Source.POLICE_NOTIFICATION)
    if fetched_by.agency_id and _caseworker_of(fetched_by, fetched_by.agency_id):
        mine |= Q(agency_id=fetched_by.agency_id)
    return IdentityMatchRequest.objects.filter(mine).select_related("agency", "requested_by", "decided_by")

"""A child new to the child and youth justice service: recording them from police custody or a prevention
referral (seed 000 ¶10–11 police custody and the appropriate adult, ¶13–14 prevention and diversion;
¶8.3 "known to" a service; domain notes part A P16–P20).

The access policy (accounts.access) lets a CYJS worker see a child only through CYJS's own involvement,
so a child CYJS has never worked with could not be recorded at all: the custody and prevention pages
open from the child's record. This intake takes the child's identifying details, looks for a record
of the same child with the duplicate search every new child goes through
(casework.services.find_possible_duplicates: pg_trgm prefilter, then its name rule), and either makes a
new record, opened to the worker's agency and allocated to them, or asks for the match to be confirmed.

A match alone opens nothing: agency involvement is access, and a name and a birthday are a guess. The
worker's choice of a matching record becomes a match to confirm (casework.intake.matching), and the
service's involvement is opened only when someone who already works with the child confirms it. Until
then the worker may use emergency access (break-glass) if the child cannot wait. A worker who can already
see the matched record (their service works with the child) joins it at once, as before.

What the worker is shown of a match is only the name and date of birth they typed in themselves
(nothing of another agency's record). A restricted child (accounts.access: only their allocated
workers and explicit grants) is never offered or joined here: the new record made instead is flagged
as a possible duplicate of it, as every new child is, for the people who can see both to resolve.

The police can also tell CYJS by API that a child is in custody (`notify_police_custody`); a match
there is a match to confirm too.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.audit import access_log_last, record_access, record_search
from accounts.models import AccessEvent, Agency
from notifications.services import notify

from ..custody.services import create_custody_episode
from ..justice.people import age_on
from ..justice.sharing import in_youth_justice, may_write_youth_justice
from ..models import Child, CustodyEpisode, IdentityMatchRequest, Involvement
from ..prevention.services import MAX_AGE as PREVENTION_MAX_AGE
from ..prevention.services import MIN_AGE as PREVENTION_MIN_AGE
from ..recording import log_write
from ..services import create_child, find_possible_duplicates, record_new_child
from . import matching
from .matching import cyjs_managers, preferred_involvement, request_identity_match

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
WRITE = AccessEvent.Action.WRITE


@dataclass(frozen=True)
class Intake:
    """One way a child reaches CYJS: the involvement it opens, the access log's reason and the page that follows."""

    code: str
    title: str
    involvement_kind: str
    reason: str
    next_page: str
    source: str


INTAKES = {
    "custody": Intake(
        code="custody",
        title="Record a child in police custody",
        # Not "yj_custody": that is a custodial sentence (DTO, s250; 000 ¶20). Nor "yj_diversion", which
        # follows a screening decision after an offence (¶14). A child detained by the police is CYJS's
        # through the appropriate adult and the duty worker's screening (¶10–11), which has no kind of its own.
        involvement_kind=Involvement.Kind.OTHER,
        reason="new to CYJS: police custody",
        next_page="custody-new",
        source=IdentityMatchRequest.Source.INTAKE_CUSTODY,
    ),
    "prevention": Intake(
        code="prevention",
        title="Record a prevention referral",
        involvement_kind=Involvement.Kind.YJ_PREVENTION,  # 000 ¶13
        reason="new to CYJS: prevention referral",
        next_page="prevention-referral-new",
        source=IdentityMatchRequest.Source.INTAKE_PREVENTION,
    ),
}


@dataclass(frozen=True)
class ChildIdentity:
    """What a worker or the police know of a child at first: enough to find or make the record."""

    first_name: str
    last_name: str
    date_of_birth: date
    address: str = ""
    postcode: str = ""

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    def as_child_data(self) -> dict:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.date_of_birth,
            "address": self.address,
            "postcode": self.postcode,
        }

    def as_stored(self) -> dict:
        """As a session keeps it (JSON)."""
        return {**self.as_child_data(), "date_of_birth": self.date_of_birth.isoformat()}

    @classmethod
    def from_stored(cls, stored: dict) -> "ChildIdentity":
        return cls(**{**stored, "date_of_birth": date.fromisoformat(stored["date_of_birth"])})


@dataclass(frozen=True)
class Match:
    """A recorded child who may be this child, as the worker may see it: the name and date of birth only."""

    child_id: int
    full_name: str
    date_of_birth: date


@dataclass
class IntakeResult:
    child: Child
    # None while a match waits for confirmation (`match_request`).
    involvement: Involvement | None
    is_new_child: bool
    already_open: bool
    match_request: IdentityMatchRequest | None = None


def may_use_intake(user) -> bool:
    """Only the child and youth justice service's caseworkers record a child new to it."""
    return user.is_authenticated and in_youth_justice(user) and may_write_youth_justice(user)


def _require_intake(user):
    if not may_use_intake(user):
        raise PermissionDenied("Only the child and youth justice service records a child new to it")


def clean_identity(*, first_name, last_name, date_of_birth, address="", postcode="") -> ChildIdentity:
    """The child's details, checked; refusals are field-keyed ValidationErrors."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    address = (address or "").strip()
    postcode = re.sub(r"\s+", " ", (postcode or "").strip().upper())
    errors = {}
    if not first_name:
        errors["first_name"] = "Enter the child's first name"
    elif len(first_name) > 100:
        errors["first_name"] = "The first name must be 100 characters or fewer"
    if not last_name:
        errors["last_name"] = "Enter the child's last name"
    elif len(last_name) > 100:
        errors["last_name"] = "The last name must be 100 characters or fewer"
    if date_of_birth is None:
        errors["date_of_birth"] = "Enter the child's date of birth"
    elif date_of_birth > timezone.localdate():
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    if postcode and not POSTCODE.match(postcode):
        errors["postcode"] = "Enter a real postcode, like LA1 1AA"
    if errors:
        raise ValidationError(errors)
    if " " not in postcode and len(postcode) > 3:
        postcode = f"{postcode[:-3]} {postcode[-3:]}"
    return ChildIdentity(first_name, last_name, date_of_birth, address, postcode)


def check_intake(intake: Intake, identity: ChildIdentity):
    """A prevention referral is for a child aged 8 to 17 (000 ¶13.1), so a child outside it is not opened
    to the service for one. (The referral's own page checks the age on the day it was received.)"""
    if intake.code != "prevention":
        return
    age = age_on(identity, timezone.localdate())
    if not PREVENTION_MIN_AGE <= age <= PREVENTION_MAX_AGE:
        raise ValidationError(
            {
                "date_of_birth": f"{identity.first_name} is {age}. The prevention service works with children aged 8 to 17 (agreement 13.1)"
            }
        )


def find_matches(*, by, identity: ChildIdentity, log_as: str | None = None) -> list[Match]:
    """Children already recorded who may be this one: the same date of birth and a similar name, by the
    duplicate search every new child goes through (casework.services.find_possible_duplicates).

    Restricted children are left out unless `by` can already see them. With `log_as`, the search is
    written to the access log with the children it found.
    """
    candidate = Child(
        first_name=identity.first_name, last_name=identity.last_name, date_of_birth=identity.date_of_birth
    )
    ids = [c.pk for c in find_possible_duplicates(candidate)]
    children = list(
        Child.objects.filter(pk__in=ids).only(
            "id", "first_name", "middle_names", "last_name", "date_of_birth", "restricted"
        )
    )
    visible = set(access.visible_children(by).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    matches = sorted(
        (Match(c.pk, c.full_name, c.date_of_birth) for c in children if not c.restricted or c.pk in visible),
        key=lambda m: (m.full_name.lower(), m.child_id),
    )
    if log_as:
        record_search(
            user=by,
            what=log_as,
            query=f"{identity.full_name} {identity.date_of_birth.isoformat()}",
            child_ids=[m.child_id for m in matches],
        )
    return matches


@access_log_last()
def open_for_cyjs(*, by, intake: Intake, identity: ChildIdentity, child_id: int | None = None) -> IntakeResult:
    """Make a new record, or ask to join the matched one (`child_id`, which must be one of `find_matches`).

    A new record opens the worker's agency's involvement of the intake's kind, allocated to them (000 ¶8.3:
    the child is then known to CYJS). A matched record the worker can already see on a normal basis (their
    service works with the child) is joined at once: a child already open to the agency keeps that
    involvement, otherwise one is opened. Any other match opens nothing: it becomes a match to confirm
    (`result.match_request`; casework.intake.matching).

    The access log gets the intake's reason ("new to CYJS: police custody" or "...: prevention referral").
    """
    _require_intake(by)
    check_intake(intake, identity)
    agency = by.agency
    if child_id is None:
        child = create_child(created_by=by, data=identity.as_child_data(), involvement_kind=intake.involvement_kind)
        involvement = Involvement.objects.get(child=child, agency=agency, end__isnull=True)
        result = IntakeResult(child, involvement, is_new_child=True, already_open=False)
    else:
        if child_id not in {m.child_id for m in find_matches(by=by, identity=identity)}:
            raise ValidationError({"choice": "That record does not match the details you entered. Choose again"})
        child = Child.objects.get(pk=child_id)
        involvement = preferred_involvement(
            Involvement.objects.filter(child=child, agency=agency, end__isnull=True), intake.involvement_kind
        )
        already_open = involvement is not None
        if involvement is None and access.decide(by, child).purpose != access.Purpose.NORMAL:
            request, _ = request_identity_match(
                child=child, agency=agency, source=intake.source, requested_by=by, identity=identity
            )
            return IntakeResult(child, None, is_new_child=False, already_open=False, match_request=request)
        if involvement is None:
            involvement = Involvement.objects.create(
                child=child,
                agency=agency,
                kind=intake.involvement_kind,
                start=timezone.localdate(),
                allocated_worker=by,
                team=by.team,
            )
        result = IntakeResult(child, involvement, is_new_child=False, already_open=already_open)
    how = "new record" if result.is_new_child else "matched an existing record"
    if result.already_open:
        how += ", already open to the service"
    log_write(by, child, f"cyjs-intake:{intake.code}", detail=f"{intake.reason}; {how}; involvement {involvement.pk}")
    return result


@access_log_last()
def record_new_child_instead(*, request: IdentityMatchRequest, by) -> IntakeResult:
    """After a match was rejected: the child the worker asked about is someone new, so make their record
    from the details the worker typed, opened to the worker's agency and allocated to them."""
    if request.source == IdentityMatchRequest.Source.POLICE_NOTIFICATION or not matching.may_follow(by, request):
        raise PermissionDenied("Only the worker's service records this child")
    locked = IdentityMatchRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != IdentityMatchRequest.Status.REJECTED or locked.new_child_id:
        raise ValidationError("A new record can be made only once, after a match was rejected")
    intake = next(i for i in INTAKES.values() if i.source == locked.source)
    identity = clean_identity(**matching.request_identity_data(locked))
    result = open_for_cyjs(by=by, intake=intake, identity=identity)
    locked.new_child = result.child
    locked.save(update_fields=["new_child"])
    return result


# --- The police tell CYJS of a child in custody (API) -----------------------------------------------------


def may_notify_custody(user) -> bool:
    """The police (an officer or the force's system) tell the child and youth justice service."""
    return (
        user.is_authenticated
        and user.is_active
        and user.agency_id is not None
        and user.agency.kind == Agency.Kind.POLICE
    )


def _authority_cyjs(authority) -> Agency:
    agency = Agency.objects.filter(authority=authority, kind=Agency.Kind.CYJS).order_by("id").first()
    if agency is None:
        raise ValidationError("This authority has no child and youth justice service set up. Ask an administrator")
    return agency


def _the_one_match(by, identity) -> tuple[Child | None, list[int]]:
    """The recorded child when exactly one matches (narrowed by postcode when several do), else None; and
    the ids of every child that matched before narrowing."""
    matches = find_matches(by=by, identity=identity)
    matched_ids = [m.child_id for m in matches]
    if len(matches) > 1 and identity.postcode:
        same_postcode = set(
            Child.objects.filter(pk__in=matched_ids, postcode__iexact=identity.postcode).values_list("pk", flat=True)
        )
        matches = [m for m in matches if m.child_id in same_postcode]
    return (Child.objects.get(pk=matches[0].child_id) if len(matches) == 1 else None), matched_ids


def _repeat_of(cyjs, matched_ids, arrested_at):
    """The same arrest sent before: its episode on any record these details match, including one a rejected
    match moved it to."""
    if not arrested_at:
        return None
    moved_to = IdentityMatchRequest.objects.filter(child_id__in=matched_ids, new_child__isnull=False).values_list(
        "new_child_id", flat=True
    )
    return (
        CustodyEpisode.objects.filter(agency=cyjs, arrested_at=arrested_at)
        .filter(Q(child_id__in=matched_ids) | Q(child_id__in=moved_to))
        .order_by("pk")
        .first()
    )


@access_log_last()
def notify_police_custody(*, by, identity: ChildIdentity, **episode) -> tuple[CustodyEpisode, bool]:
    """The police tell CYJS that a child is in custody (000 ¶10.1, ¶11; P16), naming the child by identity.
    The same arrest sent again returns the episode already recorded. Returns (episode, created).

    - No recorded child matching (see `_the_one_match`; several matching count as none): a new record is made
      (flagged as a possible duplicate of any near match) and opened to the authority's CYJS, unallocated.
    - One matching that CYJS already has open: the episode goes on it, as CYJS already works with the child.
    - One matching that CYJS does not work with: the episode is recorded on it, but CYJS gets no involvement
      and so no access: a match to confirm waits for the people who work with the child
      (casework.intake.matching). A police system's match never opens a record on its own.

    CYJS's team managers are told in the app either way. The answer never says whether the child was already
    known: the police see nothing of the record, and the answer's shape and status are the same.
    """
    if not may_notify_custody(by):
        raise PermissionDenied("Only the police notify the child and youth justice service of a child in custody")
    cyjs = _authority_cyjs(by.authority)
    child, matched_ids = _the_one_match(by, identity)
    repeat = _repeat_of(cyjs, matched_ids, episode.get("arrested_at"))
    if repeat is not None:
        return repeat, False
    is_new = child is None
    if is_new:
        try:
            child = record_new_child(created_by=by, data=identity.as_child_data())
        except ValidationError as error:
            raise ValidationError({f"child.{k}": v for k, v in error.message_dict.items()}) from error
        record_access(
            user=by,
            child=child,
            what="child:create",
            action=WRITE,
            decision=access.AccessDecision(True, access.Purpose.NORMAL),
        )
    kind = INTAKES["custody"].involvement_kind
    involvement = preferred_involvement(Involvement.objects.filter(child=child, agency=cyjs, end__isnull=True), kind)
    if involvement is None and is_new:
        # CYJS's own new record: opening it to them opens nothing of anyone else's.
        involvement = Involvement.objects.create(child=child, agency=cyjs, kind=kind, start=timezone.localdate())
    record = create_custody_episode(child=child, agency=cyjs, by=by, **episode)
    if involvement is None:
        request, _ = request_identity_match(
            child=child,
            agency=cyjs,
            source=IdentityMatchRequest.Source.POLICE_NOTIFICATION,
            requested_by=by,
            identity=identity,
            custody_episode=record,
        )
        link = matching.match_link(request)
        body = (
            f"At {record.custody_suite}. The details match a child another service works with: you will see the record "
            "once one of them confirms the match. If the child cannot wait, a worker can use emergency access."
        )
        how = f"matched an existing record; no access given: match to confirm {request.pk}"
    else:
        link = reverse("custody-detail", args=[record.pk])
        body = f"At {record.custody_suite}. Allocate a duty worker to screen the appropriate adult's form."
        how = f"{'new record' if is_new else 'matched a record open to the service'}; involvement {involvement.pk}"
    for manager in cyjs_managers(cyjs):
        notify(recipient=manager, subject="The police say a child is in custody", body=body, link=link)
    # A partner's write is logged as allowed normal work, as a contact from a partner is (referrals.services).
    record_access(
        user=by,
        child=child,
        what="api:custody-notifications",
        action=WRITE,
        decision=access.AccessDecision(True, access.Purpose.NORMAL),
        detail=f"{INTAKES['custody'].reason}; notified by {by.agency.name}; {how}; custody episode {record.pk}",
    )
    return record, True

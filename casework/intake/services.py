"""A child new to the child and youth justice service: recording them from police custody or a prevention
referral (seed 000 ¶10–11 police custody and the appropriate adult, ¶13–14 prevention and diversion;
¶8.3 "known to" a service; domain notes part A P16–P20).

The access policy (accounts.access) lets a CYJS worker see a child only through CYJS's own involvement,
so a child CYJS has never worked with could not be recorded at all: the custody and prevention pages
open from the child's record. This intake takes the child's identifying details, looks for a record
of the same child with the duplicate search every new child goes through
(casework.services.find_possible_duplicates: pg_trgm prefilter, then its name rule), and either joins
that record or makes a new one. Either way it opens the worker's agency's involvement, allocated to
them, and logs the access with its reason; the worker then records the episode or the referral on the
usual page.

What the worker is shown of a match is only the name and date of birth they typed in themselves
(nothing of another agency's record). A restricted child (accounts.access: only their allocated
workers and explicit grants) is never offered or joined here: the new record made instead is flagged
as a possible duplicate of it, as every new child is, for the people who can see both to resolve.

The police can also tell CYJS by API that a child is in custody (`notify_police_custody`).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.audit import access_log_last, record_access, record_search
from accounts.models import AccessEvent, Agency, Role, User
from notifications.services import notify

from ..custody.services import create_custody_episode
from ..justice.people import age_on
from ..justice.sharing import in_youth_justice, may_write_youth_justice
from ..models import Child, CustodyEpisode, Involvement
from ..prevention.services import MAX_AGE as PREVENTION_MAX_AGE
from ..prevention.services import MIN_AGE as PREVENTION_MIN_AGE
from ..recording import log_write
from ..services import create_child, find_possible_duplicates, record_new_child

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
    ),
    "prevention": Intake(
        code="prevention",
        title="Record a prevention referral",
        involvement_kind=Involvement.Kind.YJ_PREVENTION,  # 000 ¶13
        reason="new to CYJS: prevention referral",
        next_page="prevention-referral-new",
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
        return {"first_name": self.first_name, "last_name": self.last_name, "date_of_birth": self.date_of_birth,
                "address": self.address, "postcode": self.postcode}

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
    involvement: Involvement
    is_new_child: bool
    already_open: bool


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
        raise ValidationError({
            "date_of_birth": f"{identity.first_name} is {age}. The prevention service works with children aged 8 to 17 (agreement 13.1)"
        })


def find_matches(*, by, identity: ChildIdentity, log_as: str | None = None) -> list[Match]:
    """Children already recorded who may be this one: the same date of birth and a similar name, by the
    duplicate search every new child goes through (casework.services.find_possible_duplicates).

    Restricted children are left out unless `by` can already see them. With `log_as`, the search is
    written to the access log with the children it found.
    """
    candidate = Child(first_name=identity.first_name, last_name=identity.last_name, date_of_birth=identity.date_of_birth)
    ids = [c.pk for c in find_possible_duplicates(candidate)]
    children = list(Child.objects.filter(pk__in=ids).only("id", "first_name", "middle_names", "last_name", "date_of_birth", "restricted"))
    visible = set(access.visible_children(by).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    matches = sorted(
        (Match(c.pk, c.full_name, c.date_of_birth) for c in children if not c.restricted or c.pk in visible),
        key=lambda m: (m.full_name.lower(), m.child_id),
    )
    if log_as:
        record_search(
            user=by, what=log_as, query=f"{identity.full_name} {identity.date_of_birth.isoformat()}",
            child_ids=[m.child_id for m in matches],
        )
    return matches


@access_log_last()
def open_for_cyjs(*, by, intake: Intake, identity: ChildIdentity, child_id: int | None = None) -> IntakeResult:
    """Join the matched record (`child_id`, which must be one of `find_matches`) or make a new one, and open
    the worker's agency's involvement of the intake's kind, allocated to them (000 ¶8.3: the child is then
    known to CYJS). A child already open to the worker's agency keeps that involvement.

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
        involvement = _preferred_involvement(
            Involvement.objects.filter(child=child, agency=agency, end__isnull=True), intake.involvement_kind
        )
        already_open = involvement is not None
        if involvement is None:
            involvement = Involvement.objects.create(
                child=child, agency=agency, kind=intake.involvement_kind, start=timezone.localdate(),
                allocated_worker=by, team=by.team,
            )
        result = IntakeResult(child, involvement, is_new_child=False, already_open=already_open)
    how = "new record" if result.is_new_child else "matched an existing record"
    if result.already_open:
        how += ", already open to the service"
    log_write(by, child, f"cyjs-intake:{intake.code}", detail=f"{intake.reason}; {how}; involvement {involvement.pk}")
    return result


def _preferred_involvement(involvements, kind):
    """The worker's agency's open involvement to use: one of the intake's kind first, then the newest."""
    ordered = sorted(involvements, key=lambda inv: (inv.kind != kind, -inv.start.toordinal(), -inv.pk))
    return ordered[0] if ordered else None


# --- The police tell CYJS of a child in custody (API) -----------------------------------------------------


def may_notify_custody(user) -> bool:
    """The police (an officer or the force's system) tell the child and youth justice service."""
    return user.is_authenticated and user.is_active and user.agency_id is not None and user.agency.kind == Agency.Kind.POLICE


def _authority_cyjs(authority) -> Agency:
    agency = Agency.objects.filter(authority=authority, kind=Agency.Kind.CYJS).order_by("id").first()
    if agency is None:
        raise ValidationError("This authority has no child and youth justice service set up. Ask an administrator")
    return agency


def _the_one_match(by, identity) -> Child | None:
    """The recorded child when exactly one matches (narrowed by postcode when several do), else None."""
    matches = find_matches(by=by, identity=identity)
    if len(matches) > 1 and identity.postcode:
        same_postcode = set(
            Child.objects.filter(pk__in=[m.child_id for m in matches], postcode__iexact=identity.postcode).values_list("pk", flat=True)
        )
        matches = [m for m in matches if m.child_id in same_postcode]
    return Child.objects.get(pk=matches[0].child_id) if len(matches) == 1 else None


@access_log_last()
def notify_police_custody(*, by, identity: ChildIdentity, **episode) -> tuple[CustodyEpisode, bool]:
    """The police tell CYJS that a child is in custody (000 ¶10.1, ¶11; P16), naming the child by identity.

    One recorded child matching (see `_the_one_match`) is that child; otherwise a new record is made (and
    flagged as a possible duplicate of any near match). The authority's CYJS gets an open involvement if it
    has none, unallocated, and its team managers are told in the app to allocate a duty worker. The same
    arrest sent again returns the episode already recorded. Returns (episode, created).

    The answer never says whether the child was already known: the police see nothing of the record.
    """
    if not may_notify_custody(by):
        raise PermissionDenied("Only the police notify the child and youth justice service of a child in custody")
    cyjs = _authority_cyjs(by.authority)
    child = _the_one_match(by, identity)
    is_new = child is None
    if child is not None:
        arrested_at = episode.get("arrested_at")
        repeat = CustodyEpisode.objects.filter(child=child, agency=cyjs, arrested_at=arrested_at).first() if arrested_at else None
        if repeat is not None:
            return repeat, False
    else:
        try:
            child = record_new_child(created_by=by, data=identity.as_child_data())
        except ValidationError as error:
            raise ValidationError({f"child.{k}": v for k, v in error.message_dict.items()}) from error
        record_access(user=by, child=child, what="child:create", action=WRITE,
                      decision=access.AccessDecision(True, access.Purpose.NORMAL))
    involvements = list(Involvement.objects.filter(child=child, agency=cyjs, end__isnull=True))
    involvement = _preferred_involvement(involvements, INTAKES["custody"].involvement_kind)
    if involvement is None:
        involvement = Involvement.objects.create(
            child=child, agency=cyjs, kind=INTAKES["custody"].involvement_kind, start=timezone.localdate()
        )
    record = create_custody_episode(child=child, agency=cyjs, by=by, **episode)
    link = reverse("custody-detail", args=[record.pk])
    managers = User.objects.filter(agency=cyjs, role=Role.TEAM_MANAGER, is_active=True).order_by("id")
    for manager in managers:
        notify(
            recipient=manager,
            subject="The police say a child is in custody",
            body=f"At {record.custody_suite}. Allocate a duty worker to screen the appropriate adult's form.",
            link=link,
        )
    how = "new record" if is_new else "matched an existing record"
    # A partner's write is logged as allowed normal work, as a contact from a partner is (referrals.services).
    record_access(
        user=by, child=child, what="api:custody-notifications", action=WRITE,
        decision=access.AccessDecision(True, access.Purpose.NORMAL),
        detail=f"{INTAKES['custody'].reason}; notified by {by.agency.name}; {how}; custody episode {record.pk}; involvement {involvement.pk}",
    )
    return record, True

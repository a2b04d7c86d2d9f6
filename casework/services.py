"""Writes to a child's record. Views, the API and commands all come here."""

from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts import access
from accounts.access import AccessDecision
from accounts.audit import record_access
from accounts.models import AccessEvent

from .models import Child, Involvement
from .validators import normalise_nhs_number

# Fields a practitioner may change on the child's own record.
EDITABLE_FIELDS = (
    "first_name",
    "middle_names",
    "last_name",
    "also_known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "gender",
    "sex",
    "ethnicity",
    "disabilities",
    "nhs_number",
    "upn",
    "former_upn",
    "upn_unknown_reason",
    "yot_reference",
    "pnc_reference",
    "address",
    "postcode",
    "date_of_death",
)

SIMILAR_NAME_RATIO = 0.8
# Possible duplicates: the database's first cut is pg_trgm similarity of "first last" above this,
# or the same last name and initial. Loose on purpose: `_similar` decides. Of 11,706 generated
# pairs that `_similar` accepts on the ratio alone (one or two typos, short names too), the lowest
# similarity was 0.09; 0.2 would have lost 2% of them.
TRIGRAM_CANDIDATE_SIMILARITY = 0.05
DUPLICATE_CANDIDATES = 100


class ConcurrentEditError(Exception):
    """Someone else saved the record after this edit began."""


def _clean(data: dict, *, by, exclude_pk=None) -> dict:
    """Check the child's details; raise ValidationError with field errors."""
    data = dict(data)
    errors = {}
    data["nhs_number"] = normalise_nhs_number(data.get("nhs_number") or "") or None
    data["upn"] = (data.get("upn") or "").upper()
    data["former_upn"] = (data.get("former_upn") or "").strip().upper()
    for field in ("sex", "upn_unknown_reason"):
        data[field] = data.get(field) or ""
    if data.get("disabilities") is None:
        data["disabilities"] = []
    today = timezone.localdate()
    dob, expected = data.get("date_of_birth"), data.get("expected_date_of_birth")
    if dob and expected:
        errors["expected_date_of_birth"] = "Give an expected date only for an unborn child"
    elif not dob and not expected:
        errors["date_of_birth"] = "Enter the date of birth, or the expected date for an unborn child"
    elif dob and dob > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    elif expected and expected < today:
        errors["expected_date_of_birth"] = "Expected date of birth must be today or in the future"
    candidate = Child(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    try:
        candidate.clean_fields(exclude=[f.name for f in Child._meta.get_fields() if f.name not in EDITABLE_FIELDS])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            if field == "nhs_number" and any("already exists" in m for m in messages):
                continue  # reported below in our own words
            errors.setdefault(field, messages[0])
    try:
        candidate.clean()  # date of death, and no "why there is no UPN" beside a UPN
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages[0])
    if data["nhs_number"] and "nhs_number" not in errors:
        try:
            check_nhs_number_free(by=by, nhs_number=data["nhs_number"], exclude_pk=exclude_pk)
        except NhsNumberInUse as error:
            errors["nhs_number"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    return data


NHS_NUMBER_IN_USE = "A child with this NHS number is already recorded. Search for them instead"
# Said whenever the child who has the number is one the user may not see: it must not confirm that
# such a child exists, and it tells them who can find out.
NHS_NUMBER_REFUSED = (
    "This NHS number cannot be used here. If you think the child is already known, ask MASH or your manager"
)


class NhsNumberInUse(ValidationError):
    """Another child's record has this NHS number. `existing` is that child only when the user may see them."""

    def __init__(self, message, *, field="nhs_number", existing=None):
        super().__init__({field: message})
        self.existing = existing


def check_nhs_number_free(*, by, nhs_number, exclude_pk=None, field="nhs_number"):
    """Refuse an NHS number another child's record already has, without revealing a child `by` may not see.

    A child they may see is named (`NhsNumberInUse.existing`), so the page can link to them. Otherwise
    the refusal reads like any other and is written to the access log as denied, against the child who
    has the number, so auditors see anyone trying numbers. Services that record a child call this before
    their transaction starts, so that row is kept when the write is abandoned.
    """
    nhs_number = normalise_nhs_number(nhs_number or "")
    if not nhs_number:
        return
    clash = Child.objects.filter(nhs_number=nhs_number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    existing = clash.first()
    if existing is None:
        return
    decision = access.decide(by, existing)
    if decision.allowed:
        raise NhsNumberInUse(NHS_NUMBER_IN_USE, field=field, existing=existing)
    record_access(
        user=by, child=existing, what="duplicate-nhs-number", action=AccessEvent.Action.WRITE, decision=decision
    )
    raise NhsNumberInUse(NHS_NUMBER_REFUSED, field=field)


def _similar(a: Child, b: Child) -> bool:
    name_a = f"{a.first_name} {a.last_name}".lower()
    name_b = f"{b.first_name} {b.last_name}".lower()
    return SequenceMatcher(None, name_a, name_b).ratio() >= SIMILAR_NAME_RATIO or (
        a.last_name.lower() == b.last_name.lower() and a.first_name[:1].lower() == b.first_name[:1].lower()
    )


def find_possible_duplicates(child: Child):
    """Same date of birth and a similar name (the same NHS number twice is refused, not flagged).

    "Similar" is `_similar`: the same last name and first initial, or names at
    least SIMILAR_NAME_RATIO alike. On PostgreSQL the database narrows the
    children born that day to those whose name could be similar (pg_trgm,
    migration referrals 0004), so only a few narrow rows come back however many
    children share the birthday; `_similar` then decides, as before. At most
    DUPLICATE_CANDIDATES are considered, closest names first.
    """
    if not child.date_of_birth:
        return []
    if connection.vendor != "postgresql":
        same_dob = Child.objects.filter(date_of_birth=child.date_of_birth).exclude(pk=child.pk).order_by("id")
        candidates = same_dob.only("id", "first_name", "last_name")[:DUPLICATE_CANDIDATES]
        return [other for other in candidates if _similar(child, other)]
    first, last = child.first_name or "", child.last_name or ""
    with connection.cursor() as cursor:
        # Written out: the ORM's building of this query cost more than the query itself.
        cursor.execute(
            _DUPLICATE_CANDIDATES_SQL,
            {
                "dob": child.date_of_birth,
                "pk": child.pk,
                "name": f"{first} {last}",
                "threshold": TRIGRAM_CANDIDATE_SIMILARITY,
                "last": last,
                "initial": first[:1],
                "limit": DUPLICATE_CANDIDATES,
            },
        )
        rows = cursor.fetchall()
    candidates = [Child.from_db(connection.alias, ["id", "first_name", "last_name"], row) for row in rows]
    return [other for other in candidates if _similar(child, other)]


# Uses the birthday index (child_dob_idx); similarity() is pg_trgm's (migration referrals 0004).
_DUPLICATE_CANDIDATES_SQL = """
    SELECT id, first_name, last_name FROM casework_child
    WHERE date_of_birth = %(dob)s
      AND (%(pk)s::bigint IS NULL OR id <> %(pk)s::bigint)
      AND (similarity(first_name || ' ' || last_name, %(name)s) >= %(threshold)s
           OR (lower(last_name) = lower(%(last)s) AND lower(left(first_name, 1)) = lower(%(initial)s)))
    ORDER BY (lower(last_name) = lower(%(last)s) AND lower(left(first_name, 1)) = lower(%(initial)s)) DESC,
             similarity(first_name || ' ' || last_name, %(name)s) DESC, id
    LIMIT %(limit)s
"""


@transaction.atomic(savepoint=False)  # a failure here fails the caller's whole transaction
def record_new_child(*, created_by, data: dict) -> Child:
    """Save a new child's details, flagging possible duplicates.

    Possible duplicates are flagged on the record, not refused: two children
    can share a birthday and a name. The same NHS number twice is refused.
    The caller opens an involvement and writes the access log.

    No savepoints: if this fails, so does the caller's transaction (every
    caller lets the error end it; create_child and receive_contact are atomic).
    """
    data = _clean(data, by=created_by)
    child = Child(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS}, created_by=created_by)
    try:
        child.save()  # on an error, save() marks the enclosing transaction for rollback
    except IntegrityError as error:
        # Another person recorded the same NHS number at the same moment; who, we cannot ask here.
        raise ValidationError({"nhs_number": NHS_NUMBER_REFUSED}) from error
    duplicates = find_possible_duplicates(child)
    if duplicates:
        child.possible_duplicates.add(*duplicates)
    return child


def open_involvement(
    *, child, agency, kind, allocated_worker=None, team=None, legal_basis="", start=None
) -> Involvement:
    """Open an agency's involvement unless one of the same kind is already open (whose legal basis,
    for a looked-after involvement, is then left as it is).

    `start` is the day the involvement began when that is not today: a remand recorded after the
    hearing makes the child looked after from the remand's start, not from the day it was typed in.
    """
    existing = Involvement.objects.filter(child=child, agency=agency, kind=kind, end__isnull=True).first()
    if existing:
        return existing
    return Involvement.objects.create(
        child=child,
        agency=agency,
        kind=kind,
        start=start or timezone.localdate(),
        allocated_worker=allocated_worker,
        team=team,
        legal_basis=legal_basis,
    )


def create_child(*, created_by, data: dict, involvement_kind: str) -> Child:
    """Record a new child and open the creator's agency's involvement, allocated to them."""
    if not created_by.agency_id:
        raise ValidationError("Only someone in an agency can add a child")
    check_nhs_number_free(by=created_by, nhs_number=data.get("nhs_number"))
    return _create_child(created_by=created_by, data=data, involvement_kind=involvement_kind)


@transaction.atomic
def _create_child(*, created_by, data: dict, involvement_kind: str) -> Child:
    child = record_new_child(created_by=created_by, data=data)
    open_involvement(
        child=child, agency=created_by.agency, kind=involvement_kind, allocated_worker=created_by, team=created_by.team
    )
    record_access(
        user=created_by,
        child=child,
        what="child:create",
        action=AccessEvent.Action.WRITE,
        decision=AccessDecision(True, AccessEvent.Purpose.NORMAL),
    )
    return child


def update_child(*, child: Child, updated_by, decision: AccessDecision, expected_version: int, data: dict) -> Child:
    """Change a child's details unless someone else saved them first."""
    if "nhs_number" in data:
        check_nhs_number_free(by=updated_by, nhs_number=data["nhs_number"], exclude_pk=child.pk)
    return _update_child(
        child=child, updated_by=updated_by, decision=decision, expected_version=expected_version, data=data
    )


@transaction.atomic
def _update_child(*, child: Child, updated_by, decision: AccessDecision, expected_version: int, data: dict) -> Child:
    data = _clean({**{f: getattr(child, f) for f in EDITABLE_FIELDS}, **data}, by=updated_by, exclude_pk=child.pk)
    changes = {f: data[f] for f in EDITABLE_FIELDS if f in data and data[f] != getattr(child, f)}
    try:
        with transaction.atomic():
            updated = Child.objects.filter(pk=child.pk, version=expected_version).update(
                **changes, version=F("version") + 1
            )
    except IntegrityError as error:
        # Someone recorded the same NHS number on another child at the same moment.
        raise ValidationError({"nhs_number": NHS_NUMBER_REFUSED}) from error
    if not updated:
        raise ConcurrentEditError(
            "Someone else changed this record while you were editing it. Your changes were not saved."
        )
    record_access(
        user=updated_by,
        child=child,
        what="child:update",
        action=AccessEvent.Action.WRITE,
        decision=decision,
        detail="changed: " + ", ".join(sorted(changes)),
    )
    child.refresh_from_db()
    return child

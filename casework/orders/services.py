"""Youth justice orders: out-of-court outcomes, court orders and custodial sentences
(seed 000 ¶15, ¶16, ¶20; domain notes part A P21, P22, P26 and the timescale register T22–T24;
somerset-vs-lancashire §1.8–1.9 and §5.3).

Every rule about orders lives here. Pages, the API and any task call these functions,
which check who may write (CYJS: casework.justice.sharing.may_write_youth_justice), refuse
with plain-English field-keyed ValidationErrors, open and close the CYJS involvement,
start and stop the clocks, tell the right people in the app and log the write.

Per-authority (JointWorkingProtocol, read through protocol_for the recording worker's authority):
- ¶20.2: a child accommodated under s20 stops being looked after on a custodial sentence only
  if under 16 in Lancashire; Somerset sets no age limit (section_20_ends_on_custody_under=None).
  Which rule applies comes from the looked-after involvement's `legal_basis` (¶20.2–20.4;
  003 L152–158): a care order continues, looked-after status from a remand ends with it;
- ¶20.5: CSC stays open 3 months after a DTO/s250 where it was significantly involved in
  Lancashire; Somerset has no such period (csc_stays_open_after_custody=False). It is a waiting period
  (an earliest closure date, enforced by casework.involvements.services.close_involvement), and its
  length is the timescale rule's (`csc_open_after_custody`; a per-authority override changes it).
- 003 L189–199 (Somerset, S-T11): the child is told nine things about their release no later than
  14 days before it (`release_information_to_child`), where the protocol has Somerset's local custody
  clocks (custody_local_clocks). Lancashire has the 21-day resettlement plan instead (000 ¶20.8).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from casework.text import day_text
from notifications.clocks import cancel_clock, open_deadlines, start_clock, stop_clock
from notifications.rules import rule_in_force
from notifications.services import notify

from ..custody_care import services as custody_care
from ..justice.people import age_on, csc_people_to_tell
from ..justice.sharing import may_write_youth_justice, protocol_for
from ..models import CourtAppearance, Involvement, YouthJusticeOrder
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import acting_agency, is_known, known_on

Kind = YouthJusticeOrder.Kind
IKind = Involvement.Kind

RESETTLEMENT = "resettlement_planning"
CSC_OPEN = "csc_open_after_custody"
# 000 ¶20.8: resettlement planning is complete 21 days before release (T23); the number is the rule's
# (notifications/data/timescales.toml), per authority.
RELEASE_HOUR = time(9)

RELEASE_INFORMATION = "release_information_to_child"
# 003 L189: the child is told "no later than 14 days before release" (S-T11; the rule holds the number).
# 003 L190–198: the nine things the YJS worker, CSC social worker or FIS worker tells the child. Own words.
RELEASE_ITEMS = [
    ("collecting", "Who will collect them"),
    ("living", "Where they will live"),
    ("reporting", "How they will report to the youth justice service"),
    ("support", "Where to get support, including out of hours"),
    ("education", "Their education or work arrangements"),
    ("health", "How their health needs will be met"),
    ("money_clothing", "How and when they will get money and clothing"),
    ("social_worker", "When they will see their social worker"),
    ("roles", "What each worker involved will do"),
]
RELEASE_ITEM_LABELS = dict(RELEASE_ITEMS)

# Out-of-court outcomes are diversion; community and civil orders are court orders; DTO/s250 custody.
DIVERSION = frozenset({Kind.COMMUNITY_RESOLUTION, Kind.YOUTH_CAUTION, Kind.YOUTH_CONDITIONAL_CAUTION})
INVOLVEMENT_FOR = {
    **{k: IKind.YJ_DIVERSION for k in DIVERSION},
    **{k: IKind.YJ_CUSTODY for k in YouthJusticeOrder.CUSTODIAL},
}
# 000 ¶15.1: "already open to CSC (Child In Need, Child Protection, Looked After)".
CSC_OPEN_KINDS = (IKind.CIN, IKind.CP, IKind.CLA)

EDITABLE = (
    "ends_on",
    "requirements",
    "police_consulted_cyjs_on",
    "mash_consulted_on",
    "expected_release_on",
    "establishment_name",
    "section_23za_visits",
    "post_release_accommodation",
)


def involvement_kind(kind: str) -> str:
    return INVOLVEMENT_FOR.get(kind, IKind.YJ_COURT_ORDER)


def _writer(by, child):
    require_access(by, child)
    if not may_write_youth_justice(by):
        raise PermissionDenied("Only the child and youth justice service can record orders")


def _moment(day: date, at: time = time(12)) -> datetime:
    """A date as a moment for a clock: midday that day, or now if midday is still to come."""
    return min(timezone.make_aware(datetime.combine(day, at)), timezone.now())


def release_anchor(day: date) -> datetime:
    """The release date at 09:00 local: what the resettlement countdown counts back from."""
    return timezone.make_aware(datetime.combine(day, RELEASE_HOUR))


# --- What CSC knows of the child --------------------------------------------------------------------


def csc_involvements(child):
    return Involvement.objects.filter(child=child, agency__kind=Agency.Kind.CSC).select_related(
        "agency", "allocated_worker", "team__manager"
    )


def open_to_csc(child) -> list[Involvement]:
    """Open CIN, CP or looked-after involvements (000 ¶15.1)."""
    return list(csc_involvements(child).filter(end__isnull=True, kind__in=CSC_OPEN_KINDS).order_by("-start", "-id"))


@dataclass(frozen=True)
class LookedAfterStatus:
    """What a custodial sentence does to a looked-after child's status (000 ¶20.2–20.4; 003 L152–158)."""

    looked_after_before: bool
    ends: bool
    reason: str
    basis: str = ""


LB = Involvement.LegalBasis
# When a child has more than one looked-after involvement open, the one that decides: a care order
# outlasts s20 accommodation, which outlasts a remand (003 L152: a remand does not change an
# existing s20 or s31 status).
BASIS_ORDER = [LB.CARE_ORDER, LB.INTERIM_CARE_ORDER, LB.SECTION_20, LB.REMAND_LA, LB.BAIL_TO_RESIDE, LB.REMAND_YDA, ""]


def looked_after_involvement(child, on: date) -> Involvement | None:
    """The CSC looked-after involvement that decides the child's status on `on` (not ended before it)."""
    open_then = list(
        csc_involvements(child)
        .filter(kind=IKind.CLA)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .order_by("-start", "-id")
    )
    if not open_then:
        return None
    return min(
        open_then,
        key=lambda inv: BASIS_ORDER.index(inv.legal_basis) if inv.legal_basis in BASIS_ORDER else len(BASIS_ORDER),
    )


def looked_after_outcome(child, made_on: date, protocol) -> LookedAfterStatus:
    """Does the child's looked-after status end on this custodial sentence? By the legal basis of
    the CSC looked-after involvement open when sentenced:

    - care order (s31) or interim care order (s38): stays looked after; CSC's statutory duties
      continue in custody (000 ¶20.4; 003 L157);
    - section 20: ends by the authority's age rule — under 16 in Lancashire (000 ¶20.2), at any age
      in Somerset (003 L156; the protocol's `section_20_ends_on_custody_under` is empty); CSC keeps
      a duty to visit (Children Act 1989 s23ZA);
    - looked after only because of a remand or bail to reside: ends with the remand, which the
      sentence ends, at any age in both authorities (003 L158; LASPO 2012 s104); duty to visit;
    - basis not recorded: not decided here — CSC must confirm it (nothing is guessed).
    """
    inv = looked_after_involvement(child, made_on)
    if inv is None:
        return LookedAfterStatus(False, False, "Not looked after by children's social care when sentenced")
    basis = inv.legal_basis
    authority = protocol.authority.name if protocol.authority_id else "this authority"
    if basis in Involvement.CARE_ORDERS:
        label = "a care order (section 31)" if basis == LB.CARE_ORDER else "an interim care order (section 38)"
        return LookedAfterStatus(
            True,
            False,
            f"Still looked after: on {label}, so children's social care keeps its statutory duties in custody",
            basis,
        )
    if basis in Involvement.REMAND_BASES:
        return LookedAfterStatus(
            True,
            True,
            "No longer looked after: looked after only because of the remand, which ends with the sentence",
            basis,
        )
    if basis != LB.SECTION_20:
        return LookedAfterStatus(
            True,
            False,
            "Still looked after for now: the legal basis of the looked-after status is not recorded. "
            "Children's social care must record it to decide whether the sentence ends it",
            basis,
        )
    under = protocol.section_20_ends_on_custody_under
    if under is None:
        return LookedAfterStatus(
            True,
            True,
            f"No longer looked after: {authority} ends section 20 accommodation on a custodial sentence at any age",
            basis,
        )
    age = age_on(child, made_on)
    if age is None:
        return LookedAfterStatus(
            True,
            False,
            "Still looked after: the child's date of birth is not recorded, so the age rule cannot be applied",
            basis,
        )
    if age < under:
        return LookedAfterStatus(
            True,
            True,
            f"No longer looked after: {age} when sentenced ({authority}: under-{under}s stop being looked after)",
            basis,
        )
    return LookedAfterStatus(
        True,
        False,
        f"Still looked after: {under} or over when sentenced ({authority}: only under-{under}s stop being looked after)",
        basis,
    )


# The name before the legal basis was recorded (kept for callers).
section_20_outcome = looked_after_outcome


# --- The CYJS involvement -----------------------------------------------------------------------------


def _cyjs_agency(by, child):
    agency = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    if agency is None:
        raise ValidationError("Record this order as someone in the child and youth justice service")
    return agency


def _open_cyjs_involvement(*, child, agency, kind, by, start: date) -> Involvement:
    existing = Involvement.objects.filter(child=child, agency=agency, kind=kind, end__isnull=True).first()
    if existing is not None:
        return existing
    worker = by if by.agency_id == agency.pk else None
    return Involvement.objects.create(
        child=child,
        agency=agency,
        kind=kind,
        start=min(start, timezone.localdate()),
        allocated_worker=worker,
        team=worker.team if worker else None,
    )


def _close_cyjs_involvement(order, ended_on: date) -> Involvement | None:
    """Close the involvement the order opened or joined (`order.involvement`), unless another open
    order shares it. Another open involvement of the same kind is left alone. An order recorded
    before the link existed falls back to the child's open involvement of the order's kind."""
    if order.involvement_id is not None:
        involvement = Involvement.objects.select_for_update().get(pk=order.involvement_id)
        if involvement.end is not None:
            return None
        if (
            YouthJusticeOrder.objects.filter(involvement=involvement, ended_on__isnull=True)
            .exclude(pk=order.pk)
            .exists()
        ):
            return None
        involvement.end = max(ended_on, involvement.start)
        involvement.save(update_fields=["end"])
        return involvement
    kind = involvement_kind(order.kind)
    same_kind = [k for k in Kind.values if involvement_kind(k) == kind]
    still_needed = (
        YouthJusticeOrder.objects.filter(
            child=order.child, agency=order.agency, kind__in=same_kind, ended_on__isnull=True
        )
        .exclude(pk=order.pk)
        .exists()
    )
    if still_needed:
        return None
    involvement = Involvement.objects.filter(
        child=order.child, agency=order.agency, kind=kind, end__isnull=True
    ).first()
    if involvement is not None:
        involvement.end = max(ended_on, involvement.start)
        involvement.save(update_fields=["end"])
    return involvement


def cyjs_worker_for(order):
    """The CYJS worker allocated to the order's involvement, else the one who recorded it."""
    inv = (
        order.involvement
        if order.involvement_id
        else (
            Involvement.objects.filter(
                child=order.child, agency=order.agency, kind=involvement_kind(order.kind), end__isnull=True
            )
            .select_related("allocated_worker")
            .first()
        )
    )
    if inv is not None and inv.allocated_worker_id:
        return inv.allocated_worker
    return order.created_by


# --- Checks ---------------------------------------------------------------------------------------------


def _check_dates(errors, *, made_on, ends_on, expected_release_on, custodial):
    if made_on is not None and ends_on is not None and ends_on < made_on:
        errors["ends_on"] = f"The end date must be on or after the order was made ({day_text(made_on)})"
    if custodial:
        if expected_release_on is None:
            errors["expected_release_on"] = "Enter the expected release date. Resettlement planning counts back from it"
        elif made_on is not None and expected_release_on <= made_on:
            errors["expected_release_on"] = f"The release date must be after the sentence ({day_text(made_on)})"


def _check_consultation(errors, *, child, authority, kind, made_on, police_consulted_cyjs_on, mash_consulted_on):
    """000 ¶16.1 (P22): police consult CYJS before applying for a CBO, SRO or SHPO; for a child
    not known to CSC, CYJS asks MASH for a consultation too."""
    if kind not in YouthJusticeOrder.CONSULTED_BEFORE_APPLYING:
        return
    label = Kind(kind).label.lower()
    if police_consulted_cyjs_on is None:
        errors["police_consulted_cyjs_on"] = (
            f"Enter the date the police asked CYJS for a consultation. They must do this before applying for a {label}"
        )
    elif made_on is not None and police_consulted_cyjs_on > made_on:
        errors["police_consulted_cyjs_on"] = "The police consultation must be on or before the date the order was made"
    if made_on is not None and not is_known(Agency.Kind.CSC, child, authority=authority, on=made_on):
        if mash_consulted_on is None:
            errors["mash_consulted_on"] = (
                "The child is not known to children's social care: enter the date CYJS asked MASH for a consultation"
            )
        elif mash_consulted_on > made_on:
            errors["mash_consulted_on"] = "The MASH consultation must be on or before the date the order was made"


# --- Starting the clocks ------------------------------------------------------------------------------------


def countdown_applies(code: str, order) -> bool:
    """A countdown to release runs only "when the period of time in custody allows this" (000 ¶20.8;
    003 L189 "as soon as possible" covers a shorter stay): its due day, the rule's number of days
    before release (the authority's override if it has one), must not fall before the sentence."""
    rule = rule_in_force(code, order.agency.authority if order.agency_id else None)
    return order.expected_release_on - relativedelta(days=rule.amount) >= order.made_on


def _start_countdown(code: str, order, *, responsible):
    if not countdown_applies(code, order):
        return None
    return start_clock(
        code,
        order,
        child=order.child,
        started_at=timezone.now(),
        anchor_at=release_anchor(order.expected_release_on),
        responsible=responsible,
        agency=order.agency,
    )


def _start_resettlement(order, *, responsible):
    return _start_countdown(RESETTLEMENT, order, responsible=responsible)


def release_information_applies(order, protocol) -> bool:
    """Somerset's 14-day release information (003 L189–199) is for a custodial sentence where the
    authority's protocol has Somerset's local custody clocks (`custody_local_clocks`)."""
    return order.is_custodial and protocol.custody_local_clocks


def _start_release_information(order, *, responsible, protocol=None):
    if not release_information_applies(order, protocol or protocol_for(order.agency.authority)):
        return None
    return _start_countdown(RELEASE_INFORMATION, order, responsible=responsible)


def release_items_told(order) -> dict:
    """{item code: entry} of what the child has been told about release (003 L190–198)."""
    return {entry["item"]: entry for entry in order.release_information or []}


def release_items_outstanding(order) -> list[tuple[str, str]]:
    told = release_items_told(order)
    return [(code, label) for code, label in RELEASE_ITEMS if code not in told]


def csc_stays_open_for(protocol) -> str:
    """How long CSC stays open after a custodial sentence in the protocol's authority ("3 months"),
    or "" where it has no such period (000 ¶20.5; the length is the timescale rule's)."""
    if not protocol.csc_stays_open_after_custody:
        return ""
    return rule_in_force(CSC_OPEN, protocol.authority if protocol.authority_id else None).duration_text


def _start_csc_open(order, *, protocol, csc_involvements_now):
    """000 ¶20.5 (T22): CSC stays open 3 months after the sentence where it was significantly involved.

    A waiting period, not a deadline: CSC may not close before it ends (close_involvement refuses),
    and the sweep marks it ended at its due moment. Whether the authority has one is its protocol's
    `csc_stays_open_after_custody`; how long is the timescale rule's (an authority wanting another
    number of months has an override of `csc_open_after_custody` in timescales.toml).
    """
    if not order.csc_significantly_involved or not protocol.csc_stays_open_after_custody:
        return None
    csc = next(iter(csc_involvements_now), None)
    responsible = csc.allocated_worker if csc is not None else None
    return start_clock(
        CSC_OPEN,
        order,
        child=order.child,
        started_at=timezone.now(),
        anchor_at=timezone.make_aware(datetime.combine(order.made_on, time(12))),
        responsible=responsible,
        agency=csc.agency if csc is not None else order.agency,
    )


# --- Recording an order ------------------------------------------------------------------------------------


@dataclass
class Told:
    """Who was told what when an order was recorded (for the page's message)."""

    csc_workers: list = field(default_factory=list)
    cyjs_worker: object = None


def _tell_csc(order, people, status: LookedAfterStatus | None):
    link = reverse("order-detail", args=[order.pk])
    label = order.get_kind_display().lower()
    child = order.child
    for person in people:
        body = (
            f"{child.full_name} was given a {label} on {day_text(order.made_on)}. "
            "Contact the child and youth justice worker as soon as you can to plan together (joint working agreement 15.1)."
        )
        if status is not None and status.looked_after_before:
            if status.ends:
                body += f" {status.reason}. You still have a duty to visit them (Children Act 1989 section 23ZA, agreement 20.2)."
            else:
                body += f" {status.reason}: your looked-after duties continue in custody (agreement 20.3–20.4)."
        notify(recipient=person, subject=f"A youth justice order was made for {child.full_name}", body=body, link=link)


@transaction.atomic
def record_order(
    *,
    child,
    by,
    kind,
    made_on,
    ends_on=None,
    requirements="",
    appearance=None,
    police_consulted_cyjs_on=None,
    mash_consulted_on=None,
    expected_release_on=None,
    establishment_name="",
    csc_significantly_involved=False,
    section_23za_visits="",
) -> YouthJusticeOrder:
    """Record an out-of-court outcome, a court order or a custodial sentence (000 ¶15, ¶16, ¶20).

    - Opens the CYJS involvement: diversion for community resolutions and cautions, court order
      for community and civil orders, custody for a DTO or section 250 order.
    - CBO / SRO / SHPO (¶16.1): refused without the date the police consulted CYJS, and, for a
      child not known to CSC, the date CYJS consulted MASH.
    - Open to CSC (CIN, CP, looked after): the allocated CSC worker is told to liaise (¶15.1).
    - Custodial (¶20): needs the expected release date; starts the resettlement countdown
      (21 days before release, ¶20.8, T23/T24), the CSC stay-open period where CSC was
      significantly involved and the authority has one (¶20.5, T22), decides whether s20
      looked-after status ends (¶20.2, per authority) and tells the CYJS worker to notify the
      virtual school (¶20.7).
    """
    _writer(by, child)
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose the kind of order or outcome"
    today = timezone.localdate()
    if made_on is None:
        errors["made_on"] = "Enter the date the order was made"
    elif made_on > today:
        errors["made_on"] = "The date the order was made must be today or in the past"
    custodial = kind in YouthJusticeOrder.CUSTODIAL
    _check_dates(errors, made_on=made_on, ends_on=ends_on, expected_release_on=expected_release_on, custodial=custodial)
    agency = _cyjs_agency(by, child)
    _check_consultation(
        errors,
        child=child,
        authority=agency.authority,
        kind=kind,
        made_on=made_on,
        police_consulted_cyjs_on=police_consulted_cyjs_on,
        mash_consulted_on=mash_consulted_on,
    )
    if appearance is not None and appearance.child_id != child.pk:
        errors["appearance"] = "Choose one of this child's court hearings"
    if errors:
        raise ValidationError(errors)
    if kind not in YouthJusticeOrder.CONSULTED_BEFORE_APPLYING:
        police_consulted_cyjs_on = mash_consulted_on = None
    if not custodial:
        expected_release_on, establishment_name, csc_significantly_involved, section_23za_visits = None, "", False, ""

    protocol = protocol_for(agency.authority)
    status = looked_after_outcome(child, made_on, protocol) if custodial else None
    ends_s20 = bool(status and status.ends)
    csc_now = open_to_csc(child)
    involvement = _open_cyjs_involvement(child=child, agency=agency, kind=involvement_kind(kind), by=by, start=made_on)
    order = YouthJusticeOrder.objects.create(
        child=child,
        agency=agency,
        involvement=involvement,
        appearance=appearance,
        kind=kind,
        made_on=made_on,
        ends_on=ends_on,
        requirements=(requirements or "").strip(),
        police_consulted_cyjs_on=police_consulted_cyjs_on,
        mash_consulted_on=mash_consulted_on,
        expected_release_on=expected_release_on,
        establishment_name=(establishment_name or "").strip(),
        csc_significantly_involved=bool(csc_significantly_involved),
        section_20_ended=ends_s20,
        section_23za_visits=(section_23za_visits or "").strip() if ends_s20 else "",
        created_by=by,
    )
    order.told = Told()
    people = csc_people_to_tell(csc_now)
    _tell_csc(order, people, status)
    order.told.csc_workers = people
    if custodial:
        cyjs_worker = involvement.allocated_worker or by
        _start_resettlement(order, responsible=cyjs_worker)
        _start_release_information(order, responsible=cyjs_worker, protocol=protocol)  # 003 L189 (Somerset)
        recent_csc = csc_now or list(
            csc_involvements(child)
            .filter(known_on(made_on), agency__authority=agency.authority)
            .order_by("-start", "-id")
        )
        _start_csc_open(order, protocol=protocol, csc_involvements_now=recent_csc)
        notify(
            recipient=cyjs_worker,
            subject=f"Tell the virtual school that {child.full_name} is in custody",
            body=(
                f"{child.full_name} was sentenced to a {order.get_kind_display().lower()} on {day_text(made_on)}. "
                "Tell the virtual school about the detention and record when you did (joint working agreement 20.7)."
            ),
            link=reverse("order-detail", args=[order.pk]),
        )
        order.told.cyjs_worker = cyjs_worker
        custody_care.custody_started(order, authority=agency.authority, cyjs_worker=cyjs_worker)  # 003 L162–164
    log_write(by, child, "youth-justice-order:record", detail=f"order {order.pk}, {kind}")
    return order


# --- Changing an order -----------------------------------------------------------------------------------


def _lock(order) -> YouthJusticeOrder:
    return YouthJusticeOrder.objects.select_for_update(of=("self",)).select_related("child", "agency").get(pk=order.pk)


def _lock_open(order, expected_version=None) -> YouthJusticeOrder:
    order = _lock(order)
    if order.ended_on is not None:
        raise ValidationError(f"This order ended on {day_text(order.ended_on)}. It cannot be changed")
    if expected_version is not None and expected_version != order.version:
        raise ConcurrentEditError(
            "Someone else changed this order while you were working on it. Your changes were not saved."
        )
    return order


@transaction.atomic
def update_order(*, order, by, expected_version, data: dict) -> YouthJusticeOrder:
    """Change an order's details. A new expected release date moves the resettlement countdown
    (cancelled and started again from the new date; somerset-vs-lancashire §6.4)."""
    _writer(by, order.child)
    order = _lock_open(order)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: "This cannot be changed here" for name in sorted(unknown)})
    data = {k: (v or "").strip() if isinstance(v, str) else v for k, v in data.items()}
    for name in ("requirements", "establishment_name", "section_23za_visits", "post_release_accommodation"):
        if name in data and data[name] is None:
            data[name] = ""
    merged = {name: data.get(name, getattr(order, name)) for name in EDITABLE}
    errors: dict[str, str] = {}
    _check_dates(
        errors,
        made_on=order.made_on,
        ends_on=merged["ends_on"],
        expected_release_on=merged["expected_release_on"],
        custodial=order.is_custodial,
    )
    _check_consultation(
        errors,
        child=order.child,
        authority=order.agency.authority,
        kind=order.kind,
        made_on=order.made_on,
        police_consulted_cyjs_on=merged["police_consulted_cyjs_on"],
        mash_consulted_on=merged["mash_consulted_on"],
    )
    if not order.is_custodial:
        for name in ("expected_release_on", "establishment_name", "section_23za_visits", "post_release_accommodation"):
            if data.get(name):
                errors[name] = "Only a custodial sentence has this"
    elif (
        order.resettlement_plan_completed_on
        and "post_release_accommodation" in data
        and not merged["post_release_accommodation"]
    ):
        errors["post_release_accommodation"] = "Enter where the child will live after release"
    if data.get("section_23za_visits") and not order.section_20_ended:
        errors["section_23za_visits"] = (
            "The child is still looked after, so the section 23ZA visiting duty does not apply"
        )
    if order.kind not in YouthJusticeOrder.CONSULTED_BEFORE_APPLYING:
        for name in ("police_consulted_cyjs_on", "mash_consulted_on"):
            if data.get(name):
                errors[name] = "Only a criminal behaviour, sexual risk or sexual harm prevention order needs this"
    if errors:
        raise ValidationError(errors)
    changes = {name: value for name, value in data.items() if getattr(order, name) != value}
    old_release = order.expected_release_on
    save_if_unchanged(order, expected_version=expected_version, fields=changes)
    if "expected_release_on" in changes and order.resettlement_plan_completed_on is None:
        cancel_clock(
            RESETTLEMENT,
            order,
            reason=f"Expected release date changed from {day_text(old_release)} to {day_text(order.expected_release_on)}",
        )
        _start_resettlement(order, responsible=cyjs_worker_for(order))
    if "expected_release_on" in changes and release_items_outstanding(order):
        # 003 L189: the 14 days count back from the new date (cancelled and started again).
        cancel_clock(
            RELEASE_INFORMATION,
            order,
            reason=f"Expected release date changed from {day_text(old_release)} to {day_text(order.expected_release_on)}",
        )
        _start_release_information(order, responsible=cyjs_worker_for(order))
    log_write(
        by, order.child, "youth-justice-order:update", detail="changed: " + (", ".join(sorted(changes)) or "nothing")
    )
    return order


@transaction.atomic
def record_resettlement_plan(*, order, by, completed_on, post_release_accommodation) -> YouthJusticeOrder:
    """Resettlement planning is complete, including suitable post-release accommodation (000 ¶20.8).

    Stops the 21-days-before-release countdown: met, or met late (a missed one has already
    gone up to the head of service and the director of children's services through the sweep).
    """
    _writer(by, order.child)
    order = _lock_open(order)
    errors = {}
    if not order.is_custodial:
        raise ValidationError("Only a custodial sentence has a resettlement plan")
    if order.resettlement_plan_completed_on is not None:
        raise ValidationError(
            f"The resettlement plan was completed on {day_text(order.resettlement_plan_completed_on)}"
        )
    if completed_on is None:
        errors["completed_on"] = "Enter the date resettlement planning was completed"
    elif completed_on > timezone.localdate():
        errors["completed_on"] = "The date must be today or in the past"
    elif completed_on < order.made_on:
        errors["completed_on"] = f"The date must be on or after the sentence ({day_text(order.made_on)})"
    accommodation = (post_release_accommodation or "").strip()
    if not accommodation:
        errors["post_release_accommodation"] = (
            "Enter where the child will live after release. The plan must include suitable accommodation"
        )
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(
        order,
        expected_version=None,
        fields={"resettlement_plan_completed_on": completed_on, "post_release_accommodation": accommodation},
    )
    stop_clock(RESETTLEMENT, order, stopped_at=_moment(completed_on))
    log_write(by, order.child, "youth-justice-order:resettlement-plan", detail=f"order {order.pk}")
    return order


@transaction.atomic
def record_release_information(*, order, by, expected_version, items, told_on, told_by) -> YouthJusticeOrder:
    """Record which of the nine release items the child has been told, when and by whom
    (Somerset, 003 L189–199, S-T11). Partial saves are allowed; once all nine are recorded the
    14-days-before-release countdown stops (met, or met late) on the latest date told.

    Refused: an authority whose protocol does not have Somerset's local custody clocks, a
    non-custodial order, an item not in the list or already recorded, a date in the future or
    before the sentence, no one named as telling the child, and a stale `expected_version` (409).
    """
    _writer(by, order.child)
    order = _lock_open(order, expected_version)
    if not order.is_custodial:
        raise ValidationError("Only a custodial sentence has release information")
    if not release_information_applies(order, protocol_for(order.agency.authority)):
        raise ValidationError(
            "Your authority's joint working agreement does not ask for the release information to be recorded"
        )
    told = release_items_told(order)
    items = list(dict.fromkeys(items or []))
    errors = {}
    unknown = [code for code in items if code not in RELEASE_ITEM_LABELS]
    already = [code for code in items if code in told]
    if not items:
        errors["items"] = "Choose what the child has been told"
    elif unknown:
        errors["items"] = "Choose only from the list of things to tell the child"
    elif already:
        errors["items"] = f"Already recorded: {RELEASE_ITEM_LABELS[already[0]].lower()}"
    if told_on is None:
        errors["told_on"] = "Enter the date the child was told"
    elif told_on > timezone.localdate():
        errors["told_on"] = "The date the child was told must be today or in the past"
    elif told_on < order.made_on:
        errors["told_on"] = f"The date must be on or after the sentence ({day_text(order.made_on)})"
    told_by = (told_by or "").strip()
    if not told_by:
        errors["told_by"] = "Enter who told the child, for example the youth justice worker"
    elif len(told_by) > 200:
        errors["told_by"] = "Who told the child must be 200 characters or fewer"
    if errors:
        raise ValidationError(errors)
    entries = list(order.release_information or []) + [
        {"item": code, "told_on": told_on.isoformat(), "told_by": told_by, "recorded_by": by.pk} for code in items
    ]
    save_if_unchanged(order, expected_version=None, fields={"release_information": entries})
    if not release_items_outstanding(order):
        last = max(date.fromisoformat(entry["told_on"]) for entry in entries)
        stop_clock(RELEASE_INFORMATION, order, stopped_at=_moment(last))
    log_write(
        by, order.child, "youth-justice-order:release-information", detail=f"order {order.pk}, {len(items)} of 9 items"
    )
    return order


@transaction.atomic
def record_virtual_school_told(*, order, by, on) -> YouthJusticeOrder:
    """CYJS told the virtual school of the child's detention (000 ¶20.7)."""
    _writer(by, order.child)
    order = _lock(order)
    if not order.is_custodial:
        raise ValidationError("The virtual school is told of a custodial sentence only")
    if order.virtual_school_told_on is not None:
        raise ValidationError(f"The virtual school was told on {day_text(order.virtual_school_told_on)}")
    if on is None:
        raise ValidationError({"on": "Enter the date you told the virtual school"})
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    if on < order.made_on:
        raise ValidationError({"on": f"The date must be on or after the sentence ({day_text(order.made_on)})"})
    save_if_unchanged(order, expected_version=None, fields={"virtual_school_told_on": on})
    log_write(by, order.child, "youth-justice-order:virtual-school", detail=f"order {order.pk}")
    return order


@transaction.atomic
def end_order(*, order, by, expected_version, ended_on) -> YouthJusticeOrder:
    """The order or sentence ended. Cancels an open resettlement countdown and closes the CYJS
    involvement the order opened or joined (unless another open order shares it).
    Exit planning (000 ¶15.2) is for the workers; the CSC stay-open period (¶20.5) runs on."""
    _writer(by, order.child)
    order = _lock(order)
    if order.ended_on is not None:
        raise ValidationError(f"This order already ended on {day_text(order.ended_on)}")
    if expected_version is not None and expected_version != order.version:
        raise ConcurrentEditError(
            "Someone else changed this order while you were working on it. Your changes were not saved."
        )
    if ended_on is None:
        raise ValidationError({"ended_on": "Enter the date the order ended"})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The end date must be today or in the past"})
    if ended_on < order.made_on:
        raise ValidationError(
            {"ended_on": f"The end date must be on or after the order was made ({day_text(order.made_on)})"}
        )
    save_if_unchanged(order, expected_version=None, fields={"ended_on": ended_on})
    if open_deadlines(RESETTLEMENT, order).exists():
        cancel_clock(RESETTLEMENT, order, reason=f"Order ended {day_text(ended_on)}")
    if open_deadlines(RELEASE_INFORMATION, order).exists():
        cancel_clock(RELEASE_INFORMATION, order, reason=f"Order ended {day_text(ended_on)}")
    _close_cyjs_involvement(order, ended_on)
    custody_care.custody_ended(order, reason=f"Released: the order ended {day_text(ended_on)}")
    log_write(by, order.child, "youth-justice-order:end", detail=f"order {order.pk}")
    return order


def appearances_for_order(child):
    """The child's hearings, newest first, to link an order to (sentencing ones first)."""
    return CourtAppearance.objects.filter(child=child).order_by("-hearing_at")

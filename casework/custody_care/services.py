"""The care of a child in youth detention: looked after reviews, statutory and joint visits, the
custody planning meeting and the review of a bail package for a child remanded to youth detention.

Sources: seed 000 ¶19.1–19.3 (remand to youth detention accommodation makes the child looked after;
looked after reviews in statutory timescales chaired by an IRO; the child is continually assessed
for a community bail package, with CSC), ¶20.2–20.4 (s23ZA visits; care-order duties continue in
custody); seed 003 L156–167 (DTO planning meeting 10 working days; joint visit 7 working days; looked
after review within 28 days of entering custody; first statutory visit within 1 week, then at most
every 6 weeks in the first year); somerset-vs-lancashire S-T4..S-T8 and C4, C5, C6, C9.

A period in custody is a remand to youth detention (`Remand`, kind youth_detention) or a custodial
sentence (`YouthJusticeOrder`, DTO or s250): the clocks' subject. `custody_started` (called by
casework.court.services.start_remand and casework.orders.services.record_order) starts them;
`custody_ended` (called when the remand or the order ends: the child is released) cancels them.

Which clocks, where (the numbers are the rules' in notifications/data/timescales.toml, 003's):
- looked after review in 28 days (`lac_review_in_custody`) for a child looked after in custody:
  remanded to youth detention (000 ¶19.1), or sentenced while looked after and staying so (a care
  order; s20 at 16+ in Lancashire, 000 ¶20.2–20.4);
- first statutory visit in 7 days (`custody_first_statutory_visit`), then the next within 6 weeks
  of each visit (`custody_statutory_visit_next`), for a looked-after child and for one whose s20
  accommodation ended on the sentence (s23ZA duty to visit, 000 ¶20.2; 003 L156, L158; S-T9 proposes
  the same cadence). 003 L167 gives 6 weeks "during the first year"; after it the sources are silent
  (C4 [gap]): the clock keeps 6 weeks, the safe reading.
  These two are care planning duties every authority has (Lancashire: "statutory timescales", 000
  ¶19.3, La L252), so they run everywhere, with 003's numbers as the defaults; an authority with
  other numbers overrides the rule (timescales.toml `overrides`).
- custody planning meeting in 10 working days (`dto_planning_meeting`, every custodial sentence, C6)
  and the joint CSC and youth justice visit in 7 working days from the sentence (`custody_joint_visit`,
  C5, only where CSC is involved) are Somerset's local practice (003 L162): they run only where the
  authority's protocol says so (`JointWorkingProtocol.custody_local_clocks`, off by default).
- a bail package review (000 ¶19.2) has no number in any source: no clock. The youth justice summary
  shows when it was last reviewed and flags a court hearing since (selectors.bail_status).

Who writes (casework/justice/sharing.py): CSC records looked after reviews and
statutory visits (its care planning duties, 000 ¶18.8, ¶20.4); CSC or CYJS records a joint visit;
CYJS records the planning meeting it convenes (003 L162) and the bail package reviews (000 ¶19.2).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_log_last
from accounts.models import Agency
from casework.text import day_text
from notifications.clocks import cancel_clock, open_deadlines, start_clock, stop_clock
from notifications.services import notify

from ..justice.sharing import may_write_youth_justice, protocol_for
from ..models import (
    BailPackageReview,
    CustodyPlanningMeeting,
    CustodyVisit,
    Involvement,
    LookedAfterReview,
    Remand,
    YouthJusticeOrder,
)
from ..permissions import may_record_social_care_work, require
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import acting_agency, allocated_worker, open_involvements
from .clocks import CLOCKS, FIRST_VISIT, JOINT_VISIT, LAC_REVIEW, NEXT_VISIT, PLANNING_MEETING

VisitKind = CustodyVisit.Kind
CSC_OPEN_KINDS = (Involvement.Kind.CIN, Involvement.Kind.CP, Involvement.Kind.CLA)

CSC_MESSAGE = "Only children's social care can record looked after reviews and statutory visits"
JOINT_MESSAGE = "Only children's social care or the child and youth justice service can record a joint visit"
CYJS_MESSAGE = "Only the child and youth justice service can record this"


# --- Periods in custody ---------------------------------------------------------------------------------


def is_custody(record) -> bool:
    if isinstance(record, Remand):
        return record.kind == Remand.Kind.YOUTH_DETENTION
    return isinstance(record, YouthJusticeOrder) and record.is_custodial


def entered_on(custody) -> date:
    """Entry to custody: the remand's start, or the sentence (the anchor of every clock here, C5)."""
    return custody.started_on if isinstance(custody, Remand) else custody.made_on


def left_on(custody) -> date | None:
    return custody.ended_on


def custody_key(custody) -> str:
    """How a page's URL names a period in custody: remand-12 or order-7."""
    return f"{'remand' if isinstance(custody, Remand) else 'order'}-{custody.pk}"


def custody_title(custody) -> str:
    if isinstance(custody, Remand):
        return f"Remanded to youth detention from {day_text(custody.started_on)}"
    return f"{custody.get_kind_display()} from {day_text(custody.made_on)}"


@dataclass(frozen=True)
class Duties:
    """What CSC owes a child in this period in custody (000 ¶19.1, ¶20.2–20.4; 003 L156–158, L164)."""

    looked_after: bool
    section_23za: bool
    csc_involved: bool

    @property
    def statutory_visits(self) -> bool:
        return self.looked_after or self.section_23za

    @property
    def text(self) -> str:
        if self.looked_after:
            return "Looked after in custody: looked after reviews and statutory visits"
        if self.section_23za:
            return "No longer looked after: section 23ZA duty to visit"
        return "Not looked after: no looked after reviews or statutory visits"


def duties_of(custody) -> Duties:
    """A child remanded to youth detention is looked after (000 ¶19.1). A sentenced child is looked
    after in custody if they were when sentenced and the sentence did not end it (a care order;
    000 ¶20.4), and has a s23ZA duty to visit if s20 accommodation ended on it (000 ¶20.2)."""
    if isinstance(custody, Remand):
        return Duties(looked_after=custody.looked_after, section_23za=False, csc_involved=True)
    csc = open_involvements(custody.child, Agency.Kind.CSC, authority=_authority_of(custody))
    kinds = set(csc.values_list("kind", flat=True))
    looked_after = Involvement.Kind.CLA in kinds and not custody.section_20_ended
    return Duties(
        looked_after=looked_after,
        section_23za=custody.section_20_ended,
        csc_involved=bool(kinds & set(CSC_OPEN_KINDS)),
    )


def _authority_of(custody):
    if isinstance(custody, YouthJusticeOrder):
        return custody.agency.authority
    creator = custody.created_by
    return creator.agency.authority if creator.agency_id else None


# --- Dates ------------------------------------------------------------------------------------------------


def _moment(day: date) -> datetime:
    """A date as a moment for a clock: midday that day, or now if midday is still to come."""
    return min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())


def _in_custody_date(value, field, custody, *, what):
    """A date in the past, on or after entry to custody and, once released, not after it."""
    if value is None:
        raise ValidationError({field: f"Enter the date {what}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"The date {what} must be today or in the past"})
    start = entered_on(custody)
    if value < start:
        raise ValidationError(
            {field: f"The date {what} must be on or after the child entered custody ({day_text(start)})"}
        )
    end = left_on(custody)
    if end is not None and value > end:
        raise ValidationError({field: f"The date {what} must be on or before the child left custody ({day_text(end)})"})
    return value


def _after(value, field, earlier, *, what, earlier_text):
    if value is not None and value <= earlier:
        raise ValidationError({field: f"The {what} must be after {earlier_text}"})


# --- Starting and ending the clocks (called by the court and orders services) ---------------------------


def custody_started(custody, *, authority=None, cyjs_worker=None) -> list:
    """Start this period's clocks (see the module docstring); nothing for anything but custody.

    Anchored at entry to custody (the remand's start or the sentence), as 003 L162–164 count.
    Looked after review and statutory visits: the allocated CSC worker. The planning meeting and the
    joint visit, where the protocol has them: the youth justice worker (YJS convenes, 003 L162).
    """
    if not is_custody(custody):
        return []
    authority = authority or _authority_of(custody)
    protocol = protocol_for(authority)
    duties = duties_of(custody)
    child = custody.child
    anchor = _moment(entered_on(custody))
    csc = acting_agency(Agency.Kind.CSC, child=child, authority=authority)
    worker = allocated_worker(child, Agency.Kind.CSC, authority=authority)
    started = []
    if duties.looked_after:
        started.append(start_clock(LAC_REVIEW, custody, child=child, anchor_at=anchor, responsible=worker, agency=csc))
    if duties.statutory_visits:
        started.append(start_clock(FIRST_VISIT, custody, child=child, anchor_at=anchor, responsible=worker, agency=csc))
    if isinstance(custody, YouthJusticeOrder) and protocol.custody_local_clocks:
        cyjs = custody.agency
        started.append(
            start_clock(PLANNING_MEETING, custody, child=child, anchor_at=anchor, responsible=cyjs_worker, agency=cyjs)
        )
        if duties.csc_involved:
            started.append(
                start_clock(JOINT_VISIT, custody, child=child, anchor_at=anchor, responsible=cyjs_worker, agency=cyjs)
            )
    return started


def custody_ended(custody, *, reason="The child left custody") -> int:
    """The remand ended or the child was released: the open custody clocks are cancelled."""
    return sum(cancel_clock(code, custody, reason=reason) for code in CLOCKS)


# --- Who ---------------------------------------------------------------------------------------------------


def _csc_writer(by, child):
    decision = require_access(by, child)
    require(may_record_social_care_work(by), CSC_MESSAGE)
    return decision


def _joint_writer(by, child):
    decision = require_access(by, child)
    require(may_record_social_care_work(by) or may_write_youth_justice(by), JOINT_MESSAGE)
    return decision


def _cyjs_writer(by, child):
    decision = require_access(by, child)
    require(may_write_youth_justice(by), CYJS_MESSAGE)
    return decision


def may_record_reviews(user) -> bool:
    return may_record_social_care_work(user)


def may_record_joint_visits(user) -> bool:
    return may_record_social_care_work(user) or may_write_youth_justice(user)


def may_record_youth_justice_care(user) -> bool:
    return may_write_youth_justice(user)


def _custody(child, remand, order) -> Remand | YouthJusticeOrder:
    """The one period in custody a record is about, of this child."""
    if (remand is None) == (order is None):
        raise ValidationError(
            {"custody": "Choose the remand to youth detention or the custodial sentence this is about"}
        )
    custody = remand if remand is not None else order
    field = "remand" if remand is not None else "order"
    # Read it afresh: whether the child is still in custody decides the next clock.
    custody = type(custody).objects.select_related("child", "created_by__agency").get(pk=custody.pk)
    if custody.child_id != child.pk:
        raise ValidationError({field: "Choose a remand or sentence of this child"})
    if not is_custody(custody):
        raise ValidationError(
            {field: "Choose a remand to youth detention or a detention and training or section 250 order"}
        )
    return custody


def _links(custody) -> dict:
    return {"remand": custody, "order": None} if isinstance(custody, Remand) else {"remand": None, "order": custody}


def _page(child) -> str:
    return reverse("custody-care", args=[child.pk])


# --- Looked after reviews (000 ¶19.3; 003 L164, S-T6) --------------------------------------------------------


@access_log_last()
def record_looked_after_review(
    *,
    child,
    by,
    held_on,
    child_attended,
    decisions,
    remand=None,
    order=None,
    chair=None,
    chair_name="",
    next_review_on=None,
    lateness_reason="",
) -> LookedAfterReview:
    """A looked after review held for a child in custody, chaired by the IRO (000 ¶19.3).

    Refused where the child is not looked after in this period (a s23ZA child has visits, not
    reviews). The first one stops the 28-day clock (met, or met late: a reason may be asked for
    where the rule requires one)."""
    _csc_writer(by, child)
    custody = _custody(child, remand, order)
    if not duties_of(custody).looked_after:
        raise ValidationError(
            {"held_on": "The child is not looked after in this period in custody, so there is no looked after review"}
        )
    errors = {}
    try:
        _in_custody_date(held_on, "held_on", custody, what="the review was held")
    except ValidationError as error:
        errors.update(error.message_dict)
    chair_name = (chair_name or "").strip()
    if chair is None and not chair_name:
        errors["chair_name"] = "Enter who chaired the review: the independent reviewing officer"
    if chair is not None and chair.agency_id and by.agency_id and chair.agency.authority_id != by.agency.authority_id:
        errors["chair"] = "Choose someone in your authority"
    if child_attended is None:
        errors["child_attended"] = "Say whether the child took part in the review"
    decisions = (decisions or "").strip()
    if not decisions:
        errors["decisions"] = "Enter what the review decided"
    if not errors and held_on is not None:
        try:
            _after(next_review_on, "next_review_on", held_on, what="next review", earlier_text="this one")
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    review = LookedAfterReview.objects.create(
        child=child,
        **_links(custody),
        held_on=held_on,
        chair=chair,
        chair_name="" if chair else chair_name,
        child_attended=bool(child_attended),
        decisions=decisions,
        next_review_on=next_review_on,
        created_by=by,
    )
    stop_clock(LAC_REVIEW, custody, stopped_at=_moment(held_on), reason=lateness_reason)
    log_write(by, child, "looked-after-review:create", detail=f"review {review.pk} of {custody_key(custody)}")
    return review


REVIEW_EDITABLE = ("decisions", "next_review_on", "child_attended", "chair_name")


@access_log_last()
def update_looked_after_review(*, review, by, expected_version, data: dict) -> LookedAfterReview:
    """Change what a review decided, its next date, attendance or chair's name (send the version read)."""
    _csc_writer(by, review.child)
    review = LookedAfterReview.objects.select_for_update().get(pk=review.pk)
    _known_fields(data, REVIEW_EDITABLE)
    data = _clean_text(data, ("decisions", "chair_name"))
    errors = {}
    if "decisions" in data and not data["decisions"]:
        errors["decisions"] = "Enter what the review decided"
    if "child_attended" in data and data["child_attended"] is None:
        errors["child_attended"] = "Say whether the child took part in the review"
    if "chair_name" in data and not data["chair_name"] and review.chair_id is None:
        errors["chair_name"] = "Enter who chaired the review: the independent reviewing officer"
    if data.get("next_review_on") is not None and data["next_review_on"] <= review.held_on:
        errors["next_review_on"] = "The next review must be after this one"
    if errors:
        raise ValidationError(errors)
    changes = _changes(review, data)
    save_if_unchanged(review, expected_version=expected_version, fields=changes)
    log_write(
        by,
        review.child,
        "looked-after-review:update",
        detail=f"review {review.pk}: {', '.join(sorted(changes)) or 'nothing'}",
    )
    return review


# --- Visits (003 L162, L164, L167; 000 ¶20.2) ------------------------------------------------------------------


def _latest_statutory_visit(custody, exclude=None):
    visits = CustodyVisit.objects.filter(kind=VisitKind.STATUTORY, **{_field(custody): custody})
    if exclude is not None:
        visits = visits.exclude(pk=exclude.pk)
    return visits.order_by("-visited_on", "-id").first()


def _field(custody) -> str:
    return "remand" if isinstance(custody, Remand) else "order"


@access_log_last()
def record_custody_visit(
    *,
    child,
    by,
    kind,
    visited_on,
    csc_visitor="",
    cyjs_visitor="",
    remand=None,
    order=None,
    child_seen_alone=None,
    notes="",
    lateness_reason="",
) -> CustodyVisit:
    """A visit to the child in custody.

    Statutory (CSC: the child is looked after, or s23ZA): stops the first-visit clock, or the
    next-visit one, and starts the next from this visit while the child is still in custody
    (6 weeks, 003 L164, L167). A visit dated before the latest one recorded changes no clock.
    Joint (CSC or CYJS): both workers are named (003 L162); stops the joint visit clock.
    """
    if kind == VisitKind.STATUTORY:
        _csc_writer(by, child)
    else:
        _joint_writer(by, child)
    custody = _custody(child, remand, order)
    errors = {}
    if kind not in VisitKind.values:
        errors["kind"] = "Choose the kind of visit"
    try:
        _in_custody_date(visited_on, "visited_on", custody, what="of the visit")
    except ValidationError as error:
        errors.update(error.message_dict)
    csc_visitor = (csc_visitor or "").strip()
    cyjs_visitor = (cyjs_visitor or "").strip()
    if not csc_visitor:
        errors["csc_visitor"] = "Enter the children's social care worker who visited"
    if kind == VisitKind.JOINT and not cyjs_visitor:
        errors["cyjs_visitor"] = "Enter the youth justice worker who visited. A joint visit is made by both services"
    if kind == VisitKind.STATUTORY and not duties_of(custody).statutory_visits:
        errors["kind"] = (
            "The child is not looked after and has no section 23ZA visiting duty in this period, so there is no statutory visit"
        )
    if errors:
        raise ValidationError(errors)
    visit = CustodyVisit.objects.create(
        child=child,
        **_links(custody),
        kind=kind,
        visited_on=visited_on,
        csc_visitor=csc_visitor,
        cyjs_visitor=cyjs_visitor,
        child_seen_alone=child_seen_alone,
        notes=(notes or "").strip(),
        created_by=by,
    )
    moment = _moment(visited_on)
    if kind == VisitKind.JOINT:
        stop_clock(JOINT_VISIT, custody, stopped_at=moment, reason=lateness_reason)
    else:
        latest = _latest_statutory_visit(custody, exclude=visit)
        if latest is None or visited_on >= latest.visited_on:
            code = FIRST_VISIT if open_deadlines(FIRST_VISIT, custody).exists() else NEXT_VISIT
            stop_clock(code, custody, stopped_at=moment, reason=lateness_reason)
            if left_on(custody) is None:
                start_clock(
                    NEXT_VISIT,
                    custody,
                    child=child,
                    anchor_at=moment,
                    responsible=allocated_worker(child, Agency.Kind.CSC, authority=_authority_of(custody)),
                    agency=acting_agency(Agency.Kind.CSC, child=child, authority=_authority_of(custody)),
                )
    log_write(by, child, "custody-visit:create", detail=f"{kind} visit {visit.pk} to {custody_key(custody)}")
    return visit


VISIT_EDITABLE = ("notes", "child_seen_alone")


@access_log_last()
def update_custody_visit(*, visit, by, expected_version, data: dict) -> CustodyVisit:
    """Add to a visit's notes or say whether the child was seen alone (send the version read)."""
    (_csc_writer if visit.kind == VisitKind.STATUTORY else _joint_writer)(by, visit.child)
    visit = CustodyVisit.objects.select_for_update().get(pk=visit.pk)
    _known_fields(data, VISIT_EDITABLE)
    data = _clean_text(data, ("notes",))
    changes = _changes(visit, data)
    save_if_unchanged(visit, expected_version=expected_version, fields=changes)
    log_write(
        by, visit.child, "custody-visit:update", detail=f"visit {visit.pk}: {', '.join(sorted(changes)) or 'nothing'}"
    )
    return visit


# --- The custody planning meeting (003 L162, S-T4, C6) --------------------------------------------------------------


@access_log_last()
def record_planning_meeting(
    *, order, by, held_on, attendees, decisions="", lateness_reason=""
) -> CustodyPlanningMeeting:
    """The planning meeting YJS convenes after a sentence to custody (003 L162). Stops its clock
    where the authority has one."""
    child = order.child
    _cyjs_writer(by, child)
    order = YouthJusticeOrder.objects.select_for_update(of=("self",)).select_related("child").get(pk=order.pk)
    if not order.is_custodial:
        raise ValidationError({"held_on": "Only a custodial sentence has a custody planning meeting"})
    existing = CustodyPlanningMeeting.objects.filter(order=order).first()
    if existing is not None:
        raise ValidationError({"held_on": f"The planning meeting was recorded as held on {day_text(existing.held_on)}"})
    errors = {}
    try:
        _in_custody_date(held_on, "held_on", order, what="the meeting was held")
    except ValidationError as error:
        errors.update(error.message_dict)
    attendees = (attendees or "").strip()
    if not attendees:
        errors["attendees"] = "Enter who attended the meeting"
    if errors:
        raise ValidationError(errors)
    meeting = CustodyPlanningMeeting.objects.create(
        child=child,
        order=order,
        held_on=held_on,
        attendees=attendees,
        decisions=(decisions or "").strip(),
        created_by=by,
    )
    stop_clock(PLANNING_MEETING, order, stopped_at=_moment(held_on), reason=lateness_reason)
    log_write(by, child, "custody-planning-meeting:create", detail=f"meeting {meeting.pk} for order {order.pk}")
    return meeting


# --- Bail package reviews (000 ¶19.2) ---------------------------------------------------------------------------------


@access_log_last()
def record_bail_package_review(
    *,
    remand,
    by,
    reviewed_on,
    bail_could_be_offered,
    package_proposed="",
    csc_consulted=False,
    next_hearing_on=None,
    next_review_on=None,
) -> BailPackageReview:
    """CYJS reviewed whether a community bail package can be offered (000 ¶19.2: continually, with
    CSC). Refused once the remand has ended. When bail could be offered, the package is described
    and the allocated CSC worker (or no one, if none is allocated) is told in the app, since CSC is
    involved where the package proposes local authority accommodation or home raises safeguarding
    questions (¶19.2)."""
    child = remand.child
    _cyjs_writer(by, child)
    remand = Remand.objects.select_for_update().select_related("child").get(pk=remand.pk)
    if remand.kind != Remand.Kind.YOUTH_DETENTION:
        raise ValidationError({"remand": "Only a remand to youth detention accommodation has a bail package review"})
    if remand.ended_on is not None:
        raise ValidationError({"reviewed_on": f"This remand ended on {day_text(remand.ended_on)}"})
    errors = {}
    try:
        _in_custody_date(reviewed_on, "reviewed_on", remand, what="of the review")
    except ValidationError as error:
        errors.update(error.message_dict)
    if bail_could_be_offered is None:
        errors["bail_could_be_offered"] = "Say whether a bail package could be offered"
    package_proposed = (package_proposed or "").strip()
    if bail_could_be_offered and not package_proposed:
        errors["package_proposed"] = "Describe the bail package you propose: where the child would live and the support"
    if reviewed_on is not None and not errors.get("reviewed_on"):
        if next_hearing_on is not None and next_hearing_on < reviewed_on:
            errors["next_hearing_on"] = "The next hearing must be on or after the review"
        if next_review_on is not None and next_review_on <= reviewed_on:
            errors["next_review_on"] = "The next review must be after this one"
    if errors:
        raise ValidationError(errors)
    review = BailPackageReview.objects.create(
        child=child,
        remand=remand,
        reviewed_on=reviewed_on,
        reviewed_by=by,
        bail_could_be_offered=bool(bail_could_be_offered),
        package_proposed=package_proposed,
        csc_consulted=bool(csc_consulted),
        next_hearing_on=next_hearing_on,
        next_review_on=next_review_on,
    )
    if bail_could_be_offered:
        worker = allocated_worker(child, Agency.Kind.CSC, authority=_authority_of(remand))
        if worker is not None:
            notify(
                recipient=worker,
                subject=f"A bail package is proposed for {child.full_name}",
                body=(
                    f"{by.display_name} (youth justice) reviewed the remand to youth detention on {day_text(reviewed_on)} and "
                    "proposes a community bail package. Please consider it with them (joint working agreement 19.2)."
                ),
                link=_page(child),
            )
    log_write(by, child, "bail-package-review:create", detail=f"review {review.pk} of remand {remand.pk}")
    return review


BAIL_EDITABLE = ("package_proposed", "csc_consulted", "next_hearing_on", "next_review_on")


@access_log_last()
def update_bail_package_review(*, review, by, expected_version, data: dict) -> BailPackageReview:
    """Change a bail package review's package, CSC consultation or next dates (send the version read)."""
    _cyjs_writer(by, review.child)
    review = BailPackageReview.objects.select_for_update().get(pk=review.pk)
    _known_fields(data, BAIL_EDITABLE)
    data = _clean_text(data, ("package_proposed",))
    errors = {}
    if review.bail_could_be_offered and "package_proposed" in data and not data["package_proposed"]:
        errors["package_proposed"] = "Describe the bail package you propose: where the child would live and the support"
    if data.get("next_hearing_on") is not None and data["next_hearing_on"] < review.reviewed_on:
        errors["next_hearing_on"] = "The next hearing must be on or after the review"
    if data.get("next_review_on") is not None and data["next_review_on"] <= review.reviewed_on:
        errors["next_review_on"] = "The next review must be after this one"
    if errors:
        raise ValidationError(errors)
    changes = _changes(review, data)
    save_if_unchanged(review, expected_version=expected_version, fields=changes)
    log_write(
        by,
        review.child,
        "bail-package-review:update",
        detail=f"review {review.pk}: {', '.join(sorted(changes)) or 'nothing'}",
    )
    return review


# --- Editing helpers -----------------------------------------------------------------------------------------------------


def _known_fields(data, editable):
    unknown = set(data) - set(editable)
    if unknown:
        raise ValidationError({name: "This cannot be changed here" for name in sorted(unknown)})


def _clean_text(data, names):
    return {k: ((v or "").strip() if k in names else v) for k, v in data.items()}


def _changes(record, data):
    return {name: value for name, value in data.items() if getattr(record, name) != value}


__all__ = [
    "CLOCKS",
    "ConcurrentEditError",
    "custody_ended",
    "custody_started",
    "duties_of",
    "record_bail_package_review",
    "record_custody_visit",
    "record_looked_after_review",
    "record_planning_meeting",
    "update_bail_package_review",
    "update_custody_visit",
    "update_looked_after_review",
]

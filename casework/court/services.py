"""Court appearances and remands: the child and youth justice service's records of a criminal
court hearing, bail supervision, remand to local authority accommodation, bail to reside as
directed and remand to youth detention accommodation.

Sources: seed 000 ¶9.3 (a looked-after child's social worker attends court, told the details as
soon as possible), ¶17 (bail supervision and support; CSC told at the earliest opportunity of a
risk of remand), ¶18 (bail to reside and remand to local authority accommodation), ¶19 (remand to
youth detention accommodation); domain notes part A P15, P23, P24, P25 and the timescale register
rows T18 (tell CSC of remand risk), T19 (CLA notifications, 5 working days), T20 (placement
planning meeting, 5 working days) and T21 (LAC reviews, statutory: not clocked here). Per authority
(somerset-vs-lancashire §1.5, §1.8, §5.3, contradiction C7): bail to reside makes the child looked
after "always" in Somerset (003 L150) and "only when the authority decides the placement" in
Lancashire (000 ¶18.9) — `JointWorkingProtocol.bail_to_reside`.

Every rule of this part lives here. Pages, the API and any task call these functions, which check
who may write, refuse with plain-English field-keyed ValidationErrors, start and stop the clocks,
tell people in the app and log the write.
"""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_log_last
from accounts.models import Agency, Role, User
from casework.text import day_text, when_text
from notifications.clocks import cancel_clock, open_deadlines, start_clock, stop_clock
from notifications.services import notify

from ..custody_care import services as custody_care
from ..justice.sharing import in_youth_justice, may_write_youth_justice, protocol_for
from ..models import CourtAppearance, Involvement, JointWorkingProtocol, Remand
from ..permissions import may_record_social_care_work, require
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError, open_involvement
from ..who_works_with import acting_agency, allocated_worker, open_involvements

Outcome = CourtAppearance.Outcome
Kind = Remand.Kind
BailToReside = JointWorkingProtocol.BailToReside

# 000 ¶17.2, ¶18, ¶19: the outcomes of a hearing that start a remand, and which kind.
REMAND_OUTCOMES = {
    Outcome.REMAND_LA: Kind.LOCAL_AUTHORITY,
    Outcome.BAIL_TO_RESIDE: Kind.BAIL_TO_RESIDE,
    Outcome.REMAND_YDA: Kind.YOUTH_DETENTION,
}
# The legal basis of the looked-after involvement a remand opens (LASPO 2012 s104; 000 ¶18.6, ¶18.9, ¶19.1).
REMAND_BASIS = {
    Kind.LOCAL_AUTHORITY: Involvement.LegalBasis.REMAND_LA,
    Kind.BAIL_TO_RESIDE: Involvement.LegalBasis.BAIL_TO_RESIDE,
    Kind.YOUTH_DETENTION: Involvement.LegalBasis.REMAND_YDA,
}
CscAttendsCourt = JointWorkingProtocol.CscAttendsCourt
# 000 ¶18.10 and ¶18.13: the two 5-working-day clocks run for the local authority accommodation kinds.
LA_ACCOMMODATION = frozenset({Kind.LOCAL_AUTHORITY, Kind.BAIL_TO_RESIDE})
REMAND_CLOCKS = ("placement_planning_meeting", "cla_notifications")
STALE = "Someone else changed this record while you were working on it. Your changes were not saved."
WRITER_MESSAGE = "Only the child and youth justice service can record court appearances and remands"


# --- Who ---------------------------------------------------------------------------------------


def _writer(by, child):
    """Court and remand records are CYJS's (000 ¶17–19; casework/justice/sharing.py): the child must be visible,
    the user in CYJS."""
    decision = require_access(by, child)
    require(may_write_youth_justice(by), WRITER_MESSAGE)
    return decision


def _csc_or_cyjs(by, child):
    """CSC's own steps on a remand (the placement planning meeting it chairs, 000 ¶18.13; the CLA
    notifications it sends, ¶18.10) may be recorded by CSC or by CYJS."""
    decision = require_access(by, child)
    require(
        may_record_social_care_work(by) or may_write_youth_justice(by),
        "Only children's social care or the child and youth justice service can record this",
    )
    return decision


def open_cla_involvement(child, *, authority):
    """The child's open looked-after involvement with the authority's children's social care, if any."""
    return (
        open_involvements(child, Agency.Kind.CSC, authority=authority)
        .filter(kind=Involvement.Kind.CLA)
        .select_related("allocated_worker", "agency")
        .order_by("-start", "-pk")
        .first()
    )


def looked_after_at_hearing(child, *, by) -> bool:
    """Whether a hearing `by` records would find the child looked after (as `record_court_appearance` does)."""
    agency = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    return agency is not None and open_cla_involvement(child, authority=agency.authority) is not None


def _managers(authority, kind, roles):
    return list(
        User.objects.filter(is_active=True, agency__authority=authority, agency__kind=kind, role__in=roles).order_by(
            "pk"
        )
    )


def csc_team_managers(authority):
    return _managers(authority, Agency.Kind.CSC, [Role.TEAM_MANAGER]) if authority else []


def senior_managers(authority, kind):
    """A service's senior managers; its head of service when it has none (000 ¶19.2 escalation)."""
    if authority is None:
        return []
    return _managers(authority, kind, [Role.SENIOR_MANAGER]) or _managers(authority, kind, [Role.HEAD_OF_SERVICE])


def _tell_csc(child, authority, *, subject, body, link):
    """Tell the allocated CSC worker; with none allocated, the authority's CSC team managers. Returns who."""
    worker = allocated_worker(child, Agency.Kind.CSC, authority=authority)
    recipients = [worker] if worker else csc_team_managers(authority)
    for person in recipients:
        notify(recipient=person, subject=subject, body=body, link=link)
    return recipients


# --- Dates --------------------------------------------------------------------------------------


def _as_moment(day: date) -> datetime:
    """A date as a moment for a clock: midday that day, or now if midday is still to come."""
    return min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())


def _past_date(value, field, *, what, not_before=None, not_before_text=""):
    if value is None:
        raise ValidationError({field: f"Enter the date {what}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"The date {what} must be today or in the past"})
    if not_before is not None and value < not_before:
        raise ValidationError({field: f"The date {what} must be on or after {not_before_text or day_text(not_before)}"})
    return value


# --- Court appearances (000 ¶9.3, ¶17) ---------------------------------------------------------


def csc_attendance_expected(cla, protocol) -> bool:
    """Is the child's CSC social worker expected at court? Per authority (`csc_attends_court`):
    Lancashire (000 ¶9.3), with any child in care; Somerset (003 L116, somerset-vs-lancashire §1.5
    item 4), where CSC has parental responsibility by an interim or full care order — the legal
    basis of the open looked-after involvement."""
    if cla is None:
        return False
    if protocol.csc_attends_court == CscAttendsCourt.CARE_ORDER:
        return cla.under_care_order
    return True


def _court_notice_body(details, cla, expected) -> str:
    basis = cla.get_legal_basis_display().lower() if cla.legal_basis else ""
    if expected and cla.under_care_order:
        article = "an" if basis[:1] in "aeiou" else "a"
        return (
            f"{details}. Children's social care has parental responsibility under {article} {basis}: please attend court "
            "with the child, in addition to any parent (joint working agreement 9.3)."
        )
    if expected:
        return f"{details}. Please attend court with the child (joint working agreement 9.3)."
    return (
        f"{details}. The child is looked after ({basis or 'legal basis not recorded'}). Children's social care supports "
        "the child at court if no parent can attend (joint working protocol 4.1)."
    )


@access_log_last()
def record_court_appearance(*, child, by, hearing_at, court, purpose="", risk_of_remand=False) -> CourtAppearance:
    """Record a criminal court hearing.

    000 ¶9.3: a child in care is accompanied to court by their CSC social worker, whom the CYJS
    case manager gives the details as soon as possible — so when the child is looked after (an
    open CSC looked-after involvement) the allocated worker is told in the app now. Whether they are
    expected to attend follows the authority's rule (`csc_attendance_expected`: Somerset, 003 L116,
    only under an interim or full care order); the outcome then needs to say whether they did.
    000 ¶17.2, ¶18.2 (T18): CSC is told at the earliest opportunity of a risk of remand — the
    allocated worker, or the CSC team managers when no one is allocated.
    """
    _writer(by, child)
    errors = {}
    if hearing_at is None:
        errors["hearing_at"] = "Enter the date and time of the hearing"
    court = (court or "").strip()
    if not court:
        errors["court"] = "Enter the court"
    if errors:
        raise ValidationError(errors)
    purpose = (purpose or "").strip()
    agency = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    if agency is None:
        raise ValidationError("There is no youth justice service set up for your authority")
    cla = open_cla_involvement(child, authority=agency.authority)
    looked_after = cla is not None
    expected = csc_attendance_expected(cla, protocol_for(agency.authority))
    appearance = CourtAppearance.objects.create(
        child=child,
        agency=agency,
        hearing_at=hearing_at,
        court=court,
        purpose=purpose,
        child_looked_after=looked_after,
        csc_attendance_expected=expected,
        risk_of_remand=bool(risk_of_remand),
        created_by=by,
    )
    link = reverse("court-appearance-detail", args=[appearance.pk])
    details = f"{court}, {when_text(hearing_at)}" + (f" ({purpose})" if purpose else "")
    now = timezone.now()
    fields = {}
    if looked_after:
        told = _tell_csc(
            child,
            agency.authority,
            subject=f"Court hearing: {child.full_name}, who is looked after",
            body=_court_notice_body(details, cla, expected),
            link=link,
        )
        if told:
            fields["csc_worker_told_at"] = now
    if risk_of_remand:
        told = _tell_csc(
            child,
            agency.authority,
            subject=f"Risk of remand: {child.full_name}",
            body=(
                f"{details}. The child may be refused bail and remanded to local authority or youth detention "
                "accommodation. Please contact the youth justice worker to discuss a placement (joint working agreement 17.2, 18.2)."
            ),
            link=link,
        )
        if told:
            fields["csc_told_of_remand_risk_at"] = now
    if fields:
        CourtAppearance.objects.filter(pk=appearance.pk).update(**fields)
        for name, value in fields.items():
            setattr(appearance, name, value)
    log_write(by, child, "court-appearance:create", detail=f"court appearance {appearance.pk}")
    return appearance


@access_log_last()
def record_court_outcome(
    *,
    appearance,
    by,
    expected_version,
    outcome,
    csc_worker_attended=None,
    bail_supervision_assessed=None,
    next_hearing_at=None,
    authority_decides_placement=True,
    establishment="",
    establishment_name="",
) -> CourtAppearance:
    """Record what the court decided.

    Refused before the hearing. For a looked-after child, say whether the social worker attended
    (000 ¶9.3); where remand was a risk, whether the child was assessed for bail supervision and
    support (000 ¶17.1–17.2). A remand, bail to reside or remand to youth detention starts the
    Remand (below), linked to this hearing; youth detention needs the establishment type (¶19.2).
    """
    child = appearance.child
    _writer(by, child)
    appearance = CourtAppearance.objects.select_for_update().select_related("child").get(pk=appearance.pk)
    if expected_version is not None and appearance.version != expected_version:
        raise ConcurrentEditError(STALE)
    if appearance.outcome:
        raise ValidationError({"outcome": "The outcome of this hearing is already recorded"})
    if appearance.hearing_at > timezone.now():
        raise ValidationError(
            {
                "outcome": f"You can record the outcome once the hearing has happened ({when_text(appearance.hearing_at)})"
            }
        )
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what the court decided"
    if appearance.csc_attendance_expected and csc_worker_attended is None:
        errors["csc_worker_attended"] = "Say whether the child's social worker attended court"
    if appearance.risk_of_remand and bail_supervision_assessed is None:
        errors["bail_supervision_assessed"] = "Say whether the child was assessed for bail supervision and support"
    if next_hearing_at is not None and next_hearing_at <= appearance.hearing_at:
        errors["next_hearing_at"] = "The next hearing must be after this one"
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(
        appearance,
        expected_version=None,
        fields={
            "outcome": outcome,
            "csc_worker_attended": csc_worker_attended if appearance.child_looked_after else None,
            "bail_supervision_assessed": bail_supervision_assessed,
            "next_hearing_at": next_hearing_at,
        },
    )
    if outcome in REMAND_OUTCOMES:
        start_remand(
            child=child,
            by=by,
            kind=REMAND_OUTCOMES[outcome],
            started_on=timezone.localdate(appearance.hearing_at),
            appearance=appearance,
            authority_decides_placement=authority_decides_placement,
            establishment=establishment,
            establishment_name=establishment_name,
        )
    log_write(by, child, "court-appearance:outcome", detail=f"court appearance {appearance.pk}: {outcome}")
    return appearance


# --- Remands (000 ¶18, ¶19) -------------------------------------------------------------------


def looked_after_on(kind, *, authority_decides_placement, protocol) -> bool:
    """Does this remand make the child looked after?

    Remand to local authority accommodation and to youth detention: always (LASPO 2012; 000 ¶18.6,
    ¶19.1). Bail to reside: per the authority's protocol — ALWAYS (Somerset, 003 L150), or only when
    the authority decides where the child lives (Lancashire, 000 ¶18.9).
    """
    if kind in (Kind.LOCAL_AUTHORITY, Kind.YOUTH_DETENTION):
        return True
    if protocol.bail_to_reside == BailToReside.ALWAYS:
        return True
    return bool(authority_decides_placement)


def looked_after_reason(remand) -> str:
    """The looked-after status of a remand in words, with the reason."""
    if remand.kind == Kind.LOCAL_AUTHORITY:
        return "Looked after: remanded to local authority accommodation"
    if remand.kind == Kind.YOUTH_DETENTION:
        return "Looked after: remanded to youth detention accommodation"
    if not remand.looked_after:
        return "Not looked after: bail to reside, and the child's family or the court decides where the child lives"
    if remand.authority_decides_placement:
        return "Looked after: bail to reside and the authority decides where the child lives"
    return "Looked after: bail to reside, which this authority always treats as looked after"


def _cla_opened_marker(remand) -> str:
    return f"remand {remand.pk};"


@access_log_last()
def start_remand(
    *,
    child,
    by,
    kind,
    started_on,
    appearance=None,
    authority_decides_placement=True,
    placement="",
    establishment="",
    establishment_name="",
) -> Remand:
    """Start a remand or bail to reside.

    The child becomes open to CYJS on a youth justice remand involvement allocated to the recording
    worker (000 ¶18.7, ¶19.2). When the remand makes the child looked after, a CSC looked-after
    involvement opens with the remand's kind as its legal basis (REMAND_BASIS; a child already
    looked after under s20 or a care order keeps that involvement and basis, 003 L152) (CSC has
    primary responsibility, ¶18.8; an allocated CSC worker keeps it, ¶18.11), the allocated worker (or CSC team managers) is told, and for local authority
    accommodation the placement planning meeting (¶18.13, T20) and CLA notifications (¶18.10, T19)
    clocks start, 5 working days each.
    """
    _writer(by, child)
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose the kind of remand"
    if started_on is None:
        errors["started_on"] = "Enter the date the remand started"
    elif started_on > timezone.localdate():
        errors["started_on"] = "The date the remand started must be today or in the past"
    if appearance is not None and appearance.child_id != child.pk:
        errors["appearance"] = "Choose a court hearing of this child"
    placement = placement or ""
    establishment = establishment or ""
    if kind == Kind.YOUTH_DETENTION:
        if establishment not in Remand.Establishment.values:
            errors["establishment"] = (
                "Choose the type of establishment: young offender institution, secure training centre or secure children's home"
            )
        placement = ""
    else:
        establishment, establishment_name = "", ""
        if placement and placement not in Remand.Placement.values:
            errors["placement"] = "Choose where the child lives"
    if errors:
        raise ValidationError(errors)
    if Remand.objects.filter(child=child, ended_on__isnull=True).exists():
        raise ValidationError(
            {"kind": "This child already has a remand that has not ended. End it before starting another"}
        )
    cyjs = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    if cyjs is None:
        raise ValidationError("There is no youth justice service set up for your authority")
    authority = cyjs.authority
    protocol = protocol_for(authority)
    looked_after = looked_after_on(kind, authority_decides_placement=authority_decides_placement, protocol=protocol)
    remand = Remand.objects.create(
        child=child,
        appearance=appearance,
        kind=kind,
        started_on=started_on,
        looked_after=looked_after,
        authority_decides_placement=bool(authority_decides_placement),
        placement=placement,
        establishment=establishment,
        establishment_name=(establishment_name or "").strip(),
        created_by=by,
    )
    open_involvement(
        child=child,
        agency=cyjs,
        kind=Involvement.Kind.YJ_REMAND,
        allocated_worker=by if in_youth_justice(by) else None,
        team=by.team if in_youth_justice(by) else None,
        start=started_on,
    )
    detail = f"{_cla_opened_marker(remand)} {kind}; looked after: {'yes' if looked_after else 'no'}"
    if looked_after:
        csc = acting_agency(Agency.Kind.CSC, child=child, authority=authority)
        if csc is None:
            raise ValidationError("There is no children's social care service set up for your authority")
        if open_cla_involvement(child, authority=authority) is None:
            worker = allocated_worker(child, Agency.Kind.CSC, authority=authority)
            cla = open_involvement(
                child=child,
                agency=csc,
                kind=Involvement.Kind.CLA,
                allocated_worker=worker,
                team=worker.team if worker else None,
                legal_basis=REMAND_BASIS[kind],
                start=started_on,  # looked after from the remand's start (000 ¶9.5, ¶18.6)
            )
            remand.cla_involvement = cla
            remand.save(update_fields=["cla_involvement"])
            detail += f"; opened CSC looked-after involvement {cla.pk}"
        worker = allocated_worker(child, Agency.Kind.CSC, authority=authority)
        if kind in LA_ACCOMMODATION:
            anchor = _as_moment(started_on)
            for code in REMAND_CLOCKS:
                start_clock(code, remand, child=child, anchor_at=anchor, responsible=worker, agency=csc)
        link = reverse("remand-detail", args=[remand.pk])
        _tell_csc(
            child,
            authority,
            subject=f"Looked after through remand: {child.full_name}",
            body=(
                f"{remand.get_kind_display()} from {day_text(started_on)}. {looked_after_reason(remand)}. "
                + (
                    "Hold the placement planning meeting and send the CLA notifications within 5 working days "
                    "(joint working agreement 18.10, 18.13)."
                    if kind in LA_ACCOMMODATION
                    else "Arrange the looked after review within statutory timescales (joint working agreement 19.3)."
                )
            ),
            link=link,
        )
    custody_care.custody_started(
        remand, authority=authority, cyjs_worker=by
    )  # youth detention only (000 ¶19; 003 L164)
    log_write(by, child, "remand:start", detail=detail)
    return remand


def _locked(remand) -> Remand:
    return Remand.objects.select_for_update().select_related("child").get(pk=remand.pk)


def _not_ended(remand, field="__all__"):
    if remand.ended_on is not None:
        raise ValidationError({field: f"This remand ended on {day_text(remand.ended_on)}"})


@access_log_last()
def record_joint_discussion(*, remand, by, at) -> Remand:
    """CYJS and CSC discussed the child's immediate needs and risk to find a placement (000 ¶18.2)."""
    _writer(by, remand.child)
    remand = _locked(remand)
    _not_ended(remand, "at")
    if at is None:
        raise ValidationError({"at": "Enter when CYJS and CSC discussed the child's needs and risk"})
    if at > timezone.now():
        raise ValidationError({"at": "The discussion must be now or in the past"})
    save_if_unchanged(remand, expected_version=None, fields={"joint_discussion_at": at})
    log_write(by, remand.child, "remand:joint-discussion", detail=f"remand {remand.pk}")
    return remand


@access_log_last()
def record_placement(*, remand, by, expected_version, placement, task_split="") -> Remand:
    """Where the child lives (000 ¶18.3: foster care, a connected person — a regulation 24
    placement —, a children's home, supported lodgings; ¶18.5 at home) and who does what (¶18.11)."""
    _writer(by, remand.child)
    remand = _locked(remand)
    _not_ended(remand, "placement")
    if remand.kind == Kind.YOUTH_DETENTION:
        raise ValidationError({"placement": "A child remanded to youth detention lives in the establishment"})
    if placement not in Remand.Placement.values:
        raise ValidationError({"placement": "Choose where the child lives"})
    save_if_unchanged(
        remand,
        expected_version=expected_version,
        fields={"placement": placement, "task_split": (task_split or "").strip()},
    )
    log_write(by, remand.child, "remand:placement", detail=f"remand {remand.pk}: {placement}")
    return remand


def _needs_la_clocks(remand, field):
    if not (remand.looked_after and remand.kind in LA_ACCOMMODATION):
        raise ValidationError(
            {
                field: "This is only for a child looked after on remand to local authority accommodation or bail to reside"
            }
        )


@access_log_last()
def record_placement_planning_meeting(*, remand, by, held_on, task_split) -> Remand:
    """The placement planning meeting, within 5 working days, chaired by the allocated CSC social
    worker, which agrees the CSC and CYJS roles (000 ¶18.13, T20). CSC's meeting: CSC may record it."""
    _csc_or_cyjs(by, remand.child)
    remand = _locked(remand)
    _needs_la_clocks(remand, "held_on")
    if remand.placement_planning_meeting_on is not None:
        raise ValidationError(
            {
                "held_on": f"The placement planning meeting was recorded as held on {day_text(remand.placement_planning_meeting_on)}"
            }
        )
    _past_date(
        held_on,
        "held_on",
        what="the meeting was held",
        not_before=remand.started_on,
        not_before_text="the remand started",
    )
    task_split = (task_split or "").strip()
    if not task_split:
        raise ValidationError({"task_split": "Record who does what: the roles of CSC and CYJS agreed at the meeting"})
    save_if_unchanged(
        remand, expected_version=None, fields={"placement_planning_meeting_on": held_on, "task_split": task_split}
    )
    stop_clock("placement_planning_meeting", remand, stopped_at=_as_moment(held_on))
    log_write(by, remand.child, "remand:placement-planning-meeting", detail=f"remand {remand.pk}")
    return remand


@access_log_last()
def record_cla_notifications_sent(*, remand, by, on) -> Remand:
    """The health CLA team, the pupil access team and the IRO service were told the child is looked
    after, within 5 working days (000 ¶18.10, T19). CSC sends them: CSC may record it."""
    _csc_or_cyjs(by, remand.child)
    remand = _locked(remand)
    _needs_la_clocks(remand, "on")
    if not open_deadlines("cla_notifications", remand).exists():
        raise ValidationError({"on": "The notifications are already recorded for this remand"})
    _past_date(
        on, "on", what="the notifications were sent", not_before=remand.started_on, not_before_text="the remand started"
    )
    stop_clock("cla_notifications", remand, stopped_at=_as_moment(on))
    log_write(by, remand.child, "remand:cla-notifications", detail=f"remand {remand.pk}: sent {on.isoformat()}")
    return remand


@access_log_last()
def record_leaving_care_considered(*, remand, by) -> Remand:
    """Leaving care entitlements were considered, once the child is looked after through remand (000 ¶18.17, ¶19.4)."""
    _writer(by, remand.child)
    remand = _locked(remand)
    if not remand.looked_after:
        raise ValidationError("Leaving care entitlements follow only when the remand made the child looked after")
    if remand.leaving_care_considered:
        raise ValidationError("Leaving care entitlements are already recorded as considered")
    save_if_unchanged(remand, expected_version=None, fields={"leaving_care_considered": True})
    log_write(by, remand.child, "remand:leaving-care", detail=f"remand {remand.pk}")
    return remand


@access_log_last()
def flag_accommodation_only_reason(*, remand, by) -> Remand:
    """Accommodation must never be the only reason a child enters or stays on secure remand: any such
    issue goes to the senior managers of both CYJS and CSC (000 ¶19.2; P25.5, P27)."""
    _writer(by, remand.child)
    remand = _locked(remand)
    if remand.kind != Kind.YOUTH_DETENTION:
        raise ValidationError("Only a remand to youth detention accommodation is escalated for this reason")
    _not_ended(remand)
    if remand.accommodation_only_reason:
        raise ValidationError(f"This was escalated on {when_text(remand.escalated_at)}")
    now = timezone.now()
    save_if_unchanged(remand, expected_version=None, fields={"accommodation_only_reason": True, "escalated_at": now})
    child = remand.child
    cyjs = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    authority = cyjs.authority if cyjs else None
    link = reverse("remand-detail", args=[remand.pk])
    for person in senior_managers(authority, Agency.Kind.CYJS) + senior_managers(authority, Agency.Kind.CSC):
        notify(
            recipient=person,
            subject=f"Escalation: {child.full_name} is on secure remand only because of accommodation",
            body=(
                "Accommodation must not be the only reason a child enters or stays on secure remand. "
                "Senior managers in CYJS and CSC need to find a community placement (joint working agreement 19.2)."
            ),
            link=link,
        )
    log_write(by, child, "remand:escalate", detail=f"remand {remand.pk}")
    return remand


def _close(involvement, ended_on):
    if involvement is not None and involvement.end is None:
        involvement.end = max(ended_on, involvement.start)
        involvement.save(update_fields=["end"])


@access_log_last()
def end_remand(*, remand, by, expected_version, ended_on) -> Remand:
    """End the remand: open clocks are cancelled, the youth justice remand involvement closes and so
    does the CSC looked-after involvement the remand opened."""
    child = remand.child
    _writer(by, child)
    remand = _locked(remand)
    if remand.ended_on is not None:
        raise ValidationError({"ended_on": f"This remand already ended on {day_text(remand.ended_on)}"})
    _past_date(
        ended_on,
        "ended_on",
        what="the remand ended",
        not_before=remand.started_on,
        not_before_text="the date it started",
    )
    save_if_unchanged(remand, expected_version=expected_version, fields={"ended_on": ended_on})
    for code in REMAND_CLOCKS:
        cancel_clock(code, remand, reason="The remand ended")
    for involvement in Involvement.objects.filter(child=child, kind=Involvement.Kind.YJ_REMAND, end__isnull=True):
        _close(involvement, ended_on)
    _close(remand.cla_involvement, ended_on)
    custody_care.custody_ended(remand, reason="The remand ended")
    log_write(by, child, "remand:end", detail=f"remand {remand.pk}: ended {ended_on.isoformat()}")
    return remand

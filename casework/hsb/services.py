"""The CYJS harmful sexual behaviour (HSB) hub: a CSC request for a consultation and what follows
(seed 000 HSB hub appendix L9253–9429; domain notes part B PH0–PH6, V-H1–V-H16 and T-PH1–T-PH4;
part A P2; somerset-vs-lancashire §1.7 for the police-investigation guard).

Every rule of the hub lives here. Pages, the API and any task call these functions, which check
who may write, refuse with plain-English field-keyed ValidationErrors, move the consultation on
under a row lock (refusing steps out of order), start and stop the AIM clock, tell the right people
in the app and log each write.

The path (PH1–PH4):

    requested ──consultation (Hackett rating)──▶ consultation
        ├──pattern mapping──▶ pattern_mapping ──┐
        └───────────────────────────────────────┴──AIM started──▶ aim_assessment
                 (AIM completed → QA by a CYJS manager and a CSC manager → outcome and planning meeting)
                                                                           ──▶ planning ──▶ closed
    consultation / pattern_mapping / planning ──close──▶ closed (no further hub work)

Decisions made here (the seed is silent):
- A request that fails the eligibility criteria (PH0 L9261–9269, L9275) is still SAVED, with status
  "refused" and the reasons, rather than thrown away: PH1 step 5 wants the rationale for
  non-agreement recorded (the CSC manager documents it), and a saved refusal is better than nothing
  saved. The requester's manager is told in the app. Wrong or missing answers (a date in the future,
  no concerns) are not refusals: they are errors on the form and nothing is saved.
- An accepted request opens a "harmful sexual behaviour hub" involvement for the authority's CYJS
  (not the lead agency: CSC stays lead, L9293–9295), so the hub can see the child; closing the
  consultation ends it. That involvement does not count as "already open to CYJS".
- The AIM assessment is refused for a child under 10 on the day of the first meeting (L9259: "not
  recommended" for 8–9s; V-H1 allows a manager override, not built) and at 18 or over (AIM is for
  10–17, L9357); and while a police investigation is ongoing (L9277; somerset-vs-lancashire §1.7 L135 likewise).
- The 45 working days (T-PH3, L9399, rule `aim_assessment`) count from the first meeting with the
  child. Completing it after the due date needs a reason (the rule itself does not require one).
- Joint quality assurance (PH4 step 8, L9403): one CYJS manager and one CSC manager each record
  theirs; the same person cannot record it twice; the planning meeting needs both.
- Each step is added to the consultation's `history` (step, user id, time) as it is saved: the
  detail page and the API show "Recorded by" from it (names looked up when shown).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Role, User
from casework.text import day_text
from notifications.clocks import cancel_clock, open_deadlines, start_clock, stop_clock
from notifications.models import Deadline
from notifications.services import notify

from ..justice.people import age_on
from ..justice.sharing import Section, in_youth_justice, may_read_section, may_write_youth_justice
from ..models import HsbConsultation, Involvement
from ..permissions import in_social_care, may_record_social_care_work
from ..recording import log_write, require_access
from ..services import ConcurrentEditError
from ..who_works_with import acting_agency, manager_of, manager_of_work, open_involvements

Status = HsbConsultation.Status
Hackett = HsbConsultation.Hackett
IKind = Involvement.Kind

AIM_CLOCK = "aim_assessment"
# PH0 (L9259, L9269): the hub takes children aged 8–17; AIM is for 10–17 (L9259, L9357).
MIN_AGE, MAX_AGE = 8, 17
AIM_MIN_AGE = 10
# T-PH1 (L9265): the behaviour happened in the last 12 months ("not historic").
RECENT = relativedelta(months=12)
ACTIVE = (Status.REQUESTED, Status.CONSULTATION, Status.PATTERN_MAPPING, Status.AIM_ASSESSMENT, Status.PLANNING)
WHAT = "hsb-consultation"

# The steps, in the names the pages and the API use.
CONSULTATION = "consultation"
PATTERN_MAPPING = "pattern-mapping"
AIM_START = "aim-assessment"
AIM_DONE = "aim-completed"
QA = "quality-assurance"
PLANNING = "planning-meeting"
CLOSE = "close"
# Steps in the history only (not offered as a next step).
REQUEST = "request"
REFUSED = "refused"
POLICE = "police-investigation"
STEP_TITLES = {
    CONSULTATION: "Record the hub consultation",
    PATTERN_MAPPING: "Record the pattern mapping meeting",
    AIM_START: "Start the AIM assessment",
    AIM_DONE: "Record that the AIM assessment is complete",
    QA: "Record your quality assurance of the AIM assessment",
    PLANNING: "Record the outcome and planning meeting",
    CLOSE: "Close the consultation",
}

# PH6 / B-C8: the band and the NSPCC traffic light each Hackett category falls in (the notes'
# reconstruction, L9636; normal → developmentally typical, green; inappropriate and problematic →
# problematic, amber; abusive and violent → harmful, red) and the response each asks for (L9533–9620).
GREEN = (
    "Developmentally typical",
    "green",
    "Still respond: listen calmly and talk to the parents or carers about what is typical",
)
AMBER = (
    "Problematic",
    "amber",
    "Do not ignore it: follow child protection procedures and consider therapeutic support",
)
RED = (
    "Harmful",
    "red",
    "Act now: follow child protection procedures; referrals to the police and children's social care are usually needed",
)
HACKETT_BAND = {
    Hackett.NORMAL: GREEN,
    Hackett.INAPPROPRIATE: AMBER,
    Hackett.PROBLEMATIC: AMBER,
    Hackett.ABUSIVE: RED,
    Hackett.VIOLENT: RED,
}


def _moment(day: date) -> datetime:
    """A date as a moment for a clock: midday that day, or now if midday is still to come."""
    return min(timezone.make_aware(datetime.combine(day, time(12))), timezone.now())


def _not_future(errors, field, value, message):
    if value is not None and value > timezone.localdate():
        errors[field] = message


def _required_date(errors, field, value, message):
    if value is None:
        errors[field] = message
        return False
    return True


# --- Who may do what -----------------------------------------------------------------------------------


def is_cyjs_manager(user) -> bool:
    return in_youth_justice(user) and user.is_manager


def is_csc_manager(user) -> bool:
    return in_social_care(user) and user.is_manager


def may_request(user) -> bool:
    """PH1 step 1: a CSC social worker or manager asks the hub (and CSC reads the hub's section)."""
    return may_record_social_care_work(user) and may_read_section(user, Section.HSB)


def may_do_step(user, step: str) -> bool:
    """May this user take this step at all (whatever the consultation's state)?"""
    if step == QA:
        return is_cyjs_manager(user) or is_csc_manager(user)
    return may_write_youth_justice(user)


def _hub_writer(by, consultation):
    require_access(by, consultation.child)
    if not may_write_youth_justice(by):
        raise PermissionDenied("Only the child and youth justice service's HSB hub records this step")


# --- What comes next ---------------------------------------------------------------------------------------


def steps_open(consultation) -> list[str]:
    """The steps the consultation can take now, in the order the page offers them."""
    status = consultation.status
    if status == Status.REQUESTED:
        return [CONSULTATION]
    if status == Status.CONSULTATION:
        return [PATTERN_MAPPING, AIM_START, CLOSE]
    if status == Status.PATTERN_MAPPING:
        return [AIM_START, CLOSE]
    if status == Status.AIM_ASSESSMENT:
        if consultation.aim_completed_on is None:
            return [AIM_DONE]
        if consultation.qa_cyjs_manager_id is None or consultation.qa_csc_manager_id is None:
            return [QA]
        return [PLANNING]
    if status == Status.PLANNING:
        return [CLOSE]
    return []


def steps_for(consultation, user) -> list[str]:
    """The open steps this user may take (QA only for a manager whose agency has not recorded it yet)."""
    steps = []
    for step in steps_open(consultation):
        if step == QA:
            if qa_problem(consultation, user) is None:
                steps.append(step)
        elif may_do_step(user, step):
            steps.append(step)
    return steps


def aim_blocked_reason(consultation, on: date | None = None) -> str | None:
    """Why an AIM assessment cannot start (PH0 L9259, L9277; somerset-vs-lancashire §1.7), or None."""
    if consultation.police_investigation_ongoing:
        return (
            "There is an ongoing police investigation, so CYJS cannot complete an AIM assessment. "
            "The hub can still give a consultation"
        )
    age = age_on(consultation.child, on or timezone.localdate())
    if age is not None and age < AIM_MIN_AGE:
        return f"{consultation.child.first_name} is {age}. AIM assessments are not recommended for children under 10: the hub offers a consultation only"
    if age is not None and age > MAX_AGE:
        return f"{consultation.child.first_name} is {age}. AIM assessments are for children aged 10 to 17"
    return None


def qa_problem(consultation, user) -> str | None:
    """Why this user may not record quality assurance now, or None."""
    if consultation.status != Status.AIM_ASSESSMENT or consultation.aim_completed_on is None:
        return "Quality assurance comes after the AIM assessment is complete"
    if user.pk in (consultation.qa_cyjs_manager_id, consultation.qa_csc_manager_id):
        return "You have already recorded your quality assurance. A manager from the other service must record theirs"
    if is_cyjs_manager(user):
        if consultation.qa_cyjs_manager_id:
            return f"A CYJS manager ({consultation.qa_cyjs_manager.display_name}) has already quality assured it"
        return None
    if is_csc_manager(user):
        if consultation.qa_csc_manager_id:
            return f"A children's social care manager ({consultation.qa_csc_manager.display_name}) has already quality assured it"
        return None
    return "Only a CYJS manager and a children's social care manager can quality assure the AIM assessment"


# --- The people told --------------------------------------------------------------------------------------------


def hub_managers(agency) -> list:
    """The hub: the CYJS agency's team managers (the CYJS Manager / Consultant Social Worker, L9391)."""
    if agency is None:
        return []
    return list(User.objects.filter(agency=agency, role=Role.TEAM_MANAGER, is_active=True).order_by("pk"))


def _tell(people, *, subject, body, consultation):
    link = reverse("hsb-consultation-detail", args=[consultation.pk])
    seen = set()
    for person in people:
        if person is None or person.pk in seen or not person.is_active:
            continue
        seen.add(person.pk)
        notify(recipient=person, subject=subject, body=body, link=link)


def _csc_side(consultation):
    return [consultation.requested_by, manager_of(consultation.requested_by)]


def open_cyjs_work(child, authority):
    """The authority's open CYJS work with the child, other than the hub's own (PH0 L9275)."""
    return list(
        open_involvements(child, Agency.Kind.CYJS, authority=authority)
        .exclude(kind=IKind.HSB_HUB)
        .select_related("allocated_worker__line_manager", "team__manager")
    )


def open_to_cyjs_reason(involvements) -> str:
    allocated = next((inv for inv in involvements if inv.allocated_worker_id), None)
    worker = allocated.allocated_worker if allocated else None
    manager = next(filter(None, (manager_of_work(inv) for inv in ([allocated] if allocated else involvements))), None)
    who = f" ({worker.display_name})" if worker else ""
    boss = f" ({manager.display_name})" if manager else ""
    return (
        "The child is already open to the child and youth justice service. "
        f"Talk to the allocated CYJS worker{who} and their manager{boss} instead"
    )


# --- PH1: the request ---------------------------------------------------------------------------------------------


def eligibility_reasons(*, child, requested_on, behaviour_last_on, lives_in_authority, authority=None) -> list[str]:
    """Why the hub cannot take this request (PH0 L9261–9269, L9275), in the order checked; [] if it can."""
    reasons = []
    age = age_on(child, requested_on)
    if age < MIN_AGE:
        reasons.append(f"The child is {age}. The hub takes children aged 8 to 17")
    elif age > MAX_AGE:
        reasons.append(f"The child is {age}. The hub takes children aged 8 to 17: they are an adult now")
    if not lives_in_authority:
        where = authority.name if authority is not None else "the authority"
        reasons.append(f"The child does not live in {where}. The hub only takes children who live there")
    if behaviour_last_on < requested_on - RECENT:
        reasons.append(
            f"The most recent behaviour was on {day_text(behaviour_last_on)}, more than 12 months ago. "
            "The hub does not take historic behaviour"
        )
    open_cyjs = open_cyjs_work(child, authority)
    if open_cyjs:
        reasons.append(open_to_cyjs_reason(open_cyjs))
    return reasons


@transaction.atomic
def request_consultation(
    *, child, by, requested_on, behaviour_last_on, lives_in_authority, concerns, police_investigation_ongoing=False
) -> HsbConsultation:
    """A CSC social worker or manager asks the CYJS HSB hub for a consultation (PH1, FB5).

    Eligible (PH0): aged 8–17 on `requested_on`, lives in the authority, behaviour within the last
    12 months, not already open to CYJS. An ineligible request is saved as "refused" with every
    reason, and the requester's manager is told. An eligible one opens the hub's (non-lead) CYJS
    involvement and tells the hub's team managers in the app.
    """
    require_access(by, child)
    if not may_record_social_care_work(by):
        raise PermissionDenied("Only a children's social care worker or manager can ask the HSB hub for a consultation")
    if not may_read_section(by, Section.HSB):
        raise PermissionDenied(
            "Your authority's agreement does not share the harmful sexual behaviour hub with children's social care"
        )
    errors: dict[str, str] = {}
    if _required_date(errors, "requested_on", requested_on, "Enter the date of the request"):
        _not_future(errors, "requested_on", requested_on, "The date of the request must be today or in the past")
    if _required_date(errors, "behaviour_last_on", behaviour_last_on, "Enter when the most recent behaviour happened"):
        _not_future(
            errors, "behaviour_last_on", behaviour_last_on, "The date of the behaviour must be today or in the past"
        )
        if requested_on is not None and "requested_on" not in errors and behaviour_last_on > requested_on:
            errors["behaviour_last_on"] = "The behaviour must have happened on or before the date of the request"
    if lives_in_authority is None:
        errors["lives_in_authority"] = "Say whether the child lives in the authority"
    concerns = (concerns or "").strip()
    if not concerns:
        errors["concerns"] = "Describe the behaviour that worries you"
    if child.date_of_birth is None:
        errors["requested_on"] = "Record the child's date of birth first: the hub takes children aged 8 to 17"
    if HsbConsultation.objects.filter(child=child, status__in=ACTIVE).exists():
        errors["__all__"] = "This child already has an open HSB hub consultation. Add to that one instead"
    if errors:
        raise ValidationError(errors)

    # The hub is the youth justice service of the requester's authority (PH1).
    agency = acting_agency(Agency.Kind.CYJS, child=child, by=by)
    reasons = eligibility_reasons(
        child=child,
        requested_on=requested_on,
        behaviour_last_on=behaviour_last_on,
        lives_in_authority=lives_in_authority,
        authority=by.authority,
    )
    if not reasons and agency is None:
        raise ValidationError("There is no child and youth justice service for your authority to send this to")
    consultation = HsbConsultation.objects.create(
        child=child,
        requested_by=by,
        requested_on=requested_on,
        behaviour_last_on=behaviour_last_on,
        lives_in_authority=bool(lives_in_authority),
        police_investigation_ongoing=bool(police_investigation_ongoing),
        concerns=concerns,
        status=Status.REFUSED if reasons else Status.REQUESTED,
        refusal_reason="\n".join(reasons),
        history=[history_entry(REFUSED if reasons else REQUEST, by)],
    )
    if reasons:
        _tell(
            [manager_of(by)],
            subject=f"The HSB hub cannot take the request for {child.full_name}",
            body=(
                f"{by.display_name} asked the harmful sexual behaviour hub for a consultation about {child.full_name} "
                f"on {day_text(requested_on)}. It does not meet the criteria: "
                + " ".join(f"{r}." for r in reasons)
                + " Record the reasons on the child's case notes (HSB protocol step 2)."
            ),
            consultation=consultation,
        )
        log_write(by, child, f"{WHAT}:refused", detail=f"consultation {consultation.pk}")
        return consultation
    Involvement.objects.get_or_create(
        child=child,
        agency=agency,
        kind=IKind.HSB_HUB,
        end__isnull=True,
        defaults={"start": min(requested_on, timezone.localdate()), "is_lead_agency": False},
    )
    police = (
        " A police investigation is ongoing: the hub can give a consultation only."
        if police_investigation_ongoing
        else ""
    )
    _tell(
        hub_managers(agency),
        subject=f"New HSB hub consultation request for {child.full_name}",
        body=(
            f"{by.display_name} (children's social care) asked the harmful sexual behaviour hub for a consultation "
            f"about {child.full_name} on {day_text(requested_on)}.{police} Arrange the consultation with the social worker "
            "and their team manager."
        ),
        consultation=consultation,
    )
    log_write(by, child, f"{WHAT}:request", detail=f"consultation {consultation.pk}")
    return consultation


# --- Moving the consultation on -----------------------------------------------------------------------------------


def _lock(consultation, expected_version=None) -> HsbConsultation:
    locked = (
        HsbConsultation.objects.select_for_update(of=("self",))
        .select_related(
            "child", "requested_by__agency__authority", "qa_cyjs_manager", "qa_csc_manager", "aim_practitioner"
        )
        .get(pk=consultation.pk)
    )
    if expected_version is not None and expected_version != locked.version:
        raise ConcurrentEditError(
            "Someone else changed this consultation while you were working on it. Your changes were not saved."
        )
    return locked


def _require_step(consultation, step):
    if step not in steps_open(consultation):
        raise ValidationError(out_of_order(consultation, step))


def out_of_order(consultation, step) -> str:
    """Why this step cannot be taken now."""
    status = consultation.status
    if status == Status.REFUSED:
        return "This request was not accepted by the hub, so nothing more can be recorded"
    if status == Status.CLOSED:
        return f"This consultation was closed on {day_text(consultation.closed_on)}"
    if step == CONSULTATION:
        return "The hub consultation has already been recorded"
    if status == Status.REQUESTED:
        return "Record the hub consultation first"
    if step == PATTERN_MAPPING:
        return "Pattern mapping comes after the consultation and before any AIM assessment"
    if step == AIM_START:
        return "The AIM assessment has already started"
    if step == AIM_DONE:
        return (
            "Start the AIM assessment first"
            if consultation.first_meeting_with_child_on is None
            else "The AIM assessment is already complete"
        )
    if step == QA:
        if status != Status.AIM_ASSESSMENT:
            return "Quality assurance is for a completed AIM assessment"
        if consultation.aim_completed_on is None:
            return "Record that the AIM assessment is complete first"
        return "Both managers have already quality assured the AIM assessment"
    if step == PLANNING:
        if status == Status.PLANNING:
            return "The outcome and planning meeting has already been recorded"
        if status != Status.AIM_ASSESSMENT or consultation.aim_completed_on is None:
            return "The outcome and planning meeting follows a completed AIM assessment"
        return "Both a CYJS manager and a children's social care manager must quality assure the AIM assessment first"
    if step == CLOSE:
        return "Finish the AIM assessment and hold the outcome and planning meeting before closing"
    return "This step cannot be taken now"


def history_entry(step: str, by) -> dict:
    """One step in `HsbConsultation.history`: which step, who recorded it (user id; the name is looked
    up when shown) and when."""
    return {"step": step, "by": by.pk, "at": timezone.now().isoformat()}


def _save(consultation, fields, *, by, step) -> HsbConsultation:
    """Write the fields, add the step to the history and bump the version (the row is locked)."""
    fields = {**fields, "history": [*consultation.history, history_entry(step, by)]}
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.version += 1
    consultation.save(update_fields=[*fields, "version"])
    return consultation


def _held_on(errors, field, value, *, after, after_label, what):
    if not _required_date(errors, field, value, f"Enter the date of the {what}"):
        return
    if value > timezone.localdate():
        errors[field] = f"The date of the {what} must be today or in the past"
    elif after is not None and value < after:
        errors[field] = f"The date of the {what} must be on or after {after_label} ({day_text(after)})"


@transaction.atomic
def record_hub_consultation(*, consultation, by, expected_version, held_on, hackett, outcome) -> HsbConsultation:
    """PH2 (L9379–9383): the reflective consultation between the hub, the social worker and their
    manager. Needs the Hackett continuum rating (L9337, L9347) and the outcome (next steps)."""
    _hub_writer(by, consultation)
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, CONSULTATION)
    errors: dict[str, str] = {}
    _held_on(
        errors, "held_on", held_on, after=consultation.requested_on, after_label="the request", what="consultation"
    )
    if hackett not in Hackett.values:
        errors["hackett"] = "Choose where the behaviour sits on Hackett's continuum"
    outcome = (outcome or "").strip()
    if not outcome:
        errors["outcome"] = "Write what was agreed and the next steps"
    if errors:
        raise ValidationError(errors)
    _save(
        consultation,
        {
            "consultation_on": held_on,
            "hackett": hackett,
            "consultation_outcome": outcome,
            "status": Status.CONSULTATION,
        },
        by=by,
        step=CONSULTATION,
    )
    _tell(
        _csc_side(consultation),
        subject=f"HSB hub consultation recorded for {consultation.child.full_name}",
        body=f"Hackett's continuum: {Hackett(hackett).label.lower()}. Record the outcome on the child's case notes (HSB protocol step 4).",
        consultation=consultation,
    )
    log_write(by, consultation.child, f"{WHAT}:consultation", detail=f"consultation {consultation.pk}, {hackett}")
    return consultation


@transaction.atomic
def record_pattern_mapping(*, consultation, by, held_on, expected_version=None) -> HsbConsultation:
    """PH3 (L9387): the hub chaired and recorded the pattern mapping meeting."""
    _hub_writer(by, consultation)
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, PATTERN_MAPPING)
    errors: dict[str, str] = {}
    _held_on(
        errors,
        "held_on",
        held_on,
        after=consultation.consultation_on,
        after_label="the consultation",
        what="pattern mapping meeting",
    )
    if errors:
        raise ValidationError(errors)
    _save(consultation, {"pattern_mapping_on": held_on, "status": Status.PATTERN_MAPPING}, by=by, step=PATTERN_MAPPING)
    _tell(
        [consultation.requested_by],
        subject=f"Pattern mapping held for {consultation.child.full_name}",
        body="Share the completed pattern mapping document with the professionals involved (HSB protocol step 5).",
        consultation=consultation,
    )
    log_write(by, consultation.child, f"{WHAT}:pattern-mapping", detail=f"consultation {consultation.pk}")
    return consultation


@transaction.atomic
def start_aim_assessment(
    *, consultation, by, aim_practitioner, first_meeting_with_child_on, expected_version=None
) -> HsbConsultation:
    """PH4 steps 6–8 (L9391–9399): an AIM-trained CYJS practitioner first met the child. Starts the
    `aim_assessment` clock: 45 working days from that meeting (T-PH3).

    Refused for a child under 10 (or 18 or over) on the day of the meeting (L9259, L9357) and while
    a police investigation is ongoing (L9277; somerset-vs-lancashire §1.7 L135).
    """
    _hub_writer(by, consultation)
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, AIM_START)
    errors: dict[str, str] = {}
    after = consultation.pattern_mapping_on or consultation.consultation_on
    _held_on(
        errors,
        "first_meeting_with_child_on",
        first_meeting_with_child_on,
        after=after,
        after_label="the pattern mapping meeting" if consultation.pattern_mapping_on else "the consultation",
        what="first meeting with the child",
    )
    if aim_practitioner is None:
        errors["aim_practitioner"] = "Choose the AIM-trained CYJS practitioner"
    elif not (aim_practitioner.is_active and in_youth_justice(aim_practitioner)):
        errors["aim_practitioner"] = "The AIM practitioner must work for the child and youth justice service"
    elif by.authority is not None and aim_practitioner.authority != by.authority:
        errors["aim_practitioner"] = "Choose a practitioner from your own authority's child and youth justice service"
    if consultation.police_investigation_ongoing:
        errors["__all__"] = aim_blocked_reason(consultation)
    elif first_meeting_with_child_on is not None and "first_meeting_with_child_on" not in errors:
        blocked = aim_blocked_reason(consultation, first_meeting_with_child_on)
        if blocked:
            errors["first_meeting_with_child_on"] = blocked
    if errors:
        raise ValidationError(errors)
    _save(
        consultation,
        {
            "aim_practitioner": aim_practitioner,
            "first_meeting_with_child_on": first_meeting_with_child_on,
            "status": Status.AIM_ASSESSMENT,
        },
        by=by,
        step=AIM_START,
    )
    start_clock(
        AIM_CLOCK,
        consultation,
        child=consultation.child,
        started_at=_moment(first_meeting_with_child_on),
        anchor_at=timezone.make_aware(datetime.combine(first_meeting_with_child_on, time(12))),
        responsible=aim_practitioner,
        agency=aim_practitioner.agency,
    )
    hub = Involvement.objects.filter(
        child=consultation.child, kind=IKind.HSB_HUB, agency=aim_practitioner.agency, end__isnull=True
    ).first()
    if hub is not None and hub.allocated_worker_id is None:
        hub.allocated_worker = aim_practitioner
        hub.save(update_fields=["allocated_worker"])
    _tell(
        [aim_practitioner, *_csc_side(consultation)],
        subject=f"AIM assessment started for {consultation.child.full_name}",
        body=(
            f"{aim_practitioner.display_name} (CYJS) is doing the AIM assessment with the child's social worker. "
            f"It started with the first meeting with the child on {day_text(first_meeting_with_child_on)} and is expected "
            "to be complete within 45 working days (HSB protocol steps 6 and 8)."
        ),
        consultation=consultation,
    )
    log_write(by, consultation.child, f"{WHAT}:aim-start", detail=f"consultation {consultation.pk}")
    return consultation


def aim_clock(consultation):
    """The AIM deadline of the consultation (the newest), or None."""
    return (
        Deadline.objects.filter(
            rule_code=AIM_CLOCK,
            subject_type=ContentType.objects.get_for_model(HsbConsultation),
            subject_id=consultation.pk,
        )
        .order_by("-started_at", "-id")
        .first()
    )


@transaction.atomic
def complete_aim_assessment(
    *, consultation, by, completed_on, lateness_reason="", expected_version=None
) -> HsbConsultation:
    """PH4 step 8 (L9399): the AIM assessment is finalised. Stops the 45-working-day clock: met, or
    met late, which needs a reason. Tells both managers that joint quality assurance is next (L9403)."""
    _hub_writer(by, consultation)
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, AIM_DONE)
    errors: dict[str, str] = {}
    _held_on(
        errors,
        "completed_on",
        completed_on,
        after=consultation.first_meeting_with_child_on,
        after_label="the first meeting with the child",
        what="completed assessment",
    )
    reason = (lateness_reason or "").strip()
    deadline = open_deadlines(AIM_CLOCK, consultation).order_by("-id").first()
    if (
        "completed_on" not in errors
        and deadline is not None
        and deadline.due_date
        and completed_on > deadline.due_date
        and not reason
    ):
        errors["lateness_reason"] = (
            f"The AIM assessment was due by {day_text(deadline.due_date)}. Give the reason it is late"
        )
    if errors:
        raise ValidationError(errors)
    _save(consultation, {"aim_completed_on": completed_on}, by=by, step=AIM_DONE)
    stop_clock(AIM_CLOCK, consultation, stopped_at=_moment(completed_on), reason=reason)
    cyjs = hub_managers(consultation.aim_practitioner.agency) if consultation.aim_practitioner_id else []
    _tell(
        [*cyjs, manager_of(consultation.requested_by)],
        subject=f"Quality assure the AIM assessment for {consultation.child.full_name}",
        body=(
            f"The AIM assessment was completed on {day_text(completed_on)}. A CYJS manager and a children's social care "
            "manager review it together; each records their quality assurance (HSB protocol step 9)."
        ),
        consultation=consultation,
    )
    log_write(by, consultation.child, f"{WHAT}:aim-completed", detail=f"consultation {consultation.pk}")
    return consultation


@transaction.atomic
def record_quality_assurance(*, consultation, by, expected_version=None) -> HsbConsultation:
    """PH4 step 8–9 (L9403): joint quality assurance of the finalised AIM. A CYJS manager and a CSC
    manager each record theirs (its own field); the same person cannot record it twice."""
    require_access(by, consultation.child)
    if not (is_cyjs_manager(by) or is_csc_manager(by)):
        raise PermissionDenied(
            "Only a CYJS manager and a children's social care manager can quality assure the AIM assessment"
        )
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, QA)
    problem = qa_problem(consultation, by)
    if problem:
        raise ValidationError(problem)
    field = "qa_cyjs_manager" if is_cyjs_manager(by) else "qa_csc_manager"
    _save(consultation, {field: by}, by=by, step=QA)
    if consultation.qa_cyjs_manager_id and consultation.qa_csc_manager_id:
        _tell(
            [consultation.requested_by],
            subject=f"Arrange the AIM outcome and planning meeting for {consultation.child.full_name}",
            body="Both managers have quality assured the AIM assessment. Share the outcome with the child and family, "
            "then arrange the outcome and planning meeting (HSB protocol step 10).",
            consultation=consultation,
        )
    log_write(by, consultation.child, f"{WHAT}:quality-assurance", detail=f"consultation {consultation.pk}, {field}")
    return consultation


@transaction.atomic
def record_planning_meeting(
    *, consultation, by, held_on, areas_of_work, review_on, expected_version=None
) -> HsbConsultation:
    """PH4 steps 10–11 (L9407–9411): the AIM outcome and planning meeting agreed the areas of work
    and when the AIM is reviewed (T-PH4). Needs quality assurance by both managers first."""
    _hub_writer(by, consultation)
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, PLANNING)
    errors: dict[str, str] = {}
    _held_on(
        errors,
        "held_on",
        held_on,
        after=consultation.aim_completed_on,
        after_label="the completed assessment",
        what="outcome and planning meeting",
    )
    areas = (areas_of_work or "").strip()
    if not areas:
        errors["areas_of_work"] = "Write the areas of work agreed with the child, their family and the network"
    if review_on is None:
        errors["review_on"] = "Enter when the AIM assessment will be reviewed"
    elif held_on is not None and review_on <= held_on:
        errors["review_on"] = "The review must be after the planning meeting"
    if errors:
        raise ValidationError(errors)
    _save(
        consultation,
        {"planning_meeting_on": held_on, "areas_of_work": areas, "review_on": review_on, "status": Status.PLANNING},
        by=by,
        step=PLANNING,
    )
    log_write(by, consultation.child, f"{WHAT}:planning-meeting", detail=f"consultation {consultation.pk}")
    return consultation


def last_step_on(consultation) -> date:
    return max(
        d
        for d in (
            consultation.requested_on,
            consultation.consultation_on,
            consultation.pattern_mapping_on,
            consultation.first_meeting_with_child_on,
            consultation.aim_completed_on,
            consultation.planning_meeting_on,
        )
        if d is not None
    )


@transaction.atomic
def close_consultation(*, consultation, by, closed_on, expected_version=None) -> HsbConsultation:
    """The hub's work ends (after the consultation or pattern mapping when no AIM is needed, or after
    the planning meeting). Ends the hub's CYJS involvement; CSC stays lead (L9293–9295, L9415)."""
    _hub_writer(by, consultation)
    consultation = _lock(consultation, expected_version)
    _require_step(consultation, CLOSE)
    errors: dict[str, str] = {}
    last = last_step_on(consultation)
    _held_on(errors, "closed_on", closed_on, after=last, after_label="the last step", what="closure")
    if errors:
        raise ValidationError(errors)
    _save(consultation, {"closed_on": closed_on, "status": Status.CLOSED}, by=by, step=CLOSE)
    if open_deadlines(AIM_CLOCK, consultation).exists():
        cancel_clock(AIM_CLOCK, consultation, reason=f"Consultation closed {day_text(closed_on)}")
    still_open = (
        HsbConsultation.objects.filter(child=consultation.child, status__in=ACTIVE).exclude(pk=consultation.pk).exists()
    )
    if not still_open:
        for inv in Involvement.objects.filter(child=consultation.child, kind=IKind.HSB_HUB, end__isnull=True):
            inv.end = max(closed_on, inv.start)
            inv.save(update_fields=["end"])
    _tell(
        _csc_side(consultation),
        subject=f"HSB hub consultation closed for {consultation.child.full_name}",
        body="The hub's work has ended. Children's social care stays the lead agency and manages the risk.",
        consultation=consultation,
    )
    log_write(by, consultation.child, f"{WHAT}:close", detail=f"consultation {consultation.pk}")
    return consultation


@transaction.atomic
def update_police_investigation(*, consultation, by, expected_version, ongoing) -> HsbConsultation:
    """The police investigation started or ended (V-H6: re-check when it changes). Either service may
    record it. While it is ongoing the AIM assessment cannot start (L9277)."""
    require_access(by, consultation.child)
    if not (may_write_youth_justice(by) or may_request(by)):
        raise PermissionDenied("Only children's social care or the child and youth justice service can change this")
    consultation = _lock(consultation, expected_version)
    if consultation.status not in ACTIVE:
        raise ValidationError(out_of_order(consultation, None))
    if ongoing is None:
        raise ValidationError({"ongoing": "Say whether a police investigation is ongoing"})
    if consultation.police_investigation_ongoing != bool(ongoing):
        _save(consultation, {"police_investigation_ongoing": bool(ongoing)}, by=by, step=POLICE)
    log_write(
        by,
        consultation.child,
        f"{WHAT}:police-investigation",
        detail=f"consultation {consultation.pk}, ongoing={bool(ongoing)}",
    )
    return consultation


@dataclass(frozen=True)
class Band:
    band: str
    colour: str
    response: str


def band_of(hackett) -> Band | None:
    if hackett not in HACKETT_BAND:
        return None
    return Band(*HACKETT_BAND[hackett])

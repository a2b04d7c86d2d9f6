"""Lead agency for a jointly worked child, its planning meeting, and disagreements between
children's social care (CSC) and the child and youth justice service (CYJS).

Sources: seed 000 ¶2.3 (lead agency by the presenting needs of the child and family) and ¶21.1
(decided after discussion between professionals; no consensus → line management in both
services); domain notes part A P27; part B PE (the MASH/CSC/CYJS case escalation process,
stages 1–4, restorative, "NOT on a child's record unless relevant to the child"); seed 003
¶2.3–2.4 (somerset-vs-lancashire §1.2 rules R1–R14, §1.3 planning meeting, §1.11 children in the
same household, §1.15 dispute resolution).

Every rule lives here; pages, the API and any task call these keyword-only functions.

Who may do what:
- a lead agency decision is made by a team manager (or above) of the child's CSC or CYJS agency
  in their own authority, only for a child open to both (P27; 003 L84: "known to both
  services, on either a voluntary or statutory basis", so any open involvement counts);
- the planning meeting is recorded by a practitioner or manager of either agency;
- a disagreement follows the raiser's authority's escalation ladder
  (`JointWorkingProtocol.disagreement_ladder`, copied onto the disagreement when it is raised so
  a later change to the setting moves no running one). Each step names the role(s) that respond
  and the side they are on. Lancashire's default (PE, made symmetric: either agency may raise):
    1. team manager of the other agency;
    2. senior manager of the raising agency (its own review);
    3. senior manager of the other agency (the raising senior manager asked them to review);
    4. head of service of the other agency (the heads of service work it out together).
  Somerset (003 L97, ¶2.7): 1. practitioners, 2. their respective managers, 3. the Operations
  Manager (CSC's senior manager: there is no operations manager role).
  It is raised by a manager of either agency, or by anyone with a role of the first step (Somerset's
  practitioners). The raising side (its managers, and whoever raised it) escalates, no further
  than the last step, and either the raising side or the person answering the current step records
  the resolution.

Disagreements stay off the child's record by default (PE L9763): they are not in the chronology
and only managers of CSC and CYJS, anyone whose role answers a step of their authority's ladder,
and administrators see them; others get 403. Where the authority's protocol sets
`disagreements_on_record`, they are on the child's chronology (casework/joint/chronology.py) and
whoever may read the joint section sees them. Reads and writes go to the access log either way.

Clocks: `joint_planning_meeting` (10 working days, a Somerset local setting, 003 L84) starts on
a decision, counted from the day the second agency's involvement started (from the new decision's
date when it replaces an earlier one: a new lead needs a new split of the work) and stops when the
meeting is recorded; a replaced decision's open clock is cancelled. `escalation_stage_response`
(the front door's 5 working days) starts at each stage; the next stage stops the previous one and
resolving stops the open one.

Per authority: whether CSC reads this section at all is the authority's protocol
(`JointWorkingProtocol.csc_reads`, casework.justice.sharing); the number of days of each clock is
the timescale rule in force for the authority (an override row changes it); the ladder and whether
disagreements are on the child's record are the protocol's `disagreement_ladder` and
`disagreements_on_record`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.access import is_administrator
from accounts.audit import access_log_last
from accounts.models import Agency, Role, User
from casework.text import day_text
from notifications.clocks import cancel_clock, start_clock, stop_clock
from notifications.services import notify

from ..justice.sharing import Section, may_read_section, protocol_for
from ..models import Child, Involvement, JointWorkingDisagreement, JointWorkingProtocol, LeadAgencyDecision
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import manager_of_work

PLANNING = "joint_planning_meeting"
STAGE_CLOCK = "escalation_stage_response"
CSC, CYJS = Agency.Kind.CSC, Agency.Kind.CYJS
JOINT_KINDS = (CSC, CYJS)
KIND_NAMES: dict[str, str] = {CSC: "children's social care", CYJS: "the child and youth justice service"}
MANAGERS = frozenset({Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR})
PLANNERS = MANAGERS | {Role.PRACTITIONER}
Stage = JointWorkingDisagreement.Stage
Status = JointWorkingDisagreement.Status


def _midday(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _moment(day: date) -> datetime:
    """A date as a clock moment: midday that day, or now if midday is still to come."""
    return min(_midday(day), timezone.now())


def _kind(user):
    return user.agency.kind if user is not None and user.agency_id else None


# --- Who is who ------------------------------------------------------------------------------------------------


def is_joint_manager(user) -> bool:
    """A team manager or above in CSC or CYJS."""
    return _kind(user) in JOINT_KINDS and user.role in MANAGERS


def may_decide_lead_agency(user) -> bool:
    """May this user record lead agency decisions (for a child they may see and who is worked jointly)?"""
    return is_joint_manager(user) and may_read_section(user, Section.JOINT)


def may_record_planning(user) -> bool:
    return _kind(user) in JOINT_KINDS and user.role in PLANNERS and may_read_section(user, Section.JOINT)


def ladder_roles(protocol) -> frozenset:
    """Every role that answers a step of the protocol's ladder."""
    return frozenset(role for step in protocol.disagreement_ladder for role in step["roles"])


def may_see_disagreements(user) -> bool:
    """PE L9763: kept off the child's record, so by default only managers of the two agencies,
    those whose role answers a step of their authority's ladder (Somerset's practitioners, 003 L97)
    and administrators see disagreements. Where the protocol puts them on the child's record,
    whoever may read the joint section sees them."""
    if not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if _kind(user) not in JOINT_KINDS or not may_read_section(user, Section.JOINT):
        return False
    if user.role in MANAGERS:
        return True
    protocol = protocol_for(user.authority)
    return protocol.disagreements_on_record or user.role in ladder_roles(protocol)


def may_raise_disagreement(user) -> bool:
    """A manager of CSC or CYJS, or anyone whose role answers the first step of their authority's
    ladder (Somerset: practitioners first resolve it between them, 003 L97), who may read the section."""
    if _kind(user) not in JOINT_KINDS or not may_read_section(user, Section.JOINT):
        return False
    ladder = protocol_for(user.authority).disagreement_ladder
    return user.role in MANAGERS or bool(ladder and user.role in ladder[0]["roles"])


def open_joint_involvements(child, authority):
    """The child's open CSC and CYJS involvements in `authority`, as {kind: [involvement, ...]}."""
    found = {CSC: [], CYJS: []}
    rows = (
        Involvement.objects.filter(
            child=child, end__isnull=True, agency__kind__in=JOINT_KINDS, agency__authority=authority
        )
        .select_related("agency", "allocated_worker__line_manager", "allocated_worker__team__manager", "team__manager")
        .order_by("start", "id")
    )
    for inv in rows:
        found[inv.agency.kind].append(inv)
    return found


def is_jointly_worked(child, authority) -> bool:
    found = open_joint_involvements(child, authority)
    return bool(found[CSC]) and bool(found[CYJS])


def second_agency_started_on(found) -> date:
    """The day the second agency's involvement started: the later of each agency's earliest open start."""
    return max(found[CSC][0].start, found[CYJS][0].start)


def _people_of(involvements, *, exclude=None) -> list:
    """The allocated workers and their managers (line manager, else team manager), each once."""
    people, seen = [], {exclude.pk} if exclude is not None else set()
    for inv in involvements:
        worker = inv.allocated_worker
        manager = (worker.line_manager if worker is not None else None) or (inv.team.manager if inv.team_id else None)
        for person in (worker, manager):
            if person is not None and person.is_active and person.pk not in seen:
                seen.add(person.pk)
                people.append(person)
    return people


def current_decision(child) -> LeadAgencyDecision | None:
    """The decision in force: the latest. Earlier ones are kept as its history."""
    return LeadAgencyDecision.objects.filter(child=child).select_related("lead_agency", "decided_by").first()


def is_current(decision) -> bool:
    latest = LeadAgencyDecision.objects.filter(child_id=decision.child_id).values_list("pk", flat=True).first()
    return latest == decision.pk


# --- Lead agency (000 ¶2.3, ¶21.1; 003 ¶2.3–2.4) ------------------------------------------------------------------


@dataclass
class Told:
    people: list


@access_log_last()
def decide_lead_agency(*, child, by, lead_agency, reasons, decided_on) -> LeadAgencyDecision:
    """Record which agency leads for a child open to both CSC and CYJS, and why.

    - Refused unless the child has open CSC and CYJS involvements in the decider's authority,
      the decider is a team manager or above of one of those two agencies, the lead is one of
      them, the reasons are given (¶21.1: decided after discussion) and the date is not in the
      future nor before the decision it replaces.
    - Sets `is_lead_agency` on the open involvements: True for the lead agency's, False for the
      other's. Tells the other agency's allocated worker and manager in the app.
    - Starts `joint_planning_meeting` (003 L84) on the decision, cancelling a replaced decision's.
    """
    require_access(by, child)
    if not may_decide_lead_agency(by):
        raise PermissionDenied(
            "Only a team manager or above in children's social care or youth justice can decide the lead agency"
        )
    Child.objects.select_for_update().filter(pk=child.pk).first()  # one decision at a time for a child
    authority = by.agency.authority
    found = open_joint_involvements(child, authority)
    if not (found[CSC] and found[CYJS]):
        raise ValidationError(
            "A lead agency is decided only for a child open to both children's social care and the child and youth "
            "justice service. This child is not open to both"
        )
    agencies = {inv.agency_id: inv.agency for kind in JOINT_KINDS for inv in found[kind]}
    if by.agency_id not in agencies:
        raise PermissionDenied(
            "Only a manager in one of the two agencies working with the child can decide the lead agency"
        )
    errors = {}
    if lead_agency is None:
        errors["lead_agency"] = "Choose which agency leads"
    elif lead_agency.pk not in agencies:
        errors["lead_agency"] = (
            "Choose children's social care or the child and youth justice service working with this child"
        )
    reasons = (reasons or "").strip()
    if not reasons:
        errors["reasons"] = "Give the reasons for the decision, from the child's and family's needs"
    previous = current_decision(child)
    today = timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = "Enter the date the lead agency was agreed"
    elif decided_on > today:
        errors["decided_on"] = "The date the lead agency was agreed must be today or in the past"
    elif previous is not None and decided_on < previous.decided_on:
        errors["decided_on"] = (
            f"The date must be on or after the decision it replaces ({day_text(previous.decided_on)})"
        )
    if errors:
        raise ValidationError(errors)

    decision = LeadAgencyDecision.objects.create(
        child=child, lead_agency=lead_agency, reasons=reasons, decided_on=decided_on, decided_by=by
    )
    lead_kind = lead_agency.kind
    Involvement.objects.filter(pk__in=[inv.pk for inv in found[lead_kind] if inv.agency_id == lead_agency.pk]).update(
        is_lead_agency=True
    )
    Involvement.objects.filter(
        pk__in=[inv.pk for kind in JOINT_KINDS for inv in found[kind] if inv.agency_id != lead_agency.pk]
    ).update(is_lead_agency=False)

    if previous is not None:
        cancel_clock(PLANNING, previous, reason=f"Replaced by the decision of {day_text(decided_on)}")
        anchor = _midday(decided_on)
    else:
        anchor = _midday(second_agency_started_on(found))
    lead_involvements = [inv for inv in found[lead_kind] if inv.agency_id == lead_agency.pk]
    start_clock(
        PLANNING,
        decision,
        child=child,
        started_at=timezone.now(),
        anchor_at=anchor,
        responsible=next(filter(None, map(manager_of_work, lead_involvements)), None) or by,
        agency=lead_agency,
    )

    decider_kind = by.agency.kind
    told_kind = CYJS if decider_kind == CSC else CSC
    people = _people_of(found[told_kind], exclude=by)
    link = reverse("lead-agency-detail", args=[decision.pk])
    for person in people:
        notify(
            recipient=person,
            subject=f"Lead agency decided for {child.full_name}",
            body=(
                f"{by.display_name} ({by.agency.name}) recorded that {lead_agency.name} leads for {child.full_name} "
                f"from {day_text(decided_on)}. Hold the joint planning meeting to agree who does what "
                "(joint working agreement 2.3 and 21.1)."
            ),
            link=link,
        )
    decision.told = Told(people)
    decision.replaced = previous
    log_write(by, child, "lead-agency:decide")
    return decision


@access_log_last()
def record_planning_meeting(
    *, decision, by, expected_version, held_on, task_split, review_on=None
) -> LeadAgencyDecision:
    """The joint planning meeting was held and agreed who does what (003 L84–96): stops the clock.

    Only for the decision in force, once; by a practitioner or manager of either agency working
    with the child. The task split is required; the review date, if any, comes after the meeting.
    """
    child = decision.child
    require_access(by, child)
    if not may_record_planning(by):
        raise PermissionDenied("Only children's social care or youth justice staff can record the planning meeting")
    decision = LeadAgencyDecision.objects.select_for_update().select_related("child", "lead_agency").get(pk=decision.pk)
    found = open_joint_involvements(child, by.agency.authority)
    if by.agency_id not in {inv.agency_id for kind in JOINT_KINDS for inv in found[kind]}:
        raise PermissionDenied("Only staff of the two agencies working with the child can record the planning meeting")
    if expected_version is not None and decision.version != expected_version:
        raise ConcurrentEditError(
            "Someone else changed this record while you were working on it. Your changes were not saved."
        )
    if not is_current(decision):
        raise ValidationError("A newer lead agency decision replaced this one: record the meeting on that one")
    if decision.planning_meeting_on is not None:
        raise ValidationError(f"The planning meeting was already recorded ({day_text(decision.planning_meeting_on)})")
    errors = {}
    today = timezone.localdate()
    if held_on is None:
        errors["held_on"] = "Enter the date the planning meeting was held"
    elif held_on > today:
        errors["held_on"] = "The meeting date must be today or in the past"
    elif held_on < decision.decided_on:
        errors["held_on"] = (
            f"The meeting must be on or after the lead agency was agreed ({day_text(decision.decided_on)})"
        )
    task_split = (task_split or "").strip()
    if not task_split:
        errors["task_split"] = "Say who will do what: the work each agency will do with the child and family"
    if review_on is not None and held_on is not None and review_on <= held_on:
        errors["review_on"] = "The review must be after the meeting"
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(
        decision,
        expected_version=expected_version,
        fields={"planning_meeting_on": held_on, "task_split": task_split, "review_on": review_on},
    )
    stop_clock(PLANNING, decision, stopped_at=_moment(held_on))
    log_write(by, child, "lead-agency:planning-meeting")
    return decision


# --- Disagreements (PE; 000 ¶21.1; 003 ¶2.7) -------------------------------------------------------------------------


def raising_kind(disagreement) -> str:
    return disagreement.history[0]["agency_kind"] if disagreement.history else _kind(disagreement.raised_by)


def step_of(disagreement, stage=None) -> dict:
    """The ladder step at `stage` (default: the current one), from the steps the disagreement started on."""
    return disagreement.ladder_steps[(stage or disagreement.stage) - 1]


def last_stage(disagreement) -> int:
    return len(disagreement.ladder_steps)


def _answering_kind(step, raising) -> str:
    side = step.get("side", "other")
    if side in JOINT_KINDS:
        return side
    return raising if side == "raising" else (CYJS if raising == CSC else CSC)


def answering_kind(disagreement, stage=None) -> str:
    return _answering_kind(step_of(disagreement, stage), raising_kind(disagreement))


def _roles_text(step) -> str:
    labels = [Role(role).label.lower() for role in step["roles"]]
    return " or ".join(labels)


def _authority_id(disagreement):
    return disagreement.history[0].get("authority_id") if disagreement.history else None


def protocol_of(disagreement) -> JointWorkingProtocol:
    """The protocol of the authority the disagreement was raised in (defaults: Lancashire's)."""
    saved = JointWorkingProtocol.objects.filter(authority_id=_authority_id(disagreement)).first()
    return saved if saved is not None else JointWorkingProtocol()


def answers_stage(user, disagreement) -> bool:
    """Is this user the one who answers the disagreement at its current stage?"""
    return (
        user.role in step_of(disagreement)["roles"]
        and _kind(user) == answering_kind(disagreement)
        and user.agency.authority_id == _authority_id(disagreement)
    )


def on_raising_side(user, disagreement) -> bool:
    """A manager of the raising agency, or whoever raised it (Somerset's practitioners, 003 L97)."""
    return (
        _kind(user) in JOINT_KINDS
        and (user.role in MANAGERS or user.pk == disagreement.raised_by_id)
        and _kind(user) == raising_kind(disagreement)
        and user.agency.authority_id == _authority_id(disagreement)
    )


def _ladder_rows(steps, raising, stage=0) -> list[dict]:
    return [
        {
            "number": number,
            "label": step["label"],
            "answered_by": f"{_roles_text(step).capitalize()} in {KIND_NAMES[_answering_kind(step, raising)]}",
            "current": number == stage,
            "reached": number <= stage,
        }
        for number, step in enumerate(steps, start=1)
    ]


def ladder(disagreement) -> list[dict]:
    """The steps the disagreement follows, with who answers each, for the page."""
    return _ladder_rows(disagreement.ladder_steps, raising_kind(disagreement), disagreement.stage)


def ladder_for_raiser(user) -> list[dict]:
    """The steps a disagreement this user raises would follow (their authority's ladder)."""
    return _ladder_rows(protocol_for(user.authority).disagreement_ladder, _kind(user))


def actions_for(user, disagreement) -> dict:
    """What the page offers this user (the services check again)."""
    is_open = disagreement.status == Status.OPEN
    answered = any(h["what"] == "responded" and h["stage"] == disagreement.stage for h in disagreement.history)
    return {
        "respond": is_open and not answered and answers_stage(user, disagreement),
        "escalate": is_open and disagreement.stage < last_stage(disagreement) and on_raising_side(user, disagreement),
        "resolve": is_open and (on_raising_side(user, disagreement) or answers_stage(user, disagreement)),
    }


def stage_answerers(disagreement) -> list:
    """Who answers the current stage: the answering agency's allocated worker or manager of the
    child's involvement where their role answers the step (e.g. the other team manager at
    Lancashire's stage 1), else everyone active in the answering agency with one of the step's roles."""
    roles = step_of(disagreement)["roles"]
    kind = answering_kind(disagreement)
    authority_id = _authority_id(disagreement)
    found = open_joint_involvements(disagreement.child, authority_id)
    people = [p for p in _people_of(found[kind]) if p.role in roles]
    if people:
        return people
    return list(
        User.objects.filter(
            is_active=True, role__in=roles, agency__kind=kind, agency__authority_id=authority_id
        ).order_by("id")[:20]
    )


def _entry(user, what, stage, text="") -> dict:
    return {
        "what": what,
        "stage": int(stage),
        "who": user.display_name,
        "user_id": user.pk,
        "role": user.get_role_display(),
        "agency": user.agency.name if user.agency_id else "",
        "agency_kind": _kind(user) or "",
        "authority_id": user.agency.authority_id if user.agency_id else None,
        "when": timezone.now().isoformat(),
        "text": text,
    }


def _start_stage(disagreement, *, by):
    answerers = stage_answerers(disagreement)
    responsible = answerers[0] if answerers else None
    start_clock(
        STAGE_CLOCK,
        disagreement,
        child=disagreement.child,
        started_at=timezone.now(),
        responsible=responsible,
        agency=responsible.agency if responsible else by.agency,
    )
    link = reverse("joint-disagreement-detail", args=[disagreement.pk])
    for person in answerers:
        if person.pk != by.pk:
            notify(
                recipient=person,
                subject="A joint working disagreement needs your response",
                body=(
                    f"Stage {disagreement.stage} ({disagreement.stage_label.lower()}): {by.display_name} ({by.agency.name}) asks for your response "
                    "within 5 working days. Talk it through by phone first; keep it restorative and about the child."
                ),
                link=link,
            )
    return answerers


def _lock(disagreement):
    return (
        JointWorkingDisagreement.objects.select_for_update(of=("self",))
        .select_related("child", "raised_by__agency")
        .get(pk=disagreement.pk)
    )


def _require_open(disagreement):
    if disagreement.status != Status.OPEN:
        raise ValidationError("This disagreement is already resolved")


@access_log_last()
def raise_disagreement(*, child, by, about, decision=None) -> JointWorkingDisagreement:
    """A manager of CSC or CYJS (or, where the ladder starts with them, a practitioner: 003 L97)
    disagrees with the other agency about this child's joint working or thresholds (PE L9741).
    Copies the raiser's authority's ladder onto the disagreement and starts its first step: the
    step's responder answers within the stage's timescale."""
    require_access(by, child)
    if not may_raise_disagreement(by):
        raise PermissionDenied(
            "Only a team manager or above in children's social care or youth justice can raise a disagreement"
        )
    errors = {}
    about = (about or "").strip()
    if not about:
        errors["about"] = "Say what you disagree about and what you would like to happen"
    if decision is not None and decision.child_id != child.pk:
        errors["decision"] = "Choose one of this child's lead agency decisions"
    if errors:
        raise ValidationError(errors)
    Child.objects.select_for_update().filter(pk=child.pk).first()
    if JointWorkingDisagreement.objects.filter(child=child, decision=decision, status=Status.OPEN).exists():
        raise ValidationError({"about": "A disagreement about this is already open: escalate or resolve that one"})
    disagreement = JointWorkingDisagreement.objects.create(
        child=child,
        decision=decision,
        raised_by=by,
        raised_at=timezone.now(),
        about=about,
        stage=1,
        steps=protocol_for(by.agency.authority).disagreement_ladder,
        history=[_entry(by, "raised", 1, about)],
    )
    disagreement.told = _start_stage(disagreement, by=by)
    log_write(by, child, "joint-disagreement:raise")
    return disagreement


@access_log_last()
def respond(*, disagreement, by, response) -> JointWorkingDisagreement:
    """The answer at the current stage, by that stage's manager (see the module docstring). Stops
    the stage's clock; once per stage."""
    disagreement = _lock(disagreement)
    require_access(by, disagreement.child)
    _require_open(disagreement)
    if not answers_stage(by, disagreement):
        raise PermissionDenied(
            f"At stage {disagreement.stage} ({disagreement.stage_label.lower()}) the response comes from a "
            f"{_roles_text(step_of(disagreement))} in {KIND_NAMES[answering_kind(disagreement)]}"
        )
    if any(h["what"] == "responded" and h["stage"] == disagreement.stage for h in disagreement.history):
        raise ValidationError("This stage has its response: escalate it or record the resolution")
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Enter your response"})
    save_if_unchanged(
        disagreement,
        expected_version=None,
        fields={"history": [*disagreement.history, _entry(by, "responded", disagreement.stage, response)]},
    )
    stop_clock(STAGE_CLOCK, disagreement)
    log_write(by, disagreement.child, "joint-disagreement:respond")
    return disagreement


@access_log_last()
def escalate(*, disagreement, by) -> JointWorkingDisagreement:
    """Not agreed: the raising side takes it a step up its ladder (PE stages 1–4; 003 L97 steps 1–3).
    The previous stage's clock stops and the new stage's starts. Refused past the last step."""
    disagreement = _lock(disagreement)
    require_access(by, disagreement.child)
    _require_open(disagreement)
    if not on_raising_side(by, disagreement):
        raise PermissionDenied(
            f"Only a manager in {KIND_NAMES[raising_kind(disagreement)]}, which raised it, can escalate it"
        )
    if disagreement.stage >= last_stage(disagreement):
        raise ValidationError(
            f"This is the last stage ({disagreement.stage_label.lower()}): there is no further step to escalate to. "
            "Those at this stage must agree a way forward together"
        )
    stop_clock(STAGE_CLOCK, disagreement)
    stage = disagreement.stage + 1
    save_if_unchanged(
        disagreement,
        expected_version=None,
        fields={"stage": stage, "history": [*disagreement.history, _entry(by, "escalated", stage)]},
    )
    disagreement.told = _start_stage(disagreement, by=by)
    log_write(by, disagreement.child, "joint-disagreement:escalate")
    return disagreement


@access_log_last()
def resolve(*, disagreement, by, resolution) -> JointWorkingDisagreement:
    """Agreed: what was agreed, by the raising side or whoever answers the current stage. Stops the clock."""
    disagreement = _lock(disagreement)
    require_access(by, disagreement.child)
    _require_open(disagreement)
    if not (on_raising_side(by, disagreement) or answers_stage(by, disagreement)):
        raise PermissionDenied(
            "Only the raising agency's managers or the manager answering this stage can record the resolution"
        )
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "Record what was agreed"})
    now = timezone.now()
    save_if_unchanged(
        disagreement,
        expected_version=None,
        fields={
            "status": Status.RESOLVED,
            "resolution": resolution,
            "resolved_at": now,
            "history": [*disagreement.history, _entry(by, "resolved", disagreement.stage, resolution)],
        },
    )
    stop_clock(STAGE_CLOCK, disagreement, stopped_at=now)
    log_write(by, disagreement.child, "joint-disagreement:resolve")
    return disagreement

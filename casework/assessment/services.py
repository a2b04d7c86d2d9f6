"""The single assessment and the child in need plan (seed 001 L1683–1833, L1903–1917; working-together notes §1.4).

Every write here checks that the user may see the child and may record social care
work, logs the write, and refuses an edit based on an old version of the record.
"""

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_log_last
from accounts.models import Agency
from casework.text import day_text, when_text
from notifications.clocks import due_text, open_deadlines, start_clock, stop_clock
from notifications.models import Deadline
from notifications.services import notify

from ..meetings import clean_meeting_actions, participant_fields, save_actions, save_participants
from ..models import Assessment, Capacity, ChildInNeedMeeting, ChildInNeedPlan, Involvement, Participant
from ..permissions import may_record_social_care_work, may_sign_off, require
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError, open_involvement
from ..signals import records_changed
from ..validators import validate_assessment_factors
from ..who_works_with import acting_agency, open_involvements

# What a social worker records while the assessment is in progress.
ASSESSMENT_FIELDS = (
    "child_seen_on",
    "child_seen_alone",
    "wishes_and_feelings",
    "developmental_needs",
    "parenting_capacity",
    "family_and_environment",
    "strengths",
    "differences_of_view",
    "analysis",
    "social_worker",
)
CIN_PLAN_FIELDS = ("outcomes", "services", "parents_expected_to", "review_every_weeks", "lead_social_worker")
TEXT_LIMIT = 20000


# --- Shared checks ----------------------------------------------------------------------------


def _may_write(by, child):
    """The user must see the child and be a social care worker (working-together notes §1.4: CSC leads)."""
    decision = require_access(by, child)
    require(may_record_social_care_work(by), "Only children's social care can change this record")
    return decision


def _check_version(record, expected_version):
    if expected_version is None or int(expected_version) != record.version:
        raise ConcurrentEditError(
            "Someone else changed this record while you were working on it. Your changes were not saved."
        )


def _social_worker_problem(user):
    if user is not None and not may_record_social_care_work(user):
        return "Choose someone in children's social care"
    return None


def _not_in_future(value: date | None, field: str, what: str):
    if value and value > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})


def assessment_deadline(assessment) -> Deadline | None:
    """The 45-working-day clock of the assessment: the open one, else the last one to run."""
    subject = assessment.clock_subject
    deadlines = (
        Deadline.objects.filter(
            rule_code="assessment", subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        )
        .select_related("rule")
        .order_by("-id")
    )
    return deadlines.filter(status__in=Deadline.OPEN_STATUSES).first() or deadlines.first()


def is_overdue(assessment, *, now=None) -> bool:
    now = now or timezone.now()
    deadline = open_deadlines("assessment", assessment.clock_subject).order_by("due_at").first()
    return bool(deadline and now > deadline.due_at)


def _link(name, pk):
    return reverse(name, args=[pk])


# --- Assessment ---------------------------------------------------------------------------------


@access_log_last()  # atomic; its access-log rows are appended last
def open_assessment(
    *, child, by, contact=None, referral_received_at=None, social_worker=None, agency=None
) -> Assessment:
    """Open an assessment. From a contact, the contact's 45-working-day clock (started by the
    front door at the point of referral) is the assessment's clock; otherwise one starts here."""
    received = contact.received_at if contact is not None else (referral_received_at or timezone.now())
    assessment = Assessment.objects.create(
        child=child,
        contact=contact,
        referral_received_at=received,
        started_on=timezone.localdate(),
        social_worker=social_worker,
        created_by=by,
    )
    if contact is None:
        start_clock(
            "assessment", assessment, child=child, started_at=received, responsible=social_worker, agency=agency
        )
    log_write(by, child, "assessment:open")
    return assessment


@access_log_last()  # atomic; its access-log rows are appended last
def start_assessment(*, child, by, referral_received_at: datetime | None = None, social_worker=None) -> Assessment:
    """A social care worker starts an assessment from the child's record.

    The clock counts 45 working days from the point of referral (001 L1807), so a
    referral date is kept as given; it cannot be in the future. One assessment at a
    time: a second is refused while one is in progress or waiting for sign-off.
    """
    decision = _may_write(by, child)
    received = referral_received_at or timezone.now()
    if received > timezone.now():
        raise ValidationError({"referral_received_at": "The referral date must be today or in the past"})
    problem = _social_worker_problem(social_worker)
    if problem:
        raise ValidationError({"social_worker": problem})
    if (
        Assessment.objects.select_for_update()
        .filter(child=child, status__in=[Assessment.Status.IN_PROGRESS, Assessment.Status.AWAITING_SIGN_OFF])
        .exists()
    ):
        raise ValidationError("This child already has an assessment that is not finished. Carry on with that one.")
    agency = acting_agency(Agency.Kind.CSC, child=child, by=by)
    if agency is not None:
        open_involvement(child=child, agency=agency, kind=Involvement.Kind.CIN, allocated_worker=social_worker)
    assessment = open_assessment(
        child=child, by=by, referral_received_at=received, social_worker=social_worker, agency=agency
    )
    log_write(by, child, "assessment:start", decision=decision)
    return assessment


def _allocate_if_unallocated(child, worker):
    """The front door opens social care's involvement with nobody allocated; the worker given
    the assessment holds the case from then on (their manager then counts as the case's line
    manager, e.g. for who may chair its conferences)."""
    Involvement.objects.filter(
        child=child, agency=worker.agency, end__isnull=True, allocated_worker__isnull=True
    ).update(allocated_worker=worker, team=worker.team)
    records_changed.send(sender=Involvement, child_ids=[child.pk])


def _lock_assessment(assessment) -> Assessment:
    return Assessment.objects.select_for_update(of=("self",)).select_related("child", "contact").get(pk=assessment.pk)


@access_log_last()  # atomic; its access-log rows are appended last
def update_assessment(*, assessment, by, expected_version, data: dict) -> Assessment:
    """Record what the assessment found: the child seen (alone where possible) and their wishes
    and feelings (001 L1767), the three domains (L1741–1745), strengths (L1771), differences of
    view (L1749–1752) and the analysis (L1775). Only while it is in progress."""
    decision = _may_write(by, assessment.child)
    locked = _lock_assessment(assessment)
    _check_version(locked, expected_version)
    if locked.status != Assessment.Status.IN_PROGRESS:
        raise ValidationError("This assessment has been completed, so it cannot be changed")
    fields = {name: data[name] for name in ASSESSMENT_FIELDS if name in data}
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value.strip()
            if len(fields[name]) > TEXT_LIMIT:
                raise ValidationError({name: f"Write no more than {TEXT_LIMIT:,} characters"})
    seen_on = fields.get("child_seen_on", locked.child_seen_on)
    _not_in_future(fields.get("child_seen_on"), "child_seen_on", "The date the child was seen")
    if fields.get("child_seen_alone") is not None and seen_on is None:
        raise ValidationError({"child_seen_on": "Enter the date the child was seen"})
    if "social_worker" in fields:
        problem = _social_worker_problem(fields["social_worker"])
        if problem:
            raise ValidationError({"social_worker": problem})
    changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    save_if_unchanged(locked, expected_version=expected_version, fields=changed)
    if "social_worker" in changed and changed["social_worker"] is not None:
        worker = changed["social_worker"]
        # The clock's reminders follow the worker now holding the assessment (the contact's
        # clock too, when the front door started it).
        open_deadlines("assessment", locked.clock_subject).update(responsible=worker)
        _allocate_if_unallocated(locked.child, worker)
    log_write(by, locked.child, "assessment:update", decision=decision, detail="changed: " + ", ".join(sorted(changed)))
    return locked


@access_log_last()  # atomic; its access-log rows are appended last
def complete_assessment(
    *, assessment, by, expected_version, outcome, outcome_rationale, lateness_reason="", factors=None
) -> Assessment:
    """The social worker says the assessment is finished and what should happen next; a manager
    then signs it off. Needs the date the child was seen (not for an unborn child), the analysis,
    and an outcome with its reasons. Completing it after the 45th working day without a recorded
    reason is refused (001 L1807).

    `factors` are what the assessment found, in the census's factor codes (optional; each once,
    "no factors found" only on its own). None leaves what is recorded."""
    decision = _may_write(by, assessment.child)
    locked = _lock_assessment(assessment)
    _check_version(locked, expected_version)
    if locked.status != Assessment.Status.IN_PROGRESS:
        raise ValidationError("Only an assessment in progress can be completed")
    errors = {}
    if outcome not in Assessment.Outcome.values:
        errors["outcome"] = "Choose what happens next"
    rationale = (outcome_rationale or "").strip()
    if not rationale:
        errors["outcome_rationale"] = "Explain why this is the right next step"
    if locked.child_seen_on is None and not locked.child.is_unborn:
        errors["child_seen_on"] = "Record the date the child was seen before completing the assessment"
    if not locked.analysis.strip():
        errors["analysis"] = "Write the analysis before completing the assessment"
    reason = (lateness_reason or "").strip()
    deadline = open_deadlines("assessment", locked.clock_subject).order_by("due_at").first()
    if deadline and timezone.now() > deadline.due_at and not reason:
        errors["lateness_reason"] = f"This assessment was due {due_text(deadline)}. Give the reason it is late."
    factors = locked.factors if factors is None else factors
    try:
        validate_assessment_factors(factors)
    except ValidationError as error:
        errors["factors"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(
        locked,
        expected_version=None,
        fields={
            "status": Assessment.Status.AWAITING_SIGN_OFF,
            "factors": list(factors),
            "outcome": outcome,
            "outcome_rationale": rationale,
            "lateness_reason": reason,
            "completed_at": timezone.now(),
            "completed_by": by,
        },
    )
    manager = by.line_manager or (by.team.manager if by.team_id else None)
    if manager is not None and manager != by:
        notify(
            recipient=manager,
            subject="An assessment is waiting for your sign-off",
            body=f"{by.display_name} completed an assessment: {locked.get_outcome_display()}.",
            link=_link("assessment-detail", locked.pk),
        )
    log_write(by, locked.child, "assessment:complete", decision=decision)
    return locked


@access_log_last()  # atomic; its access-log rows are appended last
def sign_off_assessment(*, assessment, by, approve: bool, comments="") -> Assessment:
    """A social care manager who did not complete the assessment challenges it (001 L1775) and
    either returns it to the social worker (with comments) or approves it. Approving stops the
    45-working-day clock and carries out the outcome."""
    decision = require_access(by, assessment.child)
    require(may_sign_off(by), "Only a children's social care manager can sign off an assessment")
    locked = _lock_assessment(assessment)
    if locked.status != Assessment.Status.AWAITING_SIGN_OFF:
        raise ValidationError("Only a completed assessment waiting for sign-off can be signed off")
    require(locked.completed_by_id != by.pk, "You completed this assessment, so another manager must sign it off")
    comments = (comments or "").strip()
    worker = locked.social_worker or locked.completed_by
    if not approve:
        if not comments:
            raise ValidationError({"comments": "Say what needs to change before it can be signed off"})
        save_if_unchanged(
            locked,
            expected_version=None,
            fields={
                "status": Assessment.Status.IN_PROGRESS,
                "manager_comments": comments,
                "completed_at": None,
                "completed_by": None,
            },
        )
        if worker is not None:
            notify(
                recipient=worker,
                subject="An assessment was returned to you",
                body=f"{by.display_name} returned the assessment of {locked.child.full_name}: {comments}",
                link=_link("assessment-detail", locked.pk),
            )
        log_write(by, locked.child, "assessment:return", decision=decision)
        return locked
    now = timezone.now()
    try:
        stop_clock("assessment", locked.clock_subject, stopped_at=now, reason=locked.lateness_reason)
    except ValidationError as error:
        message = " ".join(error.message_dict.get("reason", error.messages))
        raise ValidationError(
            {"lateness_reason": f"{message} Return it to the social worker so they can record why."}
        ) from error
    save_if_unchanged(
        locked,
        expected_version=None,
        fields={
            "status": Assessment.Status.COMPLETED,
            "signed_off_at": now,
            "signed_off_by": by,
            "manager_comments": comments,
        },
    )
    _carry_out(locked, by)
    if worker is not None and worker != by:
        notify(
            recipient=worker,
            subject="An assessment was signed off",
            body=f"{by.display_name} signed off the assessment of {locked.child.full_name}: {locked.get_outcome_display()}.",
            link=_link("assessment-detail", locked.pk),
        )
    log_write(by, locked.child, "assessment:sign-off", decision=decision)
    return locked


def _close_cin_involvement(child, closure_code: str):
    """The child is no longer a child in need of social care, unless a plan is still active.

    `closure_code`: why, in the census's code (RC8 no further action after the assessment, RC9
    passed to early help), so the episode's closure is recorded without being asked again.
    """
    if ChildInNeedPlan.objects.filter(child=child, status=ChildInNeedPlan.Status.ACTIVE).exists():
        return
    for involvement in Involvement.objects.filter(
        child=child, agency__kind=Agency.Kind.CSC, kind=Involvement.Kind.CIN, end__isnull=True
    ):
        involvement.end = max(timezone.localdate(), involvement.start)
        involvement.closure_code = closure_code
        involvement.save(update_fields=["end", "closure_code"])


def _carry_out(assessment, by):
    """What the signed-off outcome sets going (working-together notes §1.4 outputs; 001 L1907, L1910)."""
    child = assessment.child
    outcome = assessment.outcome
    if outcome == Assessment.Outcome.CHILD_IN_NEED_PLAN:
        start_cin_plan(child=child, by=by, assessment=assessment, lead_social_worker=assessment.social_worker)
    elif outcome == Assessment.Outcome.STRATEGY_DISCUSSION:
        # Not at the top: casework.enquiry.services imports this module (a child in need plan after section 47).
        from casework.enquiry.services import request_strategy_discussion

        request_strategy_discussion(
            child=child, by=by, assessment=assessment, agency=acting_agency(Agency.Kind.CSC, child=child, by=by)
        )
    elif outcome == Assessment.Outcome.STEP_DOWN_EARLY_HELP:
        agency = acting_agency(Agency.Kind.CSC, child=child, by=by)
        if agency is not None:
            open_involvement(child=child, agency=agency, kind=Involvement.Kind.EARLY_HELP)
        _close_cin_involvement(child, "RC9")
    elif outcome == Assessment.Outcome.NO_FURTHER_ACTION:
        _close_cin_involvement(child, "RC8")


# --- Child in need plan -------------------------------------------------------------------------


def _clean_plan_fields(data: dict) -> dict:
    fields = {name: data[name] for name in CIN_PLAN_FIELDS if name in data}
    for name in ("outcomes", "services", "parents_expected_to"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if len(fields[name]) > TEXT_LIMIT:
                raise ValidationError({name: f"Write no more than {TEXT_LIMIT:,} characters"})
    if "review_every_weeks" in fields:
        weeks = fields["review_every_weeks"]
        if weeks is None or not 1 <= int(weeks) <= 26:
            raise ValidationError({"review_every_weeks": "Review the plan at least every 26 weeks (between 1 and 26)"})
        fields["review_every_weeks"] = int(weeks)
    if "lead_social_worker" in fields:
        problem = _social_worker_problem(fields["lead_social_worker"])
        if problem:
            raise ValidationError({"lead_social_worker": problem})
    return fields


@access_log_last()  # atomic; its access-log rows are appended last
def start_cin_plan(
    *, child, by, assessment=None, section_47_enquiry=None, lead_social_worker=None, **details
) -> ChildInNeedPlan:
    """Start a child in need plan, or return the one already active (001 L1907).

    `details` may hold outcomes, services, parents_expected_to and review_every_weeks.
    The child is then open to social care as a child in need.
    """
    active = ChildInNeedPlan.objects.filter(child=child, status=ChildInNeedPlan.Status.ACTIVE).first()
    if active:
        return active
    fields = _clean_plan_fields({**details, "lead_social_worker": lead_social_worker})
    plan = ChildInNeedPlan.objects.create(
        child=child,
        assessment=assessment,
        section_47_enquiry=section_47_enquiry,
        started_on=timezone.localdate(),
        created_by=by,
        **fields,
    )
    agency = acting_agency(Agency.Kind.CSC, child=child, by=by)
    if agency is not None:
        open_involvement(child=child, agency=agency, kind=Involvement.Kind.CIN, allocated_worker=lead_social_worker)
    log_write(by, child, "cin-plan:start")
    return plan


@access_log_last()  # atomic; its access-log rows are appended last
def create_cin_plan(*, child, by, data: dict, assessment=None) -> ChildInNeedPlan:
    """A social care worker starts a plan from the child's record; refused if one is already active."""
    _may_write(by, child)
    if ChildInNeedPlan.objects.select_for_update().filter(child=child, status=ChildInNeedPlan.Status.ACTIVE).exists():
        raise ValidationError("This child already has an active child in need plan")
    if assessment is None:
        assessment = (
            Assessment.objects.filter(
                child=child, status=Assessment.Status.COMPLETED, outcome=Assessment.Outcome.CHILD_IN_NEED_PLAN
            )
            .order_by("-signed_off_at")
            .first()
        )
    fields = _clean_plan_fields(data)
    lead = fields.pop("lead_social_worker", None)
    return start_cin_plan(child=child, by=by, assessment=assessment, lead_social_worker=lead, **fields)


def _lock_plan(plan) -> ChildInNeedPlan:
    return ChildInNeedPlan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)


@access_log_last()  # atomic; its access-log rows are appended last
def update_cin_plan(*, plan, by, expected_version, data: dict) -> ChildInNeedPlan:
    """Change what the plan says: which agency provides which service, the outcomes for the child,
    what is expected of the parents and how often it is reviewed (001 L1907, L1792–1794)."""
    decision = _may_write(by, plan.child)
    locked = _lock_plan(plan)
    _check_version(locked, expected_version)
    if locked.status != ChildInNeedPlan.Status.ACTIVE:
        raise ValidationError("This plan has ended, so it cannot be changed")
    fields = _clean_plan_fields(data)
    changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    save_if_unchanged(locked, expected_version=expected_version, fields=changed)
    log_write(by, locked.child, "cin-plan:update", decision=decision, detail="changed: " + ", ".join(sorted(changed)))
    return locked


@access_log_last()  # atomic; its access-log rows are appended last
def end_cin_plan(*, plan, by, expected_version, ended_on: date, end_reason: str) -> ChildInNeedPlan:
    """End the plan, with the date and the reason (working-together notes §1.17 "Plan ended")."""
    decision = _may_write(by, plan.child)
    locked = _lock_plan(plan)
    _check_version(locked, expected_version)
    if locked.status != ChildInNeedPlan.Status.ACTIVE:
        raise ValidationError("This plan has already ended")
    errors = {}
    if ended_on is None:
        errors["ended_on"] = "Enter the date the plan ended"
    elif ended_on > timezone.localdate():
        errors["ended_on"] = "The end date must be today or in the past"
    elif ended_on < locked.started_on:
        errors["ended_on"] = (
            f"The end date must be on or after the day the plan started ({day_text(locked.started_on)})"
        )
    if not (end_reason or "").strip():
        errors["end_reason"] = "Say why the plan is ending"
    if errors:
        raise ValidationError(errors)
    save_if_unchanged(
        locked,
        expected_version=None,
        fields={"status": ChildInNeedPlan.Status.ENDED, "ended_on": ended_on, "end_reason": end_reason.strip()},
    )
    log_write(by, locked.child, "cin-plan:end", decision=decision)
    return locked


def cyjs_invitees(child, authority):
    """The CYJS workers to invite: CYJS attends all child in need meetings (000 ¶8.7, ¶15.1).

    Each of the authority's open CYJS involvements: its allocated worker; without one, its team manager.
    """
    people = []
    for involvement in open_involvements(child, Agency.Kind.CYJS, authority=authority).select_related(
        "agency", "allocated_worker", "team__manager"
    ):
        user = involvement.allocated_worker or (involvement.team.manager if involvement.team_id else None)
        if user is not None and user not in [p[0] for p in people]:
            people.append((user, involvement.agency))
    return people


def _clean_invitees(invitees) -> list[dict]:
    cleaned = []
    for number, invitee in enumerate(invitees or [], start=1):
        name = (invitee.get("name") or "").strip()
        user = invitee.get("user")
        if not name and user is not None:
            name = user.display_name
        if not name:
            raise ValidationError({"invitees": f"Invitee {number}: enter their name"})
        capacity = invitee.get("capacity") or ""
        if capacity not in Capacity.values:
            raise ValidationError({"invitees": f"Invitee {number}: choose in what capacity {name} takes part"})
        cleaned.append(participant_fields(invitee, name=name, capacity=capacity))
    return cleaned


@access_log_last()  # atomic; its access-log rows are appended last
def arrange_cin_meeting(*, plan, by, scheduled_for: datetime, invitees: list[dict]) -> ChildInNeedMeeting:
    """Arrange a child in need meeting and invite people. When the child is open to CYJS, its
    allocated worker is invited automatically and told in the app (000 ¶8.7)."""
    decision = _may_write(by, plan.child)
    locked = _lock_plan(plan)
    if locked.status != ChildInNeedPlan.Status.ACTIVE:
        raise ValidationError("This plan has ended, so no more meetings can be arranged")
    if scheduled_for is None:
        raise ValidationError({"scheduled_for": "Enter the date and time of the meeting"})
    people = _clean_invitees(invitees)
    meeting = ChildInNeedMeeting.objects.create(
        plan=locked, child=locked.child, scheduled_for=scheduled_for, created_by=by
    )
    save_participants(people, cin_meeting=meeting)
    invited_users = {p["user"].pk for p in people if p["user"] is not None}
    when = when_text(scheduled_for)
    for user, agency in cyjs_invitees(locked.child, by.authority):
        if user.pk not in invited_users:
            Participant.objects.create(
                cin_meeting=meeting,
                name=user.display_name,
                organisation=agency.name,
                capacity=Capacity.CYJS,
                role=user.job_title,
                user=user,
            )
            invited_users.add(user.pk)
        notify(
            recipient=user,
            subject="You are invited to a child in need meeting",
            body=f"A child in need meeting for {locked.child.full_name} is on {when}. CYJS attends all child in need meetings.",
            link=_link("cin-plan-detail", locked.pk),
        )
    for person in people:
        user = person["user"]
        if user is not None and user != by and person["capacity"] != Capacity.CYJS:
            notify(
                recipient=user,
                subject="You are invited to a child in need meeting",
                body=f"A child in need meeting for {locked.child.full_name} is on {when}.",
                link=_link("cin-plan-detail", locked.pk),
            )
    log_write(by, locked.child, "cin-meeting:arrange", decision=decision)
    return meeting


@access_log_last()  # atomic; its access-log rows are appended last
def record_cin_meeting(
    *,
    meeting,
    by,
    held_on: date,
    attendance: dict,
    progress: str,
    decisions: str,
    actions: list[dict],
    next_meeting_on: date | None,
) -> ChildInNeedMeeting:
    """Record a meeting once it has happened: who came, progress against the plan, the decisions,
    who will do what by when (001 L1794: record decisions at reviews; 000 ¶8.1) and the next review."""
    decision = _may_write(by, meeting.child)
    locked = (
        ChildInNeedMeeting.objects.select_for_update(of=("self",)).select_related("plan", "child").get(pk=meeting.pk)
    )
    if locked.held_on is not None:
        raise ValidationError("This meeting has already been recorded")
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date the meeting was held"
    elif held_on > timezone.localdate():
        errors["held_on"] = "The meeting date must be today or in the past"
    progress = (progress or "").strip()
    decisions = (decisions or "").strip()
    if not progress:
        errors["progress"] = "Say what progress has been made against the plan"
    cleaned_actions, problem = clean_meeting_actions(actions)
    if problem:
        errors["actions"] = problem
    if not decisions and not cleaned_actions:
        errors["decisions"] = "Record what was decided: who will do what, or that nothing more is needed"
    if next_meeting_on is not None and held_on is not None and next_meeting_on <= held_on:
        errors["next_meeting_on"] = "The next meeting must be after this one"
    participants = {p.pk: p for p in locked.participants.all()}
    unknown = [key for key in (attendance or {}) if int(key) not in participants]
    if unknown:
        errors["attendance"] = "Attendance can only be recorded for people invited to this meeting"
    if errors:
        raise ValidationError(errors)
    attended = {int(key): bool(value) for key, value in (attendance or {}).items()}
    for pk, participant in participants.items():
        participant.attended = attended.get(pk, False)
        participant.save(update_fields=["attended"])
    save_actions(locked.child, cleaned_actions, cin_meeting=locked)
    save_if_unchanged(
        locked,
        expected_version=None,
        fields={"held_on": held_on, "progress": progress, "decisions": decisions, "next_meeting_on": next_meeting_on},
    )
    log_write(by, locked.child, "cin-meeting:record", decision=decision)
    return locked


def describe_assessment_outcome(assessment) -> str:
    """Plain words for what signing off sets going, for the sign-off page."""
    return {
        Assessment.Outcome.CHILD_IN_NEED_PLAN: "a child in need plan will start.",
        Assessment.Outcome.STRATEGY_DISCUSSION: "a strategy discussion will be set up.",
        Assessment.Outcome.STEP_DOWN_EARLY_HELP: "the child will be stepped down to early help and the child in need involvement closed.",
        Assessment.Outcome.NO_FURTHER_ACTION: "the child in need involvement will be closed.",
    }.get(assessment.outcome, "")


__all__ = [
    "ASSESSMENT_FIELDS",
    "CIN_PLAN_FIELDS",
    "arrange_cin_meeting",
    "assessment_deadline",
    "complete_assessment",
    "create_cin_plan",
    "end_cin_plan",
    "is_overdue",
    "open_assessment",
    "record_cin_meeting",
    "sign_off_assessment",
    "start_assessment",
    "start_cin_plan",
    "update_assessment",
    "update_cin_plan",
]

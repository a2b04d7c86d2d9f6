"""Strategy discussions and section 47 enquiries (seed 001 L1925–1997; seed 000 ¶4.4–4.5, ¶13.5).

Every rule of this part of the pathway lives here; pages, the API and tasks call
these functions. Each write logs itself in the access log (`log_write`).
"""

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from casework.assessment.services import start_cin_plan
from casework.text import day_text, when_text
from notifications.clocks import cancel_clock, due_text, open_deadlines, start_clock, stop_clock
from notifications.models import Deadline
from notifications.services import notify

from ..meetings import action_rows, participant_fields, save_actions, save_participants
from ..models import (
    Assessment,
    Capacity,
    ConferenceRequest,
    Participant,
    Section47Enquiry,
    StrategyDiscussion,
)
from ..permissions import may_record_social_care_work, may_sign_off, may_write_case_notes, require
from ..recording import log_write, require_access, required_text, save_if_unchanged
from ..services import ConcurrentEditError
from ..who_works_with import acting_agency, allocated_worker, manager_of, open_involvements

# The minimum for a strategy discussion: "a local authority social worker and their manager,
# health professionals and a police representative" (001 L1935).
MINIMUM_ATTENDANCE = (
    (Capacity.SOCIAL_WORKER, "a social worker from children's social care"),
    (Capacity.CSC_MANAGER, "the social worker's manager"),
    (Capacity.POLICE, "the police"),
    (Capacity.HEALTH, "health"),
)
# Seed 000 ¶4.5: CYJS is invited where the alleged abusing child is "over the age of 10".
# Ten is the age of criminal responsibility (somerset-vs-lancashire §1.7 treats 10–17 as one group), so a
# child of 10 or more counts; the warning never blocks.
HSB_CYJS_AGE = 10

ENQUIRY_FIELDS = ("joint_with_police", "child_seen_on", "enquiries_summary")


# --- Who is who for a child -------------------------------------------------------------------


def is_open_to_cyjs(child) -> bool:
    return open_involvements(child, Agency.Kind.CYJS).exists()


def _person(user, capacity, role=""):
    return {
        "name": user.display_name,
        "organisation": user.agency.name if user.agency_id else "",
        "capacity": capacity,
        "role": role or user.job_title or user.get_role_display(),
        "user": user,
    }


def _assessment_worker(child):
    """The social worker of the child's latest assessment: a front-door assessment has one
    before the involvement is allocated."""
    assessment = (
        Assessment.objects.filter(child=child, social_worker__isnull=False)
        .select_related("social_worker__line_manager", "social_worker__team__manager", "social_worker__agency")
        .order_by("-started_on", "-id")
        .first()
    )
    return assessment.social_worker if assessment else None


def invitation_prefill(child) -> list[dict]:
    """Who to invite to a strategy discussion, from the child's allocations.

    The allocated social worker and their manager (001 L1935), and the allocated CYJS
    worker when the child is open to CYJS (seed 000 ¶4.4; somerset-vs-lancashire §1.6: "the YJS is invited").
    Police and health are not users of this system, so the social worker adds them.
    """
    people = []
    worker = allocated_worker(child, Agency.Kind.CSC) or _assessment_worker(child)
    if worker:
        people.append(_person(worker, Capacity.SOCIAL_WORKER))
        manager = manager_of(worker)
        if manager:
            people.append(_person(manager, Capacity.CSC_MANAGER))
    cyjs_worker = allocated_worker(child, Agency.Kind.CYJS)
    if cyjs_worker:
        people.append(_person(cyjs_worker, Capacity.CYJS))
    return people


def age_on(child, on_date):
    if not child.date_of_birth:
        return None
    return relativedelta(on_date, child.date_of_birth).years


def attendance_warnings(*, child, attendees, about_harmful_sexual_behaviour, on_date) -> list[str]:
    """Who should have been at the discussion and is missing. Warnings only: they never block.

    - The Working Together minimum: a CSC social worker, their manager, police and health (001 L1935).
    - CYJS when the child is open to CYJS (000 ¶4.4: CYJS takes part in the strategy discussion;
      somerset-vs-lancashire §1.6: the YJS is invited).
    - CYJS for harmful sexual behaviour by a child of 10 or over (000 ¶4.5; ¶13.5).
    """
    present = {str(a.get("capacity") or "") for a in attendees}
    warnings = [
        f"No one from {label} is listed. Working Together expects them at every strategy discussion."
        for capacity, label in MINIMUM_ATTENDANCE
        if capacity not in present
    ]
    if Capacity.CYJS not in present:
        if is_open_to_cyjs(child):
            warnings.append(
                "The child is open to the child and youth justice service, but no one from CYJS is listed. "
                "CYJS should take part."
            )
        elif about_harmful_sexual_behaviour:
            age = age_on(child, on_date or timezone.localdate())
            if age is not None and age >= HSB_CYJS_AGE:
                warnings.append(
                    f"This is about harmful sexual behaviour by a child aged {age}, but no one from CYJS is listed. "
                    "CYJS should be invited."
                )
    return warnings


# --- Checking what was given ------------------------------------------------------------------


def _clean_attendees(attendees, *, required: bool) -> list[dict]:
    cleaned = []
    capacities = set(Capacity.values)
    for row in attendees or ():
        name = (row.get("name") or "").strip()
        capacity = str(row.get("capacity") or "")
        if not name and not capacity:
            continue
        if not name:
            raise ValidationError({"attendees": "Enter the name of each person who took part"})
        if capacity not in capacities:
            raise ValidationError({"attendees": f"Say in what capacity {name} took part"})
        cleaned.append(participant_fields(row, name=name, capacity=capacity))
    if required and not cleaned:
        raise ValidationError({"attendees": "Add the people who took part"})
    return cleaned


def _clean_actions(actions) -> list[dict]:
    cleaned = []
    for _number, row, description, owner_name, due_on in action_rows(actions):
        if not description:
            raise ValidationError({"actions": "Say what each action is"})
        if not owner_name:
            raise ValidationError({"actions": f"Say who will do “{description[:40]}”"})
        cleaned.append(
            {"description": description, "owner_name": owner_name[:200], "due_on": due_on, "owner": row.get("owner")}
        )
    return cleaned


def _choice(value, choices, field, message):
    value = value or ""
    if value and value not in choices:
        raise ValidationError({field: message})
    return value


def _as_aware(moment):
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _hsb_clock(discussion, *, held_at, agency):
    """Stop the 24-hour clock from disclosure (000 ¶4.5); start it first if it never ran,
    so the record shows whether the discussion was held in time."""
    if open_deadlines("hsb_strategy_meeting", discussion).exists():
        stop_clock("hsb_strategy_meeting", discussion, stopped_at=held_at)
        return
    ever = Deadline.objects.filter(
        rule_code="hsb_strategy_meeting",
        subject_type=ContentType.objects.get_for_model(StrategyDiscussion),
        subject_id=discussion.pk,
    ).exists()
    if not ever and discussion.disclosed_at:
        start_clock(
            "hsb_strategy_meeting",
            discussion,
            child=discussion.child,
            started_at=discussion.disclosed_at,
            agency=agency,
        )
        stop_clock("hsb_strategy_meeting", discussion, stopped_at=held_at)


# --- Strategy discussions ---------------------------------------------------------------------


@transaction.atomic
def request_strategy_discussion(
    *, child, by, contact=None, assessment=None, about_harmful_sexual_behaviour=False, disclosed_at=None, agency=None
) -> StrategyDiscussion:
    """A strategy discussion is needed. About harmful sexual behaviour, it is due 24 hours
    from the disclosure (000 ¶4.5)."""
    discussion = StrategyDiscussion.objects.create(
        child=child,
        contact=contact,
        assessment=assessment,
        about_harmful_sexual_behaviour=about_harmful_sexual_behaviour,
        disclosed_at=disclosed_at,
        created_by=by,
    )
    if about_harmful_sexual_behaviour and disclosed_at:
        start_clock("hsb_strategy_meeting", discussion, child=child, started_at=disclosed_at, agency=agency)
    log_write(by, child, "strategy-discussion:request")
    return discussion


@transaction.atomic
def arrange_strategy_discussion(
    *, child, by, invitees=(), about_harmful_sexual_behaviour=False, disclosed_at=None
) -> StrategyDiscussion:
    """A social worker arranges a discussion to be held, with the people to invite.

    The invitation list starts from `invitation_prefill`; the page lets them change it.
    """
    require(may_record_social_care_work(by), "Only children's social care can arrange a strategy discussion")
    require_access(by, child)
    disclosed_at = _as_aware(disclosed_at)
    if about_harmful_sexual_behaviour and disclosed_at is None:
        raise ValidationError({"disclosed_at": "Enter when the harmful sexual behaviour was disclosed"})
    if disclosed_at and disclosed_at > timezone.now():
        raise ValidationError({"disclosed_at": "The disclosure time must be in the past"})
    invitees = _clean_attendees(invitees, required=False)
    discussion = request_strategy_discussion(
        child=child,
        by=by,
        about_harmful_sexual_behaviour=about_harmful_sexual_behaviour,
        disclosed_at=disclosed_at if about_harmful_sexual_behaviour else None,
        agency=acting_agency(Agency.Kind.CSC, child=child, by=by),
    )
    save_participants([{**person, "invited": True} for person in invitees], strategy_discussion=discussion)
    return discussion


@transaction.atomic
def record_strategy_discussion(
    *,
    child,
    by,
    held_at,
    attendees,
    initiates_section_47: bool,
    discussion=None,
    expected_version=None,
    format="",
    information_shared="",
    risk_level="",
    decision_rationale="",
    criminal_investigation=None,
    criminal_investigation_notes="",
    legal_action_needed=None,
    withheld_from_family="",
    withheld_reason="",
    actions=(),
    about_harmful_sexual_behaviour=False,
    disclosed_at=None,
) -> StrategyDiscussion:
    """Record a strategy discussion as held: who took part, what was shared and decided (001 L1947–1961).

    `discussion` is a pending one to complete; without it a new one is recorded (there may be
    several for one child, 001 L1927). When it starts a section 47 enquiry, the `icpc` clock
    starts on that enquiry from this discussion (001 L2001: the conference is due 15 working days
    from the discussion at which enquiries were initiated). `expected_version` guards a pending
    discussion someone else may be editing. The returned discussion carries `.warnings`
    (missing attendees, see `attendance_warnings`).
    """
    require(may_record_social_care_work(by), "Only children's social care can record a strategy discussion")
    require_access(by, child)
    held_at = _as_aware(held_at)
    disclosed_at = _as_aware(disclosed_at)
    now = timezone.now()
    if held_at is None:
        raise ValidationError({"held_at": "Enter when the discussion was held"})
    if held_at > now:
        raise ValidationError({"held_at": "The discussion must have been held already: the time is in the future"})
    if initiates_section_47 is None:
        raise ValidationError({"initiates_section_47": "Say whether section 47 enquiries will start"})

    if discussion is not None:
        discussion = StrategyDiscussion.objects.select_for_update().get(pk=discussion.pk)
        if discussion.child_id != child.pk:
            raise ValidationError("This discussion is about another child")
        if discussion.status == StrategyDiscussion.Status.HELD:
            raise ValidationError(
                f"This discussion was already recorded as held on {when_text(discussion.held_at)}. "
                "Record a new discussion instead."
            )
        if expected_version is not None and discussion.version != expected_version:
            raise ConcurrentEditError(
                "Someone else changed this discussion while you were working on it. Your changes were not saved."
            )
        about_harmful_sexual_behaviour = about_harmful_sexual_behaviour or discussion.about_harmful_sexual_behaviour
        disclosed_at = disclosed_at or discussion.disclosed_at

    withheld_from_family = (withheld_from_family or "").strip()
    withheld_reason = (withheld_reason or "").strip()
    if withheld_from_family and not withheld_reason:
        raise ValidationError(
            {
                "withheld_reason": "Say why this is not shared with the child and family (001 L1961: it would put "
                "the child at risk or harm a police investigation)"
            }
        )
    if about_harmful_sexual_behaviour and disclosed_at is None:
        raise ValidationError({"disclosed_at": "Enter when the harmful sexual behaviour was disclosed"})
    if disclosed_at and disclosed_at > held_at:
        raise ValidationError({"disclosed_at": "The disclosure must be before the discussion"})
    format = _choice(format, StrategyDiscussion.Format.values, "format", "Choose how the discussion was held")
    risk_level = _choice(risk_level, StrategyDiscussion.RiskLevel.values, "risk_level", "Choose the level of risk")
    attendees = _clean_attendees(attendees, required=True)
    actions = _clean_actions(actions)

    if initiates_section_47:
        open_enquiry = Section47Enquiry.objects.filter(child=child, status=Section47Enquiry.Status.OPEN).first()
        if open_enquiry:
            raise ValidationError(
                {
                    "initiates_section_47": f"This child already has an open section 47 enquiry, started on "
                    f"{day_text(open_enquiry.started_on)}. Record its outcome before starting another."
                }
            )

    fields = dict(
        status=StrategyDiscussion.Status.HELD,
        held_at=held_at,
        format=format,
        about_harmful_sexual_behaviour=bool(about_harmful_sexual_behaviour),
        disclosed_at=disclosed_at if about_harmful_sexual_behaviour else None,
        information_shared=(information_shared or "").strip(),
        risk_level=risk_level,
        initiates_section_47=bool(initiates_section_47),
        decision_rationale=(decision_rationale or "").strip(),
        criminal_investigation=criminal_investigation,
        criminal_investigation_notes=(criminal_investigation_notes or "").strip(),
        legal_action_needed=legal_action_needed,
        withheld_from_family=withheld_from_family,
        withheld_reason=withheld_reason if withheld_from_family else "",
        recorded_by=by,
    )
    if discussion is None:
        discussion = StrategyDiscussion.objects.create(child=child, created_by=by, **fields)
    else:
        save_if_unchanged(discussion, expected_version=None, fields=fields)

    _save_attendance(discussion, attendees)
    save_actions(child, actions, strategy_discussion=discussion)
    agency = acting_agency(Agency.Kind.CSC, child=child, by=by)
    if discussion.about_harmful_sexual_behaviour:
        _hsb_clock(discussion, held_at=held_at, agency=agency)
    log_write(by, child, "strategy-discussion:record")

    if initiates_section_47:
        lead = allocated_worker(child, Agency.Kind.CSC) or by
        enquiry = Section47Enquiry.objects.create(
            child=child,
            strategy_discussion=discussion,
            started_on=timezone.localtime(held_at).date(),
            lead_social_worker=lead,
            created_by=by,
        )
        start_clock(
            "icpc", enquiry, child=child, started_at=held_at, anchor_at=held_at, responsible=lead, agency=agency
        )
        log_write(by, child, "section-47:start")
        if lead != by:
            notify(
                recipient=lead,
                subject=f"Section 47 enquiries started for {child.full_name}",
                body="You lead the enquiries. If concerns are substantiated, the initial conference is due "
                "15 working days from the strategy discussion.",
                link=reverse("section-47-detail", args=[enquiry.pk]),
            )

    discussion.warnings = attendance_warnings(
        child=child,
        attendees=attendees,
        about_harmful_sexual_behaviour=discussion.about_harmful_sexual_behaviour,
        on_date=timezone.localtime(disclosed_at or held_at).date(),
    )
    return discussion


def _save_attendance(discussion, attendees):
    """Mark the invited people who took part, add the others, and mark no-shows as not attended."""
    invited = list(discussion.participants.all())
    matched = set()
    for person in attendees:
        match = next(
            (
                p
                for p in invited
                if p.pk not in matched
                and p.capacity == person["capacity"]
                and (p.name.lower() == person["name"].lower() or (person["user"] and p.user_id == person["user"].pk))
            ),
            None,
        )
        if match:
            matched.add(match.pk)
            for key, value in person.items():
                setattr(match, key, value)
            match.attended = True
            match.save()
        else:
            Participant.objects.create(strategy_discussion=discussion, invited=False, attended=True, **person)
    discussion.participants.filter(attended__isnull=True).exclude(pk__in=matched).update(attended=False)


def warnings_for(discussion) -> list[str]:
    """The attendance warnings for a discussion as it stands: who took part once held, else who is invited."""
    people = discussion.participants.all()
    if discussion.status == StrategyDiscussion.Status.HELD:
        people = people.filter(attended=True)
    moment = discussion.disclosed_at or discussion.held_at
    return attendance_warnings(
        child=discussion.child,
        attendees=[{"capacity": p.capacity} for p in people],
        about_harmful_sexual_behaviour=discussion.about_harmful_sexual_behaviour,
        on_date=timezone.localtime(moment).date() if moment else timezone.localdate(),
    )


# --- Section 47 enquiries ---------------------------------------------------------------------


def _locked_enquiry(enquiry):
    return (
        Section47Enquiry.objects.select_for_update(of=("self",))
        .select_related("child", "lead_social_worker")
        .get(pk=enquiry.pk)
    )


def _check_version(record, expected_version):
    if expected_version is not None and record.version != int(expected_version):
        raise ConcurrentEditError(
            "Someone else changed this record while you were working on it. Your changes were not saved."
        )


@transaction.atomic
def update_enquiry(*, enquiry, by, expected_version, data) -> Section47Enquiry:
    """Record how the enquiries are going (joint with police, when the child was seen, a summary)
    while they are open (001 L1977–1984)."""
    require(may_record_social_care_work(by), "Only children's social care can change section 47 enquiries")
    require_access(by, enquiry.child)
    enquiry = _locked_enquiry(enquiry)
    if enquiry.status != Section47Enquiry.Status.OPEN:
        raise ValidationError("These enquiries are concluded, so they cannot be changed")
    _check_version(enquiry, expected_version)
    unknown = set(data) - set(ENQUIRY_FIELDS)
    if unknown:
        raise ValidationError({name: "This cannot be changed here" for name in sorted(unknown)})
    fields = {}
    if "joint_with_police" in data:
        fields["joint_with_police"] = bool(data["joint_with_police"])
    if "child_seen_on" in data:
        seen = data["child_seen_on"]
        if seen and seen > timezone.localdate():
            raise ValidationError({"child_seen_on": "The date the child was seen must be today or in the past"})
        if seen and seen < enquiry.started_on:
            raise ValidationError(
                {
                    "child_seen_on": f"The enquiries started on {day_text(enquiry.started_on)}: the child was seen on or after that date"
                }
            )
        fields["child_seen_on"] = seen
    if "enquiries_summary" in data:
        fields["enquiries_summary"] = (data["enquiries_summary"] or "").strip()
    fields = {k: v for k, v in fields.items() if getattr(enquiry, k) != v}
    if fields:
        save_if_unchanged(enquiry, expected_version=None, fields=fields)
        log_write(by, enquiry.child, "section-47:update", detail="changed: " + ", ".join(sorted(fields)))
    return enquiry


def icpc_deadline(enquiry):
    """The enquiry's latest initial-conference clock, or None."""
    return (
        Deadline.objects.filter(
            rule_code="icpc", subject_type=ContentType.objects.get_for_model(Section47Enquiry), subject_id=enquiry.pk
        )
        .select_related("rule")
        .order_by("-id")
        .first()
    )


@transaction.atomic
def record_section_47_outcome(
    *, enquiry, by, expected_version, outcome, outcome_rationale, next_step=""
) -> Section47Enquiry:
    """Conclude the enquiries (the decision rests with CSC social workers, 001 L1990).

    Not substantiated (001 L1994–1997): a next step is required (CIN plan, support or no further
    action), the `icpc` clock is cancelled and a CIN plan starts when chosen. Substantiated
    (001 L1999–2001): the `icpc` clock keeps running (the conference slice stops it when the initial
    conference is held) and the lead social worker is told the conference is due. The child's CYJS
    worker is told the outcome (somerset-vs-lancashire §1.6: the YJS is kept informed of progress).
    """
    require(
        may_record_social_care_work(by), "Only children's social care can record the outcome of section 47 enquiries"
    )
    require_access(by, enquiry.child)
    enquiry = _locked_enquiry(enquiry)
    child = enquiry.child
    if enquiry.status == Section47Enquiry.Status.CONCLUDED:
        raise ValidationError(
            f"The outcome was already recorded on {day_text(timezone.localtime(enquiry.outcome_recorded_at))}: "
            f"{enquiry.get_outcome_display().lower()}. It cannot be recorded twice."
        )
    _check_version(enquiry, expected_version)
    if outcome not in Section47Enquiry.Outcome.values:
        raise ValidationError({"outcome": "Choose whether the concerns were substantiated"})
    outcome_rationale = required_text(outcome_rationale, "outcome_rationale", "Explain the reasons for the outcome")
    if outcome == Section47Enquiry.Outcome.NOT_SUBSTANTIATED:
        if next_step not in Section47Enquiry.NextStep.values:
            raise ValidationError(
                {"next_step": "Choose what happens next: a child in need plan, support services or no further action"}
            )
    else:
        next_step = ""
    now = timezone.now()
    save_if_unchanged(
        enquiry,
        expected_version=None,
        fields=dict(
            status=Section47Enquiry.Status.CONCLUDED,
            outcome=outcome,
            outcome_rationale=outcome_rationale,
            next_step=next_step,
            outcome_recorded_at=now,
            outcome_recorded_by=by,
        ),
    )
    log_write(by, child, "section-47:outcome")
    link = reverse("section-47-detail", args=[enquiry.pk])
    if outcome == Section47Enquiry.Outcome.NOT_SUBSTANTIATED:
        cancel_clock("icpc", enquiry, reason="Concerns not substantiated: no initial conference")
        if next_step == Section47Enquiry.NextStep.CHILD_IN_NEED_PLAN:
            start_cin_plan(
                child=child, by=by, section_47_enquiry=enquiry, lead_social_worker=enquiry.lead_social_worker
            )
    elif enquiry.lead_social_worker_id:
        deadline = open_deadlines("icpc", enquiry).order_by("-id").first()
        when = f" It is due by {due_text(deadline)}." if deadline else ""
        notify(
            recipient=enquiry.lead_social_worker,
            subject=f"Initial child protection conference due for {child.full_name}",
            body=f"The section 47 enquiries found the concerns substantiated, so an initial conference is needed.{when}",
            link=link,
        )
    cyjs_worker = allocated_worker(child, Agency.Kind.CYJS)
    if cyjs_worker:
        words = enquiry.get_outcome_display()
        if next_step:
            words += f". Next: {enquiry.get_next_step_display().lower()}"
        notify(
            recipient=cyjs_worker,
            subject=f"Section 47 enquiries concluded for {child.full_name}",
            body=f"Outcome: {words}.",
            link=link,
        )
    return enquiry


# --- Requests for a conference ----------------------------------------------------------------


def _csc_managers_for(enquiry):
    managers = set()
    lead = enquiry.lead_social_worker
    if lead is not None:
        manager = manager_of(lead)
        if manager:
            managers.add(manager)
    for involvement in open_involvements(enquiry.child, Agency.Kind.CSC).select_related("team__manager"):
        if involvement.team_id and involvement.team.manager_id:
            managers.add(involvement.team.manager)
    return managers


@transaction.atomic
def request_conference(*, enquiry, by, requested_by_name, requested_by_organisation, reason) -> ConferenceRequest:
    """Another professional asks CSC to hold a conference after it decided not to (001 L1992).

    Any practitioner who can see the child may record the request (theirs, or one made to them
    by phone); only after concerns were found not substantiated.
    """
    require(
        may_record_social_care_work(by) or may_write_case_notes(by),
        "Your role cannot record a request for a conference",
    )
    require_access(by, enquiry.child)
    enquiry = (
        Section47Enquiry.objects.select_for_update(of=("self",))
        .select_related("child", "lead_social_worker")
        .get(pk=enquiry.pk)
    )
    if enquiry.outcome != Section47Enquiry.Outcome.NOT_SUBSTANTIATED:
        raise ValidationError(
            "A conference can be requested only when children's social care decided the concerns were not substantiated"
            + (
                ": these enquiries are still open"
                if enquiry.status == Section47Enquiry.Status.OPEN
                else ": a conference is already due"
            )
        )
    if enquiry.conference_requests.filter(status=ConferenceRequest.Status.OPEN).exists():
        raise ValidationError("A request for a conference is already waiting for a response")
    if enquiry.conference_requests.filter(status=ConferenceRequest.Status.AGREED).exists():
        raise ValidationError("A conference was already agreed on these enquiries")
    name = required_text(requested_by_name, "requested_by_name", "Enter the name of the person asking for a conference")
    organisation = required_text(requested_by_organisation, "requested_by_organisation", "Enter their organisation")
    reason = required_text(reason, "reason", "Explain the concerns: why a conference is needed")
    request = ConferenceRequest.objects.create(
        enquiry=enquiry,
        requested_by_name=name[:200],
        requested_by_organisation=organisation[:200],
        requested_by=by,
        reason=reason,
        requested_at=timezone.now(),
        recorded_by=by,
    )
    log_write(by, enquiry.child, "conference-request:create")
    for manager in _csc_managers_for(enquiry):
        if manager != by:
            notify(
                recipient=manager,
                subject=f"A conference is requested for {enquiry.child.full_name}",
                body=f"{name} ({organisation}) asks for a child protection conference. Please respond.",
                link=reverse("conference-request-respond", args=[request.pk]),
            )
    return request


@transaction.atomic
def respond_to_conference_request(*, request, by, agree: bool, response) -> ConferenceRequest:
    """A CSC manager agrees or declines a request for a conference, with reasons.

    Agreeing makes `conference_is_due` true and starts a fresh `icpc` clock on the enquiry,
    counted from the agreement. Working Together counts the 15 working days from the strategy
    discussion that started the enquiries (001 L2001), but by the time a request is agreed that
    clock was cancelled (concerns not substantiated) and its date has usually passed; counting
    from the agreement gives the conference a real, enforceable deadline.
    """
    require(may_sign_off(by), "Only a children's social care manager can respond to a request for a conference")
    request = (
        ConferenceRequest.objects.select_for_update(of=("self",))
        .select_related("enquiry__child", "enquiry__lead_social_worker")
        .get(pk=request.pk)
    )
    enquiry = request.enquiry
    child = enquiry.child
    require_access(by, child)
    if request.status != ConferenceRequest.Status.OPEN:
        raise ValidationError(
            f"This request was already answered on {day_text(timezone.localtime(request.responded_at))}: "
            f"{request.get_status_display().lower()}"
        )
    if agree is None:
        raise ValidationError({"agree": "Say whether a conference will be held"})
    response = required_text(response, "response", "Explain the decision to the person who asked")
    now = timezone.now()
    request.status = ConferenceRequest.Status.AGREED if agree else ConferenceRequest.Status.DECLINED
    request.response = response
    request.responded_at = now
    request.responded_by = by
    request.save(update_fields=["status", "response", "responded_at", "responded_by"])
    log_write(by, child, "conference-request:agree" if agree else "conference-request:decline")
    link = reverse("section-47-detail", args=[enquiry.pk])
    if agree:
        deadline = start_clock(
            "icpc",
            enquiry,
            child=child,
            started_at=now,
            anchor_at=now,
            responsible=enquiry.lead_social_worker,
            agency=acting_agency(Agency.Kind.CSC, child=child, by=by),
        )
        if enquiry.lead_social_worker_id:
            notify(
                recipient=enquiry.lead_social_worker,
                subject=f"Initial child protection conference due for {child.full_name}",
                body=f"A request for a conference was agreed. It is due by {due_text(deadline)}.",
                link=link,
            )
    if request.requested_by_id and request.requested_by_id != by.pk:
        notify(
            recipient=request.requested_by,
            subject=f"Your request for a conference about {child.full_name} was {'agreed' if agree else 'declined'}",
            body=response,
            link=link,
        )
    return request


def conference_is_due(enquiry) -> bool:
    """May an initial conference be held on this enquiry? Yes when the concerns were
    substantiated, or when CSC agreed to another professional's request for one (001 L1992)."""
    if enquiry.outcome == Section47Enquiry.Outcome.SUBSTANTIATED:
        return True
    return enquiry.conference_requests.filter(status=ConferenceRequest.Status.AGREED).exists()

"""Child protection conferences, plans and core groups (seed 001 L2001–2058; working-together notes §1.7–1.10, §1.16–1.17).

Every rule of this part of the pathway lives here. Pages, the API and any task
call these functions, which check who may write, refuse illegal moves with a
plain-English ValidationError, start and stop the statutory clocks, and log the
write in the access log.
"""

from collections.abc import Sequence
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency
from casework.text import day_text
from notifications.clocks import cancel_clock, start_clock, stop_clock
from notifications.services import notify

from ..enquiry.services import conference_is_due
from ..involvements.services import held_on
from ..meetings import clean_meeting_actions, participant_fields, save_actions, save_participants
from ..models import (
    AbuseCategory,
    Capacity,
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroupMeeting,
    Involvement,
    Participant,
    Section47Enquiry,
)
from ..permissions import chair_problem, in_social_care, may_record_social_care_work, require
from ..recording import log_write, require_access, save_if_unchanged
from ..services import ConcurrentEditError, open_involvement
from ..who_works_with import acting_agency

Kind = ChildProtectionConference.Kind
EndReason = ChildProtectionPlan.EndReason

PLAN_CLOCKS = ("core_group_first", "cp_review_first", "cp_review_next")
REVIEW_CLOCKS = ("cp_review_first", "cp_review_next")
# The family and the child are told by the social worker, not as "agency representatives" (001 L2057).
FAMILY_CAPACITIES = (Capacity.PARENT_OR_CARER, Capacity.CHILD)
PARTICIPANT_FIELDS = ("name", "organisation", "capacity", "role", "user")


def _writer(by, child):
    """Only children's social care records conferences and plans; others who can see the child may read."""
    decision = require_access(by, child)
    require(may_record_social_care_work(by), "Only children's social care can record conferences and plans")
    return decision


def _check_chair(chair, child, field="chair"):
    problem = chair_problem(chair, child)
    if problem:
        raise ValidationError({field: problem})


def _as_moment(day: date, hour: int = 12) -> datetime:
    """A date as a moment for a clock: midday that day, or now if midday is still to come."""
    return min(timezone.make_aware(datetime.combine(day, time(hour))), timezone.now())


def _participants(rows, **parent) -> list[Participant]:
    people = []
    for row in rows:
        name = (row.get("name") or "").strip()
        if not name:
            raise ValidationError({"invitees": "Enter the name of each person"})
        capacity = row.get("capacity") or Capacity.OTHER_PROFESSIONAL
        if capacity not in Capacity.values:
            raise ValidationError({"invitees": f"{name}: choose in what capacity they take part"})
        people.append(
            {
                **participant_fields(row, name=name, capacity=capacity),
                "invited": row.get("invited", True),
                "attended": row.get("attended"),
                "sent_apologies": bool(row.get("sent_apologies")),
                "written_views": (row.get("written_views") or "").strip(),
            }
        )
    return save_participants(people, **parent)


def participant_row(person: Participant) -> dict:
    return {name: getattr(person, name) for name in PARTICIPANT_FIELDS}


def suggested_invitees(*, enquiry=None, plan=None) -> list[dict]:
    """Who to invite, from the earlier step: the strategy discussion (initial) or the core group (review)."""
    if enquiry is not None:
        people = enquiry.strategy_discussion.participants.select_related("user")
    elif plan is not None:
        people = plan.core_group.select_related("user")
    else:
        return []
    return [participant_row(p) for p in people]


def open_conference_exists(*, kind, enquiry=None, plan=None, child=None) -> bool:
    query = ChildProtectionConference.objects.filter(kind=kind, status=ChildProtectionConference.Status.SCHEDULED)
    if enquiry is not None:
        query = query.filter(enquiry=enquiry)
    if plan is not None:
        query = query.filter(plan=plan)
    if child is not None:
        query = query.filter(child=child)
    return query.exists()


# --- Arranging ----------------------------------------------------------------------------------


@transaction.atomic
def arrange_conference(
    *, child, by, kind, scheduled_for, chair=None, enquiry=None, plan=None, invitees: Sequence[dict] = ()
) -> ChildProtectionConference:
    """Arrange an initial or review conference.

    An initial conference follows a section 47 enquiry whose concerns were
    substantiated, or a professional's request CSC agreed to (001 L1992, L2001);
    a review belongs to the child's active plan (001 L2035–2040). The chair is
    independent of the case's line management (001 L2014).
    """
    _writer(by, child)
    if kind == Kind.INITIAL:
        if enquiry is None or enquiry.child_id != child.pk:
            raise ValidationError({"enquiry": "Choose the section 47 enquiry this conference follows"})
        enquiry = Section47Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if not conference_is_due(enquiry):
            raise ValidationError(
                {"enquiry": "An initial conference needs a section 47 enquiry whose concerns were substantiated"}
            )
        earlier = ChildProtectionConference.objects.filter(kind=Kind.INITIAL, enquiry=enquiry).first()
        if earlier is not None:
            raise ValidationError(
                {
                    "enquiry": "An initial conference was already held on this enquiry"
                    if earlier.held_at
                    else "An initial conference is already arranged for this enquiry"
                }
            )
        plan = None
    elif kind == Kind.REVIEW:
        if plan is None or plan.child_id != child.pk:
            raise ValidationError({"plan": "A review conference needs the child's active child protection plan"})
        plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != ChildProtectionPlan.Status.ACTIVE:
            raise ValidationError({"plan": "A review conference needs the child's active child protection plan"})
        if open_conference_exists(kind=Kind.REVIEW, plan=plan):
            raise ValidationError({"plan": "A review conference is already arranged for this plan"})
        enquiry = None
    else:
        raise ValidationError(
            {"kind": "Arrange an initial or a review conference here. A transfer-in has its own page"}
        )
    if scheduled_for is None:
        raise ValidationError({"scheduled_for": "Enter when the conference will be held"})
    if chair is not None:
        _check_chair(chair, child)
    conference = ChildProtectionConference.objects.create(
        child=child, kind=kind, enquiry=enquiry, plan=plan, scheduled_for=scheduled_for, chair=chair, created_by=by
    )
    _participants(list(invitees) or suggested_invitees(enquiry=enquiry, plan=plan), conference=conference)
    log_write(by, child, "conference:arrange", detail=f"conference {conference.pk}, {kind}")
    return conference


@transaction.atomic
def record_transfer_in(
    *, child, by, notified_on, transferring_authority, scheduled_for=None, chair=None
) -> ChildProtectionConference:
    """A child on another authority's plan moved here: hold a conference within 15 working days
    of being told (001 L2052)."""
    _writer(by, child)
    errors = {}
    if notified_on is None:
        errors["notified_on"] = "Enter the date you were told the child had moved here"
    elif notified_on > timezone.localdate():
        errors["notified_on"] = "The date you were told must be today or in the past"
    transferring_authority = (transferring_authority or "").strip()
    if not transferring_authority:
        errors["transferring_authority"] = "Enter the authority the child moved from"
    if errors:
        raise ValidationError(errors)
    if chair is not None:
        _check_chair(chair, child)
    if ChildProtectionPlan.objects.filter(child=child, status=ChildProtectionPlan.Status.ACTIVE).exists():
        raise ValidationError("This child already has a child protection plan here")
    if open_conference_exists(kind=Kind.TRANSFER_IN, child=child):
        raise ValidationError("A transfer-in conference is already arranged for this child")
    conference = ChildProtectionConference.objects.create(
        child=child,
        kind=Kind.TRANSFER_IN,
        transfer_notified_on=notified_on,
        transferring_authority=transferring_authority,
        scheduled_for=scheduled_for,
        chair=chair,
        created_by=by,
    )
    start_clock(
        "transfer_in_conference",
        conference,
        child=child,
        started_at=timezone.now(),
        anchor_at=timezone.make_aware(datetime.combine(notified_on, time(9))),
        responsible=by if in_social_care(by) else None,
        agency=acting_agency(Agency.Kind.CSC, child=child, by=by),
    )
    log_write(by, child, "conference:transfer-in", detail=f"conference {conference.pk}")
    return conference


# --- Recording a conference -----------------------------------------------------------------------


def _update_attendance(conference, attendance):
    people = {p.pk: p for p in conference.participants.all()}
    for row in attendance:
        person = people.get(int(row.get("participant_id") or 0))
        if person is None:
            raise ValidationError({"attendance": "Record attendance only for people invited to this conference"})
        attended = row.get("attended")
        person.attended = None if attended is None else bool(attended)
        person.sent_apologies = bool(row.get("sent_apologies")) and not person.attended
        person.report_received = bool(row.get("report_received"))
        shared = row.get("report_shared_with_parents")
        person.report_shared_with_parents = shared if person.report_received else None
        person.save(update_fields=["attended", "sent_apologies", "report_received", "report_shared_with_parents"])
    return list(people.values())


def _default_core_group(people) -> list[dict]:
    """The core group, unless named: everyone who attended (professionals and family, 001 L2013)."""
    attended = [p for p in people if p.attended]
    return [participant_row(p) for p in (attended or people)]


@transaction.atomic
def record_conference(
    *,
    conference,
    by,
    expected_version,
    held_at,
    chair,
    attendance: list[dict],
    reports_shared_with_parents,
    parents_told_about_advocacy,
    plan_needed,
    category="",
    lead_social_worker=None,
    core_group: Sequence[dict] = (),
    decision_reasons="",
    outline_plan="",
    court_proceedings_considered="",
    lateness_reason="",
) -> ChildProtectionConference:
    """Record that a conference was held and what it decided.

    Initial: stops the 15-working-day `icpc` clock (a reason is needed when late) and,
    with a plan, starts the plan, the first core group (10 working days) and the first
    review (3 months) (001 L2001, L2013, L2027, L2032). Review: stops the review clock and
    starts the next (6 months), or ends the plan when it is no longer needed (001 L2040,
    L2047). Transfer-in: stops its 15-working-day clock and may start a plan (001 L2052).
    """
    conference = (
        ChildProtectionConference.objects.select_for_update(of=("self",))
        .select_related("child", "plan")
        .get(pk=conference.pk)
    )
    child = conference.child
    _writer(by, child)
    if conference.status == ChildProtectionConference.Status.HELD:
        raise ValidationError(
            f"This conference was recorded as held on {day_text(timezone.localdate(conference.held_at))}. It cannot be recorded again"
        )
    if expected_version is not None and expected_version != conference.version:
        raise ConcurrentEditError(
            "Someone else changed this conference while you were working on it. Your changes were not saved."
        )

    errors = {}
    if held_at is None:
        errors["held_at"] = "Enter when the conference was held"
    elif held_at > timezone.now():
        errors["held_at"] = "The conference must have been held already: enter a time today or in the past"
    problem = chair_problem(chair, child)
    if problem:
        errors["chair"] = problem
    if plan_needed is None:
        errors["plan_needed"] = "Say whether the child needs a child protection plan"
    if reports_shared_with_parents is None:
        errors["reports_shared_with_parents"] = "Say whether the reports were shared with the parents"
    if parents_told_about_advocacy is None:
        errors["parents_told_about_advocacy"] = "Say whether the parents were told about advocacy"
    plan = conference.plan
    if conference.kind == Kind.REVIEW and plan_needed:
        category = category or plan.category
        lead_social_worker = lead_social_worker or plan.lead_social_worker
    if plan_needed:
        if category not in AbuseCategory.values:
            errors["category"] = "Choose the category of abuse"
        if lead_social_worker is None:
            errors["lead_social_worker"] = "Choose the lead social worker"
        elif not in_social_care(lead_social_worker):
            errors["lead_social_worker"] = "The lead social worker must work in children's social care"
        if conference.kind != Kind.REVIEW and not (outline_plan or "").strip():
            errors["outline_plan"] = "Write the outline plan: what must change, by how much and by when"
    else:
        category, lead_social_worker = "", None
    if (
        plan_needed
        and conference.kind != Kind.REVIEW
        and ChildProtectionPlan.objects.filter(child=child, status=ChildProtectionPlan.Status.ACTIVE).exists()
    ):
        errors["plan_needed"] = (
            "This child already has an active child protection plan. Hold a review conference instead"
        )
    if errors:
        raise ValidationError(errors)

    # Clocks first: a late conference without a reason is refused before anything is written.
    if conference.kind == Kind.INITIAL:
        try:
            stop_clock("icpc", conference.enquiry, stopped_at=held_at, reason=lateness_reason)
        except ValidationError as error:
            raise ValidationError({"lateness_reason": error.message_dict.get("reason", error.messages)}) from error
    elif conference.kind == Kind.TRANSFER_IN:
        stop_clock("transfer_in_conference", conference, stopped_at=held_at, reason=lateness_reason)
    else:
        for code in REVIEW_CLOCKS:
            stop_clock(code, plan, stopped_at=held_at, reason=lateness_reason)

    people = _update_attendance(conference, attendance)
    save_if_unchanged(
        conference,
        expected_version=None,
        fields={
            "status": ChildProtectionConference.Status.HELD,
            "held_at": held_at,
            "chair": chair,
            "reports_shared_with_parents": bool(reports_shared_with_parents),
            "parents_told_about_advocacy": bool(parents_told_about_advocacy),
            "plan_needed": bool(plan_needed),
            "category": category,
            "lead_social_worker": lead_social_worker,
            "decision_reasons": (decision_reasons or "").strip(),
            "outline_plan": (outline_plan or "").strip(),
            "court_proceedings_considered": (court_proceedings_considered or "").strip(),
            "recorded_by": by,
        },
    )

    if conference.kind == Kind.REVIEW:
        plan = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        if plan_needed:
            changes = {}
            if category != plan.category:
                changes["category"] = category
            if lead_social_worker != plan.lead_social_worker:
                changes["lead_social_worker"] = lead_social_worker
            save_if_unchanged(plan, expected_version=None, fields=changes)
            start_clock("cp_review_next", plan, child=child, started_at=held_at, responsible=plan.lead_social_worker)
        else:
            end_plan(
                plan=plan,
                by=by,
                expected_version=plan.version,
                ended_on=timezone.localdate(held_at),
                reason=EndReason.NO_LONGER_AT_RISK,
                notes=f"Review conference {day_text(timezone.localdate(held_at))} decided a plan is no longer needed",
            )
    elif plan_needed:
        _start_plan(conference, by=by, core_group=list(core_group) or _default_core_group(people))

    log_write(
        by,
        child,
        "conference:record",
        detail=f"conference {conference.pk}, plan needed: {'yes' if plan_needed else 'no'}",
    )
    return conference


def _start_plan(conference, *, by, core_group) -> ChildProtectionPlan:
    child = conference.child
    if ChildProtectionPlan.objects.filter(child=child, status=ChildProtectionPlan.Status.ACTIVE).exists():
        raise ValidationError(
            {"plan_needed": "This child already has an active child protection plan. Hold a review conference instead"}
        )
    lead = conference.lead_social_worker
    plan = ChildProtectionPlan.objects.create(
        child=child,
        initial_conference=conference,
        started_on=timezone.localdate(conference.held_at),
        initial_category=conference.category,
        category=conference.category,
        lead_social_worker=lead,
        detail=conference.outline_plan,
        created_by=by,
    )
    _participants([{k: row.get(k) for k in PARTICIPANT_FIELDS} for row in core_group], core_group_of=plan)
    agency = acting_agency(Agency.Kind.CSC, child=child, by=lead or by)
    if agency is not None:
        open_involvement(
            child=child,
            agency=agency,
            kind=Involvement.Kind.CP,
            allocated_worker=lead,
            team=lead.team if lead else None,
        )
    # 001 L2032: first core group within 10 working days; L2040: first review within 3 months.
    for code in ("core_group_first", "cp_review_first"):
        start_clock(code, plan, child=child, started_at=conference.held_at, responsible=lead, agency=agency)
    log_write(by, child, "cp-plan:start", detail=f"plan {plan.pk}")
    return plan


# --- The plan and its core group --------------------------------------------------------------------


def _lock_active_plan(plan) -> ChildProtectionPlan:
    plan = ChildProtectionPlan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
    if plan.status != ChildProtectionPlan.Status.ACTIVE:
        raise ValidationError(f"This plan ended on {day_text(plan.ended_on)}. It cannot be changed")
    return plan


@transaction.atomic
def record_core_group_meeting(
    *, plan, by, held_on, attendance: list[dict], progress, decisions, actions: list[dict]
) -> CoreGroupMeeting:
    """A core group meeting: who came, the written views of those who could not (001 L2027),
    progress, decisions and who will do what by when. The first stops the 10-working-day clock (001 L2032)."""
    _writer(by, plan.child)
    plan = _lock_active_plan(plan)
    child = plan.child
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on > timezone.localdate():
        errors["held_on"] = "The meeting date must be today or in the past"
    elif held_on < plan.started_on:
        errors["held_on"] = f"The meeting must be on or after the plan started ({day_text(plan.started_on)})"
    members = {p.pk: p for p in plan.core_group.all()}
    rows = []
    for row in attendance:
        person = members.get(int(row.get("participant_id") or 0))
        if person is None:
            errors["attendance"] = "Record attendance only for members of this core group"
            break
        rows.append(
            {
                **participant_row(person),
                "attended": bool(row.get("attended")),
                "written_views": row.get("written_views") or "",
            }
        )
    if not (decisions or "").strip():
        errors["decisions"] = "Write what the core group decided"
    clean_actions, problem = clean_meeting_actions(actions)
    if problem:
        errors["actions"] = problem
    if errors:
        raise ValidationError(errors)
    meeting = CoreGroupMeeting.objects.create(
        plan=plan,
        child=child,
        held_on=held_on,
        progress=(progress or "").strip(),
        decisions=decisions.strip(),
        recorded_by=by,
    )
    _participants(rows, core_group_meeting=meeting)
    save_actions(child, clean_actions, core_group_meeting=meeting)
    stop_clock("core_group_first", plan, stopped_at=_as_moment(held_on))
    log_write(by, child, "core-group:record", detail=f"plan {plan.pk}, meeting {meeting.pk}")
    return meeting


PLAN_EDITABLE = ("detail", "child_agrees", "lead_social_worker")


@transaction.atomic
def update_plan(*, plan, by, expected_version, data: dict) -> ChildProtectionPlan:
    """Turn the outline into the detailed plan, record whether the child agrees, change the lead (001 L2027)."""
    _writer(by, plan.child)
    plan = _lock_active_plan(plan)
    unknown = set(data) - set(PLAN_EDITABLE)
    if unknown:
        raise ValidationError({name: "This cannot be changed here" for name in sorted(unknown)})
    if "lead_social_worker" in data:
        lead = data["lead_social_worker"]
        if lead is None:
            raise ValidationError({"lead_social_worker": "Choose the lead social worker"})
        if not in_social_care(lead):
            raise ValidationError({"lead_social_worker": "The lead social worker must work in children's social care"})
    if "detail" in data:
        data = {**data, "detail": (data["detail"] or "").strip()}
    changes = {name: value for name, value in data.items() if getattr(plan, name) != value}
    save_if_unchanged(plan, expected_version=expected_version, fields=changes)
    if changes.get("lead_social_worker"):
        lead = changes["lead_social_worker"]
        for involvement in Involvement.objects.filter(
            child=plan.child, kind=Involvement.Kind.CP, end__isnull=True, agency__kind=Agency.Kind.CSC
        ):
            involvement.allocated_worker = lead
            involvement.team = lead.team or involvement.team
            involvement.save(update_fields=["allocated_worker", "team"])
    log_write(by, plan.child, "cp-plan:update", detail="changed: " + (", ".join(sorted(changes)) or "nothing"))
    return plan


@transaction.atomic
def end_plan(
    *,
    plan,
    by,
    expected_version,
    ended_on,
    reason,
    notes="",
    receiving_authority="",
    receiving_authority_notified_on=None,
    receiving_conference_on=None,
) -> ChildProtectionPlan:
    """End a plan for one of the reasons in 001 L2047–2053, and tell every agency invited to the
    initial conference that led to it (001 L2057)."""
    _writer(by, plan.child)
    plan = (
        ChildProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("child", "initial_conference")
        .get(pk=plan.pk)
    )
    child = plan.child
    if plan.status == ChildProtectionPlan.Status.ENDED:
        raise ValidationError(f"This plan ended on {day_text(plan.ended_on)}")
    if expected_version is not None and expected_version != plan.version:
        raise ConcurrentEditError(
            "Someone else changed this plan while you were working on it. Your changes were not saved."
        )
    errors = {}
    if reason not in EndReason.values:
        errors["reason"] = "Choose why the plan is ending"
    if ended_on is None:
        errors["ended_on"] = "Enter the date the plan ends"
    elif ended_on > timezone.localdate():
        errors["ended_on"] = "The end date must be today or in the past"
    elif ended_on < plan.started_on:
        errors["ended_on"] = f"The end date must be on or after the plan started ({day_text(plan.started_on)})"
    receiving_authority = (receiving_authority or "").strip()
    if reason == EndReason.MOVED_AWAY:
        # 001 L2052: the receiving authority holds a conference; only after it may this plan end.
        if not receiving_authority:
            errors["receiving_authority"] = "Enter the authority the child moved to"
        if receiving_authority_notified_on is None:
            errors["receiving_authority_notified_on"] = "Enter when the receiving authority was told of the move"
        if receiving_conference_on is None:
            errors["receiving_conference_on"] = (
                "Enter the date of the receiving authority's conference. The plan can end only after it"
            )
        elif ended_on and receiving_conference_on > ended_on:
            errors["receiving_conference_on"] = (
                f"The receiving authority's conference is on {day_text(receiving_conference_on)}. "
                "The plan can end only after that conference"
            )
        elif receiving_authority_notified_on and receiving_conference_on < receiving_authority_notified_on:
            errors["receiving_conference_on"] = (
                "Their conference must be on or after the date they were told of the move"
            )
    else:
        receiving_authority, receiving_authority_notified_on, receiving_conference_on = "", None, None
    if reason == EndReason.TURNED_18 and ended_on:
        if child.date_of_birth is None:
            errors["reason"] = "The child's date of birth is not recorded, so they cannot have reached 18"
        else:
            birthday = child.date_of_birth + relativedelta(years=18)
            if ended_on < birthday:
                errors["reason"] = (
                    f"{child.first_name} turns 18 on {day_text(birthday)}. The plan can end for this reason from then"
                )
    if errors:
        raise ValidationError(errors)

    told = _tell_invitees(plan, reason)
    save_if_unchanged(
        plan,
        expected_version=None,
        fields={
            "status": ChildProtectionPlan.Status.ENDED,
            "ended_on": ended_on,
            "end_reason": reason,
            "end_notes": (notes or "").strip(),
            "receiving_authority": receiving_authority,
            "receiving_authority_notified_on": receiving_authority_notified_on,
            "receiving_conference_on": receiving_conference_on,
            "ended_by": by,
            "ending_notified": told,
        },
    )
    why = f"Plan ended: {EndReason(reason).label}"
    for code in PLAN_CLOCKS:
        cancel_clock(code, plan, reason=why)
    carried_on = []
    for involvement in Involvement.objects.filter(
        child=child, kind=Involvement.Kind.CP, end__isnull=True, agency__kind=Agency.Kind.CSC
    ):
        end = max(ended_on, involvement.start)
        # The conference ends the plan whatever else holds, but CSC itself may have to stay open
        # (000 ¶20.5, after a custodial sentence): its work then carries on as child in need.
        if held_on(involvement, end) is not None:
            carried_on.append(
                open_involvement(
                    child=child,
                    agency=involvement.agency,
                    kind=Involvement.Kind.CIN,
                    allocated_worker=involvement.allocated_worker,
                    team=involvement.team,
                )
            )
        involvement.end = end
        involvement.save(update_fields=["end"])
    detail = f"plan {plan.pk}, {reason}, {len(told)} told"
    if carried_on:
        detail += "; CSC stays open after custody: child in need opened"
    log_write(by, child, "cp-plan:end", detail=detail)
    return plan


def _tell_invitees(plan, reason) -> list[dict]:
    """Every agency representative invited to the initial conference that led to the plan (001 L2057)."""
    told = []
    link = reverse("cp-plan-detail", args=[plan.pk])
    for person in (
        plan.initial_conference.participants.filter(invited=True)
        .exclude(capacity__in=FAMILY_CAPACITIES)
        .select_related("user")
    ):
        if person.user_id:
            notify(
                recipient=person.user,
                subject="A child protection plan you were involved in has ended",
                body=f"Reason: {EndReason(reason).label}.",
                link=link,
            )
        told.append({"name": person.name, "organisation": person.organisation, "in_app": bool(person.user_id)})
    return told

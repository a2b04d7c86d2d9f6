"""Worktray rows that wait for a manager's say: assessment sign-offs, MASH decisions to authorise,
serious incident and AIM quality assurance, and professional disagreements at the user's stage.

Each asks the rule its own service applies (named beside each source), in one or two queries, and
lists only records about children the user may open (accounts.access).
"""

from datetime import timedelta

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.line_management import teams_led_by
from casework.assessment.selectors import waiting_for_sign_off_by
from casework.hsb.services import is_csc_manager, is_cyjs_manager
from casework.incidents.services import QA_ROLES
from casework.joint.services import answers_stage
from casework.models import Assessment, HsbConsultation, JointWorkingDisagreement, SeriousIncident
from casework.permissions import may_sign_off
from notifications.models import Deadline
from notifications.selectors import next_open_clock_due
from referrals.models import Contact, Decision, Disagreement
from referrals.services import STAGE_ROLES, contacts_decided_for_by

from .items import WorkItem

STAGE_CLOCK = "escalation_stage_response"


def _visible(user, prefix="child"):
    return Q(**{f"{prefix}__in": access.visible_children(user).values("pk")})


def _due_flags(item: WorkItem, now) -> WorkItem:
    item.overdue = item.due_at is not None and item.due_at <= now
    item.due_soon = item.due_at is not None and not item.overdue and item.due_at <= now + timedelta(days=1)
    return item


def sign_off_items(user, *, now=None) -> list[WorkItem]:
    """casework.assessment.services.sign_off_assessment: a social care manager who did not complete
    it; here, the manager of the team of the assessment's social worker (or of whoever completed it)."""
    if not may_sign_off(user):
        return []
    now = now or timezone.now()
    teams = teams_led_by(user).values("pk")
    worker_in_my_teams = Q(social_worker__team__in=teams) | Q(social_worker__isnull=True, completed_by__team__in=teams)
    assessments = (
        Assessment.objects.filter(worker_in_my_teams, _visible(user), waiting_for_sign_off_by(user))
        .annotate(
            clock_due=Subquery(
                Deadline.objects.filter(
                    child=OuterRef("child"), rule_code="assessment", status__in=Deadline.OPEN_STATUSES
                )
                .order_by("due_at")
                .values("due_at")[:1]
            )
        )
        .select_related("child", "completed_by")
    )
    return [
        _due_flags(
            WorkItem(
                kind="sign_off",
                title="Sign off an assessment",
                url=reverse("assessment-sign-off", args=[a.pk]),
                child_id=a.child_id,
                child_name=a.child.full_name,
                due_at=a.clock_due,
                detail=f"Completed by {a.completed_by.display_name}" if a.completed_by is not None else "",
                since=a.completed_at,
            ),
            now,
        )
        for a in assessments
    ]


def authorisation_items(user, *, now=None) -> list[WorkItem]:
    """referrals.services.authorise_decision: a manager who decides for the contact (MASH of the
    authority whose front door holds it, or a manager of the agency holding it)."""
    if not user.is_manager or not user.agency_id:
        return []
    now = now or timezone.now()
    decisions = Decision.objects.filter(
        contacts_decided_for_by(user, "contact__"),
        _visible(user, "contact__child"),
        authorised_at__isnull=True,
        contact__status=Contact.Status.OPEN,
    ).select_related("contact__child", "decided_by")
    return [
        _due_flags(
            WorkItem(
                kind="authorisation",
                title=f"Authorise a MASH decision: {d.get_outcome_display()}",
                url=reverse("contact-authorise", args=[d.contact_id]),
                child_id=d.contact.child_id,
                child_name=d.contact.child.full_name,
                due_at=d.contact.decision_due_at,
                detail=f"Proposed by {d.decided_by.display_name}",
                since=d.decided_at,
            ),
            now,
        )
        for d in decisions
    ]


def incident_qa_items(user, *, now=None) -> list[WorkItem]:
    """casework.incidents.services.quality_assure: a team or senior manager of the incident's agency,
    once the criteria are checked, never the person who completed the briefing."""
    if user.role not in QA_ROLES or not user.agency_id:
        return []
    incidents = (
        SeriousIncident.objects.filter(_visible(user), agency_id=user.agency_id, status=SeriousIncident.Status.VERIFIED)
        .exclude(completed_by=user)
        .select_related("child", "completed_by")
    )
    return [
        WorkItem(
            kind="incident_qa",
            title=f"Quality assure a serious incident briefing: {i.get_category_display()}",
            url=reverse("serious-incident-detail", args=[i.pk]),
            child_id=i.child_id,
            child_name=i.child.full_name,
            detail=f"Completed by {i.completed_by.display_name}",
            since=i.verified_at,
        )
        for i in incidents
    ]


def hsb_qa_items(user, *, now=None) -> list[WorkItem]:
    """casework.hsb.services.qa_problem: after the AIM assessment, one CYJS manager and one
    children's social care manager of the authority each record quality assurance."""
    if is_cyjs_manager(user):
        mine_missing = Q(qa_cyjs_manager__isnull=True)
    elif is_csc_manager(user):
        mine_missing = Q(qa_csc_manager__isnull=True)
    else:
        return []
    consultations = (
        HsbConsultation.objects.filter(
            mine_missing,
            _visible(user),
            status=HsbConsultation.Status.AIM_ASSESSMENT,
            aim_completed_on__isnull=False,
            requested_by__agency__authority_id=user.agency.authority_id,
        )
        .exclude(Q(qa_cyjs_manager=user) | Q(qa_csc_manager=user))
        .select_related("child")
    )
    return [
        WorkItem(
            kind="hsb_qa",
            title="Quality assure an AIM assessment",
            url=reverse("hsb-consultation-detail", args=[c.pk]),
            child_id=c.child_id,
            child_name=c.child.full_name,
            detail=f"Completed {c.aim_completed_on:%-d %b %Y}",
        )
        for c in consultations
    ]


def disagreement_items(user, *, now=None) -> list[WorkItem]:
    """Front-door disagreements (referrals.services.respond_to_disagreement: the stage's roles of the
    contact's agency) and joint working ones (casework.joint.services.answers_stage)."""
    now = now or timezone.now()
    stages = [stage for stage, roles in STAGE_ROLES.items() if user.role in roles]
    items = []
    if stages and user.agency_id:
        front_door = (
            Disagreement.objects.filter(
                _visible(user, "contact__child"),
                status=Disagreement.Status.OPEN,
                stage__in=stages,
                contact__agency_id=user.agency_id,
            )
            .annotate(clock_due=next_open_clock_due(Disagreement, (STAGE_CLOCK,)))
            .select_related("contact__child", "raised_by")
        )
        items += [
            _due_flags(
                WorkItem(
                    kind="disagreement",
                    title=f"Answer a disagreement with a MASH decision ({d.get_stage_display().lower()} stage)",
                    url=reverse("contact-detail", args=[d.contact_id]),
                    child_id=d.contact.child_id,
                    child_name=d.contact.child.full_name,
                    due_at=d.clock_due,
                    detail=f"Raised by {d.raised_by.display_name}",
                    since=d.raised_at,
                ),
                now,
            )
            for d in front_door
        ]
    if user.is_manager and user.agency_id:
        items += _joint_disagreement_items(user, now)
    return items


def _joint_disagreement_items(user, now) -> list[WorkItem]:
    joint = (
        JointWorkingDisagreement.objects.filter(_visible(user), status=JointWorkingDisagreement.Status.OPEN)
        .annotate(clock_due=next_open_clock_due(JointWorkingDisagreement, (STAGE_CLOCK,)))
        .select_related("child", "raised_by__agency")
    )
    return [
        _due_flags(
            WorkItem(
                kind="disagreement",
                title=f"Answer a joint working disagreement ({d.stage_label.lower()})",
                url=reverse("joint-disagreement-detail", args=[d.pk]),
                child_id=d.child_id,
                child_name=d.child.full_name,
                due_at=d.clock_due,
                detail=f"Raised by {d.raised_by.display_name}",
                since=d.raised_at,
            ),
            now,
        )
        for d in joint
        if answers_stage(user, d)
    ]

"""Reads for a manager who runs several teams: their teams side by side, and what escalated to them.

Escalations that reach a manager are the missed deadlines the sweep escalated to them
(`DeadlineNotice` of the escalation kind, while the deadline is still open) and the professional
disagreements at a stage they answer: a challenge to a MASH decision (referrals.services
STAGE_ROLES, in the agency holding the contact) or a CSC/CYJS joint-working disagreement
(casework.joint.services.answers_stage).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from accounts.access import visible_children, visible_contacts
from casework.joint.services import answers_stage
from casework.models import Child, JointWorkingDisagreement
from notifications.models import Deadline, DeadlineNotice
from notifications.selectors import deadlines_visible_to
from referrals.models import Disagreement
from referrals.services import STAGE_ROLES

from .work_items import counts_by_team

# A manager's own escalations are few; a page this long is never cut short in practice, and if it were
# the heading says how many there are.
ESCALATIONS_SHOWN = 100


def teams_side_by_side(*, teams, now=None) -> list[dict]:
    """One row a team: open work, not allocated, overdue and assessments waiting for sign-off.

    Counts name no child, so every row counts (as on the performance dashboard); each team's own
    page lists only the children the manager may see."""
    counts = counts_by_team([team.pk for team in teams], now=now or timezone.now())
    return [{"team": team, **counts[team.pk]} for team in teams]


@dataclass(frozen=True)
class Escalation:
    what: str
    child: Child
    due_at: datetime | None
    link: str
    stage: str = ""

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()


def _stage_due(model):
    return Subquery(
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id=OuterRef("pk"),
            status__in=Deadline.OPEN_STATUSES,
        )
        .order_by("due_at")
        .values("due_at")[:1]
    )


def _escalated_deadlines(user) -> list[Escalation]:
    notices = DeadlineNotice.objects.filter(
        recipient=user, kind=DeadlineNotice.Kind.ESCALATION, deadline__status__in=Deadline.OPEN_STATUSES
    ).values("deadline_id")
    deadlines = deadlines_visible_to(user, Deadline.objects.filter(pk__in=notices))
    return [
        Escalation(
            what=deadline.rule.title,
            child=deadline.child,
            due_at=deadline.due_at,
            link=reverse("child-detail", args=[deadline.child_id]),
        )
        for deadline in deadlines.select_related("rule", "child").order_by("due_at")[:ESCALATIONS_SHOWN]
    ]


def _challenges(user) -> list[Escalation]:
    stages = [stage for stage, roles in STAGE_ROLES.items() if user.role in roles]
    if not stages or not user.agency_id:
        return []
    challenged = visible_contacts(user).filter(agency_id=user.agency_id).values("pk")
    found = (
        Disagreement.objects.filter(status=Disagreement.Status.OPEN, stage__in=stages, contact__in=challenged)
        .annotate(due_at=_stage_due(Disagreement))
        .select_related("contact__child")
        .order_by("raised_at")[:ESCALATIONS_SHOWN]
    )
    return [
        Escalation(
            what="Challenge to a MASH decision",
            child=disagreement.contact.child,
            due_at=disagreement.due_at,
            link=reverse("contact-detail", args=[disagreement.contact_id]),
            stage=disagreement.get_stage_display(),
        )
        for disagreement in found
    ]


def _joint_disagreements(user) -> list[Escalation]:
    if not user.agency_id:
        return []
    found = (
        JointWorkingDisagreement.objects.filter(
            status=JointWorkingDisagreement.Status.OPEN, child__in=visible_children(user).values("pk")
        )
        .annotate(due_at=_stage_due(JointWorkingDisagreement))
        .select_related("child")
        .order_by("raised_at")[:ESCALATIONS_SHOWN]
    )
    return [
        Escalation(
            what="Joint working disagreement",
            child=disagreement.child,
            due_at=disagreement.due_at,
            link=reverse("joint-disagreement-detail", args=[disagreement.pk]),
            stage=f"Stage {disagreement.stage}",
        )
        for disagreement in found
        if answers_stage(user, disagreement)
    ]


def escalations_reaching(*, user) -> list[Escalation]:
    """What escalated to `user`, soonest due first (those without a due date last)."""
    rows = _escalated_deadlines(user) + _challenges(user) + _joint_disagreements(user)
    return sorted(rows, key=lambda row: (row.due_at is None, row.due_at or timezone.now()))

"""Reads for lead agency decisions and joint working disagreements, scoped by the access policy,
the joint working protocol (Section.JOINT) and, for disagreements, managers only (part B PE, 000 L9763)."""

from accounts import access
from accounts.models import Agency
from notifications.models import Deadline
from notifications.selectors import deadlines_of

from ..justice.sharing import Section, may_read_section
from ..models import Involvement, JointWorkingDisagreement, LeadAgencyDecision, Relationship
from . import services

CLOCK_TITLES = {
    services.PLANNING: "Hold the joint planning meeting",
    services.STAGE_CLOCK: "Respond at this stage",
}


def decisions_for(user):
    """Lead agency decisions of children the user may see; none for a user who may not read the section."""
    if not user.is_authenticated or not may_read_section(user, Section.JOINT):
        return LeadAgencyDecision.objects.none()
    return LeadAgencyDecision.objects.filter(child__in=access.visible_children(user)).select_related(
        "lead_agency", "decided_by"
    )


def disagreements_for(user):
    """Disagreements of children the user may see; none unless the user is a manager of CSC or CYJS."""
    if not services.may_see_disagreements(user):
        return JointWorkingDisagreement.objects.none()
    return JointWorkingDisagreement.objects.filter(child__in=access.visible_children(user)).select_related(
        "raised_by__agency"
    )


def clocks_of(record, codes=None):
    """The record's deadlines (newest first), each with `title`, `due` text and `overdue`."""
    return deadlines_of(record, CLOCK_TITLES, codes)


def stage_clocks(disagreement):
    """The disagreement's response deadlines, newest first, titled by stage (each stage starts one)."""
    rows = clocks_of(disagreement, (services.STAGE_CLOCK,))
    for number, row in enumerate(reversed(rows), start=1):
        row.title = f"Respond at stage {number}"
    return rows


def open_clock(record, code):
    return next((d for d in clocks_of(record, (code,)) if d.status in Deadline.OPEN_STATUSES), None)


def decision_history(child):
    """All the child's decisions, newest (the one in force) first."""
    return list(LeadAgencyDecision.objects.filter(child=child).select_related("lead_agency", "decided_by"))


def household_children(*, child, viewer):
    """Other children living with this child whom the viewer may see, each with the kinds of agency
    (CSC, CYJS) open to them: where CYJS works with one and CSC with another, a household planning
    meeting is needed (003 ¶10, somerset-vs-lancashire §1.11). Two queries."""
    ids = list(
        Relationship.objects.filter(child=child, lives_with_child=True, person__child_record__isnull=False)
        .exclude(person__child_record=child)
        .values_list("person__child_record_id", flat=True)
    )
    if not ids:
        return []
    children = {c.pk: c for c in access.visible_children(viewer).filter(pk__in=ids)}
    for c in children.values():
        c.joint_kinds = set()
    for child_id, kind in Involvement.objects.filter(
        child_id__in=list(children), end__isnull=True, agency__kind__in=services.JOINT_KINDS
    ).values_list("child_id", "agency__kind"):
        children[child_id].joint_kinds.add(kind)
    labels = dict(Agency.Kind.choices)
    rows = sorted(children.values(), key=lambda c: (c.last_name, c.first_name, c.pk))
    for c in rows:
        c.joint_labels = [labels[k] for k in services.JOINT_KINDS if k in c.joint_kinds]
    return rows

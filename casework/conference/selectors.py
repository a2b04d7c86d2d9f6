"""Reads for conferences and plans, always scoped by the access policy."""

from accounts import access
from accounts.models import Agency, Role, User
from notifications.models import Deadline
from notifications.selectors import deadlines_of

from ..models import ChildProtectionConference, ChildProtectionPlan
from ..permissions import CASEWORK_ROLES
from ..who_works_with import allocated_worker

CLOCK_TITLES = {
    "core_group_first": "First core group meeting",
    "cp_review_first": "First review conference",
    "cp_review_next": "Next review conference",
    "transfer_in_conference": "Transfer-in conference",
    "icpc": "Initial conference",
}


def conferences_for(user):
    return ChildProtectionConference.objects.filter(child__in=access.visible_children(user)).select_related(
        "child", "chair", "lead_social_worker"
    )


def plans_for(user):
    return ChildProtectionPlan.objects.filter(child__in=access.visible_children(user)).select_related(
        "child", "lead_social_worker"
    )


def clocks_of(subject, codes=None):
    """The deadlines of a record (newest first), each with `title` and `due` text for a page."""
    return deadlines_of(subject, CLOCK_TITLES, codes)


def next_review(plan):
    """The open review deadline of a plan, or None."""
    return next(
        (d for d in clocks_of(plan, ("cp_review_first", "cp_review_next")) if d.status in Deadline.OPEN_STATUSES), None
    )


def chairs_for(user):
    """Independent chairs in the user's authority (the service checks each choice)."""
    query = User.objects.filter(role=Role.CONFERENCE_CHAIR, is_active=True)
    if user.agency_id:
        query = query.filter(agency__authority_id=user.agency.authority_id)
    return query.order_by("last_name", "first_name")


def social_workers_for(user):
    query = User.objects.filter(
        agency__kind=Agency.Kind.CSC, is_active=True, role__in=CASEWORK_ROLES - {Role.CONFERENCE_CHAIR}
    )
    if user.agency_id:
        query = query.filter(agency__authority_id=user.agency.authority_id)
    return query.order_by("last_name", "first_name")


def lead_social_worker(conference, *, authority):
    """Who the conference is likely to name as lead social worker: the plan's, else the enquiry's,
    else the child's allocated social worker in the authority's social care."""
    if conference.plan_id:
        return conference.plan.lead_social_worker
    if conference.enquiry_id and conference.enquiry.lead_social_worker_id:
        return conference.enquiry.lead_social_worker
    return allocated_worker(conference.child, Agency.Kind.CSC, authority=authority)

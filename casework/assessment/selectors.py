"""Reads for the assessment and child in need plan, always scoped to children the user may see."""

from django.db.models import Q

from accounts.access import visible_children
from accounts.models import Agency, User
from referrals.models import Contact

from ..models import Assessment, ChildInNeedPlan
from ..permissions import CASEWORK_ROLES, may_sign_off


def waiting_for_sign_off_by(user) -> Q:
    """Assessments that wait for this user's sign-off, as sign_off_assessment decides it: a social
    care manager who did not complete it (001 L1775). None for anyone who may not sign off."""
    if not may_sign_off(user):
        return Q(pk__in=[])
    return Q(status=Assessment.Status.AWAITING_SIGN_OFF) & ~Q(completed_by_id=user.pk)


def assessment_list(*, fetched_by, child_id=None, status=None):
    queryset = Assessment.objects.filter(child__in=visible_children(fetched_by)).select_related(
        "child", "social_worker", "completed_by", "signed_off_by"
    )
    if child_id:
        queryset = queryset.filter(child_id=child_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-started_on", "-id")


def cin_plan_list(*, fetched_by, child_id=None, status=None):
    queryset = ChildInNeedPlan.objects.filter(child__in=visible_children(fetched_by)).select_related(
        "child", "lead_social_worker"
    )
    if child_id:
        queryset = queryset.filter(child_id=child_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-started_on", "-id")


def social_workers(*, for_user, child=None):
    """People who can hold an assessment or plan: social care caseworkers in the user's authority."""
    queryset = User.objects.filter(is_active=True, agency__kind=Agency.Kind.CSC, role__in=CASEWORK_ROLES)
    if for_user.agency_id:
        queryset = queryset.filter(agency__authority_id=for_user.agency.authority_id)
    return queryset.order_by("first_name", "last_name")


def latest_contact(child):
    return Contact.objects.filter(child=child).order_by("-received_at").first()

"""Reads for strategy discussions and section 47 enquiries, always scoped by the access policy."""

from accounts.access import visible_children

from ..models import Section47Enquiry, StrategyDiscussion


def discussion_list(*, fetched_by, child_id=None):
    """Strategy discussions about children the user may see (filtered in SQL)."""
    rows = StrategyDiscussion.objects.filter(child__in=visible_children(fetched_by)).select_related("child")
    if child_id:
        rows = rows.filter(child_id=child_id)
    return rows.prefetch_related("participants", "actions").order_by("-held_at", "-created_at", "-id")


def enquiry_list(*, fetched_by, child_id=None, status=None):
    rows = Section47Enquiry.objects.filter(child__in=visible_children(fetched_by)).select_related(
        "child", "lead_social_worker", "strategy_discussion"
    )
    if child_id:
        rows = rows.filter(child_id=child_id)
    if status:
        rows = rows.filter(status=status)
    return rows.prefetch_related("conference_requests").order_by("-started_on", "-id")


def discussion_with_details():
    return StrategyDiscussion.objects.select_related("child", "recorded_by", "created_by").prefetch_related(
        "participants", "actions"
    )


def enquiry_with_details():
    return Section47Enquiry.objects.select_related(
        "child", "lead_social_worker", "strategy_discussion", "outcome_recorded_by"
    ).prefetch_related("conference_requests")

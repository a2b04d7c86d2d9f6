"""Reads of children, always through the access policy."""

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.access import visible_children
from accounts.models import Agency

from .models import Involvement
from .validators import normalise_nhs_number


def child_search(*, fetched_by, query: str = "", date_of_birth=None) -> QuerySet:
    """Children the user may see, matching a name, NHS number or date of birth.

    Filtering happens in SQL on top of the access policy, so a search never
    reveals that a child the user may not see exists.
    """
    children = visible_children(fetched_by)
    query = (query or "").strip()
    digits = normalise_nhs_number(query)
    if re.fullmatch(r"\d{10}", digits):
        children = children.filter(nhs_number=digits)
    else:
        for term in query.split():
            children = children.filter(
                Q(first_name__icontains=term)
                | Q(middle_names__icontains=term)
                | Q(last_name__icontains=term)
                | Q(also_known_as__icontains=term)
            )
    if date_of_birth:
        children = children.filter(Q(date_of_birth=date_of_birth) | Q(expected_date_of_birth=date_of_birth))
    return children.order_by("last_name", "first_name", "id")


def my_work(*, user) -> QuerySet:
    """Open involvements allocated to the user, or, for managers, to their teams."""
    mine = Q(allocated_worker=user)
    if user.is_manager:
        mine |= Q(team__manager=user) | Q(allocated_worker__line_manager=user)
    return (
        Involvement.objects.filter(mine, end__isnull=True)
        .select_related("child", "agency", "allocated_worker", "team")
        .order_by("child__last_name", "child__first_name")
    )


def household(*, child):
    """The people around the child, with any other child's own record."""
    return child.relationships.select_related("person", "person__child_record").order_by("kind", "person__last_name")


def allocated_social_worker(child):
    """The child's allocated CSC social worker, or None: the one on the looked-after involvement
    first (their duties follow the child into court and custody), else the lead involvement's,
    else the most recently opened; only active users."""
    involvement = (
        Involvement.objects.filter(
            child=child, agency__kind=Agency.Kind.CSC, end__isnull=True,
            allocated_worker__isnull=False, allocated_worker__is_active=True,
        )
        .select_related("allocated_worker")
        .order_by(
            Case(When(kind=Involvement.Kind.CLA, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "-is_lead_agency", "-start", "-pk",
        )
        .first()
    )
    return involvement.allocated_worker if involvement else None

"""Reads of children, always through the access policy."""

import re

from django.db.models import Q, QuerySet

from accounts.access import visible_children

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

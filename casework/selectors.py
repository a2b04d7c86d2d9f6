"""Reads of children, always through the access policy."""

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts import access
from accounts.access import visible_children

from .models import Involvement, Person
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


HIDDEN_HOUSEHOLD_MEMBER = "Another child in the household"


@dataclass(frozen=True)
class HouseholdMember:
    """One person around the child, as this viewer may see them.

    Another child whose record the viewer may not open is `hidden`: only the kind of relationship
    and whether they live with the child are kept, so the practitioner knows another child is there
    (a risk to siblings) but not who. Adults, and children the viewer may see, are shown in full.
    """

    kind: str
    kind_label: str
    lives_with_child: bool
    hidden: bool = False
    person: Person | None = None
    child_id: int | None = None

    @property
    def name(self) -> str:
        return HIDDEN_HOUSEHOLD_MEMBER if self.hidden else str(self.person)

    @property
    def date_of_birth(self):
        return None if self.hidden else self.person.date_of_birth


def household(*, child, viewer) -> list[HouseholdMember]:
    """The people around the child, as `viewer` may see them (see HouseholdMember). Two queries."""
    relationships = list(
        child.relationships.select_related("person").order_by("kind", "person__last_name", "person__first_name", "pk")
    )
    visible = access.visible_child_ids(viewer, [r.person.child_record_id for r in relationships])
    members = []
    for r in relationships:
        linked = r.person.child_record_id
        common = {"kind": r.kind, "kind_label": r.get_kind_display(), "lives_with_child": r.lives_with_child}
        if linked is not None and linked not in visible:
            members.append(HouseholdMember(**common, hidden=True))
        else:
            members.append(HouseholdMember(**common, person=r.person, child_id=linked))
    # Hidden children after the named people of the same kind: where they fell among the names would hint at theirs.
    return sorted(members, key=lambda m: (m.kind, m.hidden))

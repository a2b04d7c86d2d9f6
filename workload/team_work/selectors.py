"""Reads for Team work: a team's open work for its manager, and a manager's teams side by side.

Which teams are a manager's is `accounts.line_management.teams_led_by`; which children they may
see is `accounts.access`. Rows whose child the manager may not see are left out and counted, so
the page can say how many it cannot show without saying anything about them.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.line_management import teams_led_by
from accounts.models import User
from casework.models import Assessment, Child, Involvement, Remand, YouthJusticeOrder
from notifications.clocks import due_text
from notifications.models import Deadline
from notifications.selectors import AMBER, RED, with_rag
from referrals.pagination import CappedPaginator
from referrals.selectors import COUNT_CAP

from . import sources
from .work_items import AWAITING_ME, DUE_THIS_WEEK, OVERDUE, Conditions, count_items, page_of_items

PER_PAGE = 25

KIND_LABELS = {
    sources.INVOLVEMENT: "Involvement",
    sources.CONTACT: "Contact",
    sources.ASSESSMENT: "Assessment",
    sources.ENQUIRY: "Section 47 enquiry",
    sources.CIN_PLAN: "Child in need plan",
    sources.CP_PLAN: "Child protection plan",
    sources.ORDER: "Youth justice order",
    sources.REMAND: "Remand",
    sources.CUSTODY: "Police custody",
}
# The kind filter: youth justice orders, remands and custody are one choice.
KIND_CHOICES = (
    (sources.INVOLVEMENT, "Involvements"),
    (sources.CONTACT, "Contacts"),
    (sources.ASSESSMENT, "Assessments"),
    (sources.ENQUIRY, "Section 47 enquiries"),
    (sources.CIN_PLAN, "Child in need plans"),
    (sources.CP_PLAN, "Child protection plans"),
    ("youth_justice", "Youth justice work"),
)
STATE_CHOICES = ((OVERDUE, "Overdue"), (DUE_THIS_WEEK, "Due this week"), (AWAITING_ME, "Waiting for me"))
LINKS = {
    sources.INVOLVEMENT: "child-detail",
    sources.CONTACT: "contact-detail",
    sources.ASSESSMENT: "assessment-detail",
    sources.ENQUIRY: "section-47-detail",
    sources.CIN_PLAN: "cin-plan-detail",
    sources.CP_PLAN: "cp-plan-detail",
    sources.ORDER: "order-detail",
    sources.REMAND: "remand-detail",
    sources.CUSTODY: "custody-detail",
}
CONTACT_STATES = {
    sources.AWAITING_AUTHORISATION: "Decision waiting for authorisation",
    sources.NOT_RATED: "Not rated",
    "red": "Rated red",
    "amber": "Rated amber",
    "green": "Rated green",
    "none": "No target",
}


def _kind_words(kind, detail) -> str:
    """An involvement is named by what it is (child in need, court order); other work by its record."""
    if kind == sources.INVOLVEMENT and detail in Involvement.Kind.values:
        return Involvement.Kind(detail).label
    return KIND_LABELS[kind]


def _state_words(kind, detail) -> str:
    if kind == sources.INVOLVEMENT:
        return "Open"
    if kind == sources.CONTACT:
        return CONTACT_STATES.get(detail, "Open")
    if kind == sources.ASSESSMENT:
        return Assessment.Status(detail).label if detail in Assessment.Status.values else "Open"
    if kind == sources.ORDER:
        return YouthJusticeOrder.Kind(detail).label if detail in YouthJusticeOrder.Kind.values else "Open"
    if kind == sources.REMAND:
        return Remand.Kind(detail).label if detail in Remand.Kind.values else "Open"
    if kind == sources.CUSTODY:
        return "In police custody"
    return "Active" if detail == "active" else "Open"


@dataclass(frozen=True)
class WorkFilters:
    worker: int | str | None = None  # a user id, or NOT_ALLOCATED
    kinds: tuple[str, ...] = ()
    states: frozenset = frozenset()

    @property
    def source_kinds(self) -> tuple[str, ...]:
        kinds: list[str] = []
        for kind in self.kinds:
            kinds += sources.YOUTH_JUSTICE_KINDS if kind == "youth_justice" else [kind]
        return tuple(kinds)

    @property
    def any(self) -> bool:
        return bool(self.worker or self.kinds or self.states)


@dataclass
class WorkRow:
    kind: str
    kind_label: str
    record_id: int
    child: Child
    worker: User | None
    state: str
    deadline: Deadline | None
    version: int
    awaiting_me: bool

    @property
    def due(self) -> str:
        return due_text(self.deadline) if self.deadline is not None else ""

    @property
    def link(self) -> str:
        return reverse(LINKS[self.kind], args=[self.child.pk if self.kind == sources.INVOLVEMENT else self.record_id])

    @property
    def is_involvement(self) -> bool:
        return self.kind == sources.INVOLVEMENT

    @property
    def overdue(self) -> bool:
        return getattr(self.deadline, "rag", None) == RED

    @property
    def due_soon(self) -> bool:
        return getattr(self.deadline, "rag", None) == AMBER


def team_of(viewer, team_id):
    """A team `viewer` runs: 403 for someone who runs none (practitioners), 404 for a team not theirs."""
    if not viewer.is_manager:
        raise PermissionDenied("Team work is for managers")
    team = teams_led_by(viewer).select_related("agency__authority").filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team")
    return team


def teams_of(viewer) -> list:
    if not viewer.is_manager:
        raise PermissionDenied("Team work is for managers")
    return list(teams_led_by(viewer).select_related("agency__authority"))


def end_of_week(now) -> datetime:
    today = timezone.localdate(now)
    sunday = today + timedelta(days=6 - today.weekday())
    return timezone.make_aware(datetime.combine(sunday, time.max))


class TeamWork:
    """A team's open work as the viewer may see it: counted as far as the page needs, read a page at a time.

    Rows about children the viewer may not see are left out of the pages and counted (`hidden`),
    up to COUNT_CAP: beyond it the page says "more than 1,000"."""

    def __init__(self, *, team, viewer, filters: WorkFilters, now=None):
        self.team, self.viewer, self.filters = team, viewer, filters
        self.now = now or timezone.now()
        self.conditions = Conditions(
            worker=filters.worker,
            kinds=filters.source_kinds,
            states=filters.states,
            now=self.now,
            week_ends=end_of_week(self.now),
        )

    def count_up_to(self, limit: int) -> int:
        """The rows the viewer may see, counted no further than `limit`."""
        return count_items([self.team.pk], self.conditions, viewer=self.viewer, limit=limit)

    @cached_property
    def hidden(self) -> int:
        """Rows matching the filters whose child the viewer may not see; COUNT_CAP + 1 means "more than"."""
        return count_items([self.team.pk], self.conditions, viewer=self.viewer, seen=False, limit=COUNT_CAP + 1)

    @property
    def hidden_capped(self) -> bool:
        return self.hidden > COUNT_CAP

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Team work is read a page at a time")
        items = page_of_items(
            [self.team.pk],
            self.conditions,
            viewer=self.viewer,
            offset=window.start or 0,
            limit=window.stop - (window.start or 0),
        )
        return _rows(items, now=self.now)


class TeamWorkPaginator(CappedPaginator):
    """The triage queue's paging (exact up to 1,000 rows past the page, then "more than"), over Team work."""

    @cached_property
    def count(self):
        return self.object_list.count_up_to(self.count_limit + 1)


def _rows(items, *, now) -> list[WorkRow]:
    """Children, workers and clocks of a page: one query each, whatever the page holds."""
    children = Child.objects.in_bulk({item.child_id for item in items})
    workers = User.objects.in_bulk({item.worker_id for item in items if item.worker_id})
    clocks = Deadline.objects.select_related("agency__authority").in_bulk(
        {item.deadline_id for item in items if item.deadline_id}
    )
    with_rag(clocks.values(), now=now)
    return [
        WorkRow(
            kind=item.kind,
            kind_label=_kind_words(item.kind, item.detail),
            record_id=item.record_id,
            child=children[item.child_id],
            worker=workers.get(item.worker_id),
            state=_state_words(item.kind, item.detail),
            deadline=clocks.get(item.deadline_id),
            version=item.version,
            awaiting_me=item.awaiting_me,
        )
        for item in items
    ]


def team_work_page(*, team, viewer, filters: WorkFilters, page_number=1, per_page=PER_PAGE, now=None):
    """A page of the team's work and the work it cannot show (`page.paginator.object_list.hidden`).

    `page.paginator.capped` says the count is a lower bound ("more than `shown_count`")."""
    work = TeamWork(team=team, viewer=viewer, filters=filters, now=now)
    # TeamWork counts and slices as far as a paginator asks of it.
    return TeamWorkPaginator(cast(Any, work), per_page, number=page_number).get_page(page_number)

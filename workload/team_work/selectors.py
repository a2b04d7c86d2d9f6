"""Reads for Team work: a team's open work for its manager, and a manager's teams side by side.

Which teams are a manager's is `accounts.line_management.teams_led_by`; which children they may
see is `accounts.access`. Rows whose child the manager may not see are left out and counted, so
the page can say how many it cannot show without saying anything about them.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.access import visible_child_ids
from accounts.line_management import teams_led_by
from accounts.models import User
from casework.models import Assessment, Child, Involvement, Remand, YouthJusticeOrder
from notifications.clocks import due_text
from notifications.models import Deadline
from notifications.selectors import AMBER, RED, with_rag

from . import sources
from .sql import AWAITING_ME, DUE_THIS_WEEK, OVERDUE, Conditions, children_of, count_work, page_of_work

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
    """A team's open work as the viewer may see it: counted once, read a page at a time."""

    def __init__(self, *, team, viewer, filters: WorkFilters, now=None):
        self.team, self.viewer, self.filters = team, viewer, filters
        self.now = now or timezone.now()
        self.queries = sources.work_sources([team], viewer=viewer, kinds=filters.source_kinds or None)
        self.conditions = Conditions(
            worker=filters.worker, states=filters.states, now=self.now, week_ends=end_of_week(self.now)
        )
        self._counts: tuple[int, int] | None = None
        self._visible: list[int] | None = None

    @property
    def visible(self) -> list[int]:
        """The children of the team's work the viewer may see (accounts.access), asked once."""
        if self._visible is None:
            self._visible = sorted(visible_child_ids(self.viewer, children_of(self.queries)))
        return self._visible

    def _count_both(self) -> tuple[int, int]:
        if self._counts is None:
            self._counts = count_work(self.queries, self.conditions, visible=self.visible)
        return self._counts

    def count(self) -> int:
        return self._count_both()[0]

    @property
    def hidden(self) -> int:
        """Rows matching the filters whose child the viewer may not see."""
        return self._count_both()[1]

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("Team work is read a page at a time")
        rows = page_of_work(
            self.queries,
            self.conditions,
            visible=self.visible,
            offset=window.start or 0,
            limit=window.stop - (window.start or 0),
        )
        return _rows(rows, now=self.now)


def _rows(rows, *, now) -> list[WorkRow]:
    """Children, workers and clocks of a page: one query each, whatever the page holds."""
    children = Child.objects.in_bulk({row["w_child"] for row in rows})
    workers = User.objects.in_bulk({row["w_worker"] for row in rows if row["w_worker"]})
    clocks = Deadline.objects.select_related("agency__authority").in_bulk(
        {row["w_deadline"] for row in rows if row["w_deadline"]}
    )
    with_rag(clocks.values(), now=now)
    return [
        WorkRow(
            kind=row["w_kind"],
            kind_label=_kind_words(row["w_kind"], row["w_detail"]),
            record_id=row["w_id"],
            child=children[row["w_child"]],
            worker=workers.get(row["w_worker"]),
            state=_state_words(row["w_kind"], row["w_detail"]),
            deadline=clocks.get(row["w_deadline"]),
            version=row["w_version"],
            awaiting_me=bool(row["w_awaiting"]),
        )
        for row in rows
    ]


def team_work_page(*, team, viewer, filters: WorkFilters, page_number=1, per_page=PER_PAGE, now=None):
    """A page of the team's work and the work it cannot show (`page.paginator.object_list.hidden`)."""
    work = TeamWork(team=team, viewer=viewer, filters=filters, now=now)
    # TeamWork counts and slices like a queryset, which is all Paginator asks of it.
    return Paginator(cast(Any, work), per_page).get_page(page_number)

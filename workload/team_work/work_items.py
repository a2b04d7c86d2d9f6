"""Reading a team's open work from the ledger's copy (`workload.OpenWorkItem`).

A page costs a fixed number of queries whatever the size of the team: two capped counts (work
shown, work about children the viewer may not see) and one for the page, each read in the page's
order from the table's team index.

The counts ask the access policy of every row they count, the costliest part of a page for a
large team, so they are kept in the cache under the team's generation (`ledger.generations`),
which changes whenever the team's work does, and for COUNTS_KEPT seconds at most, so that a
change of access that does not touch the team's work (a grant given or ended) shows within that
time. The count of work the viewer may not see, which reads every row of the team when they may
see nearly all of it, is a note beside the list and names nothing: it is kept for UNSEEN_KEPT
seconds whatever changes. The rows of a page are always read, and asked of the access policy, afresh.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.access import visible_children
from casework.assessment.selectors import waiting_for_sign_off_by
from casework.models import Assessment
from casework.permissions import may_sign_off

from ..models import OpenWorkItem
from . import sources
from .ledger import bring_up_to_date, generations, tallies

NOT_ALLOCATED = "none"
OVERDUE, DUE_THIS_WEEK, AWAITING_ME = "overdue", "due_this_week", "awaiting_me"
ORDER = ("allocated", F("due_at").asc(nulls_last=True), "kind", "record_id")
COUNTS_KEPT = 120
UNSEEN_KEPT = 300


@dataclass(frozen=True)
class Conditions:
    """The filters: a worker (a user id, or NOT_ALLOCATED), kinds, and states, any of which may hold."""

    worker: int | str | None = None
    kinds: tuple[str, ...] = ()
    states: frozenset = field(default_factory=frozenset)
    now: object = None
    week_ends: object = None

    def q(self, viewer) -> Q:
        found = Q()
        if self.worker == NOT_ALLOCATED:
            found &= Q(allocated=False)
        elif self.worker is not None:
            found &= Q(worker_id=self.worker)
        if self.kinds:
            found &= Q(kind__in=self.kinds)
        either = []
        if OVERDUE in self.states:
            either.append(Q(due_at__lt=self.now))
        if DUE_THIS_WEEK in self.states:
            either.append(Q(due_at__gte=self.now, due_at__lte=self.week_ends))
        if AWAITING_ME in self.states:
            either.append(waiting_for(viewer) or Q(pk__in=[]))
        if either:
            any_state = either[0]
            for state in either[1:]:
                any_state |= state
            found &= any_state
        return found

    @property
    def key(self) -> str:
        """What the counts depend on; a filter by due date, on the minute too."""
        minute = f"{self.now:%Y%m%d%H%M}" if self.states & {OVERDUE, DUE_THIS_WEEK} else ""
        return f"{self.worker}|{','.join(sorted(self.kinds))}|{','.join(sorted(self.states))}|{minute}"


def _kept(name: str, team_ids, parts: tuple, work_out, *, follows_changes=True):
    """`work_out()`, kept in the cache under `parts` and, if it `follows_changes`, the teams'
    generations, for COUNTS_KEPT seconds (UNSEEN_KEPT if it does not)."""
    teams = generations(team_ids) if follows_changes else dict.fromkeys(team_ids, "")
    described = repr((name, sorted(teams.items()), parts)).encode()
    key = f"team-work:{name}:{hashlib.sha256(described).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = work_out()
        cache.set(key, found, COUNTS_KEPT if follows_changes else UNSEEN_KEPT)
    return found


def waiting_for(viewer) -> Q | None:
    """Work that waits for `viewer`: an assessment they may sign off (the sign-off rule in
    casework.assessment.selectors), a MASH decision to authorise if they are a manager."""
    waiting: Q | None = None
    if may_sign_off(viewer):
        signed_off_by_viewer = Assessment.objects.filter(waiting_for_sign_off_by(viewer), pk=OuterRef("record_id"))
        waiting = Q(Exists(signed_off_by_viewer), kind=sources.ASSESSMENT, detail=Assessment.Status.AWAITING_SIGN_OFF)
    if viewer.is_manager:
        to_authorise = Q(kind=sources.CONTACT, detail=sources.AWAITING_AUTHORISATION)
        waiting = to_authorise if waiting is None else waiting | to_authorise
    return waiting


def _seen(viewer) -> Exists:
    """Whether the row's child is one `viewer` may see (accounts.access), asked of the rows read only."""
    return Exists(visible_children(viewer).filter(pk=OuterRef("child_id")))


def team_items(team_ids, conditions: Conditions, viewer) -> QuerySet:
    bring_up_to_date()
    return OpenWorkItem.objects.filter(team_id__in=team_ids).filter(conditions.q(viewer))


def count_items(team_ids, conditions: Conditions, *, viewer, seen=True, limit: int) -> int:
    """Rows matching the conditions whose child `viewer` may (or with seen=False, may not) see,
    counted no further than `limit`: an exact count would ask the access policy about every row.
    The rows they may not see are counted again after UNSEEN_KEPT seconds, not on every change."""

    def work_out() -> int:
        visible = _seen(viewer)
        items = team_items(team_ids, conditions, viewer).filter(visible if seen else ~visible)
        return items.values("child_id")[:limit].count()

    bring_up_to_date()
    return _kept("count", team_ids, (viewer.pk, seen, limit, conditions.key), work_out, follows_changes=seen)


def page_of_items(team_ids, conditions: Conditions, *, viewer, offset: int, limit: int) -> list[OpenWorkItem]:
    """Rows the viewer may see: not allocated first, then soonest due, each marked `awaiting_me`."""
    items = list(
        team_items(team_ids, conditions, viewer).filter(_seen(viewer)).order_by(*ORDER)[offset : offset + limit]
    )
    waiting = waiting_for(viewer)
    # Asked of the page's rows by id: as an expression over the whole page query, PostgreSQL read every
    # assessment waiting for sign-off in the country to answer it for 25 rows.
    awaiting = set()
    if waiting is not None and items:
        awaiting = set(
            OpenWorkItem.objects.filter(waiting, pk__in=[item.pk for item in items]).values_list("pk", flat=True)
        )
    for item in items:
        item.awaiting_me = item.pk in awaiting
    return items


def counts_by_team(team_ids, *, now) -> dict[int, dict[str, int]]:
    """Open, not allocated, overdue and waiting-for-sign-off counts of each team, in two queries:
    the ledger's tallies, and the overdue work read from the team's due-date index.

    Counts name no child, so every row counts (as on the performance dashboard)."""
    counts = tallies(team_ids)
    overdue = (
        OpenWorkItem.objects.filter(team_id__in=team_ids, due_at__lt=now)
        .values("team_id")
        .annotate(overdue=Count("team_id"))
        .order_by()
    )
    late = {row["team_id"]: row["overdue"] for row in overdue}
    return {team_id: {**tally, "overdue": late.get(team_id, 0)} for team_id, tally in counts.items()}

"""The worktray: every thing the signed-in user has to do, from every source, in one sorted list.

Nothing is capped: every row of every source is listed (a page shows 25 of them) and the summary
counts them all. Each source costs one or two queries, so the page's query count does not grow
with the number of rows.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from accounts import access
from accounts.models import MASH_ROLES
from referrals import selectors as contact_selectors
from returns.data_quality.worktray import census_error_items

from . import approvals, chairing, sources
from .items import KINDS, WorkItem

SOURCES = (
    sources.deadline_items,
    sources.contact_items,
    approvals.sign_off_items,
    approvals.authorisation_items,
    approvals.incident_qa_items,
    approvals.hsb_qa_items,
    approvals.disagreement_items,
    sources.escalation_items,
    chairing.conference_items,
    sources.break_glass_items,
    sources.identity_match_items,
    sources.allocation_items,
    census_error_items,
)


@dataclass
class Worktray:
    items: list[WorkItem]  # of the chosen kind (all kinds when none is chosen), sorted
    counts: dict[str, int]  # of every kind, whatever is chosen

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def worktray(*, user, kind: str | None = None, now=None) -> Worktray:
    now = now or timezone.now()
    rows: list[WorkItem] = []
    if access.sees_case_content(user):
        for source in SOURCES:
            rows += source(user, now=now)
    rows += sources.notice_items(user)
    counts = dict.fromkeys(KINDS, 0)
    for row in rows:
        counts[row.kind] += 1
    chosen = [row for row in rows if row.kind == kind] if kind in KINDS else rows
    chosen.sort(key=WorkItem.sort_key)
    return Worktray(items=chosen, counts=counts)


@dataclass
class QueueCount:
    label: str
    count: int
    capped: bool
    url: str


def mash_queue_counts(*, user, now=None) -> list[QueueCount]:
    """The MASH queue's unrated, due-today and overdue counts, by the triage page's own filters."""
    if user.role not in MASH_ROLES:
        return []
    now = now or timezone.now()
    cap = contact_selectors.COUNT_CAP
    queue = reverse("triage-queue")
    rows = []
    for label, filters, query in (
        ("Not rated yet", {"rag": "unrated"}, "rag=unrated"),
        ("Due by the end of today", {"due": "today"}, "due=today"),
        ("Overdue", {"due": "overdue"}, "due=overdue"),
    ):
        count = contact_selectors.capped_count(
            contact_selectors.triage_queue(user=user, now=now, **filters).values("id"), cap
        )
        rows.append(QueueCount(label, min(count, cap), count > cap, f"{queue}?{query}"))
    return rows

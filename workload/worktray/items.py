"""One row of a worktray, and the kinds of row in the order the summary lists them."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from notifications.timescales import day_text, moment_text

# Code -> (one, many): the summary says "3 deadlines, 1 sign-off".
KINDS: dict[str, tuple[str, str]] = {
    "deadline": ("deadline", "deadlines"),
    "contact": ("contact allocated to you", "contacts allocated to you"),
    "sign_off": ("assessment to sign off", "assessments to sign off"),
    "authorisation": ("MASH decision to authorise", "MASH decisions to authorise"),
    "incident_qa": ("serious incident briefing to quality assure", "serious incident briefings to quality assure"),
    "hsb_qa": ("AIM assessment to quality assure", "AIM assessments to quality assure"),
    "disagreement": ("disagreement to answer", "disagreements to answer"),
    "escalation": ("escalated deadline", "escalated deadlines"),
    "conference": ("conference or review you chair", "conferences and reviews you chair"),
    "break_glass": ("emergency access to review", "emergency accesses to review"),
    "identity_match": ("match to confirm", "matches to confirm"),
    "allocation": ("newly allocated child", "newly allocated children"),
    "census_error": ("census record to put right", "census records to put right"),
    "notice": ("unread notice", "unread notices"),
}


@dataclass
class WorkItem:
    """A thing to do: what, for which child (only one the user may open), by when, and where to do it.

    `open_by_post` marks a notice: opening it marks it read, so the page posts to it instead of linking.
    """

    kind: str
    title: str
    url: str
    child_id: int | None = None
    child_name: str = ""
    due_at: datetime | None = None
    due_date: date | None = None
    overdue: bool = False
    due_soon: bool = False
    # A waiting period (an earliest date) is never overdue and reads "Stays open until ..." (notifications.clocks).
    waiting: bool = False
    due_text: str = ""
    detail: str = ""
    since: datetime | None = None
    open_by_post: bool = False
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.due_text:
            self.due_text = due_label(self.due_date, self.due_at)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind][0]

    def sort_key(self):
        """Overdue first, then soonest due (undated last), then newest."""
        due = self.due_at.timestamp() if self.due_at else float("inf")
        since = -self.since.timestamp() if self.since else 0.0
        return (not self.overdue, self.due_at is None, due, since)


def due_label(due_date: date | None, due_at: datetime | None) -> str:
    """As deadlines read elsewhere: "Thu 10 Dec 2026", or "... at 16:15" for a moment in the day.
    A moment at midnight is the end of the day before (a day rule's end), so that day is said."""
    if due_date is not None:
        return day_text(due_date)
    if due_at is None:
        return ""
    local = timezone.localtime(due_at)
    if local.time() == time.min:
        return day_text(local.date() - timedelta(days=1))
    return moment_text(due_at)


def summary_text(counts: dict[str, int]) -> list[tuple[str, int, str]]:
    """(kind, count, words) for each kind that has rows, in the order of KINDS."""
    return [
        (kind, counts[kind], f"{counts[kind]} {KINDS[kind][0 if counts[kind] == 1 else 1]}")
        for kind in KINDS
        if counts.get(kind)
    ]

"""Reads for serious incidents, scoped by the access policy in SQL (visible children only) and dropped
entirely for a reader who may not read the section (casework.justice.sharing); the significant event
tracker and the periodic report (000 L989, L1001, L1109–1123; domain notes part A RP1–RP2, RP4).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from accounts import access
from accounts.models import Agency, Role
from notifications.selectors import deadlines_of

from ..justice.sharing import Section, may_read_section
from ..models import SeriousIncident
from . import services

CLOCK_TITLES = {
    services.BRIEFING: "Send the briefing (the same day)",
    services.YJB: "Notify the Youth Justice Board",
    services.CSC_TOLD: "Tell local children's social care",
    services.MAPPA: "Send the briefing to the MAPPA coordinator",
}

KNOWN_TO_SHORT = {
    SeriousIncident.KnownTo.CYJS_ONLY: "Known to CYJS only",
    SeriousIncident.KnownTo.CSC: "Known to CSC",
    SeriousIncident.KnownTo.NEITHER: "Known to neither (MASH leads)",
}
REPORT_ROLES = frozenset({Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR})
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _reads(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and may_read_section(user, Section.INCIDENTS)


def incidents_for(user):
    if not _reads(user):
        return SeriousIncident.objects.none()
    return SeriousIncident.objects.filter(child__in=access.visible_children(user)).select_related("child", "agency")


def child_incidents(child):
    return SeriousIncident.objects.filter(child=child).order_by("-occurred_at", "-id")


def clocks_of(incident):
    """The incident's deadlines, each with `title`, `due` text and `overdue`, in the order of the steps."""
    rows = deadlines_of(incident, CLOCK_TITLES, ordering=("started_at", "id"))
    order = {code: n for n, code in enumerate(services.CLOCKS)}
    rows.sort(key=lambda row: order.get(row.rule_code, 99))
    return rows


# --- The tracker and the periodic report ---------------------------------------------------------------


def may_see_report(user) -> bool:
    """CYJS and CSC managers of an authority who read the serious incidents section."""
    if not _reads(user) or not user.agency_id:
        return False
    return user.agency.kind in (Agency.Kind.CYJS, Agency.Kind.CSC) and (
        user.role in REPORT_ROLES or access.is_administrator(user)
    )


@dataclass(frozen=True)
class Period:
    """A quarter (Q1 = January to March) or a two-month period (B1 = January and February) of a year.

    000 L1001 says quarterly, L1123 bi-monthly (part A C1): the report offers both.
    """

    code: str
    year: int

    @classmethod
    def choices(cls):
        quarters = [(f"q{n}", f"{MONTHS[3 * n - 3]} to {MONTHS[3 * n - 1]} (quarter {n})") for n in range(1, 5)]
        pairs = [(f"b{n}", f"{MONTHS[2 * n - 2]} and {MONTHS[2 * n - 1]}") for n in range(1, 7)]
        return [("Quarters", quarters), ("Two months", pairs)]

    @classmethod
    def codes(cls):
        return [code for _, group in cls.choices() for code, _ in group]

    @classmethod
    def current(cls, today: date | None = None, kind="b"):
        today = today or timezone.localdate()
        number = (today.month - 1) // (3 if kind == "q" else 2) + 1
        return cls(f"{kind}{number}", today.year)

    @property
    def months(self) -> int:
        return 3 if self.code[0] == "q" else 2

    @property
    def first_month(self) -> int:
        return (int(self.code[1:]) - 1) * self.months + 1

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        month = self.first_month + self.months
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def label(self) -> str:
        first, last = MONTHS[self.first_month - 1], MONTHS[self.first_month + self.months - 2]
        joiner = " to " if self.months == 3 else " and "
        return f"{first}{joiner}{last} {self.year}"

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.code}"


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def report_rows(user, period: Period):
    """Incidents of the user's authority that happened in the period, of children the user may see,
    oldest first (the significant event tracker, L989)."""
    if not may_see_report(user):
        return SeriousIncident.objects.none()
    return (
        incidents_for(user)
        .filter(
            agency__authority_id=user.agency.authority_id,
            occurred_at__gte=_midnight(period.start),
            occurred_at__lt=_midnight(period.end),
        )
        .select_related("child", "agency", "completed_by", "verified_by", "quality_assured_by", "submitted_by")
        .order_by("occurred_at", "id")
    )


@dataclass
class Counts:
    total: int
    by_category: list  # (label, count), the categories that happened, most first
    by_known_to: list
    yjb_notifiable: int
    open_under_mappa: int
    submitted: int


def report_counts(rows) -> Counts:
    """Counts for the Youth Justice Management Board (000 L1001, L1123; F3/F4 "for monitoring purposes")."""
    categories = Counter(row.category for row in rows)
    known = Counter(row.known_to for row in rows)
    labels = dict(SeriousIncident.Category.choices)
    return Counts(
        total=len(rows),
        by_category=sorted(((labels[code], n) for code, n in categories.items()), key=lambda pair: (-pair[1], pair[0])),
        by_known_to=[(label, known[code]) for code, label in KNOWN_TO_SHORT.items() if known[code]],
        yjb_notifiable=sum(1 for row in rows if row.yjb_notifiable),
        open_under_mappa=sum(1 for row in rows if row.open_under_mappa),
        submitted=sum(1 for row in rows if row.status == SeriousIncident.Status.SUBMITTED),
    )


CSV_HEADER = [
    "Incident",
    "Child record",
    "Child",
    "Happened",
    "Service aware",
    "Category",
    "Known to",
    "Status",
    "Completed by",
    "Service",
    "Criteria checked",
    "Quality assured",
    "Submitted",
    "YJB notifiable",
    "YJB notified",
    "CSC told",
    "Open under MAPPA",
    "MAPPA coordinator told",
]


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def csv_row(row) -> list:
    return list(_csv_values(row))


def _csv_values(row) -> list:
    return [
        row.pk,
        row.child_id,
        row.child.full_name,
        _when(row.occurred_at),
        _when(row.aware_at),
        row.get_category_display(),
        row.get_known_to_display(),
        row.get_status_display(),
        row.completed_by.display_name,
        row.agency.name,
        _when(row.verified_at),
        _when(row.quality_assured_at),
        _when(row.submitted_at),
        "Yes" if row.yjb_notifiable else "No",
        _when(row.yjb_notified_at),
        _when(row.csc_told_at),
        "Yes" if row.open_under_mappa else "No",
        _when(row.mappa_notified_at),
    ]

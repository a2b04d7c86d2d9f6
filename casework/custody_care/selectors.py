"""Reads for the care of a child in youth detention, scoped by the access policy and the joint working
protocol's custody_care section (casework.justice.sharing). No query here grows with the records."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from accounts import access
from casework.text import day_text
from notifications.selectors import deadlines_of

from ..justice.sharing import Section, may_read_section
from ..models import (
    BailPackageReview,
    CourtAppearance,
    CustodyPlanningMeeting,
    CustodyVisit,
    LookedAfterReview,
    Remand,
    YouthJusticeOrder,
)
from . import services

CLOCK_TITLES = {
    services.LAC_REVIEW: "Looked after review (28 days from entering custody)",
    services.FIRST_VISIT: "First statutory visit (within a week)",
    services.NEXT_VISIT: "Next statutory visit (within 6 weeks of the last)",
    services.JOINT_VISIT: "Joint visit by children's social care and youth justice (7 working days)",
    services.PLANNING_MEETING: "Custody planning meeting (10 working days)",
}


def may_read(user) -> bool:
    return bool(user.is_authenticated) and may_read_section(user, Section.CUSTODY_CARE)


def _visible(user, model):
    if not may_read(user):
        return model.objects.none()
    return model.objects.filter(child__in=access.visible_children(user))


def reviews_for(user):
    return _visible(user, LookedAfterReview).select_related("child", "chair")


def visits_for(user):
    return _visible(user, CustodyVisit).select_related("child")


def bail_reviews_for(user):
    return _visible(user, BailPackageReview).select_related("child", "reviewed_by")


def planning_meetings_for(user):
    return _visible(user, CustodyPlanningMeeting).select_related("child", "order")


def clocks_of(custody, codes=None):
    return deadlines_of(custody, CLOCK_TITLES, codes)


def custody_of_key(child, key: str):
    """The child's period in custody named `remand-12` / `order-7`, or 404."""
    kind, _, pk = (key or "").partition("-")
    if not pk.isdigit():
        raise Http404
    model = {"remand": Remand, "order": YouthJusticeOrder}.get(kind)
    if model is None:
        raise Http404
    custody = (
        model._default_manager.filter(child=child, pk=int(pk)).select_related("child", "created_by__agency").first()
    )
    if custody is None or not services.is_custody(custody):
        raise Http404
    return custody


# --- Bail package status (000 ¶19.2: no number, so no clock) -------------------------------------------------------


@dataclass(frozen=True)
class BailStatus:
    last_reviewed_on: date | None
    last_hearing_on: date | None
    # Set when no review since the latest court hearing of the remand (or none at all).
    flag: str = ""

    @property
    def text(self) -> str:
        if self.last_reviewed_on is None:
            return "Bail package not reviewed yet"
        return f"Bail package last reviewed on {day_text(self.last_reviewed_on)}"


def bail_status(remand, reviews, hearings) -> BailStatus:
    """The last review of a remand to youth detention and whether a hearing has happened since.

    `reviews`: the remand's bail package reviews; `hearings`: the child's court hearings (any order).
    A hearing counts from the day the remand started (the remand's own hearing is on that day) to now.
    """
    last = max((r.reviewed_on for r in reviews), default=None)
    today = timezone.localdate()
    until = remand.ended_on or today
    held = [
        timezone.localdate(h.hearing_at)
        for h in hearings
        if h.hearing_at <= timezone.now() and remand.started_on <= timezone.localdate(h.hearing_at) <= until
    ]
    last_hearing = max(held, default=None)
    flag = ""
    if remand.ended_on is None:
        if last is None:
            flag = "No bail package review recorded since the remand began"
        elif last_hearing is not None and last < last_hearing:
            flag = f"No bail package review since the court hearing on {day_text(last_hearing)}"
    return BailStatus(last, last_hearing, flag)


def _yda_remands(child):
    return Remand.objects.filter(child=child, kind=Remand.Kind.YOUTH_DETENTION)


def summary_rows(child) -> list:
    """The child's remands to youth detention and custodial sentences for the youth justice summary,
    newest first, with the bail package status of each remand. Four queries whatever the number."""
    remands = list(
        _yda_remands(child).prefetch_related(
            Prefetch("bail_package_reviews", queryset=BailPackageReview.objects.order_by("-reviewed_on"))
        )
    )
    orders = list(YouthJusticeOrder.objects.filter(child=child, kind__in=YouthJusticeOrder.CUSTODIAL))
    hearings = list(CourtAppearance.objects.filter(child=child).only("hearing_at")) if remands else []
    rows = [
        CustodyRow(
            r,
            services.custody_key(r),
            services.custody_title(r),
            r.ended_on,
            bail_status(r, r.bail_package_reviews.all(), hearings),
        )
        for r in remands
    ] + [CustodyRow(o, services.custody_key(o), services.custody_title(o), o.ended_on) for o in orders]
    return sorted(rows, key=lambda row: (row.ended_on is None, services.entered_on(row.custody)), reverse=True)


@dataclass
class CustodyRow:
    custody: object
    key: str
    title: str
    ended_on: date | None
    bail: BailStatus | None = None

    @property
    def custody_start(self) -> date:
        return services.entered_on(self.custody)


# --- The child's custody care page ------------------------------------------------------------------------------------


@dataclass
class CustodyPeriod:
    custody: object
    key: str
    title: str
    is_remand: bool
    duties: services.Duties
    clocks: list
    reviews: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    bail_reviews: list = field(default_factory=list)
    planning_meeting: CustodyPlanningMeeting | None = None
    bail: BailStatus | None = None

    @property
    def ended_on(self):
        return self.custody.ended_on


def custody_periods(child) -> list[CustodyPeriod]:
    """Every period in custody of the child, current ones first, with its clocks and records."""
    hearings = list(CourtAppearance.objects.filter(child=child).only("hearing_at"))
    periods = []
    remands = (
        _yda_remands(child)
        .select_related("child", "created_by__agency")
        .prefetch_related("looked_after_reviews__chair", "custody_visits", "bail_package_reviews__reviewed_by")
    )
    for remand in remands:
        reviews = list(remand.bail_package_reviews.all())
        periods.append(
            CustodyPeriod(
                remand,
                services.custody_key(remand),
                services.custody_title(remand),
                True,
                services.duties_of(remand),
                clocks_of(remand),
                list(remand.looked_after_reviews.all()),
                list(remand.custody_visits.all()),
                reviews,
                bail=bail_status(remand, reviews, hearings),
            )
        )
    orders = (
        YouthJusticeOrder.objects.filter(child=child, kind__in=YouthJusticeOrder.CUSTODIAL)
        .select_related("child", "agency__authority", "planning_meeting")
        .prefetch_related("looked_after_reviews__chair", "custody_visits")
    )
    for order in orders:
        periods.append(
            CustodyPeriod(
                order,
                services.custody_key(order),
                services.custody_title(order),
                False,
                services.duties_of(order),
                clocks_of(order),
                list(order.looked_after_reviews.all()),
                list(order.custody_visits.all()),
                planning_meeting=getattr(order, "planning_meeting", None),
            )
        )
    return sorted(periods, key=lambda p: (p.ended_on is None, services.entered_on(p.custody)), reverse=True)

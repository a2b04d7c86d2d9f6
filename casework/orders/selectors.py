"""Reads for youth justice orders and the child's youth justice summary, scoped by the access policy
and the joint working protocol (casework.justice.sharing)."""

from dataclasses import dataclass, field

from accounts import access
from accounts.models import Agency
from notifications.models import Deadline
from notifications.selectors import deadlines_of

from ..custody_care import selectors as custody_care_selectors
from ..joint.services import may_see_disagreements
from ..justice.sharing import Section, may_read_section
from ..models import (
    CourtAppearance,
    CustodyEpisode,
    HsbConsultation,
    Involvement,
    JointWorkingDisagreement,
    LeadAgencyDecision,
    PreventionReferral,
    Remand,
    SeriousIncident,
    YouthJusticeOrder,
)

CLOCK_TITLES = {
    "resettlement_planning": "Resettlement plan, including where the child will live (21 days before release)",
    "csc_open_after_custody": "Children's social care stays open (3 months after the sentence)",
    "release_information_to_child": "Tell the child the nine things about their release (14 days before release)",
}

SUMMARY_SECTIONS = (
    Section.CUSTODY,
    Section.COURT,
    Section.REMAND,
    Section.ORDERS,
    Section.PREVENTION,
    Section.HSB,
    Section.INCIDENTS,
    Section.JOINT,
    Section.CUSTODY_CARE,
)


def orders_for(user):
    """Orders of children the user may see; none at all for a user who may not read orders."""
    if not user.is_authenticated or not may_read_section(user, Section.ORDERS):
        return YouthJusticeOrder.objects.none()
    return YouthJusticeOrder.objects.filter(child__in=access.visible_children(user)).select_related("child", "agency")


def clocks_of(order, codes=None):
    """The order's own deadlines (newest first), each with `title`, `due` text and `overdue`. The care
    in custody clocks that also run on a custodial order are the custody care section's, shown there."""
    return deadlines_of(order, CLOCK_TITLES, codes or tuple(CLOCK_TITLES))


def open_clock(order, code):
    return next((d for d in clocks_of(order, (code,)) if d.status in Deadline.OPEN_STATUSES), None)


@dataclass
class YouthJusticeSummary:
    """What the summary page shows: only the sections the viewer may read (None = not shown)."""

    custody: list | None = None
    court: list | None = None
    remands: list | None = None
    orders: list | None = None
    prevention: list | None = None
    hsb: list | None = None
    incidents: list | None = None
    lead_agency: list | None = None
    # Managers of CSC and CYJS only (part B PE: kept off the child's record).
    disagreements: list | None = None
    # Remands to youth detention and custodial sentences, with the bail package status (custody_care).
    custody_care: list | None = None
    # The child's CSC looked-after involvements not yet ended, with their legal basis (000 ¶20.2–20.4).
    looked_after: list = field(default_factory=list)
    sections: frozenset = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.custody,
                self.court,
                self.remands,
                self.orders,
                self.prevention,
                self.hsb,
                self.incidents,
                self.lead_agency,
                self.disagreements,
                self.custody_care,
            )
        )


def readable_summary_sections(viewer) -> frozenset:
    return frozenset(s for s in SUMMARY_SECTIONS if may_read_section(viewer, s))


def youth_justice_summary(*, child, viewer) -> YouthJusticeSummary:
    """The child's custody episodes, court appearances, remands, orders, prevention referrals, HSB
    hub consultations, serious incidents and lead agency decisions, each section only for a viewer
    who may read it, and joint working disagreements for managers of CSC and CYJS only. One query
    per section shown."""

    sections = readable_summary_sections(viewer)
    summary = YouthJusticeSummary(sections=sections)
    summary.looked_after = list(
        Involvement.objects.filter(
            child=child, kind=Involvement.Kind.CLA, agency__kind=Agency.Kind.CSC, end__isnull=True
        )
        .select_related("agency")
        .order_by("-start", "-id")
    )
    if Section.CUSTODY in sections:
        summary.custody = list(CustodyEpisode.objects.filter(child=child).order_by("-arrested_at", "-id"))
    if Section.COURT in sections:
        summary.court = list(CourtAppearance.objects.filter(child=child).order_by("-hearing_at", "-id"))
    if Section.REMAND in sections:
        summary.remands = list(Remand.objects.filter(child=child).order_by("-started_on", "-id"))
    if Section.ORDERS in sections:
        summary.orders = list(YouthJusticeOrder.objects.filter(child=child).order_by("-made_on", "-id"))
    if Section.PREVENTION in sections:
        summary.prevention = list(PreventionReferral.objects.filter(child=child).order_by("-received_on", "-id"))
    if Section.HSB in sections:
        summary.hsb = list(HsbConsultation.objects.filter(child=child).order_by("-requested_on", "-id"))
    if Section.INCIDENTS in sections:
        summary.incidents = list(SeriousIncident.objects.filter(child=child).order_by("-occurred_at", "-id"))
    if Section.JOINT in sections:
        summary.lead_agency = list(
            LeadAgencyDecision.objects.filter(child=child).select_related("lead_agency").order_by("-decided_on", "-id")
        )
        if may_see_disagreements(viewer):
            summary.disagreements = list(
                JointWorkingDisagreement.objects.filter(child=child).order_by("-raised_at", "-id")
            )
    if Section.CUSTODY_CARE in sections:
        summary.custody_care = custody_care_selectors.summary_rows(child)
    return summary

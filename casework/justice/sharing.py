"""Who reads and writes youth justice records (000 ¶10–20: the joint working agreement's youth justice processes).

Youth justice records are the child and youth justice service's. Seeing any of them first
needs the child to be visible (`accounts.access.decide`); then:

- CYJS staff (and administrators) read every section and write them;
- CSC staff read only the sections the authority's joint working protocol shares with CSC
  (default, from seed 000: custody episodes, PACE requests, court, remands and orders, so the
  social worker can attend court, plan placements and keep a looked-after child's duties;
  the duty worker's screening notes on the appropriate adult's form stay with CYJS, which
  shares the outcome with the allocated worker instead, 000 ¶11.3 Step 2);
- everyone else (MASH, police, health, education) reads none of them here: what they need
  reaches them as a contact or a check.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accounts.access import is_administrator
from accounts.models import Agency, Role
from casework.custody_care.clocks import CLOCKS as CUSTODY_CARE_CLOCKS
from casework.models import (
    AppropriateAdultScreening,
    BailPackageReview,
    CourtAppearance,
    CustodyEpisode,
    CustodyPlanningMeeting,
    CustodyVisit,
    HsbConsultation,
    JointWorkingDisagreement,
    JointWorkingProtocol,
    LeadAgencyDecision,
    LookedAfterReview,
    PaceAccommodationRequest,
    PreventionReferral,
    Remand,
    SeriousIncident,
    YouthJusticeOrder,
)

Section = JointWorkingProtocol.Section

YOUTH_JUSTICE_WRITERS = frozenset(
    {Role.PRACTITIONER, Role.TEAM_MANAGER, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR}
)


def protocol_for(authority) -> JointWorkingProtocol:
    """The authority's protocol, or the defaults (Lancashire's) when it has none saved."""
    if authority is not None:
        saved = JointWorkingProtocol.objects.filter(authority=authority).first()
        if saved is not None:
            return saved
    return JointWorkingProtocol(authority=authority)


def _kind(user):
    return user.agency.kind if user.agency_id else None


def in_youth_justice(user) -> bool:
    return _kind(user) == Agency.Kind.CYJS


def may_read_section(user, section: str) -> bool:
    """May this user read this section for a child they can already see?"""
    if is_administrator(user) or in_youth_justice(user):
        return True
    if _kind(user) == Agency.Kind.CSC:
        return section in protocol_for(user.authority).csc_reads
    return False


def readable_sections(user) -> frozenset[str]:
    return frozenset(section for section in Section.values if may_read_section(user, section))


def may_write_youth_justice(user) -> bool:
    return is_administrator(user) or (in_youth_justice(user) and user.role in YOUTH_JUSTICE_WRITERS)


# The section each youth justice record is in, for what hangs off it (deadlines).
RECORD_SECTIONS = {
    CustodyEpisode: Section.CUSTODY,
    AppropriateAdultScreening: Section.SCREENING,
    PaceAccommodationRequest: Section.PACE,
    CourtAppearance: Section.COURT,
    Remand: Section.REMAND,
    YouthJusticeOrder: Section.ORDERS,
    PreventionReferral: Section.PREVENTION,
    HsbConsultation: Section.HSB,
    SeriousIncident: Section.INCIDENTS,
    LeadAgencyDecision: Section.JOINT,
    JointWorkingDisagreement: Section.JOINT,
    LookedAfterReview: Section.CUSTODY_CARE,
    CustodyVisit: Section.CUSTODY_CARE,
    BailPackageReview: Section.CUSTODY_CARE,
    CustodyPlanningMeeting: Section.CUSTODY_CARE,
}


def unreadable_deadlines(user) -> Q | None:
    """Deadlines on youth justice records in sections this user may not read, as a condition on
    notifications' Deadline (None when they read every section).

    A deadline is its record's: its title, dates and explanation ("placement in custody on ...")
    are that section's facts. The care-in-custody clocks run on the remand or sentence but are the
    custody care section's too, so they need both.
    """
    unreadable = set(Section.values) - readable_sections(user)
    if not unreadable:
        return None
    types = ContentType.objects.get_for_models(*RECORD_SECTIONS)
    hidden = Q(
        subject_type_id__in=[types[model].pk for model, section in RECORD_SECTIONS.items() if section in unreadable]
    )
    if Section.CUSTODY_CARE in unreadable:
        hidden |= Q(rule_code__in=CUSTODY_CARE_CLOCKS)
    return hidden

"""The casework app's records, one module a concept."""

from .allocation import Allocation
from .assessment import Assessment, ChildInNeedMeeting, ChildInNeedPlan
from .child import Child, Involvement, Person, Relationship
from .conference import AbuseCategory, ChildProtectionConference, ChildProtectionPlan, CoreGroupMeeting
from .custody_care import BailPackageReview, CustodyPlanningMeeting, CustodyVisit, LookedAfterReview
from .identity import IdentityMatchRequest
from .joint_work import (
    HsbConsultation,
    JointWorkingDisagreement,
    LeadAgencyDecision,
    PreventionReferral,
    SeriousIncident,
)
from .justice import (
    AppropriateAdultScreening,
    CourtAppearance,
    CustodyEpisode,
    JointWorkingProtocol,
    PaceAccommodationRequest,
    Remand,
    YouthJusticeOrder,
)
from .meetings import AgreedAction, Capacity, Participant
from .protection import ConferenceRequest, Section47Enquiry, StrategyDiscussion
from .records import CaseNote, SignificantEvent

__all__ = [
    "AbuseCategory",
    "AgreedAction",
    "Allocation",
    "AppropriateAdultScreening",
    "Assessment",
    "BailPackageReview",
    "Capacity",
    "CaseNote",
    "Child",
    "ChildInNeedMeeting",
    "ChildInNeedPlan",
    "ChildProtectionConference",
    "ChildProtectionPlan",
    "ConferenceRequest",
    "CoreGroupMeeting",
    "CourtAppearance",
    "CustodyEpisode",
    "CustodyPlanningMeeting",
    "CustodyVisit",
    "HsbConsultation",
    "IdentityMatchRequest",
    "Involvement",
    "JointWorkingDisagreement",
    "LeadAgencyDecision",
    "LookedAfterReview",
    "PreventionReferral",
    "SeriousIncident",
    "JointWorkingProtocol",
    "PaceAccommodationRequest",
    "Participant",
    "Person",
    "Relationship",
    "Remand",
    "Section47Enquiry",
    "SignificantEvent",
    "StrategyDiscussion",
    "YouthJusticeOrder",
]
from casework.history import tracked  # noqa: E402,F401  (the change history of these records)

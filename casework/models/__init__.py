"""The casework app's records, one module a concept."""

from .assessment import Assessment, ChildInNeedMeeting, ChildInNeedPlan
from .child import Child, Involvement, Person, Relationship
from .conference import AbuseCategory, ChildProtectionConference, ChildProtectionPlan, CoreGroupMeeting
from .meetings import AgreedAction, Capacity, Participant
from .protection import ConferenceRequest, Section47Enquiry, StrategyDiscussion
from .records import CaseNote, SignificantEvent

__all__ = [
    "AbuseCategory",
    "AgreedAction",
    "Assessment",
    "Capacity",
    "CaseNote",
    "Child",
    "ChildInNeedMeeting",
    "ChildInNeedPlan",
    "ChildProtectionConference",
    "ChildProtectionPlan",
    "ConferenceRequest",
    "CoreGroupMeeting",
    "Involvement",
    "Participant",
    "Person",
    "Relationship",
    "Section47Enquiry",
    "SignificantEvent",
    "StrategyDiscussion",
]

"""Which records keep a change history, and what each is called on the History page.

PostgreSQL triggers (django-pghistory, on django-pgtrigger) copy a tracked row into its event
table in the same statement as the change, so every write is caught: `save()`, a service's
`queryset.update(...)` (`casework.recording.save_if_unchanged`), `bulk_update()` and raw SQL.
Signal-based history would miss all but the first. Who made the change comes from the
context the request, task or command sets (`casework.history.context`).

This module is imported at the end of `casework.models`, so the event models belong to the
apps whose records they copy (`casework`, `referrals`) and migrate with them.

A record reaches its child either by a `child` column or through one parent that has one
(`through`: a decision through its contact, a meeting's participant through the meeting). A youth justice record names its section of the
joint working protocol: only those who may read that section see its history.
"""

from dataclasses import dataclass

import pghistory
from django.db import models

from referrals.models import Contact, Decision

from ..models import (
    AgreedAction,
    AppropriateAdultScreening,
    Assessment,
    BailPackageReview,
    CaseNote,
    Child,
    ChildInNeedMeeting,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceRequest,
    CoreGroupMeeting,
    CourtAppearance,
    CustodyEpisode,
    CustodyPlanningMeeting,
    CustodyVisit,
    HsbConsultation,
    Involvement,
    JointWorkingDisagreement,
    LeadAgencyDecision,
    LookedAfterReview,
    PaceAccommodationRequest,
    Participant,
    PreventionReferral,
    Relationship,
    Remand,
    Section47Enquiry,
    SeriousIncident,
    SignificantEvent,
    StrategyDiscussion,
    YouthJusticeOrder,
)
from ..models.justice import JointWorkingProtocol

Section = JointWorkingProtocol.Section

# Bookkeeping columns: a change to these alone is not a change to the record. A child's
# returns reference is set once, when the child is recorded, and never changes.
NOT_HISTORY = ("version", "return_reference")


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    label: str
    section: str | None = None
    # When the record has no `child` of its own: (column on this record, parent model with a `child`
    # column) for each parent it may have.
    through: tuple[tuple[str, type], ...] = ()
    # A field of the record that tells one from another on the page (a participant's name).
    named_by: str | None = None
    # False where adding the record is part of adding its parent (a meeting's invitees).
    show_added: bool = True

    @property
    def event_model(self):
        return self.model.pgh_event_model


TRACKED: list[Tracked] = [
    Tracked(Child, "Child's details"),
    Tracked(Involvement, "Involvement"),
    Tracked(Relationship, "Family and household"),
    Tracked(Contact, "Contact"),
    Tracked(Decision, "Decision on a contact", through=(("contact_id", Contact),)),
    Tracked(Assessment, "Assessment"),
    Tracked(ChildInNeedPlan, "Child in need plan"),
    Tracked(ChildInNeedMeeting, "Child in need meeting"),
    Tracked(StrategyDiscussion, "Strategy discussion"),
    Tracked(Section47Enquiry, "Section 47 enquiry"),
    Tracked(ConferenceRequest, "Request for a conference", through=(("enquiry_id", Section47Enquiry),)),
    Tracked(ChildProtectionConference, "Child protection conference"),
    Tracked(ChildProtectionPlan, "Child protection plan"),
    Tracked(CoreGroupMeeting, "Core group meeting"),
    Tracked(
        Participant,
        "Meeting participant",
        named_by="name",
        show_added=False,
        through=(
            ("strategy_discussion_id", StrategyDiscussion),
            ("conference_id", ChildProtectionConference),
            ("core_group_of_id", ChildProtectionPlan),
            ("core_group_meeting_id", CoreGroupMeeting),
            ("cin_meeting_id", ChildInNeedMeeting),
        ),
    ),
    Tracked(CaseNote, "Case note"),
    Tracked(AgreedAction, "Agreed action"),
    Tracked(SignificantEvent, "Significant event"),
    Tracked(CustodyEpisode, "Police custody", Section.CUSTODY),
    Tracked(AppropriateAdultScreening, "Appropriate adult's form", Section.SCREENING),
    Tracked(PaceAccommodationRequest, "PACE accommodation request", Section.PACE),
    Tracked(CourtAppearance, "Court hearing", Section.COURT),
    Tracked(Remand, "Remand", Section.REMAND),
    Tracked(YouthJusticeOrder, "Order or sentence", Section.ORDERS),
    Tracked(PreventionReferral, "Prevention and diversion referral", Section.PREVENTION),
    Tracked(HsbConsultation, "Harmful sexual behaviour consultation", Section.HSB),
    Tracked(SeriousIncident, "Serious incident", Section.INCIDENTS),
    Tracked(LeadAgencyDecision, "Lead agency decision", Section.JOINT),
    Tracked(JointWorkingDisagreement, "Joint working disagreement", Section.JOINT),
    Tracked(LookedAfterReview, "Looked after review in custody", Section.CUSTODY_CARE),
    Tracked(CustodyVisit, "Visit in custody", Section.CUSTODY_CARE),
    Tracked(BailPackageReview, "Bail package review", Section.CUSTODY_CARE),
    Tracked(CustodyPlanningMeeting, "Custody planning meeting", Section.CUSTODY_CARE),
]

BY_EVENT_MODEL_LABEL: dict[str, Tracked] = {}

for _tracked in TRACKED:
    _columns = {field.name for field in _tracked.model._meta.local_fields}
    pghistory.track(
        pghistory.InsertEvent("added"),
        pghistory.UpdateEvent("changed"),
        exclude=[name for name in NOT_HISTORY if name in _columns],
        model_name=f"{_tracked.model.__name__}Change",
        # A change is never edited or removed once recorded.
        append_only=True,
    )(_tracked.model)
    BY_EVENT_MODEL_LABEL[_tracked.event_model._meta.label] = _tracked

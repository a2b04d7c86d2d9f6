"""Builders for the chronology and pathway-summary tests: records made straight with the ORM,
so these tests do not depend on the other pathway services. Every name here is fictional."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import Agency
from casework.models import (
    AbuseCategory,
    Assessment,
    CaseNote,
    ChildInNeedMeeting,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    CoreGroupMeeting,
    Involvement,
    Section47Enquiry,
    SignificantEvent,
    StrategyDiscussion,
)
from referrals.models import Contact, Decision
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, front_door_world

MASH_SECRET = "MASH-working-note-do-not-show"


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def moment(n: int, hour: int = 10):
    """n days ago at `hour`:00, local time."""
    return timezone.make_aware(datetime.combine(days_ago(n), time(hour, 0)))


def world_with_child():
    """front_door_world plus a child open to CSC (allocated to the CSC worker) and CYJS."""
    world = front_door_world()
    child = ChildFactory(first_name="Casey", last_name="Examplechild")
    InvolvementFactory(
        child=child,
        agency=world.csc,
        kind=Involvement.Kind.CP,
        start=days_ago(60),
        allocated_worker=world.csc_worker,
        team=world.csc_team,
        is_lead_agency=True,
    )
    InvolvementFactory(
        child=child,
        agency=world.cyjs,
        kind=Involvement.Kind.YJ_PREVENTION,
        start=days_ago(200),
        allocated_worker=world.cyjs_worker,
        team=world.cyjs_team,
    )
    world.child = child
    return world


def add_contact(world, child, *, received: int, decided: int | None = None, outcome=Decision.Outcome.ASSESSMENT):
    contact = Contact.objects.create(
        child=child,
        received_at=moment(received, 9),
        referrer_agency="Example Primary School",
        concerns=f"Concerns {MASH_SECRET}",
        rag=Contact.Rag.AMBER,
        rag_rationale=f"Rating {MASH_SECRET}",
        agency=world.mash,
        team=world.mash_team,
        status=Contact.Status.DECIDED if decided is not None else Contact.Status.OPEN,
        decided_at=moment(decided, 15) if decided is not None else None,
    )
    if decided is not None:
        Decision.objects.create(
            contact=contact,
            outcome=outcome,
            rationale=f"Reasons {MASH_SECRET}",
            decided_by=world.mash_manager,
            decided_at=moment(decided, 15),
            authorised_by=world.mash_manager,
            authorised_at=moment(decided, 15),
        )
    return contact


def full_history(world):
    """One record from each source of the chronology, on distinct days (newest: the significant event)."""
    child, csc_worker, by = world.child, world.csc_worker, world.csc_manager
    health = AgencyFactory(authority=world.authority, kind=Agency.Kind.HEALTH, name="Example health visiting")
    h = SimpleNamespace(child=child)
    h.health_involvement = InvolvementFactory(
        child=child, agency=health, kind=Involvement.Kind.OTHER, start=days_ago(150), end=days_ago(80)
    )
    h.contact = add_contact(world, child, received=62, decided=61)
    h.cin_plan = ChildInNeedPlan.objects.create(
        child=child,
        started_on=days_ago(100),
        status=ChildInNeedPlan.Status.ENDED,
        ended_on=days_ago(36),
        end_reason="Child protection plan started",
        created_by=by,
    )
    h.cin_meeting = ChildInNeedMeeting.objects.create(
        plan=h.cin_plan, child=child, held_on=days_ago(70), decisions="Keep the school attendance plan", created_by=by
    )
    h.assessment = Assessment.objects.create(
        child=child,
        contact=h.contact,
        referral_received_at=h.contact.received_at,
        started_on=days_ago(58),
        social_worker=csc_worker,
        status=Assessment.Status.COMPLETED,
        outcome=Assessment.Outcome.STRATEGY_DISCUSSION,
        completed_at=moment(52, 16),
        completed_by=csc_worker,
        signed_off_at=moment(52, 17),
        signed_off_by=by,
        created_by=csc_worker,
    )
    h.strategy_discussion = StrategyDiscussion.objects.create(
        child=child,
        assessment=h.assessment,
        status=StrategyDiscussion.Status.HELD,
        held_at=moment(50, 11),
        format=StrategyDiscussion.Format.MEETING,
        initiates_section_47=True,
        decision_rationale="Injury seen",
        created_by=csc_worker,
        recorded_by=csc_worker,
    )
    h.enquiry = Section47Enquiry.objects.create(
        child=child,
        strategy_discussion=h.strategy_discussion,
        started_on=days_ago(49),
        joint_with_police=True,
        status=Section47Enquiry.Status.CONCLUDED,
        outcome=Section47Enquiry.Outcome.SUBSTANTIATED,
        outcome_rationale="Concerns confirmed",
        outcome_recorded_at=moment(40, 12),
        created_by=csc_worker,
    )
    h.conference = ChildProtectionConference.objects.create(
        child=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        status=ChildProtectionConference.Status.HELD,
        enquiry=h.enquiry,
        held_at=moment(35, 10),
        plan_needed=True,
        category=AbuseCategory.NEGLECT,
        created_by=by,
    )
    h.cp_plan = ChildProtectionPlan.objects.create(
        child=child,
        initial_conference=h.conference,
        started_on=days_ago(35),
        category=AbuseCategory.NEGLECT,
        lead_social_worker=csc_worker,
        created_by=by,
    )
    h.core_group = CoreGroupMeeting.objects.create(
        plan=h.cp_plan,
        child=child,
        held_on=days_ago(30),
        decisions="Health visitor to visit weekly",
        recorded_by=csc_worker,
    )
    h.case_note = CaseNote.objects.create(
        child=child,
        agency=world.cyjs,
        kind=CaseNote.Kind.VISIT,
        occurred_at=moment(10, 14),
        took_part="Casey; Riley (CYJS)",
        summary="Home visit. Casey was at home and spoke about school.",
        no_further_action=True,
        recorded_by=world.cyjs_worker,
    )
    h.event = SignificantEvent.objects.create(
        child=child,
        agency=world.csc,
        occurred_on=days_ago(5),
        title="Moved to live with grandmother",
        recorded_by=csc_worker,
    )
    return h


def current_pathway(world):
    """Records open now: an assessment, a pending strategy discussion, an open enquiry,
    an arranged review conference, an active CP plan and an active CIN plan."""
    child, csc_worker, by = world.child, world.csc_worker, world.csc_manager
    p = SimpleNamespace(child=child)
    p.assessment = Assessment.objects.create(
        child=child,
        referral_received_at=moment(3),
        started_on=days_ago(3),
        social_worker=csc_worker,
        created_by=csc_worker,
    )
    p.pending_discussion = StrategyDiscussion.objects.create(child=child, created_by=csc_worker)
    held = StrategyDiscussion.objects.create(
        child=child,
        status=StrategyDiscussion.Status.HELD,
        held_at=moment(20),
        initiates_section_47=True,
        created_by=csc_worker,
    )
    p.held_discussion = held
    p.enquiry = Section47Enquiry.objects.create(
        child=child, strategy_discussion=held, started_on=days_ago(20), created_by=csc_worker
    )
    initial = ChildProtectionConference.objects.create(
        child=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        status=ChildProtectionConference.Status.HELD,
        held_at=moment(200),
        plan_needed=True,
        category=AbuseCategory.EMOTIONAL,
        created_by=by,
    )
    p.cp_plan = ChildProtectionPlan.objects.create(
        child=child,
        initial_conference=initial,
        started_on=days_ago(200),
        category=AbuseCategory.EMOTIONAL,
        created_by=by,
    )
    p.review = ChildProtectionConference.objects.create(
        child=child,
        kind=ChildProtectionConference.Kind.REVIEW,
        plan=p.cp_plan,
        scheduled_for=moment(-14, 10),
        created_by=by,
    )
    p.cin_plan = ChildInNeedPlan.objects.create(
        child=child, started_on=days_ago(15), lead_social_worker=csc_worker, created_by=by
    )
    return p

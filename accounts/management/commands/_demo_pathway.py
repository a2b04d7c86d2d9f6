"""Demo child protection and child in need records, made through the pathway services
as a social worker would make them, so every clock, notice and access-log row is real.

Each child's records are made only when that child has none yet, so a second run
changes nothing and records changed while trying the app out are kept. All names
are invented.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from casework.assessment.services import start_assessment
from casework.chronology.services import record_case_note
from casework.conference.services import arrange_conference, record_conference
from casework.court import services as court
from casework.custody.services import record_custody_episode
from casework.enquiry.services import record_section_47_outcome, record_strategy_discussion
from casework.joint.services import decide_lead_agency, record_planning_meeting
from casework.models import (
    Assessment,
    Capacity,
    CaseNote,
    Child,
    ChildProtectionConference,
    CourtAppearance,
    CustodyEpisode,
    LeadAgencyDecision,
    Remand,
    Section47Enquiry,
    StrategyDiscussion,
    YouthJusticeOrder,
)
from casework.orders.services import record_order
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _child(first, last):
    return Child.objects.filter(first_name=first, last_name=last).first()


def _person(user, capacity, role):
    return {
        "name": user.display_name,
        "organisation": user.agency.name,
        "capacity": capacity,
        "role": role,
        "user": user,
    }


def _strategy_attendees(users, *, with_cyjs):
    people = [
        _person(users["csc.worker"], Capacity.SOCIAL_WORKER, "Social worker"),
        _person(users["csc.manager"], Capacity.CSC_MANAGER, "Team manager"),
        {
            "name": "DC Demo-Officer",
            "organisation": "Lancashire Police",
            "capacity": Capacity.POLICE,
            "role": "Detective constable",
        },
        {
            "name": "Nurse Demo-Health",
            "organisation": "Lancashire Health",
            "capacity": Capacity.HEALTH,
            "role": "School nurse",
        },
    ]
    if with_cyjs:
        people.append(_person(users["cyjs.worker"], Capacity.CYJS, "Youth justice officer"))
    return people


def load(users, count):
    """Create the demo pathway records; `count(changed)` is told of each change."""
    worker = users["csc.worker"]
    calendar = calendar_for(worker.agency.authority)
    today = timezone.localdate()

    def working_days_ago(n):
        return add_working_days(today, -n, calendar=calendar)

    # An assessment past its 45 working days, still in progress.
    ruby = _child("Ruby", "Fictional")
    if ruby and not Assessment.objects.filter(child=ruby).exists():
        start_assessment(child=ruby, by=worker, referral_received_at=_at(working_days_ago(50)), social_worker=worker)
        count(True)

    # Section 47 enquiries under way: the initial conference is due in a few days.
    casey = _child("Casey", "Specimen")
    if casey and not StrategyDiscussion.objects.filter(child=casey).exists():
        _strategy_discussion(casey, users, held_on=working_days_ago(12), with_cyjs=False)
        count(True)

    # Worked jointly with CYJS: on a child protection plan since an initial
    # conference last week; the first core group is due.
    jordan = _child("Jordan", "Example")
    if jordan and not StrategyDiscussion.objects.filter(child=jordan).exists():
        enquiry = _strategy_discussion(jordan, users, held_on=working_days_ago(16), with_cyjs=True).section_47_enquiry
        _initial_conference(jordan, users, enquiry, held_on=working_days_ago(4))
        _case_note(jordan, users["cyjs.worker"], when=_at(working_days_ago(2), 15))
        count(True)

    # Youth justice: the joint child was remanded to local authority accommodation after a
    # hearing three weeks ago; the youth-justice-only child was arrested last week and is on
    # a youth rehabilitation order.
    if jordan and not CourtAppearance.objects.filter(child=jordan).exists():
        _remand(jordan, users, heard_on=working_days_ago(15))
        count(True)
    if jordan and not LeadAgencyDecision.objects.filter(child=jordan).exists():
        _lead_agency(jordan, users, decided_on=working_days_ago(14))
        count(True)
    tyler = _child("Tyler", "Sample")
    if tyler and not CustodyEpisode.objects.filter(child=tyler).exists():
        _custody_and_order(tyler, users, arrested_on=working_days_ago(4))
        count(True)


def _strategy_discussion(child, users, *, held_on, with_cyjs):
    return record_strategy_discussion(
        child=child,
        by=users["csc.worker"],
        held_at=_at(held_on),
        attendees=_strategy_attendees(users, with_cyjs=with_cyjs),
        initiates_section_47=True,
        format=StrategyDiscussion.Format.MEETING,
        information_shared="School saw bruising on the child's arm. Police attended the home twice this year.",
        risk_level=StrategyDiscussion.RiskLevel.HIGH,
        decision_rationale="Reasonable cause to suspect the child is suffering significant harm.",
        criminal_investigation=False,
        actions=[
            {
                "description": "See the child alone at school",
                "owner_name": users["csc.worker"].display_name,
                "due_on": held_on + timedelta(days=1),
            }
        ],
    )


def _initial_conference(child, users, enquiry, *, held_on):
    worker = users["csc.worker"]
    enquiry = record_section_47_outcome(
        enquiry=enquiry,
        by=worker,
        expected_version=enquiry.version,
        outcome=Section47Enquiry.Outcome.SUBSTANTIATED,
        outcome_rationale="The child described being hurt at home; the medical found injuries consistent with that.",
    )
    conference = arrange_conference(
        child=child,
        by=worker,
        kind=ChildProtectionConference.Kind.INITIAL,
        scheduled_for=_at(held_on),
        chair=users["chair"],
        enquiry=enquiry,
    )
    record_conference(
        conference=conference,
        by=worker,
        expected_version=conference.version,
        held_at=_at(held_on),
        chair=users["chair"],
        attendance=[
            {"participant_id": p.pk, "attended": True, "report_received": True, "report_shared_with_parents": True}
            for p in conference.participants.all()
        ],
        reports_shared_with_parents=True,
        parents_told_about_advocacy=True,
        plan_needed=True,
        category="physical",
        lead_social_worker=worker,
        decision_reasons="The child is likely to suffer significant harm without a plan.",
        outline_plan="Weekly visits; parenting support; school to tell the social worker of any injury the same day.",
    )


def _case_note(child, author, *, when):
    record_case_note(
        child=child,
        by=author,
        kind=CaseNote.Kind.PROFESSIONAL_DISCUSSION,
        occurred_at=when,
        took_part="Youth justice officer and the child's social worker",
        summary="Agreed how bail supervision visits fit with the child protection plan's weekly visits.",
        actions=[{"description": "Share the visit rota with the social worker", "owner_name": author.display_name}],
    )


def _remand(child, users, *, heard_on):
    cyjs_worker, csc_worker = users["cyjs.worker"], users["csc.worker"]
    appearance = court.record_court_appearance(
        child=child,
        by=cyjs_worker,
        hearing_at=_at(heard_on),
        court="Exampletown Youth Court",
        purpose="First appearance",
        risk_of_remand=True,
    )
    appearance = court.record_court_outcome(
        appearance=appearance,
        by=cyjs_worker,
        expected_version=appearance.version,
        outcome="remand_la",
        bail_supervision_assessed=True,
        next_hearing_at=_at(heard_on + timedelta(days=28)),
    )
    remand = Remand.objects.get(appearance=appearance)
    remand = court.record_placement(
        remand=remand, by=cyjs_worker, expected_version=remand.version, placement=Remand.Placement.FOSTER_CARE
    )
    court.record_placement_planning_meeting(
        remand=remand,
        by=csc_worker,
        held_on=heard_on + timedelta(days=3),
        task_split="CSC: placement and looked-after duties. CYJS: bail supervision and court.",
    )
    court.record_cla_notifications_sent(remand=remand, by=csc_worker, on=heard_on + timedelta(days=2))


def _custody_and_order(child, users, *, arrested_on):
    worker = users["cyjs.worker"]
    record_custody_episode(
        child=child,
        by=worker,
        arrested_at=_at(arrested_on, 21),
        custody_suite="Exampletown police station",
        offence_summary="Criminal damage",
        seen_by_liaison_and_diversion=True,
        appropriate_adult=CustodyEpisode.AppropriateAdult.AA_SERVICE,
        appropriate_adult_name="A. Demo-Volunteer",
        police_safeguarding_report=True,
    )
    record_order(
        child=child,
        by=worker,
        kind=YouthJusticeOrder.Kind.YOUTH_REHABILITATION_ORDER,
        made_on=timezone.localdate() - timedelta(weeks=20),
        ends_on=timezone.localdate() + timedelta(weeks=32),
        requirements="Supervision; 40 hours unpaid work; curfew 19:00 to 07:00 for 3 months.",
    )


def _lead_agency(child, users, *, decided_on):
    """Worked jointly: youth justice leads while the child is on remand (seed 000 ¶2.3, ¶21.1)."""
    manager = users["cyjs.manager"]
    decision = decide_lead_agency(
        child=child,
        by=manager,
        lead_agency=manager.agency,
        decided_on=decided_on,
        reasons="On remand with bail supervision: youth justice sees the child most and holds the court work.",
    )
    record_planning_meeting(
        decision=decision,
        by=manager,
        expected_version=decision.version,
        held_on=decided_on + timedelta(days=2),
        task_split="CYJS: bail supervision, court, offending work. CSC: child protection plan, placement, looked-after duties.",
    )

"""Builders for the conference slice's tests: the earlier pathway steps made directly with the ORM,
so these tests do not depend on the strategy discussion / section 47 services. Every name is fictional."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from accounts.models import Role
from casework.conference import services
from casework.models import (
    Capacity,
    ChildProtectionConference,
    Involvement,
    Participant,
    Section47Enquiry,
    StrategyDiscussion,
)
from notifications.clocks import start_clock
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, front_door_world


def conference_world():
    """front_door_world plus an independent chair, a police officer and a health visitor who use the system,
    and a child open to CSC (allocated to the CSC practitioner) and known to CYJS."""
    w = front_door_world()
    w.chair = UserFactory(
        role=Role.CONFERENCE_CHAIR, agency=w.csc, first_name="Chris", last_name="Chairperson", username="conf.chair"
    )
    w.child = ChildFactory(first_name="Alex", last_name="Examplechild")
    w.csc_involvement = InvolvementFactory(
        child=w.child, agency=w.csc, kind=Involvement.Kind.CIN, allocated_worker=w.csc_worker, team=w.csc_team
    )
    w.cyjs_involvement = InvolvementFactory(
        child=w.child, agency=w.cyjs, kind=Involvement.Kind.YJ_PREVENTION, allocated_worker=w.cyjs_worker
    )
    return w


def substantiated_enquiry(
    w, *, child=None, discussion_held_at=None, outcome=Section47Enquiry.Outcome.SUBSTANTIATED, icpc=True
):
    """A held strategy discussion (with participants), its section 47 enquiry and the running `icpc` clock."""
    child = child or w.child
    held_at = discussion_held_at or timezone.now() - timedelta(days=3)
    discussion = StrategyDiscussion.objects.create(
        child=child,
        status=StrategyDiscussion.Status.HELD,
        held_at=held_at,
        format=StrategyDiscussion.Format.MEETING,
        initiates_section_47=True,
        decision_rationale="Injuries the child could not explain.",
        recorded_by=w.csc_worker,
        created_by=w.csc_worker,
    )
    for name, organisation, capacity, user in (
        (w.csc_worker.display_name, "Children's social care", Capacity.SOCIAL_WORKER, w.csc_worker),
        ("PC Pat Officer", "Testshire Police", Capacity.POLICE, None),
        (w.teacher.display_name, "Example Primary School", Capacity.EDUCATION, w.teacher),
        ("Jo Parent", "", Capacity.PARENT_OR_CARER, None),
    ):
        Participant.objects.create(
            strategy_discussion=discussion, name=name, organisation=organisation, capacity=capacity, user=user
        )
    concluded = outcome != ""
    enquiry = Section47Enquiry.objects.create(
        child=child,
        strategy_discussion=discussion,
        status=Section47Enquiry.Status.CONCLUDED if concluded else Section47Enquiry.Status.OPEN,
        started_on=timezone.localdate(held_at),
        lead_social_worker=w.csc_worker,
        outcome=outcome,
        outcome_rationale="Enquiries found the injuries non-accidental." if concluded else "",
        created_by=w.csc_worker,
    )
    if icpc:
        start_clock("icpc", enquiry, child=child, started_at=held_at, agency=w.csc)
    return enquiry


def arranged_initial(w, enquiry=None, **kwargs):
    enquiry = enquiry or substantiated_enquiry(w)
    kwargs.setdefault("scheduled_for", timezone.now() - timedelta(hours=3))
    kwargs.setdefault("chair", w.chair)
    return services.arrange_conference(
        child=enquiry.child, by=w.csc_worker, kind=ChildProtectionConference.Kind.INITIAL, enquiry=enquiry, **kwargs
    )


def attendance_all(conference, *, report=True):
    return [
        {
            "participant_id": p.pk,
            "attended": True,
            "sent_apologies": False,
            "report_received": report,
            "report_shared_with_parents": True if report else None,
        }
        for p in conference.participants.all()
    ]


def record(w, conference, **overrides):
    conference.refresh_from_db()
    values = dict(
        conference=conference,
        by=w.csc_worker,
        expected_version=conference.version,
        held_at=timezone.now() - timedelta(hours=1),
        chair=w.chair,
        attendance=attendance_all(conference),
        reports_shared_with_parents=True,
        parents_told_about_advocacy=True,
        plan_needed=True,
        category="neglect",
        lead_social_worker=w.csc_worker,
        decision_reasons="The child is likely to suffer significant harm.",
        outline_plan="Daily school attendance; health checks; weekly visits.",
    )
    values.update(overrides)
    return services.record_conference(**values)


def child_on_plan(w, **record_overrides):
    """A child with an active plan from a held initial conference. Returns (conference, plan)."""
    conference = arranged_initial(w)
    record(w, conference, **record_overrides)
    conference.refresh_from_db()
    return conference, conference.resulting_plan


def as_namespace(**kwargs):
    return SimpleNamespace(**kwargs)

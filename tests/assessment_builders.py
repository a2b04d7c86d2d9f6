"""Builders for the assessment and child in need plan tests. Every name here is fictional."""

from datetime import date, timedelta

from django.utils import timezone

from casework.assessment import services
from casework.models import Involvement
from tests.factories import ChildFactory, InvolvementFactory, front_door_world


def assessment_world():
    """front_door_world plus a child open to CSC (allocated to the CSC worker) and to CYJS."""
    world = front_door_world()
    world.child = ChildFactory(first_name="Robin", last_name="Marchbank")
    world.cin = InvolvementFactory(
        child=world.child,
        agency=world.csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=world.csc_worker,
        team=world.csc_team,
        start=timezone.localdate() - timedelta(days=10),
    )
    world.yj = InvolvementFactory(
        child=world.child,
        agency=world.cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=world.cyjs_worker,
        team=world.cyjs_team,
        start=timezone.localdate() - timedelta(days=30),
    )
    # A child known only to CSC: CYJS cannot see them.
    world.csc_only_child = ChildFactory(first_name="Avery", last_name="Pennick")
    InvolvementFactory(
        child=world.csc_only_child, agency=world.csc, kind=Involvement.Kind.CIN, allocated_worker=world.csc_worker
    )
    return world


def start(world, *, child=None, days_ago=3, by=None):
    return services.start_assessment(
        child=child or world.child,
        by=by or world.csc_worker,
        referral_received_at=timezone.now() - timedelta(days=days_ago),
        social_worker=world.csc_worker,
    )


FOUND = dict(
    child_seen_on=None,  # set to a real date by `record`
    child_seen_alone=True,
    wishes_and_feelings="Wants to stay at home and see grandparents more.",
    developmental_needs="Missing school on Mondays.",
    parenting_capacity="Mother is warm but struggling with her own health.",
    family_and_environment="Damp flat; rent arrears.",
    strengths="Close to grandmother who lives nearby.",
    differences_of_view="School sees more risk than the family does.",
    analysis="Needs are complex enough for a child in need plan; no sign of significant harm.",
)


def record(assessment, by, **changes):
    data = {**FOUND, "child_seen_on": timezone.localdate() - timedelta(days=1), **changes}
    return services.update_assessment(assessment=assessment, by=by, expected_version=assessment.version, data=data)


def ready_to_sign(world, *, outcome="cin_plan", days_ago=3, child=None, lateness_reason=""):
    assessment = record(start(world, days_ago=days_ago, child=child), world.csc_worker)
    return services.complete_assessment(
        assessment=assessment,
        by=world.csc_worker,
        expected_version=assessment.version,
        outcome=outcome,
        outcome_rationale="The family agree support is needed.",
        lateness_reason=lateness_reason,
    )


def unborn(**fields):
    return ChildFactory(date_of_birth=None, expected_date_of_birth=date.today() + timedelta(days=60), **fields)

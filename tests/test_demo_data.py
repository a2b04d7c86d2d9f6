"""The demo data `make run` loads: complete, fictional, and safe to load again."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.audit import verify_chain
from casework.models import Assessment, ChildProtectionPlan, Section47Enquiry
from notifications.models import Deadline

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", quiet=True, allow_without_debug=True, no_history=True)


def test_refuses_with_debug_off_unless_told():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", quiet=True)


def test_demo_pathway_records_are_made_through_the_services():
    load()
    plan = ChildProtectionPlan.objects.get(child__first_name="Jordan", child__last_name="Example")
    assert plan.status == ChildProtectionPlan.Status.ACTIVE
    assert plan.core_group.exists()
    open_on_plan = set(
        Deadline.objects.filter(child=plan.child, status__in=Deadline.OPEN_STATUSES).values_list("rule_code", flat=True)
    )
    assert {"core_group_first", "cp_review_first"} <= open_on_plan
    assert Deadline.objects.get(child=plan.child, rule_code="icpc").status == Deadline.Status.MET

    enquiry = Section47Enquiry.objects.get(child__first_name="Casey")
    assert enquiry.status == Section47Enquiry.Status.OPEN
    assert Deadline.objects.get(child=enquiry.child, rule_code="icpc").is_open

    assessment = Assessment.objects.get(child__first_name="Ruby")
    deadline = Deadline.objects.get(child=assessment.child, rule_code="assessment")
    assert deadline.is_open and deadline.status == Deadline.Status.OPEN
    assert deadline.due_date < assessment.started_on  # already past 45 working days: shows as overdue

    from casework.models import CustodyEpisode, Remand, YouthJusticeOrder

    remand = Remand.objects.get(child=plan.child)
    assert remand.looked_after and remand.placement == Remand.Placement.FOSTER_CARE
    # Looked after from the day of the remand, three weeks back, not from the day the demo was loaded.
    assert remand.cla_involvement.start == remand.started_on < timezone.localdate()
    assert not Deadline.objects.filter(
        child=plan.child,
        rule_code__in=["placement_planning_meeting", "cla_notifications"],
        status__in=Deadline.OPEN_STATUSES,
    ).exists()
    from casework.models import LeadAgencyDecision

    decision = LeadAgencyDecision.objects.get(child=plan.child)
    assert decision.lead_agency.kind == "cyjs" and decision.planning_meeting_on
    assert CustodyEpisode.objects.filter(child__first_name="Tyler").exists()
    assert YouthJusticeOrder.objects.filter(
        child__first_name="Tyler", kind=YouthJusticeOrder.Kind.YOUTH_REHABILITATION_ORDER
    ).exists()

    # Made through the services, so the writes are in the access log and the chain holds.
    assert verify_chain().intact


def test_each_csc_and_cyjs_team_has_three_practitioners_and_mash_two_workers():
    """Allocation and caseloads need someone to move work to."""
    from accounts.models import Role, Team

    load()
    for team in Team.objects.filter(agency__authority__la_code="888"):
        members = team.members.filter(is_active=True)
        if team.agency.kind == "mash":
            assert members.filter(role=Role.MASH_WORKER).count() >= 2, team
        else:
            assert members.filter(role=Role.PRACTITIONER, line_manager=team.manager).count() >= 3, team


def test_loading_twice_changes_nothing():
    load()
    counts = (
        Assessment.objects.count(),
        Section47Enquiry.objects.count(),
        ChildProtectionPlan.objects.count(),
        Deadline.objects.count(),
    )
    load()
    assert (
        Assessment.objects.count(),
        Section47Enquiry.objects.count(),
        ChildProtectionPlan.objects.count(),
        Deadline.objects.count(),
    ) == counts


def test_the_api_schema_documents_every_pathway_resource_without_warnings():
    """drf-spectacular warns (and names enums by hash) when it cannot describe an endpoint."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for resource in (
        "assessments",
        "strategy-discussions",
        "section-47-enquiries",
        "conferences",
        "child-protection-plans",
        "cin-plans",
        "case-notes",
    ):
        assert f"/api/v1/{resource}/" in paths, resource
    assert "/api/v1/children/{id}/chronology/" in paths
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache

"""The child protection pathway end to end, through the real API, as the right users.

A partner's contact, MASH's decision, the assessment and its sign-off, the strategy
discussion that starts section 47 enquiries, the outcome, the initial conference with a
plan, a core group, a review that keeps the plan and a review that ends it. At each step:
the clocks (GET /children/{id}/deadlines/), the chronology and the access log.
"""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AccessEvent, Agency, Role
from accounts.tokens import create_service_token
from casework.models import (
    Assessment,
    ChildProtectionPlan,
    Involvement,
    Section47Enquiry,
    StrategyDiscussion,
)
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for
from notifications.models import Notification
from tests.factories import PASSWORD, AgencyFactory, InvolvementFactory, UserFactory, front_door_world

pytestmark = pytest.mark.django_db

API = "/api/v1"


def moment(*args):
    return datetime(*args, tzinfo=UTC)


@contextmanager
def at(when):
    with time_machine.travel(when, tick=False):
        yield


def token_client(user):
    """A client authenticated with a real token: a person's from /auth/token/, a partner system's
    service token (reading and sending contacts) for a service account."""
    client = APIClient()
    if user.role == Role.SERVICE_ACCOUNT:
        key = create_service_token(user=user, name="Partner system", scopes=["read", "contacts:write"]).key
    else:
        response = client.post(f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 200, response.content
        key = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def ok(response, code=200):
    assert response.status_code == code, (response.status_code, response.content[:2000])
    return response.json()


@pytest.fixture(autouse=True)
def _tokens_last_the_story(settings):
    """The story runs over months on one sign-in each; in life people sign in again each day."""
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(days=400)}


@pytest.fixture
def world():
    world = front_door_world()
    world.chair = UserFactory(
        role=Role.CONFERENCE_CHAIR,
        agency=world.csc,
        first_name="Casey",
        last_name="Chair",
        job_title="Independent reviewing officer",
    )
    world.csc_worker.first_name, world.csc_worker.last_name = "Sol", "Worker"
    world.csc_worker.save(update_fields=["first_name", "last_name"])
    return world


def clocks(client, child_id):
    rows = ok(client.get(f"{API}/children/{child_id}/deadlines/"))
    by_rule = {}
    for row in rows:
        by_rule.setdefault(row["rule"], []).append(row)
    return by_rule


def status_of(by_rule, rule):
    return [row["status"] for row in by_rule.get(rule, [])]


def chronology_titles(client, child_id):
    """Oldest first."""
    rows = ok(client.get(f"{API}/children/{child_id}/chronology/"))
    return [row["title"] for row in reversed(rows)]


def in_order(items, expected):
    """`expected` appears in `items` in this order (other items may come between)."""
    position = 0
    for item in items:
        if position < len(expected) and item == expected[position]:
            position += 1
    return position == len(expected)


def writes(user, child, what):
    return AccessEvent.objects.filter(
        user=user, child=child, action=AccessEvent.Action.WRITE, what=what, outcome=AccessEvent.Outcome.ALLOWED
    ).count()


CONTACT = {
    "received_at": "2026-11-02T09:00:00Z",
    "referrer": {
        "name": "A Teacher",
        "agency": "education",
        "role": "designated safeguarding lead",
        "contact": "01234 000000",
    },
    "child": {"first_name": "Rowan", "last_name": "Example", "date_of_birth": "2013-06-01"},
    "concerns": "Bruising seen on both arms; the child says they are scared to go home.",
    "categories": ["physical"],
    "consent": "given",
}


def test_from_a_partner_contact_to_the_end_of_a_child_protection_plan(world):
    calendar = calendar_for(world.authority)

    # 1. A partner system sends a contact; a MASH manager decides on an assessment.
    with at(moment(2026, 11, 2, 9, 30)):
        partner, mash, worker, manager = (
            token_client(world.service),
            token_client(world.mash_manager),
            token_client(world.csc_worker),
            token_client(world.csc_manager),
        )
        chair_api, cyjs = token_client(world.chair), token_client(world.cyjs_worker)
        contact = ok(partner.post(f"{API}/contacts/", CONTACT, format="json", HTTP_IDEMPOTENCY_KEY="e2e-1"), 201)
    with at(moment(2026, 11, 2, 10, 0)):
        decided = ok(
            mash.post(
                f"{API}/contacts/{contact['id']}/decide/",
                {"outcome": "assessment", "rationale": "Threshold met for an assessment"},
                format="json",
            )
        )
        assert decided["status"] == "decided"
    from referrals.models import Contact

    child = Contact.objects.get(pk=contact["id"]).child
    cid = child.pk
    # Meanwhile the child is open to CYJS (a court order), allocated to the CYJS worker.
    InvolvementFactory(
        child=child,
        agency=world.cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=world.cyjs_worker,
        team=world.cyjs_team,
        start=date(2026, 10, 1),
    )

    with at(moment(2026, 11, 2, 11, 0)):
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "referral_decision") == ["met"]
        assert status_of(by_rule, "assessment") == ["open"]
        assert by_rule["assessment"][0]["due"] == add_working_days(date(2026, 11, 2), 45, calendar=calendar).isoformat()
        [assessment] = ok(worker.get(f"{API}/assessments/?child={cid}"))["results"]
        assert assessment["status"] == "in_progress" and assessment["contact"] == contact["id"]
        assert assessment["referral_received_at"].startswith("2026-11-02T09:00")  # from the contact, not typed again

    # 2. The social worker takes the assessment, records it and completes it: strategy discussion.
    with at(moment(2026, 11, 5, 15, 0)):
        updated = ok(
            worker.patch(
                f"{API}/assessments/{assessment['id']}/",
                {
                    "version": assessment["version"],
                    "social_worker": world.csc_worker.pk,
                    "child_seen_on": "2026-11-04",
                    "child_seen_alone": True,
                    "wishes_and_feelings": "Does not want to go home.",
                    "analysis": "Reasonable cause to suspect significant harm.",
                },
                format="json",
            )
        )
        assert writes(world.csc_worker, child, "assessment:update") == 1
        assert writes(world.csc_worker, child, "api:assessments-update") == 1
    with at(moment(2026, 11, 20, 11, 0)):
        completed = ok(
            worker.post(
                f"{API}/assessments/{assessment['id']}/complete/",
                {
                    "version": updated["version"],
                    "outcome": "strategy_discussion",
                    "outcome_rationale": "Injuries unexplained; the child is frightened",
                },
                format="json",
            )
        )
        assert completed["status"] == "awaiting_sign_off"
        assert status_of(clocks(worker, cid), "assessment") == ["open"]  # the clock stops at sign-off
        # The social worker cannot sign off their own work.
        assert (
            worker.post(f"{API}/assessments/{assessment['id']}/sign-off/", {"approve": True}, format="json").status_code
            == 403
        )
    with at(moment(2026, 11, 23, 9, 30)):
        signed = ok(manager.post(f"{API}/assessments/{assessment['id']}/sign-off/", {"approve": True}, format="json"))
        assert signed["status"] == "completed"
        assert writes(world.csc_manager, child, "assessment:sign-off") == 1
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "assessment") == ["met"]
        [pending] = ok(worker.get(f"{API}/strategy-discussions/?child={cid}"))["results"]
        assert pending["status"] == "pending"
        assert StrategyDiscussion.objects.get(pk=pending["id"]).assessment_id == assessment["id"]
        # The front door's involvement has no allocated worker yet: who to invite still starts
        # from the assessment's social worker (and their manager) and the CYJS worker.
        from casework.enquiry.services import invitation_prefill

        assert [(p["user"], p["capacity"]) for p in invitation_prefill(child)] == [
            (world.csc_worker, "social_worker"),
            (world.csc_manager, "csc_manager"),
            (world.cyjs_worker, "cyjs"),
        ]

    # 3. The strategy discussion is held and starts section 47 enquiries.
    attendees = [
        {
            "name": "Sol Worker",
            "organisation": world.csc.name,
            "capacity": "social_worker",
            "user": world.csc_worker.pk,
        },
        {
            "name": world.csc_manager.display_name,
            "organisation": world.csc.name,
            "capacity": "csc_manager",
            "user": world.csc_manager.pk,
        },
        {"name": "DS Example", "organisation": "Police", "capacity": "police"},
        {"name": "Dr Example", "organisation": "Community health", "capacity": "health"},
        {
            "name": world.cyjs_worker.display_name,
            "organisation": world.cyjs.name,
            "capacity": "cyjs",
            "user": world.cyjs_worker.pk,
        },
    ]
    with at(moment(2026, 11, 24, 12, 0)):
        held = ok(
            worker.post(
                f"{API}/strategy-discussions/",
                {
                    "child": cid,
                    "discussion": pending["id"],
                    "version": pending["version"],
                    "held_at": "2026-11-24T10:00:00Z",
                    "initiates_section_47": True,
                    "attendees": attendees,
                    "format": "meeting",
                    "decision_rationale": "Unexplained injuries",
                },
                format="json",
            ),
            201,
        )
        assert held["id"] == pending["id"] and held["status"] == "held"
        assert held["warnings"] == []
        assert {p["user"] for p in held["participants"]} >= {world.cyjs_worker.pk, world.csc_worker.pk}
        enquiry_id = held["section_47_enquiry"]
        assert enquiry_id
        assert writes(world.csc_worker, child, "strategy-discussion:record") == 1
        assert writes(world.csc_worker, child, "section-47:start") == 1
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "icpc") == ["open"]
        icpc_due = add_working_days(date(2026, 11, 24), 15, calendar=calendar)
        assert by_rule["icpc"][0]["due"] == icpc_due.isoformat() == "2026-12-15"
        enquiry = ok(worker.get(f"{API}/section-47-enquiries/{enquiry_id}/"))
        assert enquiry["lead_social_worker"] == world.csc_worker.pk
        assert enquiry["icpc_due"] == "2026-12-15"

    # 4. The enquiries find the concerns substantiated.
    with at(moment(2026, 12, 1, 16, 0)):
        concluded = ok(
            worker.post(
                f"{API}/section-47-enquiries/{enquiry_id}/outcome/",
                {
                    "version": enquiry["version"],
                    "outcome": "substantiated",
                    "outcome_rationale": "Injuries non-accidental",
                },
                format="json",
            )
        )
        assert concluded["status"] == "concluded" and concluded["conference_is_due"] is True
        assert writes(world.csc_worker, child, "section-47:outcome") == 1
        assert status_of(clocks(worker, cid), "icpc") == ["open"]
        # CYJS is kept informed.
        assert Notification.objects.filter(
            recipient=world.cyjs_worker, subject__startswith="Section 47 enquiries concluded"
        ).exists()

    # 5. The worker arranges the initial conference: the invitees come from the strategy discussion.
    with at(moment(2026, 12, 2, 9, 0)):
        arranged = ok(
            worker.post(
                f"{API}/conferences/",
                {
                    "child": cid,
                    "kind": "initial",
                    "enquiry": enquiry_id,
                    "scheduled_for": "2026-12-10T10:00:00Z",
                    "chair": world.chair.pk,
                },
                format="json",
            ),
            201,
        )
        assert [(p["name"], p["capacity"], p["user"]) for p in arranged["participants"]] == [
            (a["name"], a["capacity"], a.get("user")) for a in attendees
        ]
        assert writes(world.csc_worker, child, "conference:arrange") == 1
        assert status_of(clocks(worker, cid), "icpc") == ["open"]

    # 6. The conference is recorded (by the worker, the chair chosen): a plan starts.
    with at(moment(2026, 12, 10, 14, 0)):
        recorded = ok(
            worker.post(
                f"{API}/conferences/{arranged['id']}/record/",
                {
                    "version": arranged["version"],
                    "held_at": "2026-12-10T10:00:00Z",
                    "chair": world.chair.pk,
                    "attendance": [{"participant_id": p["id"], "attended": True} for p in arranged["participants"]],
                    "reports_shared_with_parents": True,
                    "parents_told_about_advocacy": True,
                    "plan_needed": True,
                    "category": "physical",
                    "lead_social_worker": world.csc_worker.pk,
                    "outline_plan": "Safety plan with mother; weekly visits",
                    "decision_reasons": "Continuing risk of significant harm",
                },
                format="json",
            )
        )
        assert recorded["status"] == "held"
        plan_id = recorded["resulting_plan"]
        assert plan_id
        assert writes(world.csc_worker, child, "conference:record") == 1
        assert writes(world.csc_worker, child, "cp-plan:start") == 1
        plan = ok(worker.get(f"{API}/child-protection-plans/{plan_id}/"))
        # Carried from the conference, never typed again.
        assert (plan["category"], plan["lead_social_worker"], plan["detail"]) == (
            "physical",
            world.csc_worker.pk,
            "Safety plan with mother; weekly visits",
        )
        assert plan["started_on"] == "2026-12-10"
        assert {p["name"] for p in plan["core_group"]} == {a["name"] for a in attendees}
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "icpc") == ["met"]
        assert status_of(by_rule, "core_group_first") == ["open"]
        assert (
            by_rule["core_group_first"][0]["due"]
            == add_working_days(date(2026, 12, 10), 10, calendar=calendar).isoformat()
        )
        assert status_of(by_rule, "cp_review_first") == ["open"]
        assert by_rule["cp_review_first"][0]["due"] == "2027-03-10"
        assert (
            ChildProtectionPlan.objects.get(pk=plan_id)
            .child.involvements.filter(agency=world.csc, kind=Involvement.Kind.CP, end__isnull=True)
            .exists()
        )

    # 7. The first core group.
    with at(moment(2026, 12, 17, 15, 0)):
        core = ok(
            worker.post(
                f"{API}/child-protection-plans/{plan_id}/core-groups/",
                {
                    "held_on": "2026-12-17",
                    "attendance": [{"participant_id": p["id"], "attended": True} for p in plan["core_group"]],
                    "progress": "Mother engaging",
                    "decisions": "Keep weekly visits",
                    "actions": [{"description": "Visit weekly", "owner_name": "Sol Worker", "due_on": "2027-01-07"}],
                },
                format="json",
            ),
            201,
        )
        assert core["held_on"] == "2026-12-17"
        assert writes(world.csc_worker, child, "core-group:record") == 1
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "core_group_first") == ["met"]
        assert status_of(by_rule, "cp_review_first") == ["open"]

    # 8. The first review: the plan continues, the next review is due in 6 months.
    with at(moment(2027, 2, 15, 9, 0)):
        review = ok(
            worker.post(
                f"{API}/conferences/",
                {
                    "child": cid,
                    "kind": "review",
                    "plan": plan_id,
                    "scheduled_for": "2027-03-01T10:00:00Z",
                    "chair": world.chair.pk,
                },
                format="json",
            ),
            201,
        )
        assert {p["name"] for p in review["participants"]} == {a["name"] for a in attendees}  # from the core group
    with at(moment(2027, 3, 1, 15, 0)):
        reviewed = ok(
            chair_api.post(
                f"{API}/conferences/{review['id']}/record/",
                {
                    "version": review["version"],
                    "held_at": "2027-03-01T10:00:00Z",
                    "chair": world.chair.pk,
                    "reports_shared_with_parents": True,
                    "parents_told_about_advocacy": True,
                    "plan_needed": True,
                },
                format="json",
            )
        )
        # Category and lead carry over from the plan when not given again.
        assert (reviewed["category"], reviewed["lead_social_worker"]) == ("physical", world.csc_worker.pk)
        assert writes(world.chair, child, "conference:record") == 1
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "cp_review_first") == ["met"]
        assert status_of(by_rule, "cp_review_next") == ["open"]
        assert by_rule["cp_review_next"][0]["due"] == "2027-09-01"
        assert ok(worker.get(f"{API}/child-protection-plans/{plan_id}/"))["status"] == "active"

    # 9. The second review decides a plan is no longer needed: the plan ends and CYJS is told.
    with at(moment(2027, 8, 2, 9, 0)):
        second = ok(
            worker.post(
                f"{API}/conferences/",
                {
                    "child": cid,
                    "kind": "review",
                    "plan": plan_id,
                    "scheduled_for": "2027-08-16T10:00:00Z",
                    "chair": world.chair.pk,
                },
                format="json",
            ),
            201,
        )
    with at(moment(2027, 8, 16, 15, 0)):
        ok(
            worker.post(
                f"{API}/conferences/{second['id']}/record/",
                {
                    "version": second["version"],
                    "held_at": "2027-08-16T10:00:00Z",
                    "chair": world.chair.pk,
                    "reports_shared_with_parents": True,
                    "parents_told_about_advocacy": True,
                    "plan_needed": False,
                    "decision_reasons": "Risk reduced; support continues as a child in need",
                },
                format="json",
            )
        )
        ended = ok(worker.get(f"{API}/child-protection-plans/{plan_id}/"))
        assert (ended["status"], ended["end_reason"], ended["ended_on"]) == ("ended", "no_longer_at_risk", "2027-08-16")
        assert writes(world.csc_worker, child, "cp-plan:end") == 1
        told = {row["name"]: row["in_app"] for row in ended["ending_notified"]}
        assert told[world.cyjs_worker.display_name] is True
        assert "DS Example" in told and told["DS Example"] is False
        assert (
            Notification.objects.filter(
                recipient=world.cyjs_worker, subject="A child protection plan you were involved in has ended"
            ).count()
            == 1
        )
        by_rule = clocks(worker, cid)
        assert status_of(by_rule, "cp_review_next") == ["met"]
        for rule in ("assessment", "icpc", "core_group_first", "cp_review_first", "cp_review_next"):
            assert all(s in ("met", "met_late", "cancelled") for s in status_of(by_rule, rule)), (rule, by_rule[rule])
        assert not [row for rows in by_rule.values() for row in rows if row["status"] in ("open", "breached")]
        assert not child.involvements.filter(agency=world.csc, kind=Involvement.Kind.CP, end__isnull=True).exists()

        # The chronology lists every step, in order.
        titles = chronology_titles(worker, cid)
        assert in_order(
            titles,
            [
                "Contact received",
                "Contact decided",
                "Assessment started",
                "Assessment completed",
                "Strategy discussion held",
                "Section 47 enquiry started",
                "Section 47 enquiry concluded",
                "Initial conference held",
                "Child protection plan started",
                "Core group meeting",
                "Review conference held",
                "Review conference held",
                "Child protection plan ended",
            ],
        ), titles
        # The CYJS worker (open involvement) sees the ended plan and the chronology too.
        assert cyjs.get(f"{API}/child-protection-plans/{plan_id}/").status_code == 200

    # Every write left an access-log row naming its writer.
    for user, what in [
        (world.mash_manager, "contact:authorise"),
        (world.csc_worker, "api:assessments-update"),
        (world.csc_worker, "api:assessments-complete"),
        (world.csc_worker, "assessment:complete"),
        (world.csc_manager, "api:assessments-sign-off"),
        (world.csc_worker, "api:strategy-discussion-create"),
        (world.csc_worker, "api:section-47-outcome"),
        (world.csc_worker, "api:conferences-create"),
        (world.csc_worker, "api:conferences-record"),
        (world.csc_worker, "api:cp-plans-core-groups-create"),
        (world.chair, "api:conferences-record"),
    ]:
        assert writes(user, child, what) >= 1, (user, what)
    assert writes(world.csc_worker, child, "conference:arrange") == 3


def test_a_minimal_strategy_discussion_starts_the_icpc_clock(world):
    """A minimal strategy discussion body: icpc due 15 working days after 1 December 2026."""
    from tests.factories import ChildFactory

    child = ChildFactory(first_name="Ash", last_name="Example")
    InvolvementFactory(
        child=child,
        agency=world.csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=world.csc_worker,
        team=world.csc_team,
        start=date(2026, 11, 1),
    )
    body = {
        "child": child.pk,
        "held_at": "2026-12-01T10:00:00Z",
        "initiates_section_47": True,
        "attendees": [{"name": "Sol Worker", "capacity": "social_worker"}],
    }
    with at(moment(2026, 12, 1, 12, 0)):
        client = token_client(world.csc_worker)
        created = ok(client.post(f"{API}/strategy-discussions/", body, format="json"), 201)
        assert created["status"] == "held" and created["section_47_enquiry"]
        # Warnings, never a refusal: the manager, police and health are missing.
        assert len(created["warnings"]) == 3
        by_rule = clocks(client, child.pk)
    [icpc] = by_rule["icpc"]
    assert icpc["status"] == "open"
    assert icpc["due"] == "2026-12-22"
    assert icpc["due"] == add_working_days(date(2026, 12, 1), 15, calendar=calendar_for(world.authority)).isoformat()
    assert Section47Enquiry.objects.get(pk=created["section_47_enquiry"]).started_on == date(2026, 12, 1)


def _child_on_a_plan(world):
    """A child on a child protection plan, built through the services (the first test walks the API)."""
    from casework.conference import services as conference
    from casework.enquiry import services as enquiry_services
    from tests.factories import ChildFactory

    child = ChildFactory(first_name="Kit", last_name="Example")
    InvolvementFactory(
        child=child,
        agency=world.csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=world.csc_worker,
        team=world.csc_team,
        start=timezone.localdate() - timedelta(days=60),
    )
    now = timezone.now()
    discussion = enquiry_services.record_strategy_discussion(
        child=child,
        by=world.csc_worker,
        held_at=now - timedelta(days=10),
        initiates_section_47=True,
        attendees=[{"name": "Sol Worker", "capacity": "social_worker", "user": world.csc_worker}],
    )
    enquiry = discussion.section_47_enquiry
    enquiry_services.record_section_47_outcome(
        enquiry=enquiry,
        by=world.csc_worker,
        expected_version=enquiry.version,
        outcome="substantiated",
        outcome_rationale="Substantiated",
    )
    held = conference.arrange_conference(
        child=child,
        by=world.csc_worker,
        kind="initial",
        enquiry=enquiry,
        scheduled_for=now - timedelta(days=1),
        chair=world.chair,
    )
    conference.record_conference(
        conference=held,
        by=world.csc_worker,
        expected_version=held.version,
        held_at=now - timedelta(days=1),
        chair=world.chair,
        attendance=[],
        reports_shared_with_parents=True,
        parents_told_about_advocacy=True,
        plan_needed=True,
        category="neglect",
        lead_social_worker=world.csc_worker,
        outline_plan="Plan",
    )
    plan = ChildProtectionPlan.objects.get(child=child)
    return child, discussion, enquiry, held, plan


def test_cyjs_sees_the_plan_only_while_the_child_is_visible_and_an_unrelated_agency_sees_nothing(world):
    world.chair = UserFactory(role=Role.CONFERENCE_CHAIR, agency=world.csc)
    child, discussion, enquiry, conference, plan = _child_on_a_plan(world)
    cyjs = token_client(world.cyjs_worker)
    plan_url = f"{API}/child-protection-plans/{plan.pk}/"

    # Not known to CYJS: 404, and the refusal is logged.
    assert cyjs.get(plan_url).status_code == 404
    assert AccessEvent.objects.filter(user=world.cyjs_worker, child=child, outcome=AccessEvent.Outcome.DENIED).exists()
    assert plan.pk not in [p["id"] for p in ok(cyjs.get(f"{API}/child-protection-plans/"))["results"]]

    # CYJS opens an involvement: the plan is visible.
    involvement = InvolvementFactory(
        child=child,
        agency=world.cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=world.cyjs_worker,
        start=timezone.localdate() - timedelta(days=5),
    )
    assert ok(cyjs.get(plan_url))["id"] == plan.pk
    assert plan.pk in [p["id"] for p in ok(cyjs.get(f"{API}/child-protection-plans/"))["results"]]
    # Seeing is not changing: CYJS cannot write CSC's plan.
    assert cyjs.patch(plan_url, {"version": plan.version, "detail": "x"}, format="json").status_code == 403

    # The involvement ended more than 6 months ago: 404 again.
    involvement.start = timezone.localdate() - timedelta(days=400)
    involvement.end = timezone.localdate() - timedelta(days=200)
    involvement.save(update_fields=["start", "end"])
    assert cyjs.get(plan_url).status_code == 404

    # Someone from an agency that has nothing to do with the child: 404 on every pathway endpoint.
    police = AgencyFactory(authority=world.authority, kind=Agency.Kind.POLICE, name="Example Police")
    outsider = token_client(UserFactory(agency=police))
    assessment = Assessment.objects.create(
        child=child, referral_received_at=timezone.now(), started_on=timezone.localdate(), created_by=world.csc_worker
    )
    for url in [
        f"{API}/assessments/{assessment.pk}/",
        f"{API}/strategy-discussions/{discussion.pk}/",
        f"{API}/section-47-enquiries/{enquiry.pk}/",
        f"{API}/section-47-enquiries/{enquiry.pk}/conference-requests/",
        f"{API}/conferences/{conference.pk}/",
        plan_url,
        f"{plan_url}core-groups/",
        f"{API}/children/{child.pk}/chronology/",
        f"{API}/children/{child.pk}/deadlines/",
        f"{API}/children/{child.pk}/",
    ]:
        assert outsider.get(url).status_code == 404, url
    for url, body in [
        (
            f"{API}/strategy-discussions/",
            {
                "child": child.pk,
                "held_at": "2026-01-01T10:00:00Z",
                "initiates_section_47": False,
                "attendees": [{"name": "X", "capacity": "police"}],
            },
        ),
        (
            f"{API}/conferences/",
            {"child": child.pk, "kind": "review", "plan": plan.pk, "scheduled_for": "2030-01-01T10:00:00Z"},
        ),
        (
            f"{API}/case-notes/",
            {
                "child": child.pk,
                "kind": "visit",
                "occurred_at": "2026-01-01T10:00:00Z",
                "took_part": "X",
                "summary": "X",
                "no_further_action": True,
            },
        ),
        (f"{API}/assessments/", {"child": child.pk}),
        (f"{API}/cin-plans/", {"child": child.pk}),
        (
            f"{API}/section-47-enquiries/{enquiry.pk}/outcome/",
            {"version": 1, "outcome": "substantiated", "outcome_rationale": "x"},
        ),
        (f"{API}/conferences/{conference.pk}/record/", {}),
        (f"{plan_url}end/", {"version": plan.version, "ended_on": "2026-01-01", "reason": "died"}),
        (f"{plan_url}core-groups/", {"held_on": "2026-01-01", "decisions": "x"}),
    ]:
        assert outsider.post(url, body, format="json").status_code == 404, url
    for listing in (
        "assessments",
        "strategy-discussions",
        "section-47-enquiries",
        "conferences",
        "child-protection-plans",
        "cin-plans",
        "case-notes",
    ):
        assert ok(outsider.get(f"{API}/{listing}/?child={child.pk}"))["results"] == [], listing

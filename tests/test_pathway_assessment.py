"""The single assessment (s17) and the child in need plan: services, pages and API.

Working Together 2013 (seed 001 L1741–1807, L1907–1917) and the Lancashire agreement ¶8.7
(CYJS attends all child in need meetings).
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import AccessEvent
from casework.assessment import services
from casework.models import (
    AgreedAction,
    Assessment,
    Capacity,
    ChildInNeedPlan,
    Involvement,
    Participant,
    StrategyDiscussion,
)
from casework.services import ConcurrentEditError
from notifications.clocks import open_deadlines, start_clock
from notifications.models import Deadline, Notification
from tests.assessment_builders import assessment_world, ready_to_sign, record, start, unborn
from tests.factories import ContactFactory, InvolvementFactory, worker_in_new_team
from tests.pathway_builders import api_for as api
from tests.pathway_builders import client_for, date_parts
from tests.pathway_builders import clocks as rule_clocks

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return assessment_world()


def clocks(subject, **filters):
    return rule_clocks(subject, "assessment", **filters)


def log_rows(user, what, **filters):
    return AccessEvent.objects.filter(user=user, what=what, **filters)


def make_overdue(assessment):
    """Move the assessment's clock so it fell due yesterday."""
    clocks(assessment.clock_subject).update(due_at=timezone.now() - timedelta(days=1))


def complete(assessment, by, **changes):
    values = dict(outcome="cin_plan", outcome_rationale="Support is needed.", lateness_reason="")
    values.update(changes)
    return services.complete_assessment(assessment=assessment, by=by, expected_version=assessment.version, **values)


# --- Starting --------------------------------------------------------------------------------------


class TestStart:
    def test_starting_opens_the_assessment_and_its_45_working_day_clock_from_the_referral(self, world):
        assessment = start(world, days_ago=3)

        assert assessment.status == Assessment.Status.IN_PROGRESS
        assert assessment.clock_subject == assessment
        [clock] = open_deadlines("assessment", assessment)
        assert clock.anchor_at == assessment.referral_received_at
        assert clock.responsible == world.csc_worker and clock.agency == world.csc
        assert "45 working days" in clock.explanation
        assert log_rows(world.csc_worker, "assessment:start", child=world.child, action="write").count() == 1
        assert log_rows(world.csc_worker, "assessment:open", child=world.child).count() == 1

    def test_from_a_contact_the_clock_is_the_contacts(self, world):
        contact = ContactFactory(child=world.child, received_at=timezone.now() - timedelta(days=2))
        start_clock("assessment", contact, child=world.child, started_at=contact.received_at, agency=world.csc)

        assessment = services.open_assessment(child=world.child, contact=contact, by=world.mash_manager)

        assert assessment.clock_subject == contact
        assert not clocks(assessment).exists()
        assert open_deadlines("assessment", contact).count() == 1

    def test_giving_a_front_door_assessment_a_social_worker_allocates_the_case_and_its_clock(self, world):
        # The front door opens social care's involvement with nobody allocated.
        child = world.csc_only_child
        child.involvements.update(allocated_worker=None, team=None)
        contact = ContactFactory(child=child, received_at=timezone.now() - timedelta(days=2))
        start_clock("assessment", contact, child=child, started_at=contact.received_at, agency=world.csc)
        assessment = services.open_assessment(child=child, contact=contact, by=world.mash_manager)

        record(assessment, world.csc_manager, social_worker=world.csc_worker)

        involvement = child.involvements.get(agency=world.csc)
        assert (involvement.allocated_worker, involvement.team) == (world.csc_worker, world.csc_team)
        assert open_deadlines("assessment", contact).get().responsible == world.csc_worker

    def test_cyjs_cannot_start_an_assessment(self, world):
        with pytest.raises(PermissionDenied):
            start(world, by=world.cyjs_worker)
        assert not Assessment.objects.exists()

    def test_a_second_unfinished_assessment_is_refused(self, world):
        start(world)
        with pytest.raises(ValidationError, match="already has an assessment"):
            start(world)

    def test_a_future_referral_date_is_refused(self, world):
        with pytest.raises(ValidationError) as error:
            services.start_assessment(
                child=world.child, by=world.csc_worker, referral_received_at=timezone.now() + timedelta(days=2)
            )
        assert "referral_received_at" in error.value.message_dict

    def test_starting_opens_a_csc_child_in_need_involvement_if_none_is_open(self, world):
        world.cin.end = timezone.localdate()
        world.cin.save()
        # The closed involvement keeps the child visible to CSC for six months.
        assessment = start(world)
        assert (
            Involvement.objects.filter(child=world.child, agency=world.csc, kind="cin", end__isnull=True).count() == 1
        )
        assert assessment.pk


# --- Recording -------------------------------------------------------------------------------------


class TestUpdate:
    def test_recording_findings_saves_them_and_bumps_the_version(self, world):
        assessment = start(world)
        updated = record(assessment, world.csc_worker)

        assessment.refresh_from_db()
        assert assessment.version == 2 == updated.version
        assert assessment.child_seen_alone is True and assessment.analysis.startswith("Needs are complex")
        [row] = log_rows(world.csc_worker, "assessment:update", child=world.child)
        assert "analysis" in row.detail

    def test_a_stale_version_is_refused_and_nothing_is_saved(self, world):
        assessment = start(world)
        record(assessment, world.csc_worker)
        with pytest.raises(ConcurrentEditError):
            services.update_assessment(
                assessment=assessment, by=world.csc_worker, expected_version=1, data={"analysis": "Overwriting"}
            )
        assessment.refresh_from_db()
        assert assessment.analysis.startswith("Needs are complex")

    def test_edit_after_completion_is_refused(self, world):
        assessment = ready_to_sign(world)
        with pytest.raises(ValidationError, match="cannot be changed"):
            services.update_assessment(
                assessment=assessment,
                by=world.csc_worker,
                expected_version=assessment.version,
                data={"analysis": "Later"},
            )

    def test_cyjs_may_not_change_it(self, world):
        assessment = start(world)
        with pytest.raises(PermissionDenied):
            record(assessment, world.cyjs_worker)

    def test_seen_date_in_the_future_and_a_social_worker_outside_csc_are_refused(self, world):
        assessment = start(world)
        with pytest.raises(ValidationError) as error:
            record(assessment, world.csc_worker, child_seen_on=timezone.localdate() + timedelta(days=1))
        assert "child_seen_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            record(assessment, world.csc_worker, social_worker=world.cyjs_worker)
        assert "social_worker" in error.value.message_dict

    def test_changing_the_social_worker_moves_the_clock_to_them(self, world):
        assessment = start(world)
        other, _, _ = worker_in_new_team(world.csc)
        record(assessment, world.csc_worker, social_worker=other)
        assert open_deadlines("assessment", assessment).get().responsible == other


# --- Completing ------------------------------------------------------------------------------------


class TestComplete:
    def test_complete_needs_an_outcome_rationale_child_seen_and_analysis(self, world):
        assessment = start(world)
        with pytest.raises(ValidationError) as error:
            complete(assessment, world.csc_worker, outcome="", outcome_rationale=" ")
        assert set(error.value.message_dict) == {"outcome", "outcome_rationale", "child_seen_on", "analysis"}
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.IN_PROGRESS

    def test_an_unborn_child_need_not_have_been_seen(self, world):
        baby = unborn(first_name="Unborn", last_name="Marchbank")
        InvolvementFactory(child=baby, agency=world.csc, kind=Involvement.Kind.CIN, allocated_worker=world.csc_worker)
        assessment = record(start(world, child=baby), world.csc_worker, child_seen_on=None, child_seen_alone=None)
        done = complete(assessment, world.csc_worker)
        assert done.status == Assessment.Status.AWAITING_SIGN_OFF

    def test_completing_waits_for_sign_off_and_tells_the_manager(self, world):
        assessment = record(start(world), world.csc_worker)
        done = complete(assessment, world.csc_worker, outcome="nfa")

        assert done.status == Assessment.Status.AWAITING_SIGN_OFF
        assert done.completed_by == world.csc_worker and done.completed_at is not None
        assert open_deadlines("assessment", assessment).count() == 1  # only sign-off stops the clock
        assert Notification.objects.filter(recipient=world.csc_manager, subject__contains="sign-off").count() == 1
        assert log_rows(world.csc_worker, "assessment:complete", child=world.child).count() == 1

    def test_completing_late_without_a_reason_is_refused_then_accepted_with_one(self, world):
        assessment = record(start(world, days_ago=100), world.csc_worker)
        with pytest.raises(ValidationError) as error:
            complete(assessment, world.csc_worker)
        assert "Give the reason it is late" in error.value.message_dict["lateness_reason"][0]

        done = complete(assessment, world.csc_worker, lateness_reason="The family moved twice during the assessment.")
        assert done.status == Assessment.Status.AWAITING_SIGN_OFF
        assert done.lateness_reason.startswith("The family moved")

    def test_a_stale_version_is_refused(self, world):
        assessment = record(start(world), world.csc_worker)
        with pytest.raises(ConcurrentEditError):
            services.complete_assessment(
                assessment=assessment, by=world.csc_worker, expected_version=1, outcome="nfa", outcome_rationale="x"
            )


# --- Signing off -----------------------------------------------------------------------------------


class TestSignOff:
    def test_a_practitioner_cannot_sign_off(self, world):
        assessment = ready_to_sign(world)
        other, _, _ = worker_in_new_team(world.csc)
        with pytest.raises(PermissionDenied):
            services.sign_off_assessment(assessment=assessment, by=other, approve=True)

    def test_the_manager_who_completed_it_cannot_sign_it_off(self, world):
        assessment = record(start(world), world.csc_manager)
        complete(assessment, world.csc_manager)
        with pytest.raises(PermissionDenied, match="another manager"):
            services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=True)

    def test_an_assessment_in_progress_cannot_be_signed_off(self, world):
        assessment = record(start(world), world.csc_worker)
        with pytest.raises(ValidationError, match="waiting for sign-off"):
            services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=True)

    def test_returning_needs_comments_then_puts_it_back_in_progress_and_tells_the_worker(self, world):
        assessment = ready_to_sign(world)
        with pytest.raises(ValidationError) as error:
            services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=False, comments="")
        assert "comments" in error.value.message_dict

        returned = services.sign_off_assessment(
            assessment=assessment, by=world.csc_manager, approve=False, comments="Speak to the school nurse first."
        )
        assert returned.status == Assessment.Status.IN_PROGRESS and returned.completed_by is None
        assert returned.outcome == "cin_plan"  # kept so nobody types it again
        assert open_deadlines("assessment", assessment).count() == 1
        note = Notification.objects.get(recipient=world.csc_worker, subject__contains="returned")
        assert "school nurse" in note.body
        assert note.link == reverse("assessment-detail", args=[assessment.pk])
        # It can be edited again.
        record(returned, world.csc_worker, analysis="Checked with the school nurse.")

    def test_approving_completes_it_and_stops_the_clock_met(self, world):
        assessment = ready_to_sign(world)
        signed = services.sign_off_assessment(
            assessment=assessment, by=world.csc_manager, approve=True, comments="Agreed."
        )

        assert signed.status == Assessment.Status.COMPLETED
        assert signed.signed_off_by == world.csc_manager and signed.signed_off_at is not None
        [clock] = clocks(assessment)
        assert clock.status == Deadline.Status.MET and clock.met_at == signed.signed_off_at
        assert Notification.objects.filter(recipient=world.csc_worker, subject__contains="signed off").count() == 1
        assert log_rows(world.csc_manager, "assessment:sign-off", child=world.child).count() == 1

    def test_approving_a_late_assessment_stops_the_clock_met_late_with_its_reason(self, world):
        assessment = ready_to_sign(world, days_ago=100, lateness_reason="Child was in hospital for three weeks.")
        services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=True)

        [clock] = clocks(assessment)
        assert clock.status == Deadline.Status.MET_LATE
        assert clock.lateness_reason == "Child was in hospital for three weeks."

    def test_signing_off_after_the_due_date_without_a_reason_is_refused(self, world):
        assessment = ready_to_sign(world)
        make_overdue(assessment)
        with pytest.raises(ValidationError) as error:
            services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=True)
        assert "Return it to the social worker" in error.value.message_dict["lateness_reason"][0]
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.AWAITING_SIGN_OFF
        assert open_deadlines("assessment", assessment).count() == 1

    def test_a_contact_assessment_stops_the_contacts_clock(self, world):
        contact = ContactFactory(child=world.child, received_at=timezone.now() - timedelta(days=2))
        start_clock("assessment", contact, child=world.child, started_at=contact.received_at, agency=world.csc)
        assessment = services.open_assessment(
            child=world.child, contact=contact, by=world.mash_manager, social_worker=world.csc_worker
        )
        complete(record(assessment, world.csc_worker), world.csc_worker, outcome="nfa")

        services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=True)
        assert clocks(contact).get().status == Deadline.Status.MET


class TestOutcomes:
    def sign(self, world, outcome):
        assessment = ready_to_sign(world, outcome=outcome)
        return services.sign_off_assessment(assessment=assessment, by=world.csc_manager, approve=True)

    def test_cin_plan_starts_a_plan_led_by_the_social_worker(self, world):
        assessment = self.sign(world, "cin_plan")
        plan = ChildInNeedPlan.objects.get(child=world.child)
        assert plan.assessment == assessment and plan.status == "active"
        assert plan.lead_social_worker == world.csc_worker
        assert Involvement.objects.filter(child=world.child, agency=world.csc, kind="cin", end__isnull=True).exists()

    def test_strategy_discussion_asks_for_one(self, world):
        assessment = self.sign(world, "strategy_discussion")
        discussion = StrategyDiscussion.objects.get(child=world.child)
        assert discussion.status == StrategyDiscussion.Status.PENDING and discussion.assessment == assessment

    def test_early_help_opens_early_help_and_closes_the_child_in_need_involvement(self, world):
        self.sign(world, "early_help")
        world.cin.refresh_from_db()
        assert world.cin.end == timezone.localdate()
        assert Involvement.objects.filter(
            child=world.child, agency=world.csc, kind="early_help", end__isnull=True
        ).exists()
        assert not ChildInNeedPlan.objects.exists()

    def test_no_further_action_closes_the_child_in_need_involvement(self, world):
        self.sign(world, "nfa")
        world.cin.refresh_from_db()
        assert world.cin.end == timezone.localdate()
        assert not Involvement.objects.filter(child=world.child, kind="early_help").exists()
        # CYJS's own involvement is untouched.
        world.yj.refresh_from_db()
        assert world.yj.end is None


# --- Child in need plan ----------------------------------------------------------------------------


@pytest.fixture
def plan(world):
    return services.create_cin_plan(
        child=world.child,
        by=world.csc_worker,
        data={
            "outcomes": "Attends school every day.",
            "services": "School: mentor weekly.",
            "lead_social_worker": world.csc_worker,
        },
    )


class TestCinPlan:
    def test_create_refuses_a_second_active_plan_and_cyjs(self, world, plan):
        assert plan.outcomes == "Attends school every day." and plan.lead_social_worker == world.csc_worker
        with pytest.raises(ValidationError, match="already has an active"):
            services.create_cin_plan(child=world.child, by=world.csc_worker, data={})
        with pytest.raises(PermissionDenied):
            services.create_cin_plan(child=world.child, by=world.cyjs_worker, data={})
        assert log_rows(world.csc_worker, "cin-plan:start", child=world.child).count() == 1

    def test_start_cin_plan_returns_the_active_plan(self, world, plan):
        assert services.start_cin_plan(child=world.child, by=world.csc_manager) == plan

    def test_update_and_stale_version(self, world, plan):
        updated = services.update_cin_plan(
            plan=plan,
            by=world.csc_worker,
            expected_version=plan.version,
            data={"parents_expected_to": "Take him to school.", "review_every_weeks": 6},
        )
        assert updated.version == 2 and updated.review_every_weeks == 6
        with pytest.raises(ConcurrentEditError):
            services.update_cin_plan(plan=plan, by=world.csc_worker, expected_version=1, data={"outcomes": "x"})
        with pytest.raises(ValidationError) as error:
            services.update_cin_plan(
                plan=plan, by=world.csc_worker, expected_version=2, data={"review_every_weeks": 40}
            )
        assert "review_every_weeks" in error.value.message_dict
        assert log_rows(world.csc_worker, "cin-plan:update", child=world.child).count() == 1

    def test_end_needs_a_date_and_reason_and_an_ended_plan_cannot_end_again(self, world, plan):
        with pytest.raises(ValidationError) as error:
            services.end_cin_plan(
                plan=plan, by=world.csc_worker, expected_version=plan.version, ended_on=None, end_reason=""
            )
        assert set(error.value.message_dict) == {"ended_on", "end_reason"}
        with pytest.raises(ValidationError) as error:
            services.end_cin_plan(
                plan=plan,
                by=world.csc_worker,
                expected_version=plan.version,
                ended_on=plan.started_on - timedelta(days=1),
                end_reason="Needs met",
            )
        assert "ended_on" in error.value.message_dict

        ended = services.end_cin_plan(
            plan=plan,
            by=world.csc_worker,
            expected_version=plan.version,
            ended_on=timezone.localdate(),
            end_reason="Needs met",
        )
        assert ended.status == "ended" and ended.end_reason == "Needs met"
        with pytest.raises(ValidationError, match="already ended"):
            services.end_cin_plan(
                plan=plan,
                by=world.csc_worker,
                expected_version=ended.version,
                ended_on=timezone.localdate(),
                end_reason="Again",
            )
        with pytest.raises(ValidationError, match="has ended"):
            services.update_cin_plan(
                plan=plan, by=world.csc_worker, expected_version=ended.version, data={"outcomes": "x"}
            )
        assert log_rows(world.csc_worker, "cin-plan:end", child=world.child).count() == 1


class TestCinMeetings:
    def arrange(self, world, plan, invitees=None):
        return services.arrange_cin_meeting(
            plan=plan,
            by=world.csc_worker,
            scheduled_for=timezone.now() + timedelta(days=7),
            invitees=invitees
            if invitees is not None
            else [{"name": "Mrs Head", "organisation": "School", "capacity": "education"}],
        )

    def test_the_cyjs_worker_is_invited_automatically_and_told(self, world, plan):
        meeting = self.arrange(world, plan)

        cyjs = meeting.participants.get(capacity=Capacity.CYJS)
        assert cyjs.user == world.cyjs_worker and cyjs.organisation == world.cyjs.name
        assert meeting.participants.get(capacity="education").name == "Mrs Head"
        note = Notification.objects.get(recipient=world.cyjs_worker)
        assert "child in need meeting" in note.subject
        assert note.link == reverse("cin-plan-detail", args=[plan.pk])
        assert log_rows(world.csc_worker, "cin-meeting:arrange", child=world.child).count() == 1

    def test_the_cyjs_worker_already_invited_is_not_added_twice(self, world, plan):
        meeting = self.arrange(world, plan, [{"name": "", "capacity": "cyjs", "user": world.cyjs_worker}])
        assert meeting.participants.filter(user=world.cyjs_worker).count() == 1
        assert Notification.objects.filter(recipient=world.cyjs_worker).count() == 1

    def test_no_cyjs_invite_when_the_child_is_not_open_to_cyjs(self, world, plan):
        world.yj.end = timezone.localdate()
        world.yj.save()
        meeting = self.arrange(world, plan)
        assert not meeting.participants.filter(capacity=Capacity.CYJS).exists()
        assert not Notification.objects.filter(recipient=world.cyjs_worker).exists()

    def test_an_invitee_without_a_capacity_is_refused(self, world, plan):
        with pytest.raises(ValidationError) as error:
            self.arrange(world, plan, [{"name": "Someone", "capacity": ""}])
        assert "invitees" in error.value.message_dict
        assert not Participant.objects.exists()

    def test_recording_the_meeting(self, world, plan):
        meeting = self.arrange(world, plan)
        head = meeting.participants.get(capacity="education")
        cyjs = meeting.participants.get(capacity="cyjs")
        with pytest.raises(ValidationError) as error:
            services.record_cin_meeting(
                meeting=meeting,
                by=world.csc_worker,
                held_on=timezone.localdate(),
                attendance={},
                progress="Going well",
                decisions="",
                actions=[],
                next_meeting_on=None,
            )
        assert "decisions" in error.value.message_dict

        services.record_cin_meeting(
            meeting=meeting,
            by=world.csc_worker,
            held_on=timezone.localdate(),
            attendance={head.pk: True, cyjs.pk: True},
            progress="Attendance up to 90%.",
            decisions="Carry on with the plan.",
            actions=[
                {
                    "description": "Weekly mentor session",
                    "owner_name": "Mrs Head",
                    "due_on": timezone.localdate() + timedelta(days=14),
                },
                {"description": "", "owner_name": "", "due_on": None},
            ],
            next_meeting_on=timezone.localdate() + timedelta(weeks=12),
        )
        meeting.refresh_from_db()
        assert meeting.held_on == timezone.localdate() and meeting.next_meeting_on is not None
        head.refresh_from_db()
        assert head.attended is True
        [action] = AgreedAction.objects.filter(cin_meeting=meeting)
        assert action.owner_name == "Mrs Head" and action.child == world.child
        with pytest.raises(ValidationError, match="already been recorded"):
            services.record_cin_meeting(
                meeting=meeting,
                by=world.csc_worker,
                held_on=timezone.localdate(),
                attendance={},
                progress="x",
                decisions="y",
                actions=[],
                next_meeting_on=None,
            )
        assert log_rows(world.csc_worker, "cin-meeting:record", child=world.child).count() == 1

    def test_an_action_without_an_owner_is_refused(self, world, plan):
        meeting = self.arrange(world, plan)
        with pytest.raises(ValidationError) as error:
            services.record_cin_meeting(
                meeting=meeting,
                by=world.csc_worker,
                held_on=timezone.localdate(),
                attendance={},
                progress="x",
                decisions="y",
                actions=[{"description": "Do something", "owner_name": ""}],
                next_meeting_on=None,
            )
        assert "actions" in error.value.message_dict


# --- API -------------------------------------------------------------------------------------------


class TestAssessmentApi:
    def test_create_record_complete_and_sign_off(self, world):
        worker = api(world.csc_worker)
        created = worker.post(
            "/api/v1/assessments/", {"child": world.child.pk, "social_worker": world.csc_worker.pk}, format="json"
        )
        assert created.status_code == 201, created.data
        pk, version = created.data["id"], created.data["version"]
        assert created.data["status"] == "in_progress" and created.data["due_date"]
        assert "45 working days" in created.data["due_explanation"]

        patched = worker.patch(
            f"/api/v1/assessments/{pk}/",
            {"version": version, "child_seen_on": str(timezone.localdate()), "analysis": "Needs support."},
            format="json",
        )
        assert patched.status_code == 200, patched.data
        assert patched.data["version"] == version + 1

        done = worker.post(
            f"/api/v1/assessments/{pk}/complete/",
            {"version": patched.data["version"], "outcome": "cin_plan", "outcome_rationale": "Needs are clear."},
            format="json",
        )
        assert done.status_code == 200, done.data
        assert done.data["status"] == "awaiting_sign_off"

        own = worker.post(f"/api/v1/assessments/{pk}/sign-off/", {"approve": True}, format="json")
        assert own.status_code == 403

        signed = api(world.csc_manager).post(f"/api/v1/assessments/{pk}/sign-off/", {"approve": True}, format="json")
        assert signed.status_code == 200, signed.data
        assert signed.data["status"] == "completed" and signed.data["signed_off_by"] == world.csc_manager.pk
        assert ChildInNeedPlan.objects.filter(child=world.child, assessment_id=pk).exists()
        assert log_rows(world.csc_worker, "api:assessments-create", child=world.child, outcome="allowed").count() == 1

    def test_bad_input_is_400_with_field_errors(self, world):
        assessment = record(start(world), world.csc_worker)
        response = api(world.csc_worker).post(
            f"/api/v1/assessments/{assessment.pk}/complete/",
            {"version": assessment.version, "outcome": "nfa", "outcome_rationale": ""},
            format="json",
        )
        assert response.status_code == 400
        assert "outcome_rationale" in response.data
        response = api(world.csc_worker).post(
            f"/api/v1/assessments/{assessment.pk}/complete/",
            {"version": assessment.version, "outcome": "maybe"},
            format="json",
        )
        assert response.status_code == 400 and "outcome" in response.data

    def test_late_completion_without_a_reason_is_400_on_the_field(self, world):
        assessment = record(start(world, days_ago=100), world.csc_worker)
        response = api(world.csc_worker).post(
            f"/api/v1/assessments/{assessment.pk}/complete/",
            {"version": assessment.version, "outcome": "nfa", "outcome_rationale": "Needs met."},
            format="json",
        )
        assert response.status_code == 400 and "lateness_reason" in response.data

    def test_cyjs_may_read_a_visible_childs_assessment_but_not_write(self, world):
        assessment = start(world)
        client = api(world.cyjs_worker)
        read = client.get(f"/api/v1/assessments/{assessment.pk}/")
        assert read.status_code == 200 and read.data["id"] == assessment.pk
        assert log_rows(world.cyjs_worker, "api:assessments-detail", child=world.child, outcome="allowed").count() == 1

        write = client.patch(
            f"/api/v1/assessments/{assessment.pk}/", {"version": 1, "analysis": "CYJS view"}, format="json"
        )
        assert write.status_code == 403
        assessment.refresh_from_db()
        assert assessment.analysis == ""

    def test_a_child_the_caller_cannot_see_is_404_and_logged(self, world):
        hidden = start(world, child=world.csc_only_child)
        client = api(world.cyjs_worker)
        assert client.get(f"/api/v1/assessments/{hidden.pk}/").status_code == 404
        assert (
            log_rows(world.cyjs_worker, "api:assessments-detail", child=world.csc_only_child, outcome="denied").count()
            == 1
        )
        assert client.post("/api/v1/assessments/", {"child": world.csc_only_child.pk}, format="json").status_code == 404

    def test_stale_version_is_409(self, world):
        assessment = record(start(world), world.csc_worker)
        response = api(world.csc_worker).patch(
            f"/api/v1/assessments/{assessment.pk}/", {"version": 1, "analysis": "Old copy"}, format="json"
        )
        assert response.status_code == 409

    def test_the_list_shows_only_visible_children_and_is_logged(self, world):
        mine = start(world)
        start(world, child=world.csc_only_child)
        response = api(world.cyjs_worker).get("/api/v1/assessments/")
        assert response.status_code == 200
        assert [row["id"] for row in response.data["results"]] == [mine.pk]
        row = AccessEvent.objects.get(user=world.cyjs_worker, what="api:assessments-list")
        assert row.action == "search" and row.detail.endswith(f"returned: {world.child.pk}")


class TestCinPlanApi:
    def test_create_update_arrange_list_meetings_and_end(self, world):
        client = api(world.csc_worker)
        created = client.post(
            "/api/v1/cin-plans/", {"child": world.child.pk, "outcomes": "Safe at home."}, format="json"
        )
        assert created.status_code == 201, created.data
        pk = created.data["id"]
        again = client.post("/api/v1/cin-plans/", {"child": world.child.pk}, format="json")
        assert again.status_code == 400

        patched = client.patch(
            f"/api/v1/cin-plans/{pk}/", {"version": created.data["version"], "review_every_weeks": 8}, format="json"
        )
        assert patched.status_code == 200 and patched.data["review_every_weeks"] == 8
        assert (
            client.patch(f"/api/v1/cin-plans/{pk}/", {"version": 1, "outcomes": "x"}, format="json").status_code == 409
        )

        arranged = client.post(
            f"/api/v1/cin-plans/{pk}/meetings/",
            {
                "scheduled_for": (timezone.now() + timedelta(days=3)).isoformat(),
                "invitees": [{"name": "Dr Ash", "organisation": "GP surgery", "capacity": "health"}],
            },
            format="json",
        )
        assert arranged.status_code == 201, arranged.data
        assert {p["capacity"] for p in arranged.data["participants"]} == {"health", "cyjs"}
        listed = client.get(f"/api/v1/cin-plans/{pk}/meetings/")
        assert listed.status_code == 200 and len(listed.data) == 1

        bad_end = client.post(
            f"/api/v1/cin-plans/{pk}/end/",
            {"version": patched.data["version"], "ended_on": str(timezone.localdate()), "end_reason": ""},
            format="json",
        )
        assert bad_end.status_code == 400 and "end_reason" in bad_end.data
        ended = client.post(
            f"/api/v1/cin-plans/{pk}/end/",
            {"version": patched.data["version"], "ended_on": str(timezone.localdate()), "end_reason": "Needs met."},
            format="json",
        )
        assert ended.status_code == 200 and ended.data["status"] == "ended"

    def test_cyjs_reads_but_cannot_create_and_other_children_are_404(self, world, plan):
        client = api(world.cyjs_worker)
        assert client.get(f"/api/v1/cin-plans/{plan.pk}/").status_code == 200
        assert client.get(f"/api/v1/cin-plans/{plan.pk}/meetings/").status_code == 200
        assert (
            client.post(
                f"/api/v1/cin-plans/{plan.pk}/end/",
                {"version": 1, "ended_on": str(timezone.localdate()), "end_reason": "x"},
                format="json",
            ).status_code
            == 403
        )
        hidden = services.create_cin_plan(child=world.csc_only_child, by=world.csc_worker, data={})
        assert client.get(f"/api/v1/cin-plans/{hidden.pk}/").status_code == 404
        assert [row["id"] for row in client.get("/api/v1/cin-plans/").data["results"]] == [plan.pk]


# --- Pages -----------------------------------------------------------------------------------------


class TestPages:
    def test_start_prefills_the_referral_date_from_the_latest_contact(self, world):
        received = timezone.now() - timedelta(days=5)
        ContactFactory(child=world.child, received_at=received)
        client = client_for(world.csc_worker)
        page = client.get(reverse("assessment-start", args=[world.child.pk]))
        assert page.status_code == 200
        day = timezone.localtime(received).date()
        assert (
            f'name="referral_received_at_day" type="text" inputmode="numeric" value="{day.day}"'
            in page.content.decode()
        )

        response = client.post(
            reverse("assessment-start", args=[world.child.pk]),
            {**date_parts("referral_received_at", day), "social_worker": world.csc_worker.pk},
        )
        assessment = Assessment.objects.get(child=world.child)
        assert response.status_code == 302 and response.url == reverse("assessment-detail", args=[assessment.pk])
        assert assessment.referral_received_at == received

    def test_a_referral_dated_today_can_be_started_before_nine_in_the_morning(self, world):
        early = timezone.make_aware(datetime(2026, 12, 8, 7, 30))
        with time_machine.travel(early, tick=False):
            response = client_for(world.csc_worker).post(
                reverse("assessment-start", args=[world.child.pk]),
                {**date_parts("referral_received_at", early.date()), "social_worker": world.csc_worker.pk},
            )
            assessment = Assessment.objects.get(child=world.child)
        assert response.status_code == 302
        assert assessment.referral_received_at == early  # a day with no time: 9am, or now if that is still to come

    def test_detail_shows_the_due_date_and_its_explanation(self, world):
        assessment = start(world)
        page = client_for(world.csc_worker).get(reverse("assessment-detail", args=[assessment.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        deadline = open_deadlines("assessment", assessment).get()
        assert escape(deadline.explanation) in text
        assert reverse("assessment-edit", args=[assessment.pk]) in text
        assert reverse("assessment-sign-off", args=[assessment.pk]) not in text
        assert log_rows(world.csc_worker, "page:assessment-detail", child=world.child).count() == 1

    def test_edit_then_complete_shows_errors_in_the_summary(self, world):
        assessment = start(world)
        client = client_for(world.csc_worker)
        url = reverse("assessment-complete", args=[assessment.pk])
        response = client.post(
            url, {"version": assessment.version, "outcome": "nfa", "outcome_rationale": "Needs met."}
        )
        text = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in text
        assert "Write the analysis before completing" in text

        edit = client.post(
            reverse("assessment-edit", args=[assessment.pk]),
            {
                "version": assessment.version,
                **date_parts("child_seen_on", timezone.localdate()),
                "child_seen_alone": "yes",
                "analysis": "Needs met by universal services.",
                "social_worker": world.csc_worker.pk,
            },
        )
        assert edit.status_code == 302
        assessment.refresh_from_db()
        assert assessment.child_seen_alone is True
        stale = client.post(reverse("assessment-edit", args=[assessment.pk]), {"version": 1, "analysis": "Old"})
        assert "Someone else changed this record" in stale.content.decode()

        done = client.post(url, {"version": assessment.version, "outcome": "nfa", "outcome_rationale": "Needs met."})
        assert done.status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == "awaiting_sign_off"
        # Editing is now refused.
        assert client.get(reverse("assessment-edit", args=[assessment.pk])).status_code == 302

    def test_late_complete_page_asks_for_the_reason(self, world):
        assessment = record(start(world, days_ago=100), world.csc_worker)
        page = client_for(world.csc_worker).get(reverse("assessment-complete", args=[assessment.pk]))
        assert "Why is the assessment late?" in page.content.decode()

    def test_sign_off_page_is_for_managers_and_approves(self, world):
        assessment = ready_to_sign(world)
        url = reverse("assessment-sign-off", args=[assessment.pk])
        assert client_for(world.csc_worker).get(url).status_code == 403
        assert client_for(world.cyjs_manager).get(url).status_code == 403
        manager = client_for(world.csc_manager)
        page = manager.get(url)
        assert "If you sign it off, a child in need plan will start." in page.content.decode()
        missing = manager.post(url, {"approve": "no", "comments": ""})
        assert "Say what needs to change" in missing.content.decode()
        assert manager.post(url, {"approve": "yes", "comments": ""}).status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == "completed"
        detail = manager.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
        assert world.csc_manager.display_name in detail
        assert reverse("cin-plan-detail", args=[ChildInNeedPlan.objects.get().pk]) in detail

    def test_cyjs_reads_the_assessment_but_cannot_open_the_edit_page(self, world):
        assessment = start(world)
        client = client_for(world.cyjs_worker)
        page = client.get(reverse("assessment-detail", args=[assessment.pk]))
        assert page.status_code == 200
        assert reverse("assessment-edit", args=[assessment.pk]) not in page.content.decode()
        assert client.get(reverse("assessment-edit", args=[assessment.pk])).status_code == 403
        hidden = start(world, child=world.csc_only_child)
        assert client.get(reverse("assessment-detail", args=[hidden.pk])).status_code in (403, 404)
        assert "Robin" not in client.get(reverse("assessment-detail", args=[hidden.pk])).content.decode()

    def test_restricted_child_is_404(self, world):
        world.csc_only_child.restricted = True
        world.csc_only_child.save()
        hidden = start(world, child=world.csc_only_child)
        assert client_for(world.cyjs_worker).get(reverse("assessment-detail", args=[hidden.pk])).status_code == 404

    def test_cin_plan_pages(self, world):
        client = client_for(world.csc_worker)
        start_url = reverse("cin-plan-start", args=[world.child.pk])
        assert client.get(start_url).status_code == 200
        response = client.post(
            start_url,
            {"outcomes": "Attends school.", "review_every_weeks": "6", "lead_social_worker": world.csc_worker.pk},
        )
        plan = ChildInNeedPlan.objects.get(child=world.child)
        assert response.status_code == 302 and plan.review_every_weeks == 6

        new_meeting = reverse("cin-meeting-new", args=[plan.pk])
        page = client.get(new_meeting).content.decode()
        assert world.cyjs_worker.display_name in page  # told CYJS will be invited
        day = timezone.localdate() + timedelta(days=7)
        form = {
            **date_parts("scheduled_on", day),
            "scheduled_time": "14:30",
            "invitee-TOTAL_FORMS": "2",
            "invitee-INITIAL_FORMS": "2",
            "invitee-MIN_NUM_FORMS": "0",
            "invitee-MAX_NUM_FORMS": "1000",
            "invitee-0-name": world.csc_worker.display_name,
            "invitee-0-capacity": "social_worker",
            "invitee-0-user_id": world.csc_worker.pk,
            "invitee-1-name": "Mrs Head",
            "invitee-1-organisation": "School",
            "invitee-1-capacity": "",
        }
        bad = client.post(new_meeting, form)
        assert bad.status_code == 200 and "Choose in what capacity" in bad.content.decode()
        form["invitee-1-capacity"] = "education"
        assert client.post(new_meeting, form).status_code == 302
        meeting = plan.meetings.get()
        assert meeting.participants.count() == 3
        assert timezone.localtime(meeting.scheduled_for).hour == 14

        detail = client.get(reverse("cin-plan-detail", args=[plan.pk])).content.decode()
        assert "Mrs Head" in detail and reverse("cin-meeting-record", args=[meeting.pk]) in detail

        head = meeting.participants.get(capacity="education")
        record_url = reverse("cin-meeting-record", args=[meeting.pk])
        assert client.get(record_url).status_code == 200
        today = timezone.localdate()
        response = client.post(
            record_url,
            {
                **date_parts("held_on", today),
                "attended": [str(head.pk)],
                "progress": "Better attendance.",
                "decisions": "Carry on.",
                "action-TOTAL_FORMS": "1",
                "action-INITIAL_FORMS": "0",
                "action-MIN_NUM_FORMS": "0",
                "action-MAX_NUM_FORMS": "1000",
                "action-0-description": "Mentor sessions",
                "action-0-owner_name": "Mrs Head",
                "next_meeting_on_day": "",
                "next_meeting_on_month": "",
                "next_meeting_on_year": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        head.refresh_from_db()
        assert head.attended is True
        assert meeting.participants.get(capacity="cyjs").attended is False
        assert AgreedAction.objects.get(cin_meeting=meeting).description == "Mentor sessions"

        end_url = reverse("cin-plan-end", args=[plan.pk])
        plan.refresh_from_db()
        assert (
            client.post(
                end_url, {"version": plan.version, **date_parts("ended_on", today), "end_reason": ""}
            ).status_code
            == 200
        )
        assert (
            client.post(
                end_url, {"version": plan.version, **date_parts("ended_on", today), "end_reason": "Needs met."}
            ).status_code
            == 302
        )
        plan.refresh_from_db()
        assert plan.status == "ended"
        assert client.get(reverse("cin-plan-edit", args=[plan.pk])).status_code == 302

    def test_cin_plan_edit_is_csc_only(self, world, plan):
        assert client_for(world.cyjs_worker).get(reverse("cin-plan-detail", args=[plan.pk])).status_code == 200
        assert client_for(world.cyjs_worker).get(reverse("cin-plan-edit", args=[plan.pk])).status_code == 403
        response = client_for(world.csc_worker).post(
            reverse("cin-plan-edit", args=[plan.pk]),
            {"version": plan.version, "outcomes": "New", "review_every_weeks": "4"},
        )
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.outcomes == "New" and plan.review_every_weeks == 4

"""Strategy discussions, section 47 enquiries and requests for a conference: the services as
pages and the API call them, the pages, the API, clocks, notices, the access log and access."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from casework.enquiry import services
from casework.models import (
    AgreedAction,
    Capacity,
    ChildInNeedPlan,
    ConferenceRequest,
    Involvement,
    Section47Enquiry,
    StrategyDiscussion,
)
from casework.services import ConcurrentEditError
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for, open_deadlines
from notifications.models import Deadline, Notification
from tests.factories import ChildFactory, InvolvementFactory, front_door_world
from tests.pathway_builders import api_for, client_for, clocks
from tests.pathway_builders import date_parts as date_fields

pytestmark = pytest.mark.django_db

SW, MGR, POLICE, HEALTH, CYJS = (
    Capacity.SOCIAL_WORKER,
    Capacity.CSC_MANAGER,
    Capacity.POLICE,
    Capacity.HEALTH,
    Capacity.CYJS,
)


# --- Builders ---------------------------------------------------------------------------------


@pytest.fixture
def world():
    return front_door_world()


@pytest.fixture
def child(world):
    """A child open to CSC, allocated to the CSC worker (whose line manager is the CSC manager)."""
    child = ChildFactory(first_name="Robin", last_name="Examplechild")
    InvolvementFactory(
        child=child, agency=world.csc, kind=Involvement.Kind.CP, allocated_worker=world.csc_worker, team=world.csc_team
    )
    return child


def open_to_cyjs(world, child):
    return InvolvementFactory(
        child=child,
        agency=world.cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=world.cyjs_worker,
        team=world.cyjs_team,
    )


def person(capacity, name=None):
    return {"name": name or f"A {capacity}", "organisation": "Org", "capacity": capacity, "role": "Role"}


def everyone(*extra):
    return [person(SW), person(MGR), person(POLICE), person(HEALTH), *[person(c) for c in extra]]


def record(world, child, *, by=None, held_at=None, s47=False, **kwargs):
    kwargs.setdefault("attendees", everyone())
    return services.record_strategy_discussion(
        child=child,
        by=by or world.csc_worker,
        held_at=held_at or timezone.now() - timedelta(hours=1),
        initiates_section_47=s47,
        **kwargs,
    )


def logged(user, what, **filters):
    return AccessEvent.objects.filter(user=user, what=what, **filters)


def wd(start: date, n: int, world):
    return add_working_days(start, n, calendar=calendar_for(world.authority))


# --- Recording a strategy discussion ------------------------------------------------------------


class TestRecordStrategyDiscussion:
    def test_a_new_discussion_is_saved_as_held_with_people_and_actions(self, world, child):
        held = timezone.now() - timedelta(hours=2)
        discussion = record(
            world,
            child,
            held_at=held,
            format="phone",
            risk_level="high",
            information_shared="Police know of a call-out.",
            criminal_investigation=True,
            legal_action_needed=False,
            actions=[{"description": "Visit the child at school", "owner_name": "Sam Social", "due_on": date.today()}],
        )
        discussion.refresh_from_db()
        assert discussion.status == StrategyDiscussion.Status.HELD
        assert discussion.held_at == held and discussion.initiates_section_47 is False
        assert discussion.recorded_by == world.csc_worker
        assert sorted(discussion.participants.values_list("capacity", flat=True)) == sorted([SW, MGR, POLICE, HEALTH])
        assert set(discussion.participants.values_list("attended", flat=True)) == {True}
        [action] = AgreedAction.objects.filter(strategy_discussion=discussion)
        assert (action.owner_name, action.child) == ("Sam Social", child)
        assert discussion.warnings == []
        assert logged(world.csc_worker, "strategy-discussion:record", action="write", child=child).count() == 1
        assert not Section47Enquiry.objects.filter(child=child).exists()

    def test_completing_a_pending_discussion_marks_who_came(self, world, child):
        pending = services.arrange_strategy_discussion(
            child=child,
            by=world.csc_worker,
            invitees=[person(SW, "Sam Social"), person(POLICE, "PC Plod"), person(HEALTH, "Dr Who")],
        )
        assert pending.status == StrategyDiscussion.Status.PENDING
        assert pending.participants.filter(invited=True).count() == 3
        services.record_strategy_discussion(
            child=child,
            by=world.csc_worker,
            discussion=pending,
            expected_version=pending.version,
            held_at=timezone.now() - timedelta(minutes=5),
            initiates_section_47=False,
            attendees=[person(SW, "Sam Social"), person(POLICE, "PC Plod"), person(MGR, "Morgan Manager")],
        )
        pending.refresh_from_db()
        assert pending.status == "held" and pending.version == 2
        attended = dict(pending.participants.values_list("name", "attended"))
        assert attended == {"Sam Social": True, "PC Plod": True, "Dr Who": False, "Morgan Manager": True}

    def test_several_discussions_for_one_child_are_allowed(self, world, child):
        record(world, child, held_at=timezone.now() - timedelta(days=2))
        record(world, child, held_at=timezone.now() - timedelta(days=1))
        assert StrategyDiscussion.objects.filter(child=child, status="held").count() == 2

    def test_refused_when_held_in_the_future(self, world, child):
        with pytest.raises(ValidationError) as error:
            record(world, child, held_at=timezone.now() + timedelta(hours=1))
        assert "future" in error.value.message_dict["held_at"][0]
        assert not StrategyDiscussion.objects.filter(child=child).exists()

    def test_refused_when_the_pending_discussion_was_already_held(self, world, child):
        pending = services.request_strategy_discussion(child=child, by=world.csc_worker)
        services.record_strategy_discussion(
            child=child,
            by=world.csc_worker,
            discussion=pending,
            held_at=timezone.now() - timedelta(hours=3),
            initiates_section_47=False,
            attendees=everyone(),
        )
        with pytest.raises(ValidationError, match="already recorded as held"):
            services.record_strategy_discussion(
                child=child,
                by=world.csc_worker,
                discussion=pending,
                held_at=timezone.now() - timedelta(hours=1),
                initiates_section_47=True,
                attendees=everyone(),
            )
        pending.refresh_from_db()
        assert pending.initiates_section_47 is False

    def test_refused_when_a_stale_version_completes_a_pending_discussion(self, world, child):
        pending = services.request_strategy_discussion(child=child, by=world.csc_worker)
        with pytest.raises(ConcurrentEditError):
            services.record_strategy_discussion(
                child=child,
                by=world.csc_worker,
                discussion=pending,
                expected_version=pending.version + 1,
                held_at=timezone.now() - timedelta(hours=1),
                initiates_section_47=False,
                attendees=everyone(),
            )

    def test_refused_when_something_is_withheld_without_a_reason(self, world, child):
        with pytest.raises(ValidationError) as error:
            record(world, child, withheld_from_family="The police plan to interview the step-father.")
        assert "withheld_reason" in error.value.message_dict

    def test_refused_about_harmful_sexual_behaviour_without_a_disclosure_time(self, world, child):
        with pytest.raises(ValidationError) as error:
            record(world, child, about_harmful_sexual_behaviour=True)
        assert "disclosed_at" in error.value.message_dict

    def test_refused_to_start_section_47_while_one_is_open_and_says_from_when(self, world, child):
        first = record(world, child, s47=True, held_at=timezone.now() - timedelta(days=3))
        started = first.section_47_enquiry.started_on
        with pytest.raises(ValidationError) as error:
            record(world, child, s47=True)
        message = error.value.message_dict["initiates_section_47"][0]
        assert f"{started:%-d %B %Y}" in message
        assert Section47Enquiry.objects.filter(child=child).count() == 1

    def test_refused_without_anyone_taking_part(self, world, child):
        with pytest.raises(ValidationError) as error:
            record(world, child, attendees=[])
        assert "attendees" in error.value.message_dict

    def test_a_cyjs_worker_cannot_record_one(self, world, child):
        open_to_cyjs(world, child)
        with pytest.raises(PermissionDenied):
            record(world, child, by=world.cyjs_worker)


class TestHarmfulSexualBehaviourClock:
    def test_a_running_clock_is_met_when_held_within_24_hours(self, world, child):
        disclosed = timezone.now() - timedelta(hours=20)
        pending = services.request_strategy_discussion(
            child=child,
            by=world.mash_manager,
            about_harmful_sexual_behaviour=True,
            disclosed_at=disclosed,
            agency=world.csc,
        )
        assert open_deadlines("hsb_strategy_meeting", pending).count() == 1
        services.record_strategy_discussion(
            child=child,
            by=world.csc_worker,
            discussion=pending,
            held_at=timezone.now() - timedelta(hours=1),
            initiates_section_47=False,
            attendees=everyone(CYJS),
        )
        [clock] = clocks(pending, "hsb_strategy_meeting")
        assert clock.status == Deadline.Status.MET

    def test_a_running_clock_is_missed_when_held_after_24_hours(self, world, child):
        pending = services.request_strategy_discussion(
            child=child,
            by=world.mash_manager,
            about_harmful_sexual_behaviour=True,
            disclosed_at=timezone.now() - timedelta(hours=40),
            agency=world.csc,
        )
        services.record_strategy_discussion(
            child=child,
            by=world.csc_worker,
            discussion=pending,
            held_at=timezone.now() - timedelta(hours=2),
            initiates_section_47=False,
            attendees=everyone(CYJS),
        )
        [clock] = clocks(pending, "hsb_strategy_meeting")
        assert clock.status == Deadline.Status.MET_LATE

    @pytest.mark.parametrize("hours_before, status", [(10, Deadline.Status.MET), (30, Deadline.Status.MET_LATE)])
    def test_recorded_straight_away_the_clock_is_started_and_stopped(self, world, child, hours_before, status):
        held = timezone.now() - timedelta(hours=1)
        disclosed = held - timedelta(hours=hours_before)
        discussion = record(
            world,
            child,
            held_at=held,
            about_harmful_sexual_behaviour=True,
            disclosed_at=disclosed,
            attendees=everyone(CYJS),
        )
        [clock] = clocks(discussion, "hsb_strategy_meeting")
        assert clock.status == status
        assert clock.started_at == disclosed and clock.due_at == disclosed + timedelta(hours=24)
        assert clock.met_at == held


class TestSection47Start:
    def test_the_enquiry_and_the_icpc_clock_start_from_the_discussion(self, world, child):
        held = timezone.now() - timedelta(days=1)
        discussion = record(world, child, s47=True, held_at=held)
        enquiry = discussion.section_47_enquiry
        assert enquiry.started_on == timezone.localtime(held).date()
        assert enquiry.lead_social_worker == world.csc_worker
        [clock] = open_deadlines("icpc", enquiry)
        assert clock.anchor_at == held and clock.started_at == held
        assert clock.due_date == wd(timezone.localtime(held).date(), 15, world)
        assert clock.responsible == world.csc_worker and clock.agency == world.csc
        assert logged(world.csc_manager, "section-47:start").count() == 0
        assert logged(world.csc_worker, "section-47:start", child=child).count() == 1

    def test_the_clock_counts_from_the_discussion_that_started_s47_not_an_earlier_one(self, world, child):
        earlier = record(world, child, s47=False, held_at=timezone.now() - timedelta(days=10))
        later_time = timezone.now() - timedelta(days=2)
        later = record(world, child, s47=True, held_at=later_time)
        assert not clocks(earlier, "icpc").exists()
        [clock] = open_deadlines("icpc", later.section_47_enquiry)
        assert clock.anchor_at == later_time
        assert clock.due_date == wd(timezone.localtime(later_time).date(), 15, world)

    def test_without_an_allocated_worker_the_recorder_leads(self, world):
        child = ChildFactory()
        InvolvementFactory(child=child, agency=world.csc, kind=Involvement.Kind.CP)
        discussion = record(world, child, by=world.csc_manager, s47=True)
        assert discussion.section_47_enquiry.lead_social_worker == world.csc_manager

    def test_the_lead_social_worker_is_told_when_someone_else_records(self, world, child):
        discussion = record(world, child, by=world.csc_manager, s47=True)
        notice = Notification.objects.get(recipient=world.csc_worker)
        assert notice.link == reverse("section-47-detail", args=[discussion.section_47_enquiry.pk])


# --- Attendance warnings and invitations --------------------------------------------------------


class TestAttendanceWarnings:
    @pytest.mark.parametrize(
        "missing, words",
        [(SW, "a social worker"), (MGR, "manager"), (POLICE, "the police"), (HEALTH, "health")],
    )
    def test_each_missing_minimum_attendee_is_warned(self, world, child, missing, words):
        attendees = [p for p in everyone() if p["capacity"] != missing]
        warnings = services.attendance_warnings(
            child=child, attendees=attendees, about_harmful_sexual_behaviour=False, on_date=date.today()
        )
        assert len(warnings) == 1 and words in warnings[0]

    def test_no_warning_when_everyone_is_there(self, world, child):
        assert (
            services.attendance_warnings(
                child=child, attendees=everyone(), about_harmful_sexual_behaviour=False, on_date=date.today()
            )
            == []
        )

    def test_cyjs_missing_for_a_child_open_to_cyjs(self, world, child):
        open_to_cyjs(world, child)
        [warning] = services.attendance_warnings(
            child=child, attendees=everyone(), about_harmful_sexual_behaviour=False, on_date=date.today()
        )
        assert "open to the child and youth justice service" in warning
        assert (
            services.attendance_warnings(
                child=child, attendees=everyone(CYJS), about_harmful_sexual_behaviour=False, on_date=date.today()
            )
            == []
        )

    @pytest.mark.parametrize("age, warned", [(11, True), (9, False)])
    def test_cyjs_missing_for_harmful_sexual_behaviour_by_a_child_over_ten(self, world, age, warned):
        today = date.today()
        child = ChildFactory(date_of_birth=today - relativedelta(years=age, days=30))
        warnings = services.attendance_warnings(
            child=child, attendees=everyone(), about_harmful_sexual_behaviour=True, on_date=today
        )
        assert bool(warnings) is warned
        if warned:
            assert f"aged {age}" in warnings[0]

    def test_the_recorded_discussion_carries_its_warnings(self, world, child):
        discussion = record(world, child, attendees=[person(SW), person(MGR)])
        assert len(discussion.warnings) == 2
        assert len(services.warnings_for(discussion)) == 2

    def test_invitations_prefill_the_allocated_workers(self, world, child):
        open_to_cyjs(world, child)
        people = services.invitation_prefill(child)
        assert [(p["capacity"], p["user"]) for p in people] == [
            (SW, world.csc_worker),
            (MGR, world.csc_manager),
            (CYJS, world.cyjs_worker),
        ]


# --- Section 47 enquiries ---------------------------------------------------------------------


@pytest.fixture
def enquiry(world, child):
    return record(world, child, s47=True, held_at=timezone.now() - timedelta(days=1)).section_47_enquiry


class TestUpdateEnquiry:
    def test_details_are_saved_and_the_version_moves_on(self, world, enquiry):
        updated = services.update_enquiry(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=enquiry.version,
            data={"joint_with_police": True, "child_seen_on": date.today(), "enquiries_summary": "Seen at school."},
        )
        enquiry.refresh_from_db()
        assert (enquiry.joint_with_police, enquiry.child_seen_on, enquiry.version) == (True, date.today(), 2)
        assert updated.version == 2
        assert logged(world.csc_worker, "section-47:update").count() == 1

    def test_a_stale_version_is_refused(self, world, enquiry):
        services.update_enquiry(
            enquiry=enquiry, by=world.csc_worker, expected_version=1, data={"enquiries_summary": "First"}
        )
        with pytest.raises(ConcurrentEditError):
            services.update_enquiry(
                enquiry=enquiry, by=world.csc_manager, expected_version=1, data={"enquiries_summary": "Second"}
            )
        enquiry.refresh_from_db()
        assert enquiry.enquiries_summary == "First"

    def test_seen_in_the_future_is_refused(self, world, enquiry):
        with pytest.raises(ValidationError) as error:
            services.update_enquiry(
                enquiry=enquiry,
                by=world.csc_worker,
                expected_version=1,
                data={"child_seen_on": date.today() + timedelta(days=1)},
            )
        assert "child_seen_on" in error.value.message_dict

    def test_a_concluded_enquiry_cannot_be_changed(self, world, enquiry):
        services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=1,
            outcome="substantiated",
            outcome_rationale="Injuries explained poorly.",
        )
        with pytest.raises(ValidationError, match="concluded"):
            services.update_enquiry(
                enquiry=enquiry, by=world.csc_worker, expected_version=2, data={"joint_with_police": True}
            )


class TestOutcome:
    def test_substantiated_keeps_the_icpc_clock_and_tells_the_lead_and_cyjs(self, world, child, enquiry):
        open_to_cyjs(world, child)
        Notification.objects.all().delete()
        concluded = services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_manager,
            expected_version=enquiry.version,
            outcome="substantiated",
            outcome_rationale="Disclosure supported by medical findings.",
        )
        assert concluded.status == "concluded" and concluded.outcome_recorded_by == world.csc_manager
        [clock] = open_deadlines("icpc", enquiry)
        assert services.conference_is_due(concluded)
        lead_notice = Notification.objects.get(recipient=world.csc_worker)
        assert f"{clock.due_date.day} " in lead_notice.body and "due by" in lead_notice.body
        cyjs_notice = Notification.objects.get(recipient=world.cyjs_worker)
        assert "substantiated" in cyjs_notice.body.lower()
        assert logged(world.csc_manager, "section-47:outcome", child=child).count() == 1

    def test_not_substantiated_cancels_the_clock_and_starts_a_cin_plan(self, world, child, enquiry):
        services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=1,
            outcome="not_substantiated",
            outcome_rationale="Explained by an accident; needs support.",
            next_step="cin_plan",
        )
        assert not open_deadlines("icpc", enquiry).exists()
        assert clocks(enquiry, "icpc", status=Deadline.Status.CANCELLED).count() == 1
        plan = ChildInNeedPlan.objects.get(child=child)
        assert plan.section_47_enquiry == enquiry and plan.status == ChildInNeedPlan.Status.ACTIVE
        enquiry.refresh_from_db()
        assert not services.conference_is_due(enquiry)

    def test_not_substantiated_with_no_further_action_starts_no_plan(self, world, child, enquiry):
        services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=1,
            outcome="not_substantiated",
            outcome_rationale="No concerns found.",
            next_step="nfa",
        )
        assert not ChildInNeedPlan.objects.filter(child=child).exists()

    def test_not_substantiated_needs_a_next_step(self, world, enquiry):
        with pytest.raises(ValidationError) as error:
            services.record_section_47_outcome(
                enquiry=enquiry,
                by=world.csc_worker,
                expected_version=1,
                outcome="not_substantiated",
                outcome_rationale="No concerns found.",
            )
        assert "next_step" in error.value.message_dict
        assert open_deadlines("icpc", enquiry).exists()

    def test_a_rationale_is_required(self, world, enquiry):
        with pytest.raises(ValidationError) as error:
            services.record_section_47_outcome(
                enquiry=enquiry,
                by=world.csc_worker,
                expected_version=1,
                outcome="substantiated",
                outcome_rationale="  ",
            )
        assert "outcome_rationale" in error.value.message_dict

    def test_an_outcome_cannot_be_recorded_twice(self, world, enquiry):
        services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=1,
            outcome="substantiated",
            outcome_rationale="Found.",
        )
        with pytest.raises(ValidationError, match="already recorded"):
            services.record_section_47_outcome(
                enquiry=enquiry,
                by=world.csc_worker,
                expected_version=2,
                outcome="not_substantiated",
                outcome_rationale="Changed mind.",
                next_step="nfa",
            )
        enquiry.refresh_from_db()
        assert enquiry.outcome == "substantiated"

    def test_a_cyjs_worker_cannot_record_an_outcome(self, world, child, enquiry):
        open_to_cyjs(world, child)
        with pytest.raises(PermissionDenied):
            services.record_section_47_outcome(
                enquiry=enquiry,
                by=world.cyjs_worker,
                expected_version=1,
                outcome="substantiated",
                outcome_rationale="x",
            )


@pytest.fixture
def not_substantiated(world, enquiry):
    return services.record_section_47_outcome(
        enquiry=enquiry,
        by=world.csc_worker,
        expected_version=1,
        outcome="not_substantiated",
        outcome_rationale="Explanation accepted.",
        next_step="support",
    )


def ask(world, enquiry, by=None):
    return services.request_conference(
        enquiry=enquiry,
        by=by or world.csc_worker,
        requested_by_name="Dr Dee",
        requested_by_organisation="Testshire Hospital",
        reason="Further bruising seen at clinic.",
    )


class TestConferenceRequests:
    def test_refused_while_the_enquiry_is_open(self, world, enquiry):
        with pytest.raises(ValidationError, match="not substantiated"):
            ask(world, enquiry)

    def test_refused_when_the_concerns_were_substantiated(self, world, enquiry):
        services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=1,
            outcome="substantiated",
            outcome_rationale="Found.",
        )
        with pytest.raises(ValidationError, match="not substantiated"):
            ask(world, enquiry)

    def test_a_request_is_recorded_and_the_manager_told(self, world, child, not_substantiated):
        request = ask(world, not_substantiated)
        assert request.status == ConferenceRequest.Status.OPEN and request.recorded_by == world.csc_worker
        notice = Notification.objects.get(recipient=world.csc_manager, subject__startswith="A conference is requested")
        assert notice.link == reverse("conference-request-respond", args=[request.pk])
        assert logged(world.csc_worker, "conference-request:create", child=child).count() == 1
        with pytest.raises(ValidationError, match="already waiting"):
            ask(world, not_substantiated)

    def test_a_cyjs_worker_who_sees_the_child_may_ask(self, world, child, not_substantiated):
        open_to_cyjs(world, child)
        request = ask(world, not_substantiated, by=world.cyjs_worker)
        assert request.requested_by == world.cyjs_worker

    def test_agreeing_makes_the_conference_due_and_starts_a_fresh_clock(self, world, child, not_substantiated):
        request = ask(world, not_substantiated)
        before = timezone.now()
        services.respond_to_conference_request(
            request=request, by=world.csc_manager, agree=True, response="Agreed: new evidence."
        )
        request.refresh_from_db()
        assert request.status == ConferenceRequest.Status.AGREED and request.responded_by == world.csc_manager
        assert services.conference_is_due(not_substantiated)
        [clock] = open_deadlines("icpc", not_substantiated)
        assert clock.started_at >= before
        assert clock.due_date == wd(timezone.localdate(), 15, world)
        assert logged(world.csc_manager, "conference-request:agree").count() == 1
        due = Notification.objects.get(
            recipient=world.csc_worker, subject__startswith="Initial child protection conference due"
        )
        assert "request for a conference was agreed" in due.body and str(clock.due_date.year) in due.body
        assert Notification.objects.filter(recipient=world.csc_worker, subject__contains="was agreed").count() == 1
        with pytest.raises(ValidationError, match="already answered"):
            services.respond_to_conference_request(request=request, by=world.csc_manager, agree=False, response="No")

    def test_declining_leaves_no_conference_due_and_tells_who_asked(self, world, child, not_substantiated):
        open_to_cyjs(world, child)
        request = ask(world, not_substantiated, by=world.cyjs_worker)
        services.respond_to_conference_request(
            request=request, by=world.csc_manager, agree=False, response="Support is working."
        )
        assert not services.conference_is_due(not_substantiated)
        assert not open_deadlines("icpc", not_substantiated).exists()
        notice = Notification.objects.get(recipient=world.cyjs_worker, subject__contains="declined")
        assert notice.body == "Support is working."

    def test_a_response_is_required_and_only_a_manager_responds(self, world, not_substantiated):
        request = ask(world, not_substantiated)
        with pytest.raises(PermissionDenied):
            services.respond_to_conference_request(request=request, by=world.csc_worker, agree=True, response="Yes")
        with pytest.raises(ValidationError) as error:
            services.respond_to_conference_request(request=request, by=world.csc_manager, agree=True, response="")
        assert "response" in error.value.message_dict
        request.refresh_from_db()
        assert request.status == ConferenceRequest.Status.OPEN


# --- API ------------------------------------------------------------------------------------


class TestApi:
    @time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False)
    def test_the_minimum_body_starts_s47_and_the_icpc_deadline_shows_on_the_child(self, world, child):
        body = {
            "child": child.pk,
            "held_at": "2026-12-01T10:00:00Z",
            "initiates_section_47": True,
            "attendees": [
                {"name": "Sam Social", "capacity": "social_worker"},
                {"name": "PC Plod", "capacity": "police"},
            ],
        }
        response = api_for(world.csc_worker).post("/api/v1/strategy-discussions/", body, format="json")
        assert response.status_code == 201, response.data
        enquiry = Section47Enquiry.objects.get(child=child)
        assert response.data["section_47_enquiry"] == enquiry.pk
        assert response.data["status"] == "held"
        assert len(response.data["warnings"]) == 2  # no manager, no health
        deadlines = api_for(world.csc_worker).get(f"/api/v1/children/{child.pk}/deadlines/").json()
        [icpc] = [d for d in deadlines if d["rule"] == "icpc"]
        assert icpc["due"] == wd(date(2026, 12, 1), 15, world).isoformat() == "2026-12-22"
        assert icpc["status"] == "open"

    def test_field_errors_are_400(self, world, child):
        response = api_for(world.csc_worker).post(
            "/api/v1/strategy-discussions/",
            {
                "child": child.pk,
                "held_at": (timezone.now() + timedelta(days=1)).isoformat(),
                "initiates_section_47": False,
                "attendees": [{"name": "A", "capacity": "police"}],
            },
            format="json",
        )
        assert response.status_code == 400 and "held_at" in response.data

    def test_a_cyjs_user_reads_a_visible_childs_discussion_but_cannot_record_one(self, world, child):
        open_to_cyjs(world, child)
        discussion = record(world, child)
        other = ChildFactory()
        InvolvementFactory(child=other, agency=world.csc, kind=Involvement.Kind.CP)
        hidden = record(world, other)
        api = api_for(world.cyjs_worker)

        assert api.get(f"/api/v1/strategy-discussions/{discussion.pk}/").status_code == 200
        assert logged(world.cyjs_worker, "api:strategy-discussion", child=child, outcome="allowed").count() == 1
        assert api.get(f"/api/v1/strategy-discussions/{hidden.pk}/").status_code == 404
        assert logged(world.cyjs_worker, "api:strategy-discussion", child=other, outcome="denied").count() == 1
        listed = api.get("/api/v1/strategy-discussions/").json()["results"]
        assert [row["id"] for row in listed] == [discussion.pk]
        assert logged(world.cyjs_worker, "api:strategy-discussions-list", action="search").count() == 1

        response = api.post(
            "/api/v1/strategy-discussions/",
            {
                "child": child.pk,
                "held_at": timezone.now().isoformat(),
                "initiates_section_47": False,
                "attendees": [{"name": "A", "capacity": "cyjs"}],
            },
            format="json",
        )
        assert response.status_code == 403
        assert StrategyDiscussion.objects.filter(child=child).count() == 1

    def test_an_invisible_child_cannot_be_written_to(self, world):
        other = ChildFactory()
        response = api_for(world.cyjs_worker).post(
            "/api/v1/strategy-discussions/",
            {
                "child": other.pk,
                "held_at": timezone.now().isoformat(),
                "initiates_section_47": False,
                "attendees": [{"name": "A", "capacity": "cyjs"}],
            },
            format="json",
        )
        assert response.status_code == 404

    def test_enquiry_update_needs_the_current_version(self, world, enquiry):
        api = api_for(world.csc_worker)
        url = f"/api/v1/section-47-enquiries/{enquiry.pk}/"
        assert api.patch(url, {"joint_with_police": True}, format="json").status_code == 400
        ok = api.patch(url, {"version": 1, "joint_with_police": True}, format="json")
        assert ok.status_code == 200 and ok.data["version"] == 2 and ok.data["joint_with_police"] is True
        assert api.patch(url, {"version": 1, "enquiries_summary": "late"}, format="json").status_code == 409

    def test_outcome_and_conference_requests_through_the_api(self, world, child, enquiry):
        api = api_for(world.csc_worker)
        base = f"/api/v1/section-47-enquiries/{enquiry.pk}"
        bad = api.post(
            f"{base}/outcome/", {"version": 1, "outcome": "not_substantiated", "outcome_rationale": "ok"}, format="json"
        )
        assert bad.status_code == 400 and "next_step" in bad.data
        early = api.post(
            f"{base}/conference-requests/",
            {"requested_by_name": "A", "requested_by_organisation": "B", "reason": "C"},
            format="json",
        )
        assert early.status_code == 400
        done = api.post(
            f"{base}/outcome/",
            {"version": 1, "outcome": "not_substantiated", "outcome_rationale": "ok", "next_step": "nfa"},
            format="json",
        )
        assert done.status_code == 200 and done.data["status"] == "concluded" and done.data["icpc_due"] is None
        made = api.post(
            f"{base}/conference-requests/",
            {"requested_by_name": "A", "requested_by_organisation": "B", "reason": "C"},
            format="json",
        )
        assert made.status_code == 201 and made.data["status"] == "open"
        assert len(api.get(f"{base}/conference-requests/").json()) == 1
        again = api.post(
            f"{base}/outcome/", {"version": 2, "outcome": "substantiated", "outcome_rationale": "x"}, format="json"
        )
        assert again.status_code == 400

    def test_the_list_filters_by_a_status_it_knows_and_refuses_any_other(self, world, child, enquiry):
        api = api_for(world.csc_worker)
        listed = api.get("/api/v1/section-47-enquiries/", {"status": "open"})
        assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [enquiry.pk]
        for wrong in ("opened", ""):
            refused = api.get("/api/v1/section-47-enquiries/", {"status": wrong})
            assert refused.status_code == 400 and "status" in refused.json()

    def test_a_cyjs_user_reads_an_enquiry_but_gets_403_writing(self, world, child, enquiry):
        open_to_cyjs(world, child)
        api = api_for(world.cyjs_worker)
        assert api.get(f"/api/v1/section-47-enquiries/{enquiry.pk}/").status_code == 200
        assert (
            api.patch(
                f"/api/v1/section-47-enquiries/{enquiry.pk}/", {"version": 1, "joint_with_police": True}, format="json"
            ).status_code
            == 403
        )
        assert (
            api.post(
                f"/api/v1/section-47-enquiries/{enquiry.pk}/outcome/",
                {"version": 1, "outcome": "substantiated", "outcome_rationale": "x"},
                format="json",
            ).status_code
            == 403
        )


# --- Pages ------------------------------------------------------------------------------------


def formset_post(prefix, rows, total):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


class TestPages:
    def test_arranging_prefills_the_allocated_workers_and_warns(self, world, child):
        open_to_cyjs(world, child)
        page = client_for(world.csc_worker).get(reverse("strategy-discussion-new", args=[child.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert (
            world.csc_worker.display_name in html
            and world.csc_manager.display_name in html
            and world.cyjs_worker.display_name in html
        )
        assert "govuk-warning-text" in html and "the police" in html
        assert logged(world.csc_worker, "page:strategy-discussion-new", child=child).count() == 1

    def test_recording_a_held_discussion_through_the_page(self, world, child):
        held = timezone.localtime(timezone.now() - timedelta(hours=3))
        data = {
            "held": "1",
            **date_fields("held_on", held.date()),
            "held_time": f"{held:%H:%M}",
            "initiates_section_47": "yes",
            "decision_rationale": "Injury unexplained.",
            "risk_level": "high",
            **formset_post(
                "attendees",
                [
                    {"name": "Sam Social", "capacity": "social_worker"},
                    {"name": "PC Plod", "capacity": "police", "organisation": "Testshire Police"},
                ],
                8,
            ),
            **formset_post(
                "actions",
                [{"description": "Medical", "owner_name": "Dr Dee", **date_fields("due_on", date.today())}],
                4,
            ),
        }
        response = client_for(world.csc_worker).post(
            reverse("strategy-discussion-new", args=[child.pk]) + "?held=1", data
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        discussion = StrategyDiscussion.objects.get(child=child)
        assert response["Location"] == reverse("strategy-discussion-detail", args=[discussion.pk])
        assert discussion.section_47_enquiry and discussion.actions.count() == 1
        detail = client_for(world.csc_worker).get(response["Location"]).content.decode()
        assert "govuk-warning-text" in detail and "manager" in detail and "PC Plod" in detail

    def test_the_record_page_shows_a_service_refusal_in_the_error_summary(self, world, child):
        pending = services.arrange_strategy_discussion(child=child, by=world.csc_worker, invitees=everyone())
        held = timezone.localtime(timezone.now() - timedelta(hours=1))
        data = {
            "version": str(pending.version),
            **date_fields("held_on", held.date()),
            "held_time": f"{held:%H:%M}",
            "initiates_section_47": "no",
            "withheld_from_family": "Police plan",
            **formset_post("attendees", [{"name": "Sam", "capacity": "social_worker"}], 8),
            **formset_post("actions", [], 4),
        }
        page = client_for(world.csc_worker).post(reverse("strategy-discussion-record", args=[pending.pk]), data)
        assert page.status_code == 200
        assert "govuk-error-summary" in page.content.decode() and "Say why this is not shared" in page.content.decode()
        pending.refresh_from_db()
        assert pending.status == "pending"

    def test_a_cyjs_user_may_read_but_not_open_the_record_page(self, world, child):
        open_to_cyjs(world, child)
        pending = services.arrange_strategy_discussion(child=child, by=world.csc_worker, invitees=everyone())
        client = client_for(world.cyjs_worker)
        assert client.get(reverse("strategy-discussion-detail", args=[pending.pk])).status_code == 200
        assert client.get(reverse("strategy-discussion-record", args=[pending.pk])).status_code == 403
        assert logged(world.cyjs_worker, "page:strategy-discussion-record", outcome="denied").count() == 1

    def test_the_enquiry_page_links_to_the_conference_when_due(self, world, child, enquiry):
        client = client_for(world.csc_worker)
        url = reverse("section-47-detail", args=[enquiry.pk])
        page = client.get(url).content.decode()
        assert "Arrange the initial conference" not in page
        assert "How this date was worked out" in page and "15 working days" in page
        services.record_section_47_outcome(
            enquiry=enquiry,
            by=world.csc_worker,
            expected_version=1,
            outcome="substantiated",
            outcome_rationale="Found.",
        )
        page = client.get(url).content.decode()
        link = reverse("conference-new", args=[child.pk]) + f"?enquiry={enquiry.pk}"
        assert f'href="{link}"' in page and "Arrange the initial conference" in page

    def test_outcome_request_and_response_pages(self, world, child, enquiry):
        client = client_for(world.csc_worker)
        response = client.post(
            reverse("section-47-outcome", args=[enquiry.pk]),
            {"version": "1", "outcome": "not_substantiated", "outcome_rationale": "Explained.", "next_step": "nfa"},
        )
        assert response.status_code == 302
        response = client.post(
            reverse("conference-request-new", args=[enquiry.pk]),
            {"requested_by_name": "Dr Dee", "requested_by_organisation": "Hospital", "reason": "More bruising."},
        )
        assert response.status_code == 302
        request = ConferenceRequest.objects.get(enquiry=enquiry)
        assert client.get(reverse("conference-request-respond", args=[request.pk])).status_code == 403
        manager = client_for(world.csc_manager)
        empty = manager.post(reverse("conference-request-respond", args=[request.pk]), {"agree": "yes", "response": ""})
        assert empty.status_code == 200 and "govuk-error-summary" in empty.content.decode()
        done = manager.post(
            reverse("conference-request-respond", args=[request.pk]), {"agree": "yes", "response": "Agreed."}
        )
        assert done.status_code == 302
        assert (
            "Arrange the initial conference"
            in manager.get(reverse("section-47-detail", args=[enquiry.pk])).content.decode()
        )

    def test_the_enquiry_page_refuses_a_stale_edit(self, world, enquiry):
        client = client_for(world.csc_worker)
        url = reverse("section-47-detail", args=[enquiry.pk])
        assert client.post(url, {"version": "1", "enquiries_summary": "One"}).status_code == 302
        page = client.post(url, {"version": "1", "enquiries_summary": "Two"})
        assert page.status_code == 200 and "Someone else changed this record" in page.content.decode()
        enquiry.refresh_from_db()
        assert enquiry.enquiries_summary == "One"

    def test_an_invisible_child_is_not_found(self, world):
        other = ChildFactory(restricted=True)
        InvolvementFactory(child=other, agency=world.csc, kind=Involvement.Kind.CP, allocated_worker=world.csc_worker)
        discussion = record(world, other, by=world.csc_worker)
        assert (
            client_for(world.cyjs_worker).get(reverse("strategy-discussion-detail", args=[discussion.pk])).status_code
            == 404
        )

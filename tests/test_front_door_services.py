"""The front door's rules, called as the views and API call them: RAG ratings and their clocks,
agency checks (the CYJS check answers itself), decisions and professional disagreement."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Agency, Role
from casework.models import Involvement
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for
from notifications.models import Deadline, Notification
from referrals import services
from referrals.models import AgencyCheck, Contact, Decision, Disagreement, DisagreementResponse, RagChange
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    InvolvementFactory,
    UserFactory,
    authority_with_agencies,
    front_door_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return front_door_world()


def details(child=None, **changes):
    values = dict(
        received_at=timezone.now() - timedelta(hours=1),
        referrer={"name": "A Teacher", "agency": "education"},
        child={"id": child.pk}
        if child
        else {"first_name": "Sam", "last_name": "Example", "date_of_birth": date(2014, 5, 1)},
        concerns="free text",
        categories=["neglect"],
        consent="given",
    )
    values.update(changes)
    return services.ContactDetails(**values)


@pytest.fixture
def contact(world):
    """A contact in MASH from a CSC practitioner (so it has a referrer who can disagree)."""
    return services.receive_contact(received_by=world.csc_worker, details=details())


def clocks(subject, rule_code, **filters):
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, rule_code=rule_code, **filters
    )


def open_clocks(subject, rule_code):
    return clocks(subject, rule_code, status__in=Deadline.OPEN_STATUSES)


# --- RAG ------------------------------------------------------------------------------------------


class TestRag:
    def test_the_first_rating_needs_no_rationale_and_starts_its_clock(self, world, contact):
        rated = services.set_rag(contact=contact, by=world.mash_worker, rag="amber")

        assert rated.rag == "amber" and rated.version == contact.version + 1
        [clock] = open_clocks(contact, "mash_rag_amber")
        assert clock.agency == world.mash
        assert clock.due_at > clock.started_at
        change = RagChange.objects.get(contact=contact)
        assert (change.from_rag, change.to_rag, change.changed_by) == ("", "amber", world.mash_worker)

    @pytest.mark.parametrize("rag, rule", [("red", "mash_rag_red"), ("green", "mash_rag_green")])
    def test_each_colour_has_its_own_clock(self, world, contact, rag, rule):
        services.set_rag(contact=contact, by=world.mash_worker, rag=rag)
        assert open_clocks(contact, rule).count() == 1
        assert Deadline.objects.filter(rule_code__startswith="mash_rag_").count() == 1

    @pytest.mark.parametrize("rationale", ["", "   "])
    def test_a_change_without_rationale_is_refused_and_changes_nothing(self, world, contact, rationale):
        services.set_rag(contact=contact, by=world.mash_worker, rag="green")

        with pytest.raises(ValidationError) as refused:
            services.set_rag(contact=contact, by=world.mash_worker, rag="red", rationale=rationale)

        assert "rationale" in refused.value.message_dict
        contact.refresh_from_db()
        assert (contact.rag, contact.version) == ("green", 2)
        assert RagChange.objects.filter(contact=contact).count() == 1
        assert open_clocks(contact, "mash_rag_green").count() == 1
        assert not clocks(contact, "mash_rag_red").exists()

    def test_a_change_with_rationale_is_recorded_and_swaps_the_clock(self, world, contact):
        services.set_rag(contact=contact, by=world.mash_worker, rag="green")
        [green] = clocks(contact, "mash_rag_green")

        services.set_rag(
            contact=contact, by=world.mash_manager, rag="red", rationale="Police say the father is back home"
        )

        contact.refresh_from_db()
        assert (contact.rag, contact.rag_rationale) == ("red", "Police say the father is back home")
        change = RagChange.objects.filter(contact=contact).last()
        assert (change.from_rag, change.to_rag, change.changed_by) == ("green", "red", world.mash_manager)
        assert change.rationale == "Police say the father is back home"
        green.refresh_from_db()
        assert green.status == Deadline.Status.CANCELLED
        assert open_clocks(contact, "mash_rag_red").count() == 1

    def test_no_target_stops_the_rating_clocks(self, world, contact):
        services.set_rag(contact=contact, by=world.mash_worker, rag="amber")
        services.set_rag(contact=contact, by=world.mash_worker, rag="none", rationale="Duplicate of an open assessment")
        assert not Deadline.objects.filter(
            rule_code__startswith="mash_rag_", status__in=Deadline.OPEN_STATUSES
        ).exists()

    def test_the_same_rating_again_changes_nothing(self, world, contact):
        services.set_rag(contact=contact, by=world.mash_worker, rag="amber")
        services.set_rag(contact=contact, by=world.mash_worker, rag="amber")
        assert RagChange.objects.count() == 1
        assert clocks(contact, "mash_rag_amber").count() == 1

    def test_an_unknown_rating_is_refused(self, world, contact):
        with pytest.raises(ValidationError) as refused:
            services.set_rag(contact=contact, by=world.mash_worker, rag="purple")
        assert "rag" in refused.value.message_dict

    def test_a_decided_contact_cannot_be_rated(self, world, contact):
        services.record_decision(
            contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )
        with pytest.raises(ValidationError):
            services.set_rag(contact=contact, by=world.mash_worker, rag="red")

    def test_the_decision_stops_the_rating_clock(self, world, contact):
        services.set_rag(contact=contact, by=world.mash_worker, rag="red")
        services.record_decision(
            contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )
        assert clocks(contact, "mash_rag_red").get().status == Deadline.Status.MET


# --- agency checks ----------------------------------------------------------------------------------


def months_ago(n):
    return timezone.localdate() - relativedelta(months=n)


class TestCheckResponseTime:
    def test_the_answer_is_due_by_the_agency_check_response_rule(self, world, contact):
        """004 L135: agencies answer MASH within 24 hours; the time comes from the rule, as every clock's does."""
        check = services.request_check(contact=contact, by=world.mash_worker, kind="police")
        assert check.due_at == check.requested_at + timedelta(hours=24)

    def test_a_changed_rule_changes_the_time_given(self, world, contact):
        from notifications.caches import invalidate_on_change
        from notifications.models import TimescaleRule

        TimescaleRule.objects.filter(code="agency_check_response").update(amount=48)
        invalidate_on_change()
        check = services.request_check(contact=contact, by=world.mash_worker, kind="health")
        assert check.due_at == check.requested_at + timedelta(hours=48)


class TestCyjsCheck:
    def test_open_to_cyjs_is_known_now_and_the_cyjs_worker_is_asked_for_their_section(self, world, contact):
        InvolvementFactory(
            child=contact.child,
            agency=world.cyjs,
            kind=Involvement.Kind.YJ_COURT_ORDER,
            team=world.cyjs_team,
            allocated_worker=world.cyjs_worker,
        )

        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")

        check.refresh_from_db()
        assert check.result == AgencyCheck.Result.KNOWN_NOW
        assert check.responded_at is None  # the CYJS worker completes the section
        notice = Notification.objects.get(recipient=world.cyjs_worker)
        assert "CYJS section" in notice.body or "CYJS section" in notice.subject
        assert notice.link == f"/contacts/{contact.pk}/"

    def test_the_current_cyjs_worker_is_asked_not_a_past_one(self, world, contact):
        past_worker = UserFactory(agency=world.cyjs, team=world.cyjs_team)
        InvolvementFactory(
            child=contact.child,
            agency=world.cyjs,
            kind=Involvement.Kind.YJ_PREVENTION,
            start=timezone.localdate() - relativedelta(years=3),
            end=timezone.localdate() - relativedelta(years=2),
            allocated_worker=past_worker,
        )
        InvolvementFactory(
            child=contact.child,
            agency=world.cyjs,
            kind=Involvement.Kind.YJ_COURT_ORDER,
            start=timezone.localdate() - relativedelta(months=2),
            allocated_worker=world.cyjs_worker,
        )

        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")

        assert check.result == AgencyCheck.Result.KNOWN_NOW
        assert Notification.objects.filter(recipient=world.cyjs_worker).count() == 1
        assert not Notification.objects.filter(recipient=past_worker).exists()

    def test_the_latest_of_several_ended_involvements_is_the_one_asked(self, world, contact):
        long_ago = UserFactory(agency=world.cyjs)
        InvolvementFactory(
            child=contact.child,
            agency=world.cyjs,
            kind=Involvement.Kind.YJ_PREVENTION,
            start=months_ago(30),
            end=months_ago(24),
            allocated_worker=long_ago,
        )
        InvolvementFactory(
            child=contact.child,
            agency=world.cyjs,
            kind=Involvement.Kind.YJ_DIVERSION,
            start=months_ago(10),
            end=months_ago(3),
            allocated_worker=world.cyjs_worker,
        )

        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")

        assert check.result == AgencyCheck.Result.KNOWN_RECENTLY
        assert Notification.objects.filter(recipient=world.cyjs_worker).exists()
        assert not Notification.objects.filter(recipient=long_ago).exists()

    def test_ended_three_months_ago_is_known_recently(self, world, contact):
        InvolvementFactory(
            child=contact.child,
            agency=world.cyjs,
            kind=Involvement.Kind.YJ_PREVENTION,
            start=months_ago(12),
            end=months_ago(3),
            allocated_worker=world.cyjs_worker,
        )
        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")
        check.refresh_from_db()
        assert check.result == AgencyCheck.Result.KNOWN_RECENTLY

    @pytest.mark.parametrize("history", ["ended_8_months_ago", "never", "open_in_another_authority"])
    def test_otherwise_not_known_with_the_answer_recorded(self, world, contact, history):
        if history == "ended_8_months_ago":
            InvolvementFactory(
                child=contact.child,
                agency=world.cyjs,
                kind=Involvement.Kind.YJ_PREVENTION,
                start=months_ago(14),
                end=months_ago(8),
                allocated_worker=world.cyjs_worker,
            )
        elif history == "open_in_another_authority":
            _, _, elsewhere = authority_with_agencies()
            InvolvementFactory(child=contact.child, agency=elsewhere, kind=Involvement.Kind.YJ_COURT_ORDER)

        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")

        check.refresh_from_db()
        assert check.result == AgencyCheck.Result.NOT_KNOWN
        assert check.response == "Not known to CYJS now or in the past 6 months."
        assert check.responded_at is not None
        assert not Notification.objects.exists()


class TestOtherChecks:
    def test_a_partner_check_waits_24_hours_for_an_answer(self, world, contact):
        check = services.request_check(contact=contact, by=world.mash_worker, kind="police")
        assert check.result == AgencyCheck.Result.PENDING
        assert check.due_at - check.requested_at == timedelta(hours=24)
        assert check.responded_at is None

    def test_respond_to_check(self, world, contact):
        check = services.request_check(contact=contact, by=world.mash_worker, kind="health")
        nurse = UserFactory(agency=AgencyFactory(authority=world.authority, kind=Agency.Kind.HEALTH))

        answered = services.respond_to_check(check=check, by=nurse, response="  Known to the health visitor.  ")

        assert answered.result == AgencyCheck.Result.ANSWERED
        assert answered.response == "Known to the health visitor."
        assert answered.responded_by == nurse and answered.responded_at is not None

    def test_a_response_keeps_the_cyjs_result(self, world, contact):
        InvolvementFactory(child=contact.child, agency=world.cyjs, allocated_worker=world.cyjs_worker)
        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")
        answered = services.respond_to_check(check=check, by=world.cyjs_worker, response="On a referral order.")
        assert answered.result == AgencyCheck.Result.KNOWN_NOW
        assert answered.response == "On a referral order."

    def test_an_empty_response_is_refused(self, world, contact):
        check = services.request_check(contact=contact, by=world.mash_worker, kind="education")
        with pytest.raises(ValidationError) as refused:
            services.respond_to_check(check=check, by=world.mash_worker, response="  ")
        assert "response" in refused.value.message_dict
        check.refresh_from_db()
        assert check.result == AgencyCheck.Result.PENDING

    def test_each_agency_is_asked_once(self, world, contact):
        services.request_check(contact=contact, by=world.mash_worker, kind="police")
        with pytest.raises(ValidationError) as refused:
            services.request_check(contact=contact, by=world.mash_worker, kind="police")
        assert "kind" in refused.value.message_dict

    def test_an_unknown_agency_is_refused(self, world, contact):
        with pytest.raises(ValidationError):
            services.request_check(contact=contact, by=world.mash_worker, kind="astrologer")


# --- decisions ------------------------------------------------------------------------------------------


class TestDecision:
    @pytest.mark.parametrize("rationale", ["", "   "])
    def test_a_rationale_is_required(self, world, contact, rationale):
        with pytest.raises(ValidationError) as refused:
            services.record_decision(contact=contact, by=world.mash_manager, outcome="assessment", rationale=rationale)
        assert "rationale" in refused.value.message_dict
        assert not Decision.objects.exists()
        contact.refresh_from_db()
        assert contact.is_open

    def test_deciding_twice_is_refused(self, world, contact):
        services.record_decision(
            contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )
        with pytest.raises(ValidationError):
            services.record_decision(
                contact=contact, by=world.mash_manager, outcome="assessment", rationale="Second thoughts"
            )
        decision = Decision.objects.get(contact=contact)
        assert decision.outcome == "nfa_signpost"
        assert not clocks(contact, "assessment").exists()

    def test_a_workers_proposal_can_be_revised_until_authorised(self, world, contact):
        services.record_decision(contact=contact, by=world.mash_worker, outcome="early_help", rationale="Level 2")
        services.record_decision(
            contact=contact, by=world.mash_worker, outcome="assessment", rationale="Level 3 after checks"
        )
        decision = Decision.objects.get(contact=contact)
        assert (decision.outcome, decision.authorised_at) == ("assessment", None)

        services.authorise_decision(contact=contact, by=world.mash_manager)

        contact.refresh_from_db()
        assert contact.status == Contact.Status.DECIDED
        with pytest.raises(ValidationError):
            services.authorise_decision(contact=contact, by=world.mash_manager)

    def test_a_worker_cannot_authorise(self, world, contact):
        services.record_decision(contact=contact, by=world.mash_worker, outcome="assessment", rationale="Level 3")
        with pytest.raises(PermissionDenied):
            services.authorise_decision(contact=contact, by=world.mash_worker)
        contact.refresh_from_db()
        assert contact.is_open

    @pytest.mark.parametrize("who", ["cyjs_manager", "csc_manager"])
    def test_a_manager_outside_mash_cannot_authorise_a_mash_decision(self, world, contact, who):
        services.record_decision(contact=contact, by=world.mash_worker, outcome="assessment", rationale="Level 3")
        with pytest.raises(PermissionDenied):
            services.authorise_decision(contact=contact, by=getattr(world, who))
        contact.refresh_from_db()
        assert contact.is_open
        assert Decision.objects.get(contact=contact).authorised_at is None

    @pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.MASH_WORKER])
    def test_another_authoritys_mash_cannot_decide_or_authorise(self, world, contact, role):
        _, their_mash, _ = authority_with_agencies()
        outsider = UserFactory(role=role, agency=their_mash)
        with pytest.raises(PermissionDenied):
            services.record_decision(contact=contact, by=outsider, outcome="nfa_signpost", rationale="Not ours to say")
        assert not Decision.objects.exists()

        services.record_decision(contact=contact, by=world.mash_worker, outcome="assessment", rationale="Level 3")
        if role == Role.MASH_MANAGER:
            with pytest.raises(PermissionDenied):
                services.authorise_decision(contact=contact, by=outsider)
        contact.refresh_from_db()
        assert contact.is_open

    def test_a_practitioner_cannot_decide(self, world, contact):
        with pytest.raises(PermissionDenied):
            services.record_decision(contact=contact, by=world.csc_worker, outcome="nfa_signpost", rationale="Fine")

    def test_the_team_holding_a_routed_contact_decides_it(self, world):
        child = ChildFactory()
        InvolvementFactory(child=child, agency=world.csc, team=world.csc_team, allocated_worker=world.csc_worker)
        routed = services.receive_contact(received_by=world.csc_worker, details=details(child))
        assert routed.agency == world.csc

        services.record_decision(contact=routed, by=world.csc_manager, outcome="assessment", rationale="New concerns")

        routed.refresh_from_db()
        assert routed.status == Contact.Status.DECIDED
        with pytest.raises(PermissionDenied):
            services.record_decision(contact=routed, by=world.cyjs_manager, outcome="assessment", rationale="x")

    def test_feedback_needs_a_decision(self, world, contact):
        with pytest.raises(ValidationError):
            services.send_feedback(contact=contact, by=world.mash_manager, reasons="Not yet")
        services.record_decision(
            contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )
        contact.refresh_from_db()
        feedback = services.send_feedback(contact=contact, by=world.mash_manager, reasons="The school can support Sam.")
        assert feedback.outcome == services.FEEDBACK_WORDS["nfa_signpost"]
        assert Notification.objects.filter(recipient=world.csc_worker, subject="The outcome of your referral").exists()


# --- professional disagreement ------------------------------------------------------------------------------


@pytest.fixture
def decided(world, contact):
    services.record_decision(
        contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
    )
    contact.refresh_from_db()
    return contact


def five_working_days(world):
    return add_working_days(timezone.localdate(), 5, calendar=calendar_for(world.authority))


STAGE_RESPONDER = {1: "mash_worker", 2: "mash_manager", 3: "senior", 4: "head"}


class TestDisagreement:
    def test_only_the_referrer_can_raise(self, world, decided):
        for someone_else in (world.mash_worker, world.csc_manager, world.cyjs_worker):
            with pytest.raises(PermissionDenied):
                services.raise_disagreement(contact=decided, by=someone_else, reason="I disagree")
        assert not Disagreement.objects.exists()

    def test_there_must_be_a_decision_and_a_reason(self, world, contact):
        with pytest.raises(ValidationError):
            services.raise_disagreement(contact=contact, by=world.csc_worker, reason="Too early")
        services.record_decision(
            contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )
        contact.refresh_from_db()
        with pytest.raises(ValidationError) as refused:
            services.raise_disagreement(contact=contact, by=world.csc_worker, reason="  ")
        assert "reason" in refused.value.message_dict

    def test_stages_climb_one_to_four_with_a_fresh_five_day_clock_each(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        assert disagreement.stage == 1
        [first] = open_clocks(disagreement, "escalation_stage_response")
        assert first.due_date == five_working_days(world)
        assert first.agency == world.mash

        previous = first
        for stage in (2, 3, 4):
            disagreement = services.escalate_disagreement(disagreement=disagreement, by=world.csc_worker)
            assert disagreement.stage == stage
            previous.refresh_from_db()
            assert previous.status == Deadline.Status.CANCELLED
            [current] = open_clocks(disagreement, "escalation_stage_response")
            assert current.pk != previous.pk
            assert current.due_date == five_working_days(world)
            previous = current
        assert clocks(disagreement, "escalation_stage_response").count() == 4

        with pytest.raises(ValidationError):
            services.escalate_disagreement(disagreement=disagreement, by=world.csc_worker)
        disagreement.refresh_from_db()
        assert disagreement.stage == 4
        assert open_clocks(disagreement, "escalation_stage_response").get() == previous

    def test_each_stage_is_answered_by_its_own_role(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        for stage in (1, 2, 3, 4):
            if stage > 1:
                disagreement = services.escalate_disagreement(disagreement=disagreement, by=world.csc_worker)
            wrong = [getattr(world, name) for s, name in STAGE_RESPONDER.items() if s != stage]
            for user in wrong + [world.csc_worker, world.cyjs_manager]:
                with pytest.raises(PermissionDenied):
                    services.respond_to_disagreement(disagreement=disagreement, by=user, response="Not mine to answer")

            right = getattr(world, STAGE_RESPONDER[stage])
            answer = services.respond_to_disagreement(
                disagreement=disagreement, by=right, response=f"Stage {stage} view"
            )

            assert (answer.stage, answer.responded_by) == (stage, right)
            assert not open_clocks(disagreement, "escalation_stage_response").exists()
            assert clocks(disagreement, "escalation_stage_response", status=Deadline.Status.MET).count() == stage
        assert DisagreementResponse.objects.filter(disagreement=disagreement).count() == 4

    def test_a_practitioner_in_another_agency_cannot_answer_the_first_stage(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        other_practitioner = UserFactory(agency=world.cyjs)
        with pytest.raises(PermissionDenied):
            services.respond_to_disagreement(disagreement=disagreement, by=other_practitioner, response="Agreed")
        assert open_clocks(disagreement, "escalation_stage_response").count() == 1

    def test_only_the_person_who_raised_it_escalates(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        with pytest.raises(PermissionDenied):
            services.escalate_disagreement(disagreement=disagreement, by=world.mash_manager)
        disagreement.refresh_from_db()
        assert disagreement.stage == 1

    def test_resolving_closes_the_clock(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        disagreement = services.escalate_disagreement(disagreement=disagreement, by=world.csc_worker)

        resolved = services.resolve_disagreement(
            disagreement=disagreement, by=world.csc_worker, resolution="Agreed a TAF"
        )

        assert resolved.status == Disagreement.Status.RESOLVED and resolved.resolved_at is not None
        assert not open_clocks(disagreement, "escalation_stage_response").exists()
        with pytest.raises(PermissionDenied):
            services.escalate_disagreement(disagreement=resolved, by=world.csc_worker)

    def test_a_resolution_must_be_recorded(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        with pytest.raises(ValidationError):
            services.resolve_disagreement(disagreement=disagreement, by=world.csc_worker, resolution=" ")
        assert open_clocks(disagreement, "escalation_stage_response").count() == 1

    def test_one_open_disagreement_at_a_time(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Sam is still hungry")
        with pytest.raises(ValidationError):
            services.raise_disagreement(contact=decided, by=world.csc_worker, reason="And another thing")
        services.resolve_disagreement(disagreement=disagreement, by=world.csc_worker, resolution="Agreed a TAF")
        again = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="New information")
        assert again.stage == 1


# --- Who may act on a contact (rules in the services, not only on the pages) ------------------------


class TestOnlyTheHoldingTeamActs:
    def test_triage_actions_refused_to_anyone_outside_the_holding_team(self, world, contact):
        for attempt in (
            lambda: services.set_rag(contact=contact, by=world.cyjs_worker, rag="red"),
            lambda: services.allocate(contact=contact, by=world.csc_manager, to=world.csc_worker),
            lambda: services.request_check(contact=contact, by=world.csc_worker, kind="police"),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        contact.refresh_from_db()
        assert contact.rag == "" and contact.allocated_to is None and not contact.checks.exists()

    def test_another_authoritys_mash_cannot_triage(self, world, contact):
        other = front_door_world()
        with pytest.raises(PermissionDenied):
            services.set_rag(contact=contact, by=other.mash_worker, rag="red")

    def test_the_agency_asked_may_answer_a_check_and_nobody_else(self, world, contact):
        check = services.request_check(contact=contact, by=world.mash_worker, kind="cyjs")
        with pytest.raises(PermissionDenied):
            services.respond_to_check(check=check, by=world.csc_worker, response="We know them")
        answered = services.respond_to_check(check=check, by=world.cyjs_worker, response="Known for a caution in 2025")
        assert answered.responded_by == world.cyjs_worker

    def test_feedback_only_from_the_holding_team(self, world, decided):
        with pytest.raises(PermissionDenied):
            services.send_feedback(contact=decided, by=world.cyjs_worker, reasons="Because")
        assert not decided.feedback.exists()

    def test_a_resolved_disagreement_cannot_be_resolved_again(self, world, decided):
        disagreement = services.raise_disagreement(contact=decided, by=world.csc_worker, reason="Threshold is met")
        services.resolve_disagreement(disagreement=disagreement, by=world.csc_worker, resolution="Agreed after a call")
        with pytest.raises(ValidationError):
            services.resolve_disagreement(disagreement=disagreement, by=world.csc_worker, resolution="Again")

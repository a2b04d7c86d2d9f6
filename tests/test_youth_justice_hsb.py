"""The CYJS harmful sexual behaviour hub (seed 000 HSB hub appendix L9253–9429; domain notes part B
PH0–PH6, V-H1–V-H13, T-PH1/T-PH3; somerset-vs-lancashire §1.7): eligibility refusals recorded with
their reasons, the hub's steps in order, the AIM guards and its 45-working-day clock, joint quality
assurance, access (pages, API, per-authority protocol), the access log and the chronology."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AccessEvent
from casework.chronology.selectors import chronology
from casework.hsb import services
from casework.models import HsbConsultation, Involvement, JointWorkingProtocol
from casework.services import ConcurrentEditError
from notifications.models import Deadline, Notification
from tests.factories import ChildFactory, InvolvementFactory, grant
from tests.hsb_builders import (
    Hackett,
    aim_done,
    aim_started,
    born_for_age,
    consulted,
    hsb_world,
    mapped,
    planned,
    quality_assured,
    request,
)
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db
Status = HsbConsultation.Status
Section = JointWorkingProtocol.Section
IKind = Involvement.Kind
API = "/api/v1/hsb-consultations/"


@pytest.fixture
def w():
    return hsb_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def hub_involvements(w):
    return Involvement.objects.filter(child=w.child, agency=w.cyjs, kind=IKind.HSB_HUB)


def not_sharing_hsb(w):
    return JointWorkingProtocol.objects.create(
        authority=w.authority, csc_reads=[s for s in JointWorkingProtocol().csc_reads if s != Section.HSB]
    )


# --- PH0/PH1: eligibility, each refusal saved with its reason ------------------------------------------------------


class TestEligibility:
    def refused(self, w, **overrides):
        c = request(w, **overrides)
        c.refresh_from_db()
        assert c.status == Status.REFUSED
        assert not hub_involvements(w).exists()
        return c

    def test_a_seven_year_old_is_refused_with_the_age_reason(self):
        w = hsb_world(born_on=None, age=7)
        w.child.date_of_birth = born_for_age(7, w.today - timedelta(days=150))
        w.child.save()
        c = self.refused(w)
        assert c.refusal_reason == "The child is 7. The hub takes children aged 8 to 17"

    def test_an_eighteen_year_old_is_refused_with_the_age_reason(self):
        w = hsb_world()
        w.child.date_of_birth = born_for_age(18, w.today - timedelta(days=150))
        w.child.save()
        c = self.refused(w)
        assert c.refusal_reason == "The child is 18. The hub takes children aged 8 to 17: they are an adult now"

    def test_age_is_taken_on_the_day_of_the_request(self, w):
        requested = w.today - timedelta(days=150)
        w.child.date_of_birth = requested - relativedelta(years=8)  # 8th birthday on the day of the request
        w.child.save()
        assert request(w).status == Status.REQUESTED
        w2 = hsb_world()
        w2.child.date_of_birth = requested - relativedelta(years=18) + timedelta(days=1)  # 17 for one more day
        w2.child.save()
        assert request(w2).status == Status.REQUESTED

    def test_outside_the_authority_is_refused_naming_it(self, w):
        c = self.refused(w, lives_in_authority=False)
        assert (
            c.refusal_reason == "The child does not live in Lancashire-like. The hub only takes children who live there"
        )
        assert c.lives_in_authority is False

    def test_behaviour_thirteen_months_ago_is_historic(self, w):
        requested = w.today - timedelta(days=10)
        c = self.refused(w, requested_on=requested, behaviour_last_on=requested - relativedelta(months=13))
        assert "more than 12 months ago. The hub does not take historic behaviour" in c.refusal_reason

    def test_behaviour_exactly_twelve_months_ago_is_accepted(self, w):
        requested = w.today - timedelta(days=10)
        assert (
            request(w, requested_on=requested, behaviour_last_on=requested - relativedelta(months=12)).status
            == Status.REQUESTED
        )

    def test_open_to_cyjs_says_talk_to_the_allocated_worker_and_manager(self, w):
        InvolvementFactory(child=w.child, agency=w.cyjs, kind=IKind.YJ_COURT_ORDER, allocated_worker=w.cyjs_worker)
        c = self.refused(w)
        assert c.refusal_reason == (
            "The child is already open to the child and youth justice service. Talk to the allocated CYJS worker "
            f"({w.cyjs_worker.display_name}) and their manager ({w.cyjs_manager.display_name}) instead"
        )

    def test_closed_cyjs_work_does_not_count(self, w):
        InvolvementFactory(
            child=w.child,
            agency=w.cyjs,
            kind=IKind.YJ_PREVENTION,
            end=w.today - timedelta(days=200),
            start=w.today - timedelta(days=400),
        )
        assert request(w).status == Status.REQUESTED

    def test_every_failing_reason_is_recorded(self, w):
        c = self.refused(w, lives_in_authority=False, behaviour_last_on=w.today - relativedelta(months=30))
        assert len(c.refusal_reason.splitlines()) == 2

    def test_a_refusal_tells_the_requesters_manager_and_is_logged(self, w):
        c = self.refused(w, lives_in_authority=False)
        note = Notification.objects.get(recipient=w.csc_manager)
        assert "does not meet the criteria" in note.body and "does not live in Lancashire-like" in note.body
        assert note.link == reverse("hsb-consultation-detail", args=[c.pk])
        assert not Notification.objects.filter(recipient__agency=w.cyjs).exists()
        event = last_log(what="hsb-consultation:refused")
        assert event.action == AccessEvent.Action.WRITE and event.user_id == w.csc_worker.pk

    def test_a_refused_request_does_not_block_a_new_one(self, w):
        self.refused(w, lives_in_authority=False)
        assert request(w).status == Status.REQUESTED


class TestRequest:
    def test_an_eligible_request_opens_the_hubs_involvement_and_tells_the_hub_managers(self, w):
        c = request(w, police_investigation_ongoing=True)
        assert c.status == Status.REQUESTED and c.refusal_reason == "" and c.police_investigation_ongoing
        hub = hub_involvements(w).get()
        assert hub.end is None and hub.is_lead_agency is False
        told = set(
            Notification.objects.filter(subject__startswith="New HSB hub consultation request").values_list(
                "recipient", flat=True
            )
        )
        assert told == {w.cyjs_manager.pk, w.cyjs_manager_2.pk}
        assert "consultation only" in Notification.objects.filter(recipient=w.cyjs_manager).first().body
        event = last_log(what="hsb-consultation:request")
        assert event.action == AccessEvent.Action.WRITE and event.child_id == w.child.pk

    def test_the_hub_can_then_see_the_child(self, w):
        other_cyjs = hsb_world()  # a CYJS manager in another authority never does
        from accounts import access

        assert not access.decide(w.cyjs_manager, w.child).allowed
        request(w)
        assert access.decide(w.cyjs_manager, w.child).allowed
        assert not access.decide(other_cyjs.cyjs_manager, w.child).allowed

    def test_a_csc_manager_may_request(self, w):
        assert request(w, by=w.csc_manager).status == Status.REQUESTED

    @pytest.mark.parametrize("who", ["cyjs_worker", "police", "mash_worker"])
    def test_others_may_not_request(self, w, who):
        if who == "cyjs_worker":
            InvolvementFactory(child=w.child, agency=w.cyjs, kind=IKind.HSB_HUB)
        with pytest.raises(PermissionDenied):
            request(w, by=getattr(w, who))
        assert not HsbConsultation.objects.exists()

    def test_csc_may_not_request_where_the_protocol_does_not_share_the_hub(self, w):
        not_sharing_hsb(w)
        with pytest.raises(PermissionDenied):
            request(w)

    def test_wrong_answers_are_errors_and_nothing_is_saved(self, w):
        with pytest.raises(ValidationError) as error:
            request(w, requested_on=w.today + timedelta(days=1), behaviour_last_on=None, concerns="  ")
        assert error.value.message_dict == {
            "requested_on": ["The date of the request must be today or in the past"],
            "behaviour_last_on": ["Enter when the most recent behaviour happened"],
            "concerns": ["Describe the behaviour that worries you"],
        }
        with pytest.raises(ValidationError) as error:
            request(w, behaviour_last_on=w.today - timedelta(days=100))
        assert error.value.message_dict == {
            "behaviour_last_on": ["The behaviour must have happened on or before the date of the request"]
        }
        assert not HsbConsultation.objects.exists()

    def test_one_open_consultation_at_a_time(self, w):
        request(w)
        with pytest.raises(ValidationError) as error:
            request(w)
        assert "already has an open HSB hub consultation" in str(error.value)


# --- The hub's steps, in order -------------------------------------------------------------------------------------------


class TestConsultationStep:
    def test_recorded_with_the_hackett_rating(self, w):
        c = consulted(w)
        assert c.status == Status.CONSULTATION and c.hackett == Hackett.PROBLEMATIC and c.version == 2
        assert "problematic" in Notification.objects.filter(recipient=w.csc_worker).first().body
        assert last_log(what="hsb-consultation:consultation").user_id == w.cyjs_manager.pk

    def test_the_hackett_rating_and_outcome_are_required(self, w):
        c = request(w)
        with pytest.raises(ValidationError) as error:
            services.record_hub_consultation(
                consultation=c, by=w.cyjs_manager, expected_version=c.version, held_on=w.today, hackett="", outcome=""
            )
        assert error.value.message_dict == {
            "hackett": ["Choose where the behaviour sits on Hackett's continuum"],
            "outcome": ["Write what was agreed and the next steps"],
        }

    def test_before_the_request_is_refused(self, w):
        c = request(w)
        with pytest.raises(ValidationError) as error:
            services.record_hub_consultation(
                consultation=c,
                by=w.cyjs_manager,
                expected_version=c.version,
                held_on=c.requested_on - timedelta(days=1),
                hackett=Hackett.NORMAL,
                outcome="x",
            )
        assert error.value.message_dict["held_on"][0].startswith(
            "The date of the consultation must be on or after the request"
        )

    def test_a_stale_version_is_refused(self, w):
        c = request(w)
        with pytest.raises(ConcurrentEditError):
            services.record_hub_consultation(
                consultation=c,
                by=w.cyjs_manager,
                expected_version=c.version + 1,
                held_on=w.today,
                hackett=Hackett.NORMAL,
                outcome="x",
            )

    def test_csc_cannot_record_hub_steps(self, w):
        c = request(w)
        for who in (w.csc_worker, w.csc_manager):
            with pytest.raises(PermissionDenied):
                services.record_hub_consultation(
                    consultation=c,
                    by=who,
                    expected_version=c.version,
                    held_on=w.today,
                    hackett=Hackett.NORMAL,
                    outcome="x",
                )

    def test_a_refused_request_goes_no_further(self, w):
        InvolvementFactory(
            child=w.child, agency=w.cyjs, kind=IKind.YJ_PREVENTION
        )  # open to CYJS: refused, but CYJS sees it
        c = request(w)
        assert c.status == Status.REFUSED
        with pytest.raises(ValidationError) as error:
            services.record_hub_consultation(
                consultation=c,
                by=w.cyjs_manager,
                expected_version=c.version,
                held_on=w.today,
                hackett=Hackett.NORMAL,
                outcome="x",
            )
        assert "not accepted" in str(error.value)


class TestOrder:
    def test_nothing_before_the_consultation(self, w):
        c = request(w)
        calls = [
            lambda: services.record_pattern_mapping(consultation=c, by=w.cyjs_manager, held_on=w.today),
            lambda: services.start_aim_assessment(
                consultation=c, by=w.cyjs_manager, aim_practitioner=w.cyjs_worker, first_meeting_with_child_on=w.today
            ),
            lambda: services.complete_aim_assessment(consultation=c, by=w.cyjs_manager, completed_on=w.today),
            lambda: services.record_planning_meeting(
                consultation=c,
                by=w.cyjs_manager,
                held_on=w.today,
                areas_of_work="x",
                review_on=w.today + timedelta(days=9),
            ),
            lambda: services.close_consultation(consultation=c, by=w.cyjs_manager, closed_on=w.today),
        ]
        for call in calls:
            with pytest.raises(ValidationError) as error:
                call()
            assert "Record the hub consultation first" in str(error.value)

    def test_the_consultation_only_once(self, w):
        c = consulted(w)
        with pytest.raises(ValidationError, match="already been recorded"):
            services.record_hub_consultation(
                consultation=c,
                by=w.cyjs_manager,
                expected_version=c.version,
                held_on=w.today,
                hackett=Hackett.NORMAL,
                outcome="x",
            )

    def test_pattern_mapping_is_optional_before_aim(self, w):
        c = consulted(w)
        c = services.start_aim_assessment(
            consultation=c,
            by=w.cyjs_manager,
            aim_practitioner=w.cyjs_worker,
            first_meeting_with_child_on=w.today - timedelta(days=3),
        )
        assert c.status == Status.AIM_ASSESSMENT and c.pattern_mapping_on is None
        with pytest.raises(ValidationError, match="Pattern mapping comes after the consultation and before"):
            services.record_pattern_mapping(consultation=c, by=w.cyjs_manager, held_on=w.today)

    def test_aim_completed_before_it_starts_and_qa_before_it_completes(self, w):
        c = mapped(w)
        with pytest.raises(ValidationError, match="Start the AIM assessment first"):
            services.complete_aim_assessment(consultation=c, by=w.cyjs_manager, completed_on=w.today)
        c = services.start_aim_assessment(
            consultation=c,
            by=w.cyjs_manager,
            aim_practitioner=w.cyjs_worker,
            first_meeting_with_child_on=w.today - timedelta(days=3),
        )
        with pytest.raises(ValidationError, match="Record that the AIM assessment is complete first"):
            services.record_quality_assurance(consultation=c, by=w.cyjs_manager)
        with pytest.raises(ValidationError, match="follows a completed AIM assessment"):
            services.record_planning_meeting(
                consultation=c,
                by=w.cyjs_manager,
                held_on=w.today,
                areas_of_work="x",
                review_on=w.today + timedelta(days=9),
            )
        with pytest.raises(ValidationError, match="Finish the AIM assessment"):
            services.close_consultation(consultation=c, by=w.cyjs_manager, closed_on=w.today)

    def test_close_after_the_consultation_when_no_more_is_needed(self, w):
        c = consulted(w)
        c = services.close_consultation(consultation=c, by=w.cyjs_manager, closed_on=w.today)
        assert c.status == Status.CLOSED and hub_involvements(w).get().end == w.today
        with pytest.raises(ValidationError, match="closed on"):
            services.record_pattern_mapping(consultation=c, by=w.cyjs_manager, held_on=w.today)
        assert request(w).status == Status.REQUESTED  # a new request once closed

    def test_the_whole_path_to_closure(self, w):
        c = planned(w)
        assert c.status == Status.PLANNING and c.review_on == w.today + timedelta(days=60)
        with pytest.raises(ValidationError, match="already been recorded"):
            services.record_planning_meeting(
                consultation=c,
                by=w.cyjs_manager,
                held_on=w.today,
                areas_of_work="x",
                review_on=w.today + timedelta(days=9),
            )
        with pytest.raises(ValidationError) as error:
            services.close_consultation(
                consultation=c, by=w.cyjs_manager, closed_on=c.planning_meeting_on - timedelta(days=1)
            )
        assert "closed_on" in error.value.message_dict
        c = services.close_consultation(consultation=c, by=w.cyjs_manager, closed_on=w.today)
        assert c.status == Status.CLOSED
        writes = list(
            AccessEvent.objects.filter(
                child=w.child, action=AccessEvent.Action.WRITE, what__startswith="hsb-consultation:"
            )
            .order_by("id")
            .values_list("what", flat=True)
        )
        assert writes == [
            f"hsb-consultation:{v}"
            for v in (
                "request",
                "consultation",
                "pattern-mapping",
                "aim-start",
                "aim-completed",
                "quality-assurance",
                "quality-assurance",
                "planning-meeting",
                "close",
            )
        ]

    def test_the_planning_meeting_needs_a_later_review(self, w):
        c = quality_assured(w)
        with pytest.raises(ValidationError) as error:
            services.record_planning_meeting(
                consultation=c, by=w.cyjs_manager, held_on=w.today, areas_of_work="", review_on=w.today
            )
        assert error.value.message_dict == {
            "areas_of_work": ["Write the areas of work agreed with the child, their family and the network"],
            "review_on": ["The review must be after the planning meeting"],
        }


# --- PH4: the AIM assessment --------------------------------------------------------------------------------------------


class TestAimGuards:
    def test_refused_for_a_nine_year_old(self):
        w = hsb_world()
        w.child.date_of_birth = born_for_age(9, w.today)
        w.child.save()
        c = mapped(w)
        assert c.status == Status.PATTERN_MAPPING  # the hub still gives the consultation (8–9)
        with pytest.raises(ValidationError) as error:
            services.start_aim_assessment(
                consultation=c, by=w.cyjs_manager, aim_practitioner=w.cyjs_worker, first_meeting_with_child_on=w.today
            )
        assert error.value.message_dict == {
            "first_meeting_with_child_on": [
                "Robin is 9. AIM assessments are not recommended for children under 10: the hub offers a consultation only"
            ]
        }
        assert not Deadline.objects.filter(rule_code="aim_assessment").exists()

    def test_allowed_once_ten_on_the_day_of_the_first_meeting(self):
        w = hsb_world()
        w.child.date_of_birth = w.today - timedelta(days=2) - relativedelta(years=10)
        w.child.save()
        c = mapped(w)  # 9 at the request and the consultation
        with pytest.raises(ValidationError):
            services.start_aim_assessment(
                consultation=c,
                by=w.cyjs_manager,
                aim_practitioner=w.cyjs_worker,
                first_meeting_with_child_on=w.today - timedelta(days=3),
            )
        c = services.start_aim_assessment(
            consultation=c,
            by=w.cyjs_manager,
            aim_practitioner=w.cyjs_worker,
            first_meeting_with_child_on=w.today - timedelta(days=2),
        )
        assert c.status == Status.AIM_ASSESSMENT

    def test_refused_during_a_police_investigation_then_allowed_when_it_ends(self, w):
        c = mapped(w, police_investigation_ongoing=True)
        with pytest.raises(ValidationError) as error:
            services.start_aim_assessment(
                consultation=c, by=w.cyjs_manager, aim_practitioner=w.cyjs_worker, first_meeting_with_child_on=w.today
            )
        assert error.value.message_dict["__all__"] == [
            "There is an ongoing police investigation, so CYJS cannot complete an AIM assessment. The hub can still give a consultation"
        ]
        c = services.update_police_investigation(
            consultation=c, by=w.csc_worker, expected_version=c.version, ongoing=False
        )
        assert last_log(what="hsb-consultation:police-investigation").user_id == w.csc_worker.pk
        c = services.start_aim_assessment(
            consultation=c, by=w.cyjs_manager, aim_practitioner=w.cyjs_worker, first_meeting_with_child_on=w.today
        )
        assert c.status == Status.AIM_ASSESSMENT

    def test_the_practitioner_must_be_cyjs(self, w):
        c = mapped(w)
        for who in (w.csc_worker, None, hsb_world().cyjs_worker):
            with pytest.raises(ValidationError) as error:
                services.start_aim_assessment(
                    consultation=c, by=w.cyjs_manager, aim_practitioner=who, first_meeting_with_child_on=w.today
                )
            assert "aim_practitioner" in error.value.message_dict

    def test_starting_tells_the_practitioner_and_csc_and_allocates_the_hub_involvement(self, w):
        aim_started(w)
        assert hub_involvements(w).get().allocated_worker == w.cyjs_worker
        subjects = Notification.objects.filter(subject__startswith="AIM assessment started").values_list(
            "recipient", flat=True
        )
        assert set(subjects) == {w.cyjs_worker.pk, w.csc_worker.pk, w.csc_manager.pk}


class TestAimClock:
    def fixed_path(self, w):
        """Dates fixed around Christmas 2025 so the working days are known."""
        w.child.date_of_birth = date(2012, 5, 1)
        w.child.save()
        c = request(w, requested_on=date(2025, 11, 3), behaviour_last_on=date(2025, 10, 20))
        c = services.record_hub_consultation(
            consultation=c,
            by=w.cyjs_manager,
            expected_version=c.version,
            held_on=date(2025, 11, 10),
            hackett=Hackett.ABUSIVE,
            outcome="AIM assessment",
        )
        return services.start_aim_assessment(
            consultation=c,
            by=w.cyjs_manager,
            aim_practitioner=w.cyjs_worker,
            first_meeting_with_child_on=date(2025, 12, 1),
        )

    def test_due_45_working_days_after_the_first_meeting(self, w):
        c = self.fixed_path(w)
        deadline = clocks(c, "aim_assessment").get()
        # Mon 1 Dec 2025 + 45 working days, not counting 25–26 Dec and 1 Jan: Thu 5 Feb 2026.
        assert deadline.due_date == date(2026, 2, 5)
        assert deadline.responsible == w.cyjs_worker and deadline.agency == w.cyjs
        assert "25 Dec" in deadline.explanation

    def test_met(self, w):
        c = aim_done(w)
        deadline = clocks(c, "aim_assessment").get()
        assert deadline.status == Deadline.Status.MET and deadline.lateness_reason == ""
        assert c.aim_completed_on == w.today - timedelta(days=10)

    def test_met_on_the_due_date_is_not_late(self, w):
        c = self.fixed_path(w)
        c = services.complete_aim_assessment(consultation=c, by=w.cyjs_worker, completed_on=date(2026, 2, 5))
        assert clocks(c, "aim_assessment").get().status == Deadline.Status.MET

    def test_late_needs_a_reason_then_is_met_late(self, w):
        c = self.fixed_path(w)
        with pytest.raises(ValidationError) as error:
            services.complete_aim_assessment(consultation=c, by=w.cyjs_worker, completed_on=date(2026, 2, 6))
        assert error.value.message_dict == {
            "lateness_reason": ["The AIM assessment was due by 5 February 2026. Give the reason it is late"]
        }
        c = services.complete_aim_assessment(
            consultation=c,
            by=w.cyjs_worker,
            completed_on=date(2026, 2, 6),
            lateness_reason="The family moved and missed two appointments",
        )
        deadline = clocks(c, "aim_assessment").get()
        assert deadline.status == Deadline.Status.MET_LATE
        assert deadline.lateness_reason == "The family moved and missed two appointments"

    def test_completion_before_the_first_meeting_is_refused(self, w):
        c = self.fixed_path(w)
        with pytest.raises(ValidationError) as error:
            services.complete_aim_assessment(consultation=c, by=w.cyjs_worker, completed_on=date(2025, 11, 30))
        assert "completed_on" in error.value.message_dict
        assert clocks(c, "aim_assessment").get().status in Deadline.OPEN_STATUSES

    def test_completion_asks_both_managers_for_quality_assurance(self, w):
        aim_done(w)
        told = set(
            Notification.objects.filter(subject__startswith="Quality assure the AIM").values_list(
                "recipient", flat=True
            )
        )
        assert told == {w.cyjs_manager.pk, w.cyjs_manager_2.pk, w.csc_manager.pk}


class TestJointQualityAssurance:
    def test_both_managers_each_set_their_own_field(self, w):
        c = aim_done(w)
        c = services.record_quality_assurance(consultation=c, by=w.csc_manager)
        assert c.qa_csc_manager == w.csc_manager and c.qa_cyjs_manager is None
        assert services.steps_open(c) == [services.QA]
        c = services.record_quality_assurance(consultation=c, by=w.cyjs_manager)
        assert c.qa_cyjs_manager == w.cyjs_manager and services.steps_open(c) == [services.PLANNING]
        assert Notification.objects.filter(
            recipient=w.csc_worker, subject__startswith="Arrange the AIM outcome"
        ).exists()

    def test_the_same_person_twice_is_refused(self, w):
        c = aim_done(w)
        c = services.record_quality_assurance(consultation=c, by=w.cyjs_manager)
        with pytest.raises(ValidationError, match="You have already recorded your quality assurance"):
            services.record_quality_assurance(consultation=c, by=w.cyjs_manager)

    def test_a_second_manager_of_the_same_service_is_refused(self, w):
        c = aim_done(w)
        c = services.record_quality_assurance(consultation=c, by=w.cyjs_manager)
        with pytest.raises(ValidationError, match="A CYJS manager .* has already quality assured it"):
            services.record_quality_assurance(consultation=c, by=w.cyjs_manager_2)
        c = services.record_quality_assurance(consultation=c, by=w.csc_senior)
        with pytest.raises(ValidationError, match="Both managers have already"):
            services.record_quality_assurance(consultation=c, by=w.csc_manager)

    def test_practitioners_cannot_quality_assure(self, w):
        c = aim_done(w)
        for who in (w.cyjs_worker, w.csc_worker):
            with pytest.raises(PermissionDenied):
                services.record_quality_assurance(consultation=c, by=who)

    def test_the_planning_meeting_needs_both(self, w):
        c = aim_done(w)
        c = services.record_quality_assurance(consultation=c, by=w.cyjs_manager)
        with pytest.raises(
            ValidationError, match="Both a CYJS manager and a children's social care manager must quality assure"
        ):
            services.record_planning_meeting(
                consultation=c,
                by=w.cyjs_manager,
                held_on=w.today,
                areas_of_work="x",
                review_on=w.today + timedelta(days=9),
            )


# --- Pages -----------------------------------------------------------------------------------------------------------------


class TestPages:
    def post_request(self, w, client=None, **overrides):
        data = {
            **date_parts("requested_on", w.today),
            **date_parts("behaviour_last_on", w.today - timedelta(days=20)),
            "lives_in_authority": "yes",
            "police_investigation_ongoing": "no",
            "concerns": "Sexualised talk at school",
        }
        data.update(overrides)
        return (client or client_for(w.csc_worker)).post(reverse("hsb-consultation-new", args=[w.child.pk]), data)

    def test_csc_requests_and_reads_it(self, w):
        page = client_for(w.csc_worker).get(reverse("hsb-consultation-new", args=[w.child.pk]))
        assert page.status_code == 200 and "Does the child live in Lancashire-like?" in page.content.decode()
        assert last_log(what="page:hsb-consultation-new").outcome == AccessEvent.Outcome.ALLOWED
        client = client_for(w.csc_worker)
        response = self.post_request(w, client)
        c = HsbConsultation.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("hsb-consultation-detail", args=[c.pk])
        page = client.get(response["Location"]).content.decode()
        assert "Request sent to the HSB hub" in page and "Sexualised talk at school" in page
        assert "Record the hub consultation" not in page  # CSC does not take the hub's steps
        assert last_log(what="page:hsb-consultation").outcome == AccessEvent.Outcome.ALLOWED

    def test_a_refused_request_shows_its_reason(self, w):
        client = client_for(w.csc_worker)
        response = self.post_request(w, client, lives_in_authority="no")
        page = client.get(response["Location"]).content.decode()
        assert "The hub cannot take this request" in page
        assert "The child does not live in Lancashire-like. The hub only takes children who live there." in page

    def test_form_errors_are_shown_and_nothing_saved(self, w):
        response = self.post_request(w, concerns="", **date_parts("behaviour_last_on", None))
        page = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in page
        assert (
            "Describe the behaviour that worries you" in page
            and "Enter when the most recent behaviour happened" in page
        )
        assert not HsbConsultation.objects.exists()

    def test_cyjs_cannot_open_the_request_page(self, w):
        InvolvementFactory(child=w.child, agency=w.cyjs, kind=IKind.HSB_HUB)
        assert client_for(w.cyjs_worker).get(reverse("hsb-consultation-new", args=[w.child.pk])).status_code == 403
        assert last_log(what="page:hsb-consultation-new").outcome == AccessEvent.Outcome.DENIED

    def test_the_hub_records_the_consultation_on_the_step_page(self, w):
        c = request(w)
        client = client_for(w.cyjs_manager)
        url = reverse("hsb-consultation-step", args=[c.pk])
        page = client.get(url).content.decode()
        assert "Record the hub consultation" in page
        for hint in ("between children of a similar age", "Uses physical force or threats"):
            assert hint in page
        response = client.post(
            url, {"step": "consultation", "version": c.version, **date_parts("held_on", w.today), "outcome": "x"}
        )
        assert response.status_code == 200 and "Choose where the behaviour sits on Hackett" in response.content.decode()
        response = client.post(
            url,
            {
                "step": "consultation",
                "version": c.version,
                **date_parts("held_on", w.today),
                "hackett": "inappropriate",
                "outcome": "Resources shared with the social worker",
            },
        )
        assert response.status_code == 302
        c.refresh_from_db()
        assert c.status == Status.CONSULTATION and c.hackett == Hackett.INAPPROPRIATE
        detail = client.get(reverse("hsb-consultation-detail", args=[c.pk])).content.decode()
        assert "Inappropriate" in detail and w.cyjs_manager.display_name in detail  # who recorded it
        assert "Do not ignore it: follow child protection procedures" in detail  # amber (PH6)
        assert "Record the pattern mapping meeting" in detail and "Start the AIM assessment" in detail

    def test_a_stale_form_is_refused(self, w):
        c = request(w)
        url = reverse("hsb-consultation-step", args=[c.pk])
        data = {
            "step": "consultation",
            "version": c.version - 1,
            **date_parts("held_on", w.today),
            "hackett": "normal",
            "outcome": "x",
        }
        page = client_for(w.cyjs_manager).post(url, data).content.decode()
        assert "Someone else changed this consultation" in page

    def test_csc_cannot_open_a_hub_step(self, w):
        c = request(w)
        response = client_for(w.csc_worker).get(reverse("hsb-consultation-step", args=[c.pk]))
        assert response.status_code == 403
        assert last_log(what="page:hsb-consultation-step").outcome == AccessEvent.Outcome.DENIED

    def test_an_out_of_order_step_goes_back_to_the_consultation(self, w):
        c = request(w)
        response = client_for(w.cyjs_manager).get(
            reverse("hsb-consultation-step", args=[c.pk]) + "?step=planning-meeting"
        )
        assert response.status_code == 302 and response["Location"] == reverse("hsb-consultation-detail", args=[c.pk])

    def test_the_detail_shows_the_aim_due_date(self, w):
        c = aim_started(w, first_meeting=w.today - timedelta(days=3))
        deadline = clocks(c, "aim_assessment").get()
        page = client_for(w.csc_worker).get(reverse("hsb-consultation-detail", args=[c.pk])).content.decode()
        assert "Complete the AIM assessment (45 working days from the first meeting with the child)" in page
        assert (
            f"{deadline.due_date.day} {deadline.due_date:%b %Y}" in page
            or f"{deadline.due_date.day} {deadline.due_date:%B %Y}" in page
        )

    def test_a_csc_manager_quality_assures_on_the_step_page(self, w):
        c = aim_done(w)
        client = client_for(w.csc_manager)
        detail = client.get(reverse("hsb-consultation-detail", args=[c.pk])).content.decode()
        assert "Record your quality assurance of the AIM assessment" in detail
        url = reverse("hsb-consultation-step", args=[c.pk])
        assert (
            "There is a problem"
            in client.post(url, {"step": "quality-assurance", "version": c.version}).content.decode()
        )
        assert (
            client.post(url, {"step": "quality-assurance", "version": c.version, "confirmed": "on"}).status_code == 302
        )
        c.refresh_from_db()
        assert c.qa_csc_manager == w.csc_manager
        detail = client.get(reverse("hsb-consultation-detail", args=[c.pk])).content.decode()
        assert "Record your quality assurance" not in detail

    def test_police_who_see_the_child_get_403(self, w):
        c = request(w)
        grant(user=w.police, child=w.child)
        assert client_for(w.police).get(reverse("hsb-consultation-detail", args=[c.pk])).status_code == 403
        assert last_log(what="page:hsb-consultation", user=w.police).outcome == AccessEvent.Outcome.DENIED

    def test_police_who_cannot_see_the_child_get_no_access_or_404_if_restricted(self, w):
        c = request(w)
        url = reverse("hsb-consultation-detail", args=[c.pk])
        response = client_for(w.police).get(url)
        assert response.status_code == 403 and "Sexualised" not in response.content.decode()
        w.child.restricted = True
        w.child.save()
        assert client_for(w.police).get(url).status_code == 404
        assert client_for(w.mash_worker).get(url).status_code == 404

    def test_csc_gets_403_where_the_protocol_does_not_share_the_hub(self, w):
        c = request(w)
        not_sharing_hsb(w)
        for name in ("hsb-consultation-detail", "hsb-consultation-step"):
            assert client_for(w.csc_worker).get(reverse(name, args=[c.pk])).status_code == 403, name
        assert client_for(w.csc_worker).get(reverse("hsb-consultation-list", args=[w.child.pk])).status_code == 403
        assert last_log(what="page:hsb-consultation", user=w.csc_worker).outcome == AccessEvent.Outcome.DENIED
        assert client_for(w.cyjs_manager).get(reverse("hsb-consultation-detail", args=[c.pk])).status_code == 200

    def test_the_child_list(self, w):
        request(w, lives_in_authority=False)
        page = client_for(w.csc_worker).get(reverse("hsb-consultation-list", args=[w.child.pk])).content.decode()
        assert "Not accepted" in page and "Ask the HSB hub for a consultation" in page


# --- API ---------------------------------------------------------------------------------------------------------------------


class TestApi:
    def body(self, w, **overrides):
        return {
            "child": w.child.pk,
            "requested_on": str(w.today),
            "behaviour_last_on": str(w.today - timedelta(days=9)),
            "lives_in_authority": True,
            "concerns": "Sexualised messages to a classmate",
            **overrides,
        }

    def test_create_eligible_and_refused(self, w):
        response = api_for(w.csc_worker).post(API, self.body(w), format="json")
        assert response.status_code == 201 and response.json()["status"] == "requested"
        assert last_log(what="api:hsb-consultations-create").action == AccessEvent.Action.WRITE
        w2 = hsb_world()
        response = api_for(w2.csc_worker).post(API, self.body(w2, lives_in_authority=False), format="json")
        assert response.status_code == 201 and response.json()["status"] == "refused"
        assert response.json()["refusal_reason"].startswith("The child does not live in")

    def test_create_400_403_404(self, w):
        api = api_for(w.csc_worker)
        response = api.post(
            API, self.body(w, concerns="", requested_on=str(w.today + timedelta(days=2))), format="json"
        )
        assert response.status_code == 400 and set(response.json()) >= {"concerns", "requested_on"}
        assert api.post(API, {"child": w.child.pk}, format="json").status_code == 400
        InvolvementFactory(child=w.child, agency=w.cyjs, kind=IKind.HSB_HUB)
        assert api_for(w.cyjs_worker).post(API, self.body(w), format="json").status_code == 403
        assert api.post(API, self.body(w, child=ChildFactory().pk), format="json").status_code == 404
        assert not HsbConsultation.objects.exists()

    def test_list_is_filtered_and_dropped_when_not_shared(self, w):
        c = request(w)
        request(hsb_world())  # another authority's child
        assert [row["id"] for row in api_for(w.csc_worker).get(API).json()["results"]] == [c.pk]
        assert [row["id"] for row in api_for(w.cyjs_manager).get(API).json()["results"]] == [c.pk]
        grant(user=w.police, child=w.child)
        assert api_for(w.police).get(API).json()["results"] == []
        not_sharing_hsb(w)
        assert api_for(w.csc_worker).get(API).json()["results"] == []

    def test_retrieve_403_when_not_shared_and_404_when_hidden(self, w):
        c = request(w)
        assert api_for(w.csc_worker).get(f"{API}{c.pk}/").status_code == 200
        assert api_for(w.police).get(f"{API}{c.pk}/").status_code == 404
        grant(user=w.police, child=w.child)
        assert api_for(w.police).get(f"{API}{c.pk}/").status_code == 403
        not_sharing_hsb(w)
        assert api_for(w.csc_worker).get(f"{API}{c.pk}/").status_code == 403
        assert last_log(what="api:hsb-consultations-detail", user=w.csc_worker).outcome == AccessEvent.Outcome.DENIED

    def test_the_steps(self, w):
        c = request(w)
        hub = api_for(w.cyjs_manager)
        url = f"{API}{c.pk}/"
        assert (
            hub.post(
                f"{url}consultation/", {"version": c.version, "held_on": str(w.today), "outcome": "x"}, format="json"
            ).status_code
            == 400
        )
        assert (
            hub.post(
                f"{url}consultation/",
                {"version": c.version + 5, "held_on": str(w.today), "hackett": "normal", "outcome": "x"},
                format="json",
            ).status_code
            == 409
        )
        assert (
            api_for(w.csc_worker)
            .post(
                f"{url}consultation/",
                {"version": c.version, "held_on": str(w.today), "hackett": "normal", "outcome": "x"},
                format="json",
            )
            .status_code
            == 403
        )
        response = hub.post(
            f"{url}consultation/",
            {
                "version": c.version,
                "held_on": str(w.today - timedelta(days=20)),
                "hackett": "abusive",
                "outcome": "AIM",
            },
            format="json",
        )
        assert response.status_code == 200 and response.json()["status"] == "consultation"
        assert (
            hub.post(f"{url}aim-completed/", {"completed_on": str(w.today)}, format="json").status_code == 400
        )  # out of order
        assert (
            hub.post(
                f"{url}pattern-mapping/", {"held_on": str(w.today - timedelta(days=15))}, format="json"
            ).status_code
            == 200
        )
        response = hub.post(
            f"{url}aim-assessment/",
            {"aim_practitioner": w.cyjs_worker.pk, "first_meeting_with_child_on": str(w.today - timedelta(days=10))},
            format="json",
        )
        assert response.status_code == 200 and response.json()["deadlines"][0]["rule_code"] == "aim_assessment"
        assert (
            hub.post(
                f"{url}aim-completed/", {"completed_on": str(w.today - timedelta(days=2))}, format="json"
            ).status_code
            == 200
        )
        assert api_for(w.csc_manager).post(f"{url}quality-assurance/", {}, format="json").status_code == 200
        assert api_for(w.csc_manager).post(f"{url}quality-assurance/", {}, format="json").status_code == 400  # twice
        assert api_for(w.cyjs_worker).post(f"{url}quality-assurance/", {}, format="json").status_code == 403
        assert hub.post(f"{url}quality-assurance/", {}, format="json").status_code == 200
        response = hub.post(
            f"{url}planning-meeting/",
            {"held_on": str(w.today), "areas_of_work": "Safety plan", "review_on": str(w.today + timedelta(days=30))},
            format="json",
        )
        assert response.status_code == 200 and response.json()["status"] == "planning"
        response = hub.post(f"{url}close/", {"closed_on": str(w.today)}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "closed"
        assert last_log(what="api:hsb-consultations-close").action == AccessEvent.Action.WRITE

    def test_aim_refused_for_a_nine_year_old_through_the_api(self):
        w = hsb_world()
        w.child.date_of_birth = born_for_age(9, w.today)
        w.child.save()
        c = mapped(w)
        response = api_for(w.cyjs_manager).post(
            f"{API}{c.pk}/aim-assessment/",
            {"aim_practitioner": w.cyjs_worker.pk, "first_meeting_with_child_on": str(w.today)},
            format="json",
        )
        assert response.status_code == 400 and "first_meeting_with_child_on" in response.json()

    def test_steps_404_for_a_hidden_child(self, w):
        c = request(w)
        other = hsb_world()
        assert (
            api_for(other.cyjs_manager)
            .post(f"{API}{c.pk}/close/", {"closed_on": str(w.today)}, format="json")
            .status_code
            == 404
        )


# --- Chronology ------------------------------------------------------------------------------------------------------------------


class TestChronology:
    def test_entries_by_agency_and_only_where_shared(self, w):
        planned(w)
        entries = [e for e in chronology(child=w.child, viewer=w.cyjs_manager) if e.event_type == "hsb_consultation"]
        assert {e.title for e in entries} >= {
            "HSB hub consultation requested",
            "HSB hub consultation held",
            "Pattern mapping meeting",
            "AIM assessment started",
            "AIM assessment completed",
            "AIM outcome and planning meeting",
        }
        requested = next(e for e in entries if e.title == "HSB hub consultation requested")
        assert requested.agency_kind == "csc" and requested.url == reverse(
            "hsb-consultation-detail", args=[HsbConsultation.objects.get().pk]
        )
        only_csc = [
            e
            for e in chronology(child=w.child, agency_kinds=["csc"], viewer=w.cyjs_manager)
            if e.event_type == "hsb_consultation"
        ]
        assert [e.title for e in only_csc] == ["HSB hub consultation requested"]
        assert [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "hsb_consultation"]
        not_sharing_hsb(w)
        assert not [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "hsb_consultation"]

    def test_a_refusal_shows_its_reason(self, w):
        request(w, lives_in_authority=False)
        entry = next(
            e for e in chronology(child=w.child, viewer=w.csc_worker) if e.title == "HSB hub request not accepted"
        )
        assert "does not live in" in entry.summary


def test_another_authority_sharing_the_hub_lets_its_csc_read(w):
    """Per authority: a saved protocol that shares 'hsb' (as Somerset's does) reads as the default does."""
    c = request(w)
    JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.HSB])
    assert client_for(w.csc_worker).get(reverse("hsb-consultation-detail", args=[c.pk])).status_code == 200

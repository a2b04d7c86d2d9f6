"""Lead agency for jointly worked children and joint working disagreements (seed 000 ¶2.3, ¶21.1;
domain notes part A P27, part B PE; seed 003 ¶2.3–2.7, somerset-vs-lancashire §1.2, §1.3, §1.11,
§1.15): the services as the pages and the API call them, the is_lead_agency flags, the
joint_planning_meeting and escalation_stage_response clocks, who sees disagreements (managers
only: PE keeps them off the child's record), the per-authority differences (a test per
authority), the youth justice summary's new sections per viewer, the pages, the API and the
chronology."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Agency, Role
from casework.chronology.selectors import chronology
from casework.joint import services
from casework.models import (
    HsbConsultation,
    Involvement,
    JointWorkingDisagreement,
    JointWorkingProtocol,
    LeadAgencyDecision,
    PreventionReferral,
    SeriousIncident,
)
from casework.services import ConcurrentEditError
from notifications.calendar import WorkingCalendar, add_working_days
from notifications.models import Deadline, Notification
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    InvolvementFactory,
    PersonFactory,
    RelationshipFactory,
    UserFactory,
    authority_with_agencies,
    worker_in_new_team,
)
from tests.joint_builders import CYJS_STARTED, decide, joint_world, override_rule, plan, raise_one
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db
Section = JointWorkingProtocol.Section
PLANNING = "joint_planning_meeting"
STAGE = "escalation_stage_response"
OPEN = Deadline.OPEN_STATUSES


@pytest.fixture
def w():
    return joint_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def field_errors(excinfo):
    return excinfo.value.message_dict


def wd(day, n):
    return add_working_days(day, n, calendar=WorkingCalendar())


def outsider():
    """A CSC team manager in another authority: cannot see the child."""
    csc, _, _ = authority_with_agencies()
    return UserFactory(agency=csc, role=Role.TEAM_MANAGER)


# --- Deciding the lead agency: refusals (000 ¶2.3, ¶21.1; 003 L84) ----------------------------------------------------


class TestDecisionRefusals:
    def test_not_jointly_worked(self):
        w = joint_world(jointly=False)
        with pytest.raises(ValidationError) as excinfo:
            decide(w, lead=w.csc)
        assert "not open to both" in str(excinfo.value)
        assert not LeadAgencyDecision.objects.exists()

    def test_a_closed_cyjs_involvement_does_not_count(self, w):
        w.cyjs_involvement.end = timezone.localdate() - timedelta(days=3)
        w.cyjs_involvement.save()
        with pytest.raises(ValidationError):
            decide(w)

    @pytest.mark.parametrize("who", ["csc_worker", "cyjs_worker", "police", "mash_manager", "mash_worker"])
    def test_not_a_manager_of_either_agency(self, w, who):
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)  # police see the child
        with pytest.raises(PermissionDenied):
            decide(w, by=getattr(w, who))

    def test_a_manager_of_an_agency_not_working_with_the_child(self, w):
        other_csc = AgencyFactory(authority=w.authority, kind=Agency.Kind.CSC, name="Another CSC")
        _, _, manager = worker_in_new_team(other_csc)
        from tests.factories import grant

        grant(user=manager, child=w.child)
        with pytest.raises(PermissionDenied):
            decide(w, by=manager)

    def test_a_child_the_manager_cannot_see(self, w):
        with pytest.raises(PermissionDenied):
            decide(w, by=outsider())

    def test_lead_agency_from_elsewhere(self, w):
        _, _, other_cyjs = authority_with_agencies()
        for agency in (other_cyjs, w.police_agency, w.mash):
            with pytest.raises(ValidationError) as excinfo:
                decide(w, lead=agency)
            assert "lead_agency" in field_errors(excinfo)

    @pytest.mark.parametrize("reasons", ["", "   "])
    def test_reasons_are_required(self, w, reasons):
        with pytest.raises(ValidationError) as excinfo:
            decide(w, reasons=reasons)
        assert field_errors(excinfo)["reasons"] == [
            "Give the reasons for the decision, from the child's and family's needs"
        ]

    def test_date_not_in_the_future_nor_before_the_decision_it_replaces(self, w):
        with pytest.raises(ValidationError) as excinfo:
            decide(w, decided_on=timezone.localdate() + timedelta(days=1))
        assert "decided_on" in field_errors(excinfo)
        decide(w, decided_on=timezone.localdate() - timedelta(days=5))
        with pytest.raises(ValidationError) as excinfo:
            decide(w, decided_on=timezone.localdate() - timedelta(days=6))
        assert "on or after the decision it replaces" in field_errors(excinfo)["decided_on"][0]

    def test_csc_may_not_decide_where_the_protocol_does_not_share_the_section(self, w):
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.ORDERS])
        with pytest.raises(PermissionDenied):
            decide(w, by=w.csc_manager)
        assert decide(w, by=w.cyjs_manager).lead_agency == w.cyjs


# --- What a decision does ---------------------------------------------------------------------------------------------


class TestDecision:
    def test_sets_the_lead_flags(self, w):
        decide(w, lead=w.cyjs)
        w.cyjs_involvement.refresh_from_db()
        w.csc_involvement.refresh_from_db()
        assert w.cyjs_involvement.is_lead_agency is True and w.csc_involvement.is_lead_agency is False

    def test_a_new_decision_flips_them_and_keeps_the_history(self, w):
        first = decide(w, lead=w.cyjs, decided_on=timezone.localdate() - timedelta(days=10))
        second = decide(w, by=w.cyjs_senior, lead=w.csc, reasons="New child protection concerns: CSC leads")
        w.cyjs_involvement.refresh_from_db()
        w.csc_involvement.refresh_from_db()
        assert w.csc_involvement.is_lead_agency is True and w.cyjs_involvement.is_lead_agency is False
        assert list(LeadAgencyDecision.objects.filter(child=w.child)) == [second, first]
        assert services.current_decision(w.child) == second and second.replaced == first

    def test_closed_involvements_are_left_alone(self, w):
        old = InvolvementFactory(
            child=w.child,
            agency=w.cyjs,
            kind=Involvement.Kind.YJ_PREVENTION,
            start=date(2025, 1, 1),
            end=date(2025, 6, 1),
            is_lead_agency=True,
        )
        decide(w, lead=w.csc)
        old.refresh_from_db()
        assert old.is_lead_agency is True

    def test_the_other_agencys_worker_and_manager_are_told(self, w):
        decision = decide(w, by=w.csc_manager, lead=w.cyjs)
        told = set(
            Notification.objects.filter(link=f"/lead-agency/{decision.pk}/").values_list("recipient_id", flat=True)
        )
        assert told == {w.cyjs_worker.pk, w.cyjs_manager.pk}
        assert {p.pk for p in decision.told.people} == told
        note = Notification.objects.filter(recipient=w.cyjs_worker).get()
        assert w.cyjs.name in note.body and "planning meeting" in note.body

    def test_decided_by_cyjs_tells_csc(self, w):
        decision = decide(w, by=w.cyjs_manager, lead=w.cyjs)
        told = set(
            Notification.objects.filter(link=f"/lead-agency/{decision.pk}/").values_list("recipient_id", flat=True)
        )
        assert told == {w.csc_worker.pk, w.csc_manager.pk}

    def test_the_write_is_logged(self, w):
        decide(w)
        event = last_log(what="lead-agency:decide")
        assert event.user_id == w.csc_manager.pk and event.child_id == w.child.pk
        assert event.action == AccessEvent.Action.WRITE and event.outcome == AccessEvent.Outcome.ALLOWED


# --- The joint planning meeting clock (003 L84; timescales joint_planning_meeting) ----------------------------------------


class TestPlanningMeetingClock:
    def test_due_10_working_days_after_the_second_agency_started(self, w):
        decision = decide(w)
        clock = clocks(decision, PLANNING).get()
        assert clock.status in OPEN and clock.due_date == wd(CYJS_STARTED, 10) == date(2026, 3, 16)
        assert clock.responsible_id == w.cyjs_manager.pk and clock.agency_id == w.cyjs.pk
        assert clock.child_id == w.child.pk

    def test_counted_from_the_csc_start_when_csc_came_second(self):
        w = joint_world(cyjs_started_on=date(2025, 1, 6))
        w.csc_involvement.start = date(2026, 3, 2)
        w.csc_involvement.save()
        clock = clocks(decide(w), PLANNING).get()
        assert clock.due_date == date(2026, 3, 16)

    def test_the_meeting_stops_it_in_time(self):
        w = joint_world(cyjs_started_on=timezone.localdate() - timedelta(days=2))
        decision = decide(w)
        plan(w, decision)
        clock = clocks(decision, PLANNING).get()
        assert clock.status == Deadline.Status.MET

    def test_a_late_meeting_is_met_late(self, w):
        decision = decide(w)
        done = plan(w, decision, review_on=timezone.localdate() + timedelta(days=90))
        assert clocks(decision, PLANNING).get().status == Deadline.Status.MET_LATE
        assert done.task_split.startswith("CYJS: order work") and done.version == 2
        assert done.planning_meeting_on == timezone.localdate()
        assert last_log(what="lead-agency:planning-meeting").user_id == w.cyjs_worker.pk

    def test_a_new_decision_cancels_the_old_clock_and_counts_from_its_own_date(self, w):
        first = decide(w, decided_on=timezone.localdate() - timedelta(days=10))
        day = timezone.localdate() - timedelta(days=1)
        second = decide(w, lead=w.csc, decided_on=day)
        old = clocks(first, PLANNING).get()
        assert old.status == Deadline.Status.CANCELLED and "Replaced by the decision of" in old.lateness_reason
        new = clocks(second, PLANNING).get()
        assert new.status in OPEN and new.due_date == wd(day, 10)
        assert new.agency_id == w.csc.pk and new.responsible_id == w.csc_manager.pk

    def test_lancashire_uses_the_default_10_working_days(self, w):
        assert clocks(decide(w), PLANNING).get().due_date == wd(CYJS_STARTED, 10)

    def test_somerset_uses_its_own_setting(self):
        w = joint_world(somerset=True)
        override_rule(PLANNING, w.authority, amount=15)
        assert clocks(decide(w), PLANNING).get().due_date == wd(CYJS_STARTED, 15) == date(2026, 3, 23)


class TestPlanningMeetingRefusals:
    def test_task_split_dates_and_review(self, w):
        decision = decide(w, decided_on=timezone.localdate() - timedelta(days=3))
        with pytest.raises(ValidationError) as excinfo:
            plan(w, decision, task_split="  ")
        assert "task_split" in field_errors(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            plan(w, decision, held_on=timezone.localdate() - timedelta(days=4))
        assert "held_on" in field_errors(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            plan(w, decision, held_on=timezone.localdate() + timedelta(days=1))
        assert "held_on" in field_errors(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            plan(w, decision, review_on=timezone.localdate())
        assert "review_on" in field_errors(excinfo)
        assert clocks(decision, PLANNING).get().status in OPEN

    def test_once_and_only_on_the_decision_in_force(self, w):
        first = decide(w, decided_on=timezone.localdate() - timedelta(days=3))
        decide(w, lead=w.csc)
        with pytest.raises(ValidationError) as excinfo:
            plan(w, first)
        assert "newer lead agency decision" in str(excinfo.value)
        current = services.current_decision(w.child)
        plan(w, current)
        current.refresh_from_db()
        with pytest.raises(ValidationError):
            plan(w, current)

    def test_stale_version(self, w):
        decision = decide(w)
        with pytest.raises(ConcurrentEditError):
            services.record_planning_meeting(
                decision=decision,
                by=w.cyjs_worker,
                expected_version=decision.version + 1,
                held_on=timezone.localdate(),
                task_split="Split",
            )

    def test_who_may_record_it(self, w):
        decision = decide(w)
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        for user in (w.police, w.mash_worker):
            with pytest.raises(PermissionDenied):
                plan(w, decision, by=user)
        assert plan(w, decision, by=w.csc_worker).planning_meeting_on == timezone.localdate()


# --- Disagreements (PE stages 1–4; 000 ¶21.1; 003 ¶2.7) -----------------------------------------------------------------


class TestRaising:
    def test_stage_one_with_its_clock_and_the_other_team_manager_asked(self, w):
        d = raise_one(w)
        assert d.stage == 1 and d.status == "open"
        clock = clocks(d, STAGE).get()
        assert clock.status in OPEN and clock.responsible_id == w.csc_manager.pk
        assert clock.due_date == wd(timezone.localdate(), 5)
        assert Notification.objects.filter(recipient=w.csc_manager, link=f"/joint-disagreements/{d.pk}/").exists()
        entry = d.history[0]
        assert entry["what"] == "raised" and entry["who"] == w.cyjs_manager.display_name
        assert entry["role"] == "Team manager" and entry["agency"] == w.cyjs.name and entry["when"]
        assert last_log(what="joint-disagreement:raise").user_id == w.cyjs_manager.pk

    @pytest.mark.parametrize("who", ["csc_worker", "cyjs_worker", "mash_manager"])
    def test_only_managers_of_csc_or_cyjs(self, w, who):
        with pytest.raises(PermissionDenied):
            raise_one(w, by=getattr(w, who))

    def test_refusals(self, w):
        with pytest.raises(ValidationError) as excinfo:
            raise_one(w, about=" ")
        assert "about" in field_errors(excinfo)
        other = joint_world()
        with pytest.raises(ValidationError) as excinfo:
            raise_one(w, decision=decide(other))
        assert "decision" in field_errors(excinfo)
        raise_one(w)
        with pytest.raises(ValidationError) as excinfo:
            raise_one(w, by=w.cyjs_senior)
        assert "already open" in str(excinfo.value)
        with pytest.raises(PermissionDenied):
            raise_one(w, by=outsider())


def to_stage(w, d, stage):
    while d.stage < stage:
        d = services.escalate(disagreement=d, by=w.cyjs_manager)
    return d


class TestStages:
    def test_stage_one_answered_by_the_other_agencys_team_manager(self, w):
        d = raise_one(w)
        for wrong in (w.cyjs_manager, w.csc_senior, w.csc_worker, w.cyjs_senior):
            with pytest.raises(PermissionDenied):
                services.respond(disagreement=d, by=wrong, response="No")
        d = services.respond(disagreement=d, by=w.csc_manager, response="Let's talk on Monday")
        assert clocks(d, STAGE).get().status == Deadline.Status.MET
        assert d.history[-1]["what"] == "responded" and d.history[-1]["stage"] == 1
        assert last_log(what="joint-disagreement:respond").user_id == w.csc_manager.pk
        with pytest.raises(ValidationError):
            services.respond(disagreement=d, by=w.csc_manager, response="Again")

    def test_a_response_is_needed(self, w):
        d = raise_one(w)
        with pytest.raises(ValidationError) as excinfo:
            services.respond(disagreement=d, by=w.csc_manager, response="")
        assert "response" in field_errors(excinfo)

    @pytest.mark.parametrize(
        "stage, right, wrong",
        [
            (2, "cyjs_senior", ["csc_senior", "cyjs_manager", "csc_manager"]),
            (3, "csc_senior", ["cyjs_senior", "csc_head"]),
            (4, "csc_head", ["cyjs_head", "csc_senior"]),
        ],
    )
    def test_who_answers_each_stage(self, w, stage, right, wrong):
        d = to_stage(w, raise_one(w), stage)
        assert d.stage == stage
        for who in wrong:
            with pytest.raises(PermissionDenied):
                services.respond(disagreement=d, by=getattr(w, who), response="Reply")
        assert services.respond(disagreement=d, by=getattr(w, right), response="Reply").history[-1]["stage"] == stage

    def test_each_stage_has_its_clock_and_the_next_stops_the_previous(self, w):
        d = raise_one(w)
        first = clocks(d, STAGE).get()
        d = services.escalate(disagreement=d, by=w.cyjs_senior)
        first.refresh_from_db()
        assert first.status == Deadline.Status.MET
        assert clocks(d, STAGE, status__in=OPEN).count() == 1
        d = to_stage(w, d, 4)
        rows = list(clocks(d, STAGE).order_by("id"))
        assert len(rows) == 4 and [r.status in OPEN for r in rows] == [False, False, False, True]
        assert all(r.due_date == wd(timezone.localdate(), 5) for r in rows)
        # Stage 4 is answered by the other agency's head of service, who is asked and responsible.
        assert rows[-1].responsible_id == w.csc_head.pk
        assert Notification.objects.filter(recipient=w.csc_head, link=f"/joint-disagreements/{d.pk}/").exists()
        assert [h["what"] for h in d.history] == ["raised", "escalated", "escalated", "escalated"]

    def test_stage_two_is_the_raising_agencys_senior_manager(self, w):
        d = to_stage(w, raise_one(w), 2)
        assert clocks(d, STAGE, status__in=OPEN).get().responsible_id == w.cyjs_senior.pk

    def test_escalate_past_stage_four_is_refused(self, w):
        d = to_stage(w, raise_one(w), 4)
        with pytest.raises(ValidationError) as excinfo:
            services.escalate(disagreement=d, by=w.cyjs_manager)
        assert "last stage" in str(excinfo.value)
        d.refresh_from_db()
        assert d.stage == 4

    def test_only_the_raising_side_escalates(self, w):
        d = raise_one(w)
        for who in (w.csc_manager, w.csc_head, w.cyjs_worker):
            with pytest.raises(PermissionDenied):
                services.escalate(disagreement=d, by=who)

    def test_raised_by_csc_is_answered_by_cyjs(self, w):
        d = raise_one(w, by=w.csc_manager)
        with pytest.raises(PermissionDenied):
            services.respond(disagreement=d, by=w.csc_manager, response="Me")
        services.respond(disagreement=d, by=w.cyjs_manager, response="Agreed to meet")
        d = services.escalate(disagreement=d, by=w.csc_manager)
        services.respond(disagreement=d, by=w.csc_senior, response="Reviewed")

    def test_resolving_stops_the_clock(self, w):
        d = to_stage(w, raise_one(w), 2)
        with pytest.raises(PermissionDenied):
            services.resolve(
                disagreement=d, by=w.csc_manager, resolution="Agreed"
            )  # not at stage 2, not the raiser's side
        with pytest.raises(ValidationError) as excinfo:
            services.resolve(disagreement=d, by=w.cyjs_manager, resolution="")
        assert "resolution" in field_errors(excinfo)
        d = services.resolve(disagreement=d, by=w.cyjs_senior, resolution="CSC leads for now; review in 6 weeks")
        assert d.status == "resolved" and d.resolved_at and d.history[-1]["what"] == "resolved"
        assert not clocks(d, STAGE, status__in=OPEN).exists()
        for call in (
            lambda: services.escalate(disagreement=d, by=w.cyjs_manager),
            lambda: services.respond(disagreement=d, by=w.cyjs_senior, response="x"),
            lambda: services.resolve(disagreement=d, by=w.cyjs_manager, resolution="x"),
        ):
            with pytest.raises(ValidationError):
                call()
        assert last_log(what="joint-disagreement:resolve").user_id == w.cyjs_senior.pk

    def test_the_stage_answerer_may_resolve(self, w):
        d = raise_one(w)
        assert services.resolve(disagreement=d, by=w.csc_manager, resolution="Agreed at stage 1").status == "resolved"

    def test_lancashire_stage_clock_is_5_working_days(self, w):
        assert clocks(raise_one(w), STAGE).get().due_date == wd(timezone.localdate(), 5)

    def test_somerset_stage_clock_follows_its_setting(self):
        w = joint_world(somerset=True)
        override_rule(STAGE, w.authority, amount=3)
        assert clocks(raise_one(w), STAGE).get().due_date == wd(timezone.localdate(), 3)


# --- Off the child's record: chronology and who sees disagreements (PE L9763) ----------------------------------------------


class TestRecordAndVisibility:
    def test_the_chronology_has_decisions_and_meetings_but_not_disagreements(self, w):
        decision = decide(w)
        plan(w, decision)
        raise_one(w, decision=decision)
        entries = chronology(child=w.child, viewer=w.csc_worker)
        titles = [e.title for e in entries if e.event_type == "lead_agency"]
        assert f"Lead agency: {w.cyjs.name}" in titles and "Joint planning meeting held" in titles
        assert not [e for e in entries if "disagree" in (e.title + e.summary).lower()]

    def test_csc_does_not_see_the_entries_where_the_protocol_does_not_share_them(self, w):
        decide(w)
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.ORDERS])
        assert not [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "lead_agency"]
        assert [e for e in chronology(child=w.child, viewer=w.cyjs_worker) if e.event_type == "lead_agency"]

    def test_disagreement_page_is_for_managers_only(self, w):
        d = raise_one(w)
        url = reverse("joint-disagreement-detail", args=[d.pk])
        for manager in (w.csc_manager, w.cyjs_manager, w.csc_senior, w.cyjs_head):
            assert client_for(manager).get(url).status_code == 200
        for practitioner in (w.csc_worker, w.cyjs_worker):
            response = client_for(practitioner).get(url)
            assert response.status_code == 403 and "welfare concerns" not in response.content.decode()
            event = last_log(what="page:joint-disagreement", user=practitioner)
            assert event.outcome == AccessEvent.Outcome.DENIED

    def test_police_get_403_or_404(self, w):
        d = raise_one(w)
        decision = decide(w)
        urls = [reverse("joint-disagreement-detail", args=[d.pk]), reverse("lead-agency-detail", args=[decision.pk])]
        for url in urls:
            assert client_for(w.police).get(url).status_code == 403  # cannot see the child: the no-access page
        w.child.restricted = True
        w.child.save()
        for url in urls:
            assert client_for(w.police).get(url).status_code == 404
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        w.child.restricted = False
        w.child.save()
        for url in urls:  # sees the child but not the section
            response = client_for(w.police).get(url)
            assert (
                response.status_code == 403 and "You do not have access to this record" not in response.content.decode()
            )


# --- The youth justice summary: the new sections per viewer ---------------------------------------------------------------


HEADINGS = {
    "prevention": "Prevention and diversion",
    "hsb": "Harmful sexual behaviour hub",
    "incidents": "Serious incidents",
    "joint": "Lead agency",
    "disagreements": "Joint working disagreements",
}


def headings(page):
    return {key for key, text in HEADINGS.items() if f'">{text}</h2>' in page}


def newer_records(w, n=1):
    for i in range(n):
        PreventionReferral.objects.create(
            child=w.child,
            agency=w.cyjs,
            route="prevention",
            source="school",
            referrer_name="Example Teacher",
            received_on=date(2026, 5, 1) + timedelta(days=i),
            reasons="Truanting with older peers",
            created_by=w.cyjs_worker,
        )
        HsbConsultation.objects.create(
            child=w.child,
            requested_by=w.csc_worker,
            requested_on=date(2026, 6, 1) + timedelta(days=i),
            behaviour_last_on=date(2026, 5, 20),
            lives_in_authority=True,
            concerns="Concerns at school",
        )
        SeriousIncident.objects.create(
            child=w.child,
            agency=w.cyjs,
            occurred_at=timezone.now() - timedelta(days=20 + i),
            aware_at=timezone.now() - timedelta(days=19 + i),
            category="assaulted",
            summary="Assaulted in the park",
            known_to="csc",
            completed_by=w.cyjs_worker,
        )
        LeadAgencyDecision.objects.create(
            child=w.child,
            lead_agency=w.cyjs,
            reasons="Order",
            decided_on=date(2026, 4, 1) + timedelta(days=i),
            decided_by=w.cyjs_manager,
        )
        JointWorkingDisagreement.objects.create(
            child=w.child, raised_by=w.cyjs_manager, raised_at=timezone.now(), about="About"
        )


LINKS = (
    "prevention-referral-new",
    "hsb-consultation-new",
    "serious-incident-new",
    "lead-agency-new",
    "joint-disagreement-new",
)


def links_in(page, w):
    found = {name for name in LINKS if reverse(name, args=[w.child.pk]) in page}
    if reverse("serious-incident-report") in page:
        found.add("serious-incident-report")
    return found


class TestSummarySections:
    def url(self, w):
        return reverse("youth-justice-summary", args=[w.child.pk])

    def page(self, w, user):
        response = client_for(user).get(self.url(w))
        assert response.status_code == 200
        return response.content.decode()

    def test_cyjs_manager(self, w):
        newer_records(w)
        page = self.page(w, w.cyjs_manager)
        assert headings(page) == set(HEADINGS)
        assert links_in(page, w) == {
            "prevention-referral-new",
            "serious-incident-new",
            "lead-agency-new",
            "joint-disagreement-new",
            "serious-incident-report",
        }
        for model, name in (
            (PreventionReferral, "prevention-referral-detail"),
            (HsbConsultation, "hsb-consultation-detail"),
            (SeriousIncident, "serious-incident-detail"),
            (LeadAgencyDecision, "lead-agency-detail"),
            (JointWorkingDisagreement, "joint-disagreement-detail"),
        ):
            assert reverse(name, args=[model.objects.get().pk]) in page

    def test_cyjs_practitioner_sees_no_disagreements(self, w):
        newer_records(w)
        page = self.page(w, w.cyjs_worker)
        assert headings(page) == set(HEADINGS) - {"disagreements"}
        assert links_in(page, w) == {"prevention-referral-new", "serious-incident-new"}
        assert reverse("joint-disagreement-detail", args=[JointWorkingDisagreement.objects.get().pk]) not in page

    def test_csc_practitioner(self, w):
        newer_records(w)
        page = self.page(w, w.csc_worker)
        assert headings(page) == set(HEADINGS) - {"disagreements"}
        assert links_in(page, w) == {"hsb-consultation-new", "serious-incident-new"}

    def test_csc_manager(self, w):
        page = self.page(w, w.csc_manager)
        assert headings(page) == set(HEADINGS)
        assert links_in(page, w) == {
            "hsb-consultation-new",
            "serious-incident-new",
            "lead-agency-new",
            "joint-disagreement-new",
            "serious-incident-report",
        }

    def test_csc_sees_only_what_its_protocol_shares(self, w):
        newer_records(w)
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.ORDERS, Section.HSB])
        page = self.page(w, w.csc_manager)
        assert headings(page) == {"hsb"}
        assert "Assaulted" not in page and links_in(page, w) == {"hsb-consultation-new"}

    def test_police_get_403(self, w):
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        assert client_for(w.police).get(self.url(w)).status_code == 403

    def test_one_query_per_section(self, w):
        newer_records(w, 1)
        client = client_for(w.cyjs_manager)
        with CaptureQueriesContext(connection) as few:
            client.get(self.url(w))
        newer_records(w, 4)
        with CaptureQueriesContext(connection) as many:
            assert client.get(self.url(w)).status_code == 200
        assert len(many) == len(few)


# --- Pages ---------------------------------------------------------------------------------------------------------------


def decision_post(w, lead=None, reasons="CYJS supervises the order", day=None):
    return {
        "lead_agency": str((lead or w.cyjs).pk),
        "reasons": reasons,
        **date_parts("decided_on", day or timezone.localdate()),
    }


class TestLeadAgencyPages:
    def test_new_page_has_the_guidance_and_the_two_agencies(self, w):
        sibling = ChildFactory(first_name="Alex", last_name="Examplechild")
        InvolvementFactory(child=sibling, agency=w.csc, kind=Involvement.Kind.CIN)
        RelationshipFactory(
            child=w.child,
            person=PersonFactory(first_name="Alex", last_name="Examplechild", child_record=sibling),
            kind="sibling",
        )
        response = client_for(w.csc_manager).get(reverse("lead-agency-new", args=[w.child.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "How to decide who leads" in page and "Child protection concerns, whatever else applies" in page
        assert w.csc.name in page and w.cyjs.name in page and w.police_agency.name not in page
        assert "Other children in the household" in page and "Alex Examplechild" in page
        assert last_log(what="page:lead-agency-new").user_id == w.csc_manager.pk

    def test_not_jointly_worked_says_so(self):
        w = joint_world(jointly=False)
        page = client_for(w.csc_manager).get(reverse("lead-agency-new", args=[w.child.pk])).content.decode()
        assert "not open to both" in page and "Save the decision" not in page

    def test_practitioners_get_403(self, w):
        for user in (w.csc_worker, w.cyjs_worker):
            assert client_for(user).get(reverse("lead-agency-new", args=[w.child.pk])).status_code == 403
        assert last_log(what="page:lead-agency-new").outcome == AccessEvent.Outcome.DENIED

    def test_deciding_through_the_page(self, w):
        response = client_for(w.csc_manager).post(
            reverse("lead-agency-new", args=[w.child.pk]), decision_post(w), follow=True
        )
        decision = LeadAgencyDecision.objects.get()
        page = response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("lead-agency-detail", args=[decision.pk])
        assert "recorded as the lead agency" in page and "told in the app" in page
        assert "Mon 16 Mar 2026" in page and "CYJS supervises the order" in page

    def test_a_refusal_shows_in_the_error_summary(self, w):
        page = (
            client_for(w.csc_manager)
            .post(reverse("lead-agency-new", args=[w.child.pk]), decision_post(w, reasons=""))
            .content.decode()
        )
        assert "govuk-error-summary" in page and "Give the reasons for the decision" in page
        assert not LeadAgencyDecision.objects.exists()

    def test_detail_lists_the_history_and_csc_reads_it_where_shared(self, w):
        first = decide(w, decided_on=timezone.localdate() - timedelta(days=4))
        second = decide(w, lead=w.csc, reasons="Child protection concerns")
        page = client_for(w.csc_worker).get(reverse("lead-agency-detail", args=[first.pk])).content.decode()
        assert "A later decision replaced this one" in page and reverse("lead-agency-detail", args=[second.pk]) in page
        assert "Record the planning meeting" not in page
        page = client_for(w.csc_worker).get(reverse("lead-agency-detail", args=[second.pk])).content.decode()
        assert "Record the planning meeting" in page and "Change the lead agency" not in page
        assert "Disagreements about this decision" not in page
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.ORDERS])
        assert client_for(w.csc_worker).get(reverse("lead-agency-detail", args=[second.pk])).status_code == 403

    def test_planning_meeting_page(self, w):
        decision = decide(w)
        url = reverse("lead-agency-planning-meeting", args=[decision.pk])
        client = client_for(w.cyjs_worker)
        page = client.get(url).content.decode()
        assert "Mon 16 Mar 2026" in page
        data = {
            "version": decision.version,
            "task_split": "",
            **date_parts("held_on", timezone.localdate()),
            **date_parts("review_on", None),
        }
        assert "Say who will do what" in client.post(url, data).content.decode()
        data["version"] = decision.version + 5
        data["task_split"] = "Split"
        assert "Someone else changed this record" in client.post(url, data).content.decode()
        data["version"] = decision.version
        response = client.post(url, data, follow=True)
        assert "Planning meeting recorded" in response.content.decode()
        assert clocks(decision, PLANNING).get().status == Deadline.Status.MET_LATE
        assert client_for(w.police).get(url).status_code == 403


class TestDisagreementPages:
    def test_raise_respond_escalate_resolve(self, w):
        decision = decide(w)
        new = reverse("joint-disagreement-new", args=[w.child.pk])
        page = client_for(w.cyjs_manager).get(f"{new}?decision={decision.pk}").content.decode()
        assert "not part of the child" in page and f'value="{decision.pk}" selected' in page
        assert "Say what you disagree about" in client_for(w.cyjs_manager).post(new, {"about": ""}).content.decode()
        response = client_for(w.cyjs_manager).post(
            new, {"about": "CSC should lead", "decision": decision.pk}, follow=True
        )
        d = JointWorkingDisagreement.objects.get()
        assert d.decision == decision and "asked to respond" in response.content.decode()
        url = reverse("joint-disagreement-detail", args=[d.pk])

        csc = client_for(w.csc_manager)
        page = csc.get(url).content.decode()
        assert "Save the response" in page and "Escalate to stage 2" not in page
        assert "Enter your response" in csc.post(url, {"action": "respond", "respond-response": ""}).content.decode()
        assert (
            "Response recorded"
            in csc.post(url, {"action": "respond", "respond-response": "We disagree"}, follow=True).content.decode()
        )

        yj = client_for(w.cyjs_manager)
        page = yj.get(url).content.decode()
        assert "Escalate to stage 2" in page and "Save the response" not in page and "We disagree" in page
        assert "Escalated to the next stage" in yj.post(url, {"action": "escalate"}, follow=True).content.decode()
        d.refresh_from_db()
        assert d.stage == 2
        page = yj.post(
            url, {"action": "resolve", "resolve-resolution": "CSC leads from today"}, follow=True
        ).content.decode()
        assert "Resolution recorded" in page and "CSC leads from today" in page
        d.refresh_from_db()
        assert d.status == "resolved"

    def test_a_refused_escalation_shows_on_the_page(self, w):
        d = to_stage(w, raise_one(w), 4)
        page = (
            client_for(w.cyjs_manager)
            .post(reverse("joint-disagreement-detail", args=[d.pk]), {"action": "escalate"})
            .content.decode()
        )
        assert "govuk-error-summary" in page and "last stage" in page

    def test_practitioners_may_not_raise(self, w):
        for user in (w.csc_worker, w.cyjs_worker):
            assert client_for(user).get(reverse("joint-disagreement-new", args=[w.child.pk])).status_code == 403


# --- API ------------------------------------------------------------------------------------------------------------------


DECISIONS = "/api/v1/lead-agency-decisions/"
DISAGREEMENTS = "/api/v1/joint-disagreements/"


def decision_body(w, **extra):
    return {
        "child": w.child.pk,
        "lead_agency": w.cyjs.pk,
        "reasons": "Order",
        "decided_on": str(timezone.localdate()),
        **extra,
    }


class TestDecisionApi:
    def test_create_retrieve_and_planning_meeting(self, w):
        response = api_for(w.csc_manager).post(DECISIONS, decision_body(w), format="json")
        assert response.status_code == 201
        body = response.json()
        assert body["lead_agency"] == w.cyjs.pk and body["deadlines"][0]["rule_code"] == PLANNING
        assert body["deadlines"][0]["due_date"] == "2026-03-16"
        url = f"{DECISIONS}{body['id']}/"
        assert api_for(w.csc_worker).get(url).json()["reasons"] == "Order"
        meeting = f"{url}planning-meeting/"
        stale = api_for(w.cyjs_worker).post(
            meeting, {"version": 9, "held_on": str(timezone.localdate()), "task_split": "Split"}, format="json"
        )
        assert stale.status_code == 409 and "version" in stale.json()
        empty = api_for(w.cyjs_worker).post(
            meeting, {"version": 1, "held_on": str(timezone.localdate()), "task_split": ""}, format="json"
        )
        assert empty.status_code == 400 and "task_split" in empty.json()
        done = api_for(w.cyjs_worker).post(
            meeting, {"version": 1, "held_on": str(timezone.localdate()), "task_split": "Split"}, format="json"
        )
        assert done.status_code == 200 and done.json()["planning_meeting_on"] == str(timezone.localdate())
        assert done.json()["version"] == 2 and done.json()["deadlines"][0]["status"] == "met_late"

    def test_create_refusals(self, w):
        missing = api_for(w.csc_manager).post(DECISIONS, decision_body(w, reasons=""), format="json")
        assert missing.status_code == 400 and "reasons" in missing.json()
        elsewhere = api_for(w.csc_manager).post(
            DECISIONS, decision_body(w, lead_agency=w.police_agency.pk), format="json"
        )
        assert elsewhere.status_code == 400 and "lead_agency" in elsewhere.json()
        not_joint = joint_world(jointly=False)
        assert (
            api_for(not_joint.csc_manager)
            .post(DECISIONS, decision_body(not_joint, lead_agency=not_joint.csc.pk), format="json")
            .status_code
            == 400
        )
        assert api_for(w.csc_worker).post(DECISIONS, decision_body(w), format="json").status_code == 403
        assert api_for(outsider()).post(DECISIONS, decision_body(w), format="json").status_code == 404

    def test_list_and_retrieve_per_viewer(self, w):
        decision = decide(w)
        decide(joint_world())  # another authority's child
        assert [row["id"] for row in api_for(w.csc_worker).get(DECISIONS).json()["results"]] == [decision.pk]
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        assert api_for(w.police).get(DECISIONS).json()["results"] == []
        assert api_for(w.police).get(f"{DECISIONS}{decision.pk}/").status_code == 403
        assert last_log(what="api:lead-agency-decisions-detail", user=w.police).outcome == AccessEvent.Outcome.DENIED
        assert api_for(outsider()).get(f"{DECISIONS}{decision.pk}/").status_code == 404

    def test_csc_where_the_protocol_does_not_share_it(self, w):
        decision = decide(w)
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.ORDERS])
        assert api_for(w.csc_worker).get(DECISIONS).json()["results"] == []
        assert api_for(w.csc_worker).get(f"{DECISIONS}{decision.pk}/").status_code == 403
        assert api_for(w.cyjs_worker).get(f"{DECISIONS}{decision.pk}/").status_code == 200


class TestDisagreementApi:
    def test_the_whole_ladder(self, w):
        created = api_for(w.cyjs_manager).post(
            DISAGREEMENTS, {"child": w.child.pk, "about": "CSC should lead"}, format="json"
        )
        assert created.status_code == 201 and created.json()["stage"] == 1
        url = f"{DISAGREEMENTS}{created.json()['id']}/"
        assert api_for(w.cyjs_manager).post(f"{url}respond/", {"response": "x"}, format="json").status_code == 403
        answered = api_for(w.csc_manager).post(f"{url}respond/", {"response": "We disagree"}, format="json")
        assert answered.status_code == 200 and answered.json()["history"][-1]["what"] == "responded"
        assert api_for(w.csc_manager).post(f"{url}escalate/", format="json").status_code == 403
        for stage in (2, 3, 4):
            response = api_for(w.cyjs_manager).post(f"{url}escalate/", format="json")
            assert response.status_code == 200 and response.json()["stage"] == stage
        past = api_for(w.cyjs_manager).post(f"{url}escalate/", format="json")
        assert past.status_code == 400
        resolved = api_for(w.csc_head).post(f"{url}resolve/", {"resolution": "Agreed"}, format="json")
        assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
        assert [d["status"] for d in resolved.json()["deadlines"]] == ["met"] * 4

    def test_refusals_and_visibility(self, w):
        bad = api_for(w.cyjs_manager).post(DISAGREEMENTS, {"child": w.child.pk, "about": ""}, format="json")
        assert bad.status_code == 400 and "about" in bad.json()
        assert (
            api_for(w.cyjs_worker).post(DISAGREEMENTS, {"child": w.child.pk, "about": "x"}, format="json").status_code
            == 403
        )
        assert (
            api_for(outsider()).post(DISAGREEMENTS, {"child": w.child.pk, "about": "x"}, format="json").status_code
            == 404
        )
        d = raise_one(w)
        assert [row["id"] for row in api_for(w.csc_senior).get(DISAGREEMENTS).json()["results"]] == [d.pk]
        for practitioner in (w.csc_worker, w.cyjs_worker):
            assert api_for(practitioner).get(DISAGREEMENTS).json()["results"] == []
            assert api_for(practitioner).get(f"{DISAGREEMENTS}{d.pk}/").status_code == 403
        assert api_for(outsider()).get(f"{DISAGREEMENTS}{d.pk}/").status_code == 404
        assert (
            api_for(w.csc_manager)
            .post(f"{DISAGREEMENTS}{d.pk}/resolve/", {"resolution": ""}, format="json")
            .status_code
            == 400
        )


# --- The escalation ladder per authority (somerset-vs-lancashire §1.15, C13, R14; 003 L97; PE) ----------------------------

LANCASHIRE_LABELS = [
    "Team managers",
    "Senior manager review (raising agency)",
    "Senior managers of both agencies",
    "Heads of service",
]
SOMERSET_LABELS = ["Practitioners", "Their respective managers", "Operations Manager"]


class TestLadderPerAuthority:
    def test_lancashire_copies_its_four_stages_onto_the_disagreement(self, w):
        d = raise_one(w)
        assert [s["label"] for s in d.steps] == LANCASHIRE_LABELS
        assert d.stage_label == "Team managers"
        d = to_stage(w, d, 4)
        assert d.stage_label == "Heads of service"
        assert [row["answered_by"] for row in services.ladder(d)] == [
            "Team manager in children's social care",
            "Senior manager in the child and youth justice service",
            "Senior manager in children's social care",
            "Head of service in children's social care",
        ]

    def test_somerset_has_three_steps_practitioners_managers_operations_manager(self):
        w = joint_world(somerset=True)
        # 003 L97: "in the first instance be resolved between the practitioners", so a practitioner raises it.
        d = raise_one(w, by=w.cyjs_worker)
        assert [s["label"] for s in d.steps] == SOMERSET_LABELS and d.stage == 1 and d.stage_label == "Practitioners"
        assert clocks(d, STAGE).get().responsible_id == w.csc_worker.pk
        assert Notification.objects.filter(recipient=w.csc_worker, link=f"/joint-disagreements/{d.pk}/").exists()
        with pytest.raises(PermissionDenied):
            services.respond(disagreement=d, by=w.csc_manager, response="Not my step")
        services.respond(disagreement=d, by=w.csc_worker, response="Let's ask our managers")

        d = services.escalate(disagreement=d, by=w.cyjs_worker)  # whoever raised it may take it up
        assert d.stage == 2 and d.stage_label == "Their respective managers"
        with pytest.raises(PermissionDenied):
            services.respond(disagreement=d, by=w.csc_worker, response="Again")
        services.respond(disagreement=d, by=w.csc_manager, response="We still disagree")

        d = services.escalate(disagreement=d, by=w.cyjs_manager)
        assert d.stage == 3 and d.stage_label == "Operations Manager"
        # CSC's Resolving Professional Differences Protocol: CSC's operations (senior) manager answers.
        assert clocks(d, STAGE, status__in=OPEN).get().responsible_id == w.csc_senior.pk
        for wrong in (w.cyjs_senior, w.csc_manager, w.csc_head):
            with pytest.raises(PermissionDenied):
                services.respond(disagreement=d, by=wrong, response="Reply")
        services.respond(disagreement=d, by=w.csc_senior, response="CYJS leads; review in a month")

        with pytest.raises(ValidationError) as excinfo:
            services.escalate(disagreement=d, by=w.cyjs_manager)
        assert "last stage (operations manager)" in str(excinfo.value)
        d.refresh_from_db()
        assert d.stage == 3
        assert clocks(d, STAGE).count() == 3
        assert all(r.due_date == wd(timezone.localdate(), 5) for r in clocks(d, STAGE))
        assert services.actions_for(w.cyjs_manager, d)["escalate"] is False

    def test_somerset_practitioners_see_it_lancashire_practitioners_do_not(self, w):
        url = reverse("joint-disagreement-detail", args=[raise_one(w).pk])
        assert client_for(w.csc_worker).get(url).status_code == 403
        somerset = joint_world(somerset=True)
        url = reverse("joint-disagreement-detail", args=[raise_one(somerset).pk])
        page = client_for(somerset.csc_worker).get(url).content.decode()
        assert "Save the response" in page and "Stage 1 of 3: Practitioners" in page
        for label in SOMERSET_LABELS:
            assert label in page
        assert "Heads of service" not in page

    def test_the_raise_page_lists_the_authoritys_steps(self, w):
        page = client_for(w.cyjs_manager).get(reverse("joint-disagreement-new", args=[w.child.pk])).content.decode()
        assert "Heads of service: head of service in children&#x27;s social care." in page
        somerset = joint_world(somerset=True)
        page = (
            client_for(somerset.cyjs_worker)
            .get(reverse("joint-disagreement-new", args=[somerset.child.pk]))
            .content.decode()
        )
        assert "Practitioners: practitioner in children&#x27;s social care." in page
        assert "Operations Manager: senior manager in children&#x27;s social care." in page
        assert "Heads of service" not in page

    def test_a_changed_setting_moves_no_running_disagreement(self):
        w = joint_world(somerset=True)
        running = raise_one(w)
        w.protocol.disagreement_ladder = JointWorkingProtocol._meta.get_field("disagreement_ladder").get_default()
        w.protocol.save()
        running = to_stage(w, running, 3)
        with pytest.raises(ValidationError):
            services.escalate(disagreement=running, by=w.cyjs_manager)
        assert running.stage_label == "Operations Manager"
        services.resolve(disagreement=running, by=w.cyjs_manager, resolution="Agreed")
        assert [s["label"] for s in raise_one(w).steps] == LANCASHIRE_LABELS

    def test_the_api_shows_the_stage_label_and_refuses_past_the_last_step(self):
        w = joint_world(somerset=True)
        created = api_for(w.cyjs_worker).post(
            DISAGREEMENTS, {"child": w.child.pk, "about": "CSC should lead"}, format="json"
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["stage_label"] == "Practitioners" and [s["label"] for s in body["steps"]] == SOMERSET_LABELS
        url = f"{DISAGREEMENTS}{body['id']}/"
        for label in SOMERSET_LABELS[1:]:
            response = api_for(w.cyjs_worker).post(f"{url}escalate/", format="json")
            assert response.status_code == 200 and response.json()["stage_label"] == label
        past = api_for(w.cyjs_worker).post(f"{url}escalate/", format="json")
        assert past.status_code == 400 and "last stage" in str(past.json())
        assert api_for(w.csc_worker).get(url).json()["stage"] == 3

    @pytest.mark.parametrize(
        "ladder, message",
        [
            ([], "at least one step"),
            ("Team managers", "at least one step"),
            ([{"label": "", "roles": ["team_manager"]}], "Step 1 needs a label"),
            ([{"label": "Managers", "roles": []}], "Step 1 needs at least one role"),
            ([{"label": "Managers", "roles": ["operations_manager"]}], "unknown roles: operations_manager"),
            ([{"label": "Managers", "roles": ["mash_manager"]}], "unknown roles: mash_manager"),
            ([{"label": "Managers", "roles": ["team_manager"], "side": "police"}], "side must be one of"),
            ([{"label": "Managers", "roles": ["team_manager"], "who": "x"}], "unknown keys: who"),
        ],
    )
    def test_the_setting_is_checked(self, w, ladder, message):
        protocol = JointWorkingProtocol(authority=w.authority, disagreement_ladder=ladder)
        with pytest.raises(ValidationError) as excinfo:
            protocol.full_clean()
        assert message in " ".join(excinfo.value.message_dict["disagreement_ladder"])

    def test_good_settings_pass(self, w):
        from casework.models.justice import default_disagreement_ladder, somerset_disagreement_ladder

        for ladder in (
            default_disagreement_ladder(),
            somerset_disagreement_ladder(),
            [{"label": "Directors", "roles": ["director_of_childrens_services", "head_of_service"], "side": "cyjs"}],
        ):
            JointWorkingProtocol(authority=w.authority, disagreement_ladder=ladder).full_clean()

    def test_the_admin_form_refuses_a_bad_ladder(self, w):
        admin = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, agency=w.csc)
        data = {
            "authority": w.authority.pk,
            "bail_to_reside": "always",
            "section_20_ends_on_custody_under": "",
            "csc_reads": '["joint"]',
            "disagreement_ladder": "[]",
        }
        for field in JointWorkingProtocol._meta.fields:
            if field.name not in data and field.name != "id" and not field.is_relation:
                default = field.get_default()
                data[field.name] = "on" if default is True else ("" if default in (None, False) else default)
        response = client_for(admin).post(reverse("admin:casework_jointworkingprotocol_add"), data)
        assert response.status_code == 200 and "Give at least one step" in response.content.decode()
        assert not JointWorkingProtocol.objects.filter(authority=w.authority).exists()


# --- Disagreement notes on the child's record: a protocol setting (PE L9763) ------------------------------------------


def disagreement_entries(w, viewer):
    return [e for e in chronology(child=w.child, viewer=viewer) if e.event_type == "joint_disagreement"]


class TestDisagreementsOnRecord:
    def test_off_the_record_by_default_and_when_saved_false(self, w):
        d = to_stage(w, raise_one(w), 2)
        assert disagreement_entries(w, w.cyjs_manager) == [] and disagreement_entries(w, w.csc_worker) == []
        JointWorkingProtocol.objects.create(authority=w.authority, disagreements_on_record=False)
        assert chronology(child=w.child) and disagreement_entries(w, w.cyjs_manager) == []
        assert client_for(w.csc_worker).get(reverse("joint-disagreement-detail", args=[d.pk])).status_code == 403

    def test_on_the_record_for_whoever_reads_the_joint_section(self, w):
        protocol = JointWorkingProtocol.objects.create(authority=w.authority, disagreements_on_record=True)
        d = to_stage(w, raise_one(w), 2)
        services.resolve(disagreement=d, by=w.cyjs_manager, resolution="CSC leads for now")
        titles = [e.title for e in disagreement_entries(w, w.csc_worker)]
        assert titles == [
            "Disagreement resolved",
            "Disagreement escalated to stage 2: Senior manager review (raising agency)",
            "Disagreement raised (stage 1: Team managers)",
        ]
        entry = disagreement_entries(w, w.cyjs_worker)[-1]
        assert entry.url == reverse("joint-disagreement-detail", args=[d.pk]) and "welfare concerns" in entry.summary
        assert entry.agency_kind == Agency.Kind.CYJS
        # The entry's link opens for a practitioner, read-only, saying it is on the record.
        page = client_for(w.csc_worker).get(entry.url)
        assert page.status_code == 200 and "keeps disagreements on the child's record" in page.content.decode()
        assert "Save the response" not in page.content.decode()
        # CSC does not see them where the protocol does not share the joint section, nor the police.
        protocol.csc_reads = [Section.ORDERS]
        protocol.save()
        assert disagreement_entries(w, w.csc_worker) == [] and disagreement_entries(w, w.cyjs_worker)
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        assert disagreement_entries(w, w.police) == []
        assert client_for(w.police).get(entry.url).status_code == 403

"""Who works with a child: the cases where the services used to answer differently (casework/who_works_with.py)."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts import access
from accounts.models import Agency, Role
from casework.assessment.services import cyjs_invitees, start_assessment
from casework.conference.selectors import lead_social_worker
from casework.court.services import looked_after_at_hearing, open_cla_involvement
from casework.custody.services import is_looked_after
from casework.custody_care.services import duties_of
from casework.hsb.services import open_cyjs_work
from casework.incidents.services import known_to
from casework.models import ChildProtectionConference, Involvement, SeriousIncident
from casework.permissions import case_line_managers
from casework.prevention.services import open_csc_involvements
from casework.who_works_with import (
    Known,
    acting_agency,
    agency_of,
    allocated_worker,
    how_known,
    is_known,
    manager_of,
    manager_of_work,
    who_answers,
)
from referrals.services import front_door_agency
from tests.custody_care_builders import sentence_world
from tests.factories import (
    AgencyFactory,
    ChildFactory,
    InvolvementFactory,
    TeamFactory,
    UserFactory,
    authority_with_agencies,
    grant,
    worker_in_new_team,
)

pytestmark = pytest.mark.django_db

CSC, CYJS, MASH = Agency.Kind.CSC, Agency.Kind.CYJS, Agency.Kind.MASH


@pytest.fixture
def two():
    """Two authorities, each with CSC, MASH and CYJS, and a child."""
    here, there = authority_with_agencies(), authority_with_agencies()
    return here, there, ChildFactory()


def _ended(child, agency, end, **fields):
    return InvolvementFactory(child=child, agency=agency, start=end - timedelta(days=300), end=end, **fields)


class TestKnownToAService:
    def test_known_to_another_authoritys_social_care_is_not_known_here(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        assert is_known(CSC, child, authority=csc.authority) is False
        assert is_known(CSC, child, authority=other_csc.authority) is True

    def test_ended_exactly_six_months_ago_is_still_known(self, two):
        (csc, _, _), _, child = two
        today = timezone.localdate()
        _ended(child, csc, today - relativedelta(months=6))
        assert how_known(CSC, child, authority=csc.authority, on=today) is Known.RECENTLY

    def test_ended_six_months_and_a_day_ago_is_not_known(self, two):
        (csc, _, _), _, child = two
        today = timezone.localdate()
        _ended(child, csc, today - relativedelta(months=6) - timedelta(days=1))
        assert how_known(CSC, child, authority=csc.authority, on=today) is Known.NOT_KNOWN

    def test_the_access_policy_draws_the_line_on_the_same_day(self, two):
        (csc, _, _), _, child = two
        worker = UserFactory(agency=csc)
        today = timezone.localdate()
        boundary = _ended(child, csc, today - relativedelta(months=6))
        assert access.decide(worker, child).allowed is True
        boundary.end -= timedelta(days=1)
        boundary.save(update_fields=["end"])
        assert access.decide(worker, child).allowed is False
        assert is_known(CSC, child, authority=csc.authority) is False

    def test_ended_today_is_known_recently_not_now(self, two):
        (_, _, cyjs), _, child = two
        today = timezone.localdate()
        _ended(child, cyjs, today)
        assert how_known(CYJS, child, authority=cyjs.authority) is Known.RECENTLY

    def test_on_an_earlier_date_an_involvement_that_ended_later_was_open(self, two):
        (csc, _, _), _, child = two
        today = timezone.localdate()
        _ended(child, csc, today - timedelta(days=10))
        assert how_known(CSC, child, authority=csc.authority, on=today - timedelta(days=20)) is Known.NOW

    def test_open_now(self, two):
        (_, _, cyjs), _, child = two
        InvolvementFactory(child=child, agency=cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
        assert how_known(CYJS, child, authority=cyjs.authority) is Known.NOW
        assert is_known(CSC, child, authority=cyjs.authority) is False


class TestTheAgencyThatActs:
    def test_a_worker_of_that_kind_acts_for_their_own_agency_even_if_another_authority_works_with_the_child(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        assert acting_agency(CSC, child=child, by=UserFactory(agency=csc)) == csc

    def test_otherwise_the_agency_already_working_with_the_child_in_the_users_authority(self, two):
        (csc, mash, _), (other_csc, _, _), child = two
        second_csc = AgencyFactory(authority=csc.authority, kind=CSC)
        InvolvementFactory(child=child, agency=other_csc, start=timezone.localdate())
        InvolvementFactory(child=child, agency=second_csc)
        assert acting_agency(CSC, child=child, by=UserFactory(agency=mash)) == second_csc

    def test_the_lead_agency_before_the_latest_opened(self, two):
        (csc, mash, _), _, child = two
        second_csc = AgencyFactory(authority=csc.authority, kind=CSC)
        InvolvementFactory(child=child, agency=csc, is_lead_agency=True)
        InvolvementFactory(child=child, agency=second_csc, start=timezone.localdate())
        assert acting_agency(CSC, child=child, by=UserFactory(agency=mash)) == csc

    def test_with_none_the_authoritys_first_agency_of_that_kind(self, two):
        (csc, mash, _), _, child = two
        AgencyFactory(authority=csc.authority, kind=CSC)
        assert acting_agency(CSC, child=child, by=UserFactory(agency=mash)) == csc

    def test_someone_with_no_agency_acts_for_the_childs_open_involvement(self, two):
        _, (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        admin = UserFactory(agency=None, role=Role.ADMINISTRATOR)
        assert acting_agency(CSC, child=child, by=admin) == other_csc
        assert acting_agency(CYJS, child=child, by=admin) is None

    def test_for_an_authority_without_a_person(self, two):
        (csc, _, cyjs), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        assert acting_agency(CSC, child=child, authority=cyjs.authority) == csc

    def test_an_assessment_opens_child_in_need_work_with_the_social_workers_own_authority(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        worker, _, _ = worker_in_new_team(csc)
        grant(user=worker, child=child)
        start_assessment(child=child, by=worker, social_worker=worker)
        opened = Involvement.objects.get(child=child, kind=Involvement.Kind.CIN, allocated_worker=worker)
        assert opened.agency == csc

    def test_the_front_door_is_the_authoritys_first_mash(self, two):
        (_, mash, _), _, _ = two
        AgencyFactory(authority=mash.authority, kind=MASH)
        assert front_door_agency(mash.authority) == agency_of(MASH, mash.authority) == mash


class TestAllocatedWorker:
    def test_the_looked_after_involvements_worker_first_and_only_active_workers(self, two):
        (csc, _, _), _, child = two
        cin_worker, cla_worker = UserFactory(agency=csc), UserFactory(agency=csc)
        InvolvementFactory(child=child, agency=csc, allocated_worker=cin_worker, is_lead_agency=True)
        cla = InvolvementFactory(
            child=child, agency=csc, kind=Involvement.Kind.CLA, allocated_worker=cla_worker, start=timezone.localdate()
        )
        assert allocated_worker(child, CSC) == cla_worker
        cla_worker.is_active = False
        cla_worker.save(update_fields=["is_active"])
        assert allocated_worker(child, CSC) == cin_worker
        assert cla.allocated_worker_id == cla_worker.pk

    def test_in_one_authority(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc, allocated_worker=UserFactory(agency=other_csc))
        assert allocated_worker(child, CSC, authority=csc.authority) is None
        assert allocated_worker(child, CSC) is not None


class TestManagers:
    def test_the_line_manager_before_the_team_manager(self, two):
        (csc, _, _), _, _ = two
        worker, team, team_manager = worker_in_new_team(csc)
        line_manager = UserFactory(agency=csc, role=Role.TEAM_MANAGER)
        worker.line_manager = line_manager
        worker.save(update_fields=["line_manager"])
        assert manager_of(worker) == line_manager

    def test_an_inactive_line_manager_passes_to_the_team_manager(self, two):
        (csc, _, _), _, _ = two
        worker, team, team_manager = worker_in_new_team(csc)
        gone = UserFactory(agency=csc, role=Role.TEAM_MANAGER, is_active=False)
        worker.line_manager = gone
        worker.save(update_fields=["line_manager"])
        assert manager_of(worker) == team_manager

    def test_a_team_manager_is_not_their_own_manager(self, two):
        (csc, _, _), _, _ = two
        _, _, team_manager = worker_in_new_team(csc)
        assert manager_of(team_manager) is None
        assert manager_of(None) is None

    def test_the_manager_of_the_work_is_the_allocated_workers_else_the_teams(self, two):
        (_, _, cyjs), _, child = two
        worker, _, worker_manager = worker_in_new_team(cyjs)
        other_team = TeamFactory(agency=cyjs, manager=UserFactory(agency=cyjs, role=Role.TEAM_MANAGER))
        allocated = InvolvementFactory(child=child, agency=cyjs, allocated_worker=worker, team=other_team)
        unallocated = InvolvementFactory(child=child, agency=cyjs, team=other_team)
        assert manager_of_work(allocated) == worker_manager
        assert manager_of_work(unallocated) == other_team.manager


class TestWhoAnswers:
    def test_the_allocated_worker_before_a_newer_unallocated_involvement(self, two):
        (_, _, cyjs), _, child = two
        worker, team, _ = worker_in_new_team(cyjs)
        InvolvementFactory(child=child, agency=cyjs, allocated_worker=worker, team=team)
        InvolvementFactory(child=child, agency=cyjs, team=TeamFactory(agency=cyjs), start=timezone.localdate())
        assert who_answers(child, CYJS, authority=cyjs.authority) == worker

    def test_an_inactive_workers_manager_answers_for_them(self, two):
        (_, _, cyjs), _, child = two
        worker, team, manager = worker_in_new_team(cyjs)
        InvolvementFactory(child=child, agency=cyjs, allocated_worker=worker, team=team)
        worker.is_active = False
        worker.save(update_fields=["is_active"])
        assert who_answers(child, CYJS, authority=cyjs.authority) == manager

    def test_the_worker_of_work_that_ended_in_the_last_six_months(self, two):
        (_, _, cyjs), (_, _, other_cyjs), child = two
        worker, team, _ = worker_in_new_team(cyjs)
        today = timezone.localdate()
        _ended(
            child, cyjs, today - relativedelta(months=6) - timedelta(days=1), allocated_worker=UserFactory(agency=cyjs)
        )
        _ended(child, cyjs, today - timedelta(days=30), allocated_worker=worker, team=team)
        InvolvementFactory(child=child, agency=other_cyjs, allocated_worker=UserFactory(agency=other_cyjs))
        assert who_answers(child, CYJS, authority=cyjs.authority) == worker
        assert who_answers(child, CYJS, authority=cyjs.authority, on=today + relativedelta(months=7)) is None


class TestOpenToAServiceNow:
    """The services' "open to CSC now" questions count only the authority's own social care."""

    def test_a_serious_incident_is_not_csc_s_for_another_authoritys_social_care(self, two):
        (csc, _, cyjs), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        InvolvementFactory(child=child, agency=cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
        assert known_to(child, csc.authority) == SeriousIncident.KnownTo.CYJS_ONLY
        assert known_to(child, other_csc.authority) == SeriousIncident.KnownTo.CSC

    def test_an_administrator_counts_only_open_work_not_recent(self, two):
        (_, _, cyjs), _, child = two
        _ended(child, cyjs, timezone.localdate() - timedelta(days=10))
        assert known_to(child, None) == SeriousIncident.KnownTo.NEITHER
        assert known_to(child, cyjs.authority) == SeriousIncident.KnownTo.CYJS_ONLY

    def test_prevention_oversight_is_the_referring_authoritys_social_care(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        InvolvementFactory(child=child, agency=other_csc)
        assert open_csc_involvements(child, authority=csc.authority) == []
        here = InvolvementFactory(child=child, agency=csc)
        InvolvementFactory(child=child, agency=csc, kind=Involvement.Kind.MASH_CONTACT)
        assert open_csc_involvements(child, authority=csc.authority) == [here]

    def test_another_authoritys_looked_after_child_is_not_looked_after_at_a_hearing_here(self, two):
        (csc, _, cyjs), (other_csc, _, _), child = two
        cyjs_worker = UserFactory(agency=cyjs)
        InvolvementFactory(child=child, agency=other_csc, kind=Involvement.Kind.CLA)
        assert open_cla_involvement(child, authority=csc.authority) is None
        assert looked_after_at_hearing(child, by=cyjs_worker) is False
        cla = InvolvementFactory(child=child, agency=csc, kind=Involvement.Kind.CLA)
        assert open_cla_involvement(child, authority=csc.authority) == cla
        assert looked_after_at_hearing(child, by=cyjs_worker) is True

    def test_a_chair_is_not_kept_out_by_another_authoritys_social_worker(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        worker, team, manager = worker_in_new_team(csc)
        other_worker, _, _ = worker_in_new_team(other_csc)
        InvolvementFactory(child=child, agency=csc, allocated_worker=worker, team=team)
        InvolvementFactory(child=child, agency=other_csc, allocated_worker=other_worker)
        managers = case_line_managers(child, authority=csc.authority)
        assert {worker.pk, manager.pk} <= managers
        assert other_worker.pk not in managers

    def test_custody_duties_follow_the_sentencing_authoritys_looked_after_work(self):
        w = sentence_world(age=16)  # Lancashire: a 16-year-old stays looked after in custody
        assert duties_of(w.order).looked_after is True
        (other_csc, _, _) = authority_with_agencies()
        w.csc_involvement.agency = other_csc
        w.csc_involvement.save(update_fields=["agency"])
        assert duties_of(w.order).looked_after is False

    def test_police_custody_warns_for_a_child_looked_after_by_any_authority(self, two):
        _, (other_csc, _, _), child = two
        assert is_looked_after(child) is False
        InvolvementFactory(child=child, agency=other_csc, kind=Involvement.Kind.CLA)
        assert is_looked_after(child) is True


class TestOpenCyjsWorkInTheAuthority:
    """The HSB hub and child in need meetings ask about the authority's own youth justice service."""

    def test_the_hub_is_not_turned_away_by_another_authoritys_youth_justice_work(self, two):
        (_, _, cyjs), (_, _, other_cyjs), child = two
        InvolvementFactory(child=child, agency=other_cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
        assert open_cyjs_work(child, cyjs.authority) == []
        here = InvolvementFactory(child=child, agency=cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
        InvolvementFactory(child=child, agency=cyjs, kind=Involvement.Kind.HSB_HUB)
        assert open_cyjs_work(child, cyjs.authority) == [here]

    def test_a_child_in_need_meeting_invites_the_authoritys_youth_justice_worker_only(self, two):
        (_, _, cyjs), (_, _, other_cyjs), child = two
        worker, _, manager = worker_in_new_team(cyjs)
        InvolvementFactory(child=child, agency=cyjs, allocated_worker=worker)
        elsewhere, _, _ = worker_in_new_team(other_cyjs)
        InvolvementFactory(child=child, agency=other_cyjs, allocated_worker=elsewhere)
        assert cyjs_invitees(child, cyjs.authority) == [(worker, cyjs)]

    def test_a_conferences_lead_is_the_authoritys_allocated_social_worker(self, two):
        (csc, _, _), (other_csc, _, _), child = two
        theirs, _, _ = worker_in_new_team(other_csc)
        InvolvementFactory(child=child, agency=other_csc, allocated_worker=theirs)
        conference = ChildProtectionConference.objects.create(
            child=child, kind=ChildProtectionConference.Kind.INITIAL, created_by=UserFactory()
        )
        assert lead_social_worker(conference, authority=csc.authority) is None
        ours, _, _ = worker_in_new_team(csc)
        InvolvementFactory(child=child, agency=csc, allocated_worker=ours)
        assert lead_social_worker(conference, authority=csc.authority) == ours

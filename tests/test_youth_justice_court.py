"""Court appearances and remands (seed 000 ¶9.3, ¶17–19; domain notes P15, P23–P25, T18–T21;
somerset-vs-lancashire §1.5, §1.8, §5.3): the services as pages and the API call them, the notices to
children's social care, each remand kind's looked-after status per authority, the two 5-working-day
clocks, the escalation, the involvements, access by section, the pages and the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent, Agency, Role
from casework.chronology.selectors import chronology
from casework.court import services
from casework.models import CourtAppearance, Involvement, JointWorkingProtocol, Remand
from casework.services import ConcurrentEditError
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for
from notifications.models import Deadline, Notification
from tests.court_builders import court_world, hearing, make_looked_after, remand, somerset_protocol
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db

Kind = Remand.Kind
Section = JointWorkingProtocol.Section


@pytest.fixture
def w():
    return court_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def notices(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def police_who_sees(w):
    police = AgencyFactory(authority=w.authority, kind=Agency.Kind.POLICE)
    InvolvementFactory(child=w.child, agency=police, kind=Involvement.Kind.OTHER)
    return UserFactory(agency=police)


def stranger():
    """A CYJS worker in another authority: cannot see the child."""
    _, _, cyjs = authority_with_agencies()
    return UserFactory(agency=cyjs)


def outcome(w, appearance, **kwargs):
    appearance.refresh_from_db()
    kwargs.setdefault("outcome", CourtAppearance.Outcome.ADJOURNED_BAIL)
    return services.record_court_outcome(
        appearance=appearance, by=w.cyjs_worker, expected_version=appearance.version, **kwargs
    )


# --- Court appearances ---------------------------------------------------------------------------


class TestCourtAppearance:
    def test_recorded_without_notices_for_a_child_not_looked_after_and_not_at_risk(self, w):
        appearance = hearing(w)
        assert appearance.agency == w.cyjs and not appearance.child_looked_after
        assert appearance.csc_worker_told_at is None and appearance.csc_told_of_remand_risk_at is None
        assert not Notification.objects.exists()
        event = last_log(what="court-appearance:create")
        assert event.child_id == w.child.pk and event.action == "write" and event.user_id == w.cyjs_worker.pk

    def test_a_looked_after_childs_social_worker_is_told_at_once_with_the_details(self, w):
        """000 ¶9.3: the CSC social worker attends with a child in care, given the details as soon as possible."""
        make_looked_after(w)
        appearance = hearing(w, court="Blackburn Youth Court", hours_ago=-48)
        assert appearance.child_looked_after
        assert appearance.csc_worker_told_at is not None
        (notice,) = notices(w.csc_worker)
        assert "looked after" in notice.subject
        assert (
            "Blackburn Youth Court" in notice.body
            and timezone.localtime(appearance.hearing_at).strftime("%H:%M") in notice.body
        )
        assert notice.link == f"/court/{appearance.pk}/"

    def test_risk_of_remand_tells_the_allocated_csc_worker(self, w):
        """000 ¶17.2, ¶18.2 (T18): CSC is told at the earliest opportunity."""
        appearance = hearing(w, risk_of_remand=True)
        assert appearance.csc_told_of_remand_risk_at is not None and appearance.csc_worker_told_at is None
        (notice,) = notices(w.csc_worker)
        assert notice.subject.startswith("Risk of remand")
        assert not notices(w.csc_manager)

    def test_risk_of_remand_with_no_allocated_worker_tells_the_csc_team_managers(self, w):
        w.csc_involvement.allocated_worker = None
        w.csc_involvement.save()
        other_manager = UserFactory(agency=w.csc, role=Role.TEAM_MANAGER)
        appearance = hearing(w, risk_of_remand=True)
        assert appearance.csc_told_of_remand_risk_at is not None
        assert [n.subject[:14] for n in notices(w.csc_manager)] == ["Risk of remand"]
        assert len(notices(other_manager)) == 1
        assert not notices(w.csc_worker) and not notices(w.cyjs_manager)

    def test_only_cyjs_records_hearings(self, w):
        with pytest.raises(PermissionDenied):
            services.record_court_appearance(child=w.child, by=w.csc_worker, hearing_at=timezone.now(), court="Preston")
        assert not CourtAppearance.objects.exists()

    def test_a_child_the_user_cannot_see_is_refused(self, w):
        with pytest.raises(PermissionDenied):
            services.record_court_appearance(child=w.child, by=stranger(), hearing_at=timezone.now(), court="Preston")

    def test_court_and_time_are_needed(self, w):
        with pytest.raises(ValidationError) as error:
            services.record_court_appearance(child=w.child, by=w.cyjs_worker, hearing_at=None, court="  ")
        assert error.value.message_dict == {
            "hearing_at": ["Enter the date and time of the hearing"],
            "court": ["Enter the court"],
        }


class TestCourtOutcome:
    def test_refused_before_the_hearing(self, w):
        appearance = hearing(w, hours_ago=-24)
        with pytest.raises(ValidationError) as error:
            outcome(w, appearance)
        assert "once the hearing has happened" in error.value.message_dict["outcome"][0]
        appearance.refresh_from_db()
        assert appearance.outcome == ""

    def test_a_looked_after_child_needs_the_social_workers_attendance(self, w):
        make_looked_after(w)
        appearance = hearing(w)
        with pytest.raises(ValidationError) as error:
            outcome(w, appearance)
        assert error.value.message_dict == {
            "csc_worker_attended": ["Say whether the child's social worker attended court"]
        }
        done = outcome(w, appearance, csc_worker_attended=True)
        assert done.csc_worker_attended is True and done.outcome == "adjourned_bail"
        assert last_log(what="court-appearance:outcome").child_id == w.child.pk

    def test_risk_of_remand_needs_the_bail_supervision_assessment(self, w):
        """000 ¶17.1: every child at risk of refusal of bail is assessed for bail supervision and support."""
        appearance = hearing(w, risk_of_remand=True)
        with pytest.raises(ValidationError) as error:
            outcome(w, appearance, outcome=CourtAppearance.Outcome.ADJOURNED_BAIL_SUPERVISION)
        assert list(error.value.message_dict) == ["bail_supervision_assessed"]
        assert outcome(w, appearance, bail_supervision_assessed=True).bail_supervision_assessed is True

    def test_recorded_once_only(self, w):
        appearance = hearing(w)
        outcome(w, appearance)
        with pytest.raises(ValidationError, match="already recorded"):
            outcome(w, appearance)

    def test_a_stale_version_is_refused(self, w):
        appearance = hearing(w)
        with pytest.raises(ConcurrentEditError):
            services.record_court_outcome(
                appearance=appearance, by=w.cyjs_worker, expected_version=appearance.version + 1, outcome="dismissed"
            )

    def test_the_next_hearing_is_after_this_one(self, w):
        appearance = hearing(w)
        with pytest.raises(ValidationError) as error:
            outcome(w, appearance, next_hearing_at=appearance.hearing_at - timedelta(days=1))
        assert error.value.message_dict == {"next_hearing_at": ["The next hearing must be after this one"]}

    def test_a_remand_outcome_starts_the_remand_linked_to_the_hearing(self, w):
        appearance = hearing(w, hours_ago=2)
        outcome(w, appearance, outcome=CourtAppearance.Outcome.REMAND_LA)
        (started,) = Remand.objects.all()
        assert started.appearance == appearance and started.kind == Kind.LOCAL_AUTHORITY and started.looked_after
        assert started.started_on == timezone.localdate(appearance.hearing_at)

    def test_remand_to_youth_detention_needs_the_establishment_and_saves_nothing_without_it(self, w):
        appearance = hearing(w)
        with pytest.raises(ValidationError) as error:
            outcome(w, appearance, outcome=CourtAppearance.Outcome.REMAND_YDA)
        assert "young offender institution" in error.value.message_dict["establishment"][0]
        appearance.refresh_from_db()
        assert appearance.outcome == "" and not Remand.objects.exists()
        outcome(
            w, appearance, outcome=CourtAppearance.Outcome.REMAND_YDA, establishment="stc", establishment_name="Oakhill"
        )
        assert Remand.objects.get().establishment == "stc"

    def test_bail_to_reside_outcome_passes_whether_the_authority_decides(self, w):
        appearance = hearing(w)
        outcome(w, appearance, outcome=CourtAppearance.Outcome.BAIL_TO_RESIDE, authority_decides_placement=False)
        created = Remand.objects.get()
        assert (
            created.kind == Kind.BAIL_TO_RESIDE and not created.authority_decides_placement and not created.looked_after
        )


# --- Remands: looked-after status per kind and per authority ------------------------------------


def open_involvements(child, kind):
    return Involvement.objects.filter(child=child, kind=kind, end__isnull=True)


class TestRemandStatus:
    def test_remand_to_local_authority_accommodation_makes_the_child_looked_after(self, w):
        """LASPO 2012; 000 ¶18.6. CYJS allocates the child (¶18.7); CSC opens a looked-after involvement (¶18.8),
        kept by the allocated social worker (¶18.11), who is told."""
        made = remand(w, Kind.LOCAL_AUTHORITY)
        assert made.looked_after
        (yj,) = open_involvements(w.child, Involvement.Kind.YJ_REMAND)
        assert yj.agency == w.cyjs and yj.allocated_worker == w.cyjs_worker
        (cla,) = open_involvements(w.child, Involvement.Kind.CLA)
        assert cla.agency == w.csc and cla.allocated_worker == w.csc_worker
        (notice,) = notices(w.csc_worker)
        assert notice.subject.startswith("Looked after through remand") and notice.link == f"/remands/{made.pk}/"
        assert services.looked_after_reason(made) == "Looked after: remanded to local authority accommodation"
        event = last_log(what="remand:start")
        assert event.child_id == w.child.pk and event.action == "write"

    def test_remand_to_youth_detention_makes_the_child_looked_after_without_the_la_clocks(self, w):
        """000 ¶19.1–19.2."""
        made = remand(w, Kind.YOUTH_DETENTION, establishment="yoi", establishment_name="Wetherby")
        assert made.looked_after and made.placement == ""
        assert open_involvements(w.child, Involvement.Kind.CLA).count() == 1
        assert open_involvements(w.child, Involvement.Kind.YJ_REMAND).count() == 1
        assert not Deadline.objects.filter(rule_code__in=services.REMAND_CLOCKS).exists()

    def test_youth_detention_needs_an_establishment_type(self, w):
        with pytest.raises(ValidationError) as error:
            services.start_remand(
                child=w.child, by=w.cyjs_worker, kind=Kind.YOUTH_DETENTION, started_on=timezone.localdate()
            )
        assert list(error.value.message_dict) == ["establishment"]
        assert not Remand.objects.exists() and not open_involvements(w.child, Involvement.Kind.YJ_REMAND).exists()

    def test_lancashire_bail_to_reside_is_looked_after_when_the_authority_decides_where_the_child_lives(self, w):
        """000 ¶18.9, with no saved protocol (Lancashire's defaults)."""
        assert not JointWorkingProtocol.objects.filter(authority=w.authority).exists()
        made = remand(w, Kind.BAIL_TO_RESIDE, authority_decides_placement=True)
        assert made.looked_after
        assert (
            services.looked_after_reason(made)
            == "Looked after: bail to reside and the authority decides where the child lives"
        )
        assert open_involvements(w.child, Involvement.Kind.CLA).count() == 1
        assert clocks(made, "placement_planning_meeting").count() == 1

    def test_lancashire_bail_to_reside_is_not_looked_after_when_the_authority_does_not_decide(self, w):
        made = remand(w, Kind.BAIL_TO_RESIDE, authority_decides_placement=False)
        assert not made.looked_after
        assert services.looked_after_reason(made).startswith("Not looked after")
        assert not open_involvements(w.child, Involvement.Kind.CLA).exists()
        assert open_involvements(w.child, Involvement.Kind.YJ_REMAND).count() == 1
        assert not Deadline.objects.filter(rule_code__in=services.REMAND_CLOCKS).exists()
        assert not notices(w.csc_worker)

    def test_somerset_bail_to_reside_is_always_looked_after(self):
        """003 L150 (somerset-vs-lancashire §1.8, §5.3): bail to reside as directed makes the child looked after."""
        s = court_world()
        somerset_protocol(s.authority)
        made = remand(s, Kind.BAIL_TO_RESIDE, authority_decides_placement=False)
        assert made.looked_after
        assert (
            services.looked_after_reason(made)
            == "Looked after: bail to reside, which this authority always treats as looked after"
        )
        assert open_involvements(s.child, Involvement.Kind.CLA).count() == 1
        assert clocks(made, "cla_notifications").count() == 1

    def test_a_child_already_looked_after_keeps_their_involvement(self, w):
        """somerset-vs-lancashire §1.8: already looked after under s20 or a care order → status unchanged."""
        existing = make_looked_after(w)
        made = remand(w, Kind.LOCAL_AUTHORITY)
        assert list(open_involvements(w.child, Involvement.Kind.CLA)) == [existing]
        services.end_remand(remand=made, by=w.cyjs_worker, expected_version=made.version, ended_on=timezone.localdate())
        existing.refresh_from_db()
        assert existing.end is None

    def test_with_no_allocated_csc_worker_the_team_managers_are_told(self, w):
        w.csc_involvement.delete()
        remand(w, Kind.LOCAL_AUTHORITY)
        assert len(notices(w.csc_manager)) == 1
        (cla,) = open_involvements(w.child, Involvement.Kind.CLA)
        assert cla.allocated_worker is None

    def test_one_open_remand_at_a_time(self, w):
        remand(w)
        with pytest.raises(ValidationError, match="already has a remand"):
            remand(w, Kind.YOUTH_DETENTION)

    def test_refusals_of_the_start(self, w):
        with pytest.raises(ValidationError) as error:
            services.start_remand(
                child=w.child, by=w.cyjs_worker, kind="holiday", started_on=timezone.localdate() + timedelta(days=1)
            )
        assert set(error.value.message_dict) == {"kind", "started_on"}
        with pytest.raises(PermissionDenied):
            services.start_remand(
                child=w.child, by=w.csc_worker, kind=Kind.LOCAL_AUTHORITY, started_on=timezone.localdate()
            )
        other = ChildFactory()
        InvolvementFactory(child=other, agency=w.cyjs)
        appearance = hearing(w, child=other)
        with pytest.raises(ValidationError) as error:
            remand(w, appearance=appearance)
        assert list(error.value.message_dict) == ["appearance"]


# --- Clocks, steps and ending -------------------------------------------------------------------


class TestRemandClocks:
    def test_both_clocks_start_at_five_working_days_from_the_remand(self, w):
        """000 ¶18.10 (T19) and ¶18.13 (T20)."""
        made = remand(w, days_ago=1)
        expected = add_working_days(made.started_on, 5, calendar=calendar_for(w.authority))
        for code in services.REMAND_CLOCKS:
            (deadline,) = clocks(made, code)
            assert deadline.due_date == expected and deadline.is_open
            assert deadline.responsible == w.csc_worker and deadline.agency == w.csc

    @pytest.mark.parametrize("kind", [Kind.LOCAL_AUTHORITY, Kind.YOUTH_DETENTION])
    def test_a_remand_recorded_late_makes_the_child_looked_after_from_its_start(self, kind, w):
        """000 ¶9.5, ¶18.6, ¶19.1: the remand itself makes the child looked after, so the involvements
        and every clock hanging off them run from the remand's start, not from the day it was recorded."""
        made = remand(w, kind, days_ago=21)
        started = timezone.localdate() - timedelta(days=21)
        (cla,) = open_involvements(w.child, Involvement.Kind.CLA)
        (yj,) = open_involvements(w.child, Involvement.Kind.YJ_REMAND)
        assert cla.start == started and yj.start == started
        codes = services.REMAND_CLOCKS if kind == Kind.LOCAL_AUTHORITY else ("lac_review_in_custody",)
        for code in codes:
            (deadline,) = clocks(made, code)
            assert timezone.localdate(deadline.anchor_at) == started
        if kind == Kind.YOUTH_DETENTION:
            assert clocks(made, "lac_review_in_custody").get().due_date == started + timedelta(days=28)

    def test_the_social_worker_records_the_placement_planning_meeting_which_stops_its_clock(self, w):
        made = remand(w, days_ago=2)
        services.record_placement_planning_meeting(
            remand=made,
            by=w.csc_worker,
            held_on=timezone.localdate(),
            task_split="CSC: placement and CLA documents. CYJS: bail support.",
        )
        made.refresh_from_db()
        assert made.placement_planning_meeting_on == timezone.localdate() and "bail support" in made.task_split
        assert clocks(made, "placement_planning_meeting").get().status == Deadline.Status.MET
        assert clocks(made, "cla_notifications").get().is_open
        event = last_log(what="remand:placement-planning-meeting")
        assert event.user_id == w.csc_worker.pk and event.action == "write"
        with pytest.raises(ValidationError, match="was recorded as held"):
            services.record_placement_planning_meeting(
                remand=made, by=w.csc_worker, held_on=timezone.localdate(), task_split="Again"
            )

    def test_placement_planning_meeting_refusals(self, w):
        made = remand(w, days_ago=2)
        with pytest.raises(ValidationError) as error:
            services.record_placement_planning_meeting(
                remand=made, by=w.csc_worker, held_on=timezone.localdate(), task_split=" "
            )
        assert list(error.value.message_dict) == ["task_split"]
        with pytest.raises(ValidationError, match="on or after the remand started"):
            services.record_placement_planning_meeting(
                remand=made, by=w.csc_worker, held_on=made.started_on - timedelta(days=1), task_split="Roles"
            )
        with pytest.raises(PermissionDenied):
            services.record_placement_planning_meeting(
                remand=made, by=w.teacher, held_on=timezone.localdate(), task_split="Roles"
            )
        assert clocks(made, "placement_planning_meeting").get().is_open

    def test_no_placement_planning_meeting_for_youth_detention(self, w):
        made = remand(w, Kind.YOUTH_DETENTION)
        with pytest.raises(ValidationError, match="only for a child looked after"):
            services.record_placement_planning_meeting(
                remand=made, by=w.csc_worker, held_on=timezone.localdate(), task_split="Roles"
            )

    def test_csc_records_the_cla_notifications_which_stops_their_clock(self, w):
        made = remand(w, days_ago=1)
        services.record_cla_notifications_sent(remand=made, by=w.csc_worker, on=timezone.localdate())
        deadline = clocks(made, "cla_notifications").get()
        assert deadline.status == Deadline.Status.MET and timezone.localdate(deadline.met_at) == timezone.localdate()
        assert last_log(what="remand:cla-notifications").user_id == w.csc_worker.pk
        with pytest.raises(ValidationError, match="already recorded"):
            services.record_cla_notifications_sent(remand=made, by=w.csc_worker, on=timezone.localdate())

    def test_ending_cancels_open_clocks_and_closes_the_involvements(self, w):
        made = remand(w, days_ago=3)
        services.record_cla_notifications_sent(remand=made, by=w.csc_worker, on=timezone.localdate())
        made.refresh_from_db()
        services.end_remand(remand=made, by=w.cyjs_worker, expected_version=made.version, ended_on=timezone.localdate())
        assert clocks(made, "placement_planning_meeting").get().status == Deadline.Status.CANCELLED
        assert clocks(made, "cla_notifications").get().status == Deadline.Status.MET
        assert not open_involvements(w.child, Involvement.Kind.YJ_REMAND).exists()
        assert not open_involvements(w.child, Involvement.Kind.CLA).exists()
        assert Involvement.objects.get(child=w.child, kind=Involvement.Kind.CLA).end == timezone.localdate()
        # The child's other involvements stay open.
        w.csc_involvement.refresh_from_db()
        w.cyjs_involvement.refresh_from_db()
        assert w.csc_involvement.end is None and w.cyjs_involvement.end is None
        assert last_log(what="remand:end").child_id == w.child.pk

    def test_ending_refusals(self, w):
        made = remand(w, days_ago=3)
        with pytest.raises(ValidationError) as error:
            services.end_remand(
                remand=made,
                by=w.cyjs_worker,
                expected_version=made.version,
                ended_on=made.started_on - timedelta(days=1),
            )
        assert "on or after the date it started" in error.value.message_dict["ended_on"][0]
        with pytest.raises(ConcurrentEditError):
            services.end_remand(
                remand=made, by=w.cyjs_worker, expected_version=made.version + 5, ended_on=timezone.localdate()
            )
        with pytest.raises(PermissionDenied):
            services.end_remand(
                remand=made, by=w.csc_worker, expected_version=made.version, ended_on=timezone.localdate()
            )
        services.end_remand(remand=made, by=w.cyjs_worker, expected_version=made.version, ended_on=timezone.localdate())
        made.refresh_from_db()
        with pytest.raises(ValidationError, match="already ended"):
            services.end_remand(
                remand=made, by=w.cyjs_worker, expected_version=made.version, ended_on=timezone.localdate()
            )


class TestRemandSteps:
    def test_placement_with_a_connected_person_and_the_task_split(self, w):
        made = remand(w)
        services.record_placement(
            remand=made,
            by=w.cyjs_worker,
            expected_version=made.version,
            placement="connected_person",
            task_split="CYJS transports to court",
        )
        made.refresh_from_db()
        assert (
            made.placement == "connected_person" and made.get_placement_display() == "Connected person (regulation 24)"
        )
        assert last_log(what="remand:placement").action == "write"
        with pytest.raises(ConcurrentEditError):
            services.record_placement(
                remand=made, by=w.cyjs_worker, expected_version=made.version - 1, placement="foster_care"
            )
        with pytest.raises(ValidationError) as error:
            services.record_placement(remand=made, by=w.cyjs_worker, expected_version=made.version, placement="hotel")
        assert list(error.value.message_dict) == ["placement"]

    def test_no_placement_for_youth_detention(self, w):
        made = remand(w, Kind.YOUTH_DETENTION)
        with pytest.raises(ValidationError, match="lives in the establishment"):
            services.record_placement(
                remand=made, by=w.cyjs_worker, expected_version=made.version, placement="foster_care"
            )

    def test_joint_discussion(self, w):
        made = remand(w)
        with pytest.raises(ValidationError) as error:
            services.record_joint_discussion(remand=made, by=w.cyjs_worker, at=timezone.now() + timedelta(hours=2))
        assert list(error.value.message_dict) == ["at"]
        at = timezone.now() - timedelta(hours=1)
        assert services.record_joint_discussion(remand=made, by=w.cyjs_worker, at=at).joint_discussion_at == at

    def test_leaving_care_considered_only_when_looked_after(self, w):
        """000 ¶18.17, ¶19.4."""
        not_looked_after = remand(w, Kind.BAIL_TO_RESIDE, authority_decides_placement=False)
        with pytest.raises(ValidationError, match="only when the remand made the child looked after"):
            services.record_leaving_care_considered(remand=not_looked_after, by=w.cyjs_worker)
        services.end_remand(
            remand=not_looked_after,
            by=w.cyjs_worker,
            expected_version=not_looked_after.version,
            ended_on=timezone.localdate(),
        )
        made = remand(w, Kind.YOUTH_DETENTION)
        assert services.record_leaving_care_considered(remand=made, by=w.cyjs_worker).leaving_care_considered
        with pytest.raises(ValidationError, match="already recorded"):
            services.record_leaving_care_considered(remand=made, by=w.cyjs_worker)

    def test_escalation_tells_the_senior_managers_of_both_services(self, w):
        """000 ¶19.2: accommodation must not be the only reason for secure remand; escalate to both services."""
        made = remand(w, Kind.YOUTH_DETENTION)
        flagged = services.flag_accommodation_only_reason(remand=made, by=w.cyjs_worker)
        assert flagged.accommodation_only_reason and flagged.escalated_at is not None
        for senior in (w.csc_senior, w.cyjs_senior):
            (notice,) = notices(senior)
            assert notice.subject.startswith("Escalation") and notice.link == f"/remands/{made.pk}/"
        assert not notices(w.senior)  # MASH's senior manager is not told
        assert not Notification.objects.filter(recipient=w.csc_worker, subject__startswith="Escalation").exists()
        assert last_log(what="remand:escalate").action == "write"
        with pytest.raises(ValidationError, match="was escalated"):
            services.flag_accommodation_only_reason(remand=made, by=w.cyjs_worker)

    def test_escalation_falls_back_to_the_head_of_service(self, w):
        w.cyjs_senior.delete()
        head = UserFactory(role=Role.HEAD_OF_SERVICE, agency=w.cyjs)
        services.flag_accommodation_only_reason(remand=remand(w, Kind.YOUTH_DETENTION), by=w.cyjs_worker)
        assert len(notices(head)) == 1 and len(notices(w.csc_senior)) == 1

    def test_escalation_only_for_youth_detention(self, w):
        with pytest.raises(ValidationError, match="Only a remand to youth detention"):
            services.flag_accommodation_only_reason(remand=remand(w), by=w.cyjs_worker)

    def test_csc_cannot_escalate(self, w):
        with pytest.raises(PermissionDenied):
            services.flag_accommodation_only_reason(remand=remand(w, Kind.YOUTH_DETENTION), by=w.csc_worker)


# --- Chronology ---------------------------------------------------------------------------------


def test_chronology_shows_hearings_and_remands_to_those_who_read_the_sections(w):
    appearance = hearing(w)
    made = remand(w, appearance=appearance)
    types = {e.event_type for e in chronology(child=w.child, viewer=w.cyjs_worker)}
    assert {"court_appearance", "remand"} <= types
    entry = next(e for e in chronology(child=w.child, viewer=w.cyjs_worker) if e.event_type == "remand")
    assert entry.agency_kind == "cyjs" and entry.url == f"/remands/{made.pk}/"
    JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT])
    types = {e.event_type for e in chronology(child=w.child, viewer=w.csc_worker)}
    assert "court_appearance" in types and "remand" not in types
    assert not {"court_appearance", "remand"} & {e.event_type for e in chronology(child=w.child, agency_kinds=["csc"])}


# --- Pages ----------------------------------------------------------------------------------------


class TestPages:
    def test_cyjs_records_a_hearing_and_its_remand_outcome_through_the_pages(self, w):
        client = client_for(w.cyjs_worker)
        url = f"/children/{w.child.pk}/court/new/"
        assert client.get(url).status_code == 200
        when = timezone.localtime() - timedelta(hours=2)
        page = client.post(
            url,
            {
                "court": "",
                **date_parts("hearing_date", when.date()),
                "hearing_time": f"{when:%H:%M}",
                "risk_of_remand": "yes",
            },
        )
        assert page.status_code == 200 and "Enter the court" in page.content.decode()
        page = client.post(
            url,
            {
                "court": "Preston Youth Court",
                **date_parts("hearing_date", when.date()),
                "hearing_time": f"{when:%H:%M}",
                "risk_of_remand": "yes",
            },
        )
        appearance = CourtAppearance.objects.get()
        assert page.status_code == 302 and page["Location"] == f"/court/{appearance.pk}/"
        assert appearance.risk_of_remand and notices(w.csc_worker)
        detail = client.get(f"/court/{appearance.pk}/").content.decode()
        assert "Record the outcome" in detail and "Preston Youth Court" in detail
        record = f"/court/{appearance.pk}/outcome/"
        page = client.post(record, {"version": appearance.version, "outcome": "remand_la"})
        assert "Say whether the child was assessed for bail supervision and support" in page.content.decode()
        page = client.post(
            record, {"version": appearance.version, "outcome": "remand_la", "bail_supervision_assessed": "yes"}
        )
        made = Remand.objects.get()
        assert page.status_code == 302 and page["Location"] == f"/remands/{made.pk}/"
        detail = client.get(page["Location"]).content.decode()
        assert "Looked after: remanded to local authority accommodation" in detail
        assert "Placement planning meeting" in detail and "Record the placement planning meeting" in detail
        assert last_log(what="page:remand").outcome == "allowed"

    def test_the_outcome_page_refuses_a_future_hearing(self, w):
        appearance = hearing(w, hours_ago=-24)
        client = client_for(w.cyjs_worker)
        assert (
            "You can record the outcome once the hearing has happened"
            in client.get(f"/court/{appearance.pk}/").content.decode()
        )
        page = client.post(f"/court/{appearance.pk}/outcome/", {"version": appearance.version, "outcome": "dismissed"})
        assert page.status_code == 200 and "once the hearing has happened" in page.content.decode()
        assert "govuk-error-summary" in page.content.decode()

    def test_remand_detail_shows_the_bail_to_reside_reason_and_the_clocks(self, w):
        made = remand(w, Kind.BAIL_TO_RESIDE, authority_decides_placement=True)
        html = client_for(w.cyjs_worker).get(f"/remands/{made.pk}/").content.decode()
        assert "Looked after: bail to reside and the authority decides where the child lives" in html
        assert "Tell the health CLA team, pupil access team and IRO service" in html
        for deadline in Deadline.objects.filter(subject_id=made.pk, rule_code__in=services.REMAND_CLOCKS):
            assert f"{deadline.due_date.day} " in html

    def test_remand_pages_new_edit_end_and_steps(self, w):
        client = client_for(w.cyjs_worker)
        page = client.post(
            f"/children/{w.child.pk}/remands/new/",
            {"kind": "youth_detention", **date_parts("started_on", timezone.localdate())},
        )
        assert "Choose the type of establishment" in page.content.decode()
        page = client.post(
            f"/children/{w.child.pk}/remands/new/",
            {"kind": "youth_detention", **date_parts("started_on", timezone.localdate()), "establishment": "sch"},
        )
        made = Remand.objects.get()
        assert page["Location"] == f"/remands/{made.pk}/"
        assert client.post(f"/remands/{made.pk}/escalate/", {}).status_code == 302
        assert len(notices(w.csc_senior)) == 1
        assert client.post(f"/remands/{made.pk}/leaving-care/", {}).status_code == 302
        when = timezone.localtime() - timedelta(hours=1)
        assert (
            client.post(
                f"/remands/{made.pk}/joint-discussion/",
                {**date_parts("held_date", when.date()), "held_time": f"{when:%H:%M}"},
            ).status_code
            == 302
        )
        made.refresh_from_db()
        assert made.leaving_care_considered and made.joint_discussion_at is not None
        page = client.post(
            f"/remands/{made.pk}/end/",
            {"version": made.version, **date_parts("ended_on", made.started_on - timedelta(days=1))},
        )
        assert page.status_code == 200 and "on or after the date it started" in page.content.decode()
        page = client.post(
            f"/remands/{made.pk}/end/", {"version": made.version - 1, **date_parts("ended_on", timezone.localdate())}
        )
        assert "Someone else changed this record" in page.content.decode()
        page = client.post(
            f"/remands/{made.pk}/end/", {"version": made.version, **date_parts("ended_on", timezone.localdate())}
        )
        assert page.status_code == 302
        made.refresh_from_db()
        assert made.ended_on == timezone.localdate()

    def test_remand_edit_saves_the_placement(self, w):
        made = remand(w)
        client = client_for(w.cyjs_worker)
        assert "regulation 24" in client.get(f"/remands/{made.pk}/edit/").content.decode()
        page = client.post(
            f"/remands/{made.pk}/edit/",
            {"version": made.version, "placement": "foster_care", "task_split": "CSC finds carers"},
        )
        assert page.status_code == 302
        made.refresh_from_db()
        assert made.placement == "foster_care" and made.task_split == "CSC finds carers"

    def test_csc_reads_the_pages_and_records_only_its_own_steps(self, w):
        appearance = hearing(w)
        made = remand(w, appearance=appearance, days_ago=1)
        client = client_for(w.csc_worker)
        detail = client.get(f"/court/{appearance.pk}/")
        assert detail.status_code == 200 and "Record the outcome" not in detail.content.decode()
        html = client.get(f"/remands/{made.pk}/").content.decode()
        assert "End the remand" not in html and "Change where the child lives" not in html
        assert "Record the placement planning meeting" in html and "Record the looked after notifications" in html
        for url in (
            f"/children/{w.child.pk}/court/new/",
            f"/court/{appearance.pk}/outcome/",
            f"/children/{w.child.pk}/remands/new/",
            f"/remands/{made.pk}/edit/",
            f"/remands/{made.pk}/end/",
            f"/remands/{made.pk}/escalate/",
        ):
            assert client.get(url).status_code == 403, url
        assert last_log(what="page:remand-end").outcome == "denied"
        page = client.post(
            f"/remands/{made.pk}/placement-planning-meeting/",
            {**date_parts("held_on", timezone.localdate()), "task_split": "CSC chairs; CYJS bail support"},
        )
        assert page.status_code == 302
        page = client.post(f"/remands/{made.pk}/cla-notifications/", {**date_parts("on", timezone.localdate())})
        assert page.status_code == 302
        assert not Deadline.objects.filter(
            subject_id=made.pk, rule_code__in=services.REMAND_CLOCKS, status__in=Deadline.OPEN_STATUSES
        ).exists()

    def test_a_protocol_without_remand_refuses_csc_the_remand_pages(self, w):
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT])
        appearance = hearing(w)
        made = remand(w, appearance=appearance)
        client = client_for(w.csc_worker)
        assert client.get(f"/remands/{made.pk}/").status_code == 403
        assert last_log(what="page:remand").outcome == "denied"
        assert client.get(f"/remands/{made.pk}/placement-planning-meeting/").status_code == 403
        page = client.get(f"/court/{appearance.pk}/")
        assert page.status_code == 200 and f"/remands/{made.pk}/" not in page.content.decode()

    def test_police_who_see_the_child_get_403_and_strangers_404(self, w):
        appearance = hearing(w)
        made = remand(w)
        police = client_for(police_who_sees(w))
        assert police.get(f"/court/{appearance.pk}/").status_code == 403
        assert police.get(f"/remands/{made.pk}/").status_code == 403
        outsider = client_for(stranger())
        assert outsider.get(f"/court/{appearance.pk}/").status_code in (403, 404)
        restricted = w.child
        restricted.restricted = True
        restricted.save()
        assert outsider.get(f"/court/{appearance.pk}/").status_code == 404
        assert outsider.get(f"/remands/{made.pk}/").status_code == 404


# --- API ------------------------------------------------------------------------------------------


class TestApi:
    def test_court_appearances_create_list_retrieve_and_outcome(self, w):
        api = api_for(w.cyjs_worker)
        when = timezone.now() - timedelta(hours=2)
        response = api.post(
            "/api/v1/court-appearances/",
            {"child": w.child.pk, "hearing_at": when.isoformat(), "court": ""},
            format="json",
        )
        assert response.status_code == 400 and "court" in response.json()
        response = api.post(
            "/api/v1/court-appearances/",
            {"child": w.child.pk, "hearing_at": when.isoformat(), "court": "Preston", "risk_of_remand": True},
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["risk_of_remand"] and body["csc_told_of_remand_risk_at"]
        pk = body["id"]
        assert api.get(f"/api/v1/court-appearances/{pk}/").json()["court"] == "Preston"
        assert [row["id"] for row in api.get("/api/v1/court-appearances/").json()["results"]] == [pk]
        url = f"/api/v1/court-appearances/{pk}/outcome/"
        assert (
            api.post(
                url,
                {"version": body["version"] + 1, "outcome": "adjourned_bss", "bail_supervision_assessed": True},
                format="json",
            ).status_code
            == 409
        )
        response = api.post(url, {"version": body["version"], "outcome": "adjourned_bss"}, format="json")
        assert response.status_code == 400 and "bail_supervision_assessed" in response.json()
        response = api.post(
            url,
            {
                "version": body["version"],
                "outcome": "remand_yda",
                "bail_supervision_assessed": True,
                "establishment": "yoi",
            },
            format="json",
        )
        assert response.status_code == 200 and response.json()["outcome"] == "remand_yda"
        assert Remand.objects.get().establishment == "yoi"
        assert last_log(what="api:court-appearances-outcome").action == "write"

    def test_court_appearance_api_access(self, w):
        appearance = hearing(w)
        csc = api_for(w.csc_worker)
        assert csc.get(f"/api/v1/court-appearances/{appearance.pk}/").status_code == 200
        response = csc.post(
            "/api/v1/court-appearances/",
            {"child": w.child.pk, "hearing_at": timezone.now().isoformat(), "court": "X"},
            format="json",
        )
        assert response.status_code == 403
        outsider = api_for(stranger())
        assert outsider.get(f"/api/v1/court-appearances/{appearance.pk}/").status_code == 404
        assert (
            outsider.post(
                "/api/v1/court-appearances/",
                {"child": w.child.pk, "hearing_at": timezone.now().isoformat(), "court": "X"},
                format="json",
            ).status_code
            == 404
        )
        assert outsider.get("/api/v1/court-appearances/").json()["results"] == []
        police = api_for(police_who_sees(w))
        assert police.get(f"/api/v1/court-appearances/{appearance.pk}/").status_code == 403
        assert police.get("/api/v1/court-appearances/").json()["results"] == []
        assert api_for(w.cyjs_worker).get("/api/v1/court-appearances/999999/").status_code == 404

    def test_remands_api_journey(self, w):
        api = api_for(w.cyjs_worker)
        response = api.post(
            "/api/v1/remands/",
            {"child": w.child.pk, "kind": "youth_detention", "started_on": timezone.localdate().isoformat()},
            format="json",
        )
        assert response.status_code == 400 and "establishment" in response.json()
        response = api.post(
            "/api/v1/remands/",
            {
                "child": w.child.pk,
                "kind": "bail_to_reside",
                "authority_decides_placement": True,
                "started_on": timezone.localdate().isoformat(),
            },
            format="json",
        )
        assert response.status_code == 201
        body = response.json()
        assert body["looked_after"] and body["looked_after_reason"].startswith("Looked after: bail to reside")
        assert {d["rule_code"] for d in body["deadlines"]} == set(services.REMAND_CLOCKS)
        url = f"/api/v1/remands/{body['id']}/"
        assert api.patch(url, {"placement": "home"}, format="json").status_code == 400  # no version
        assert api.patch(url, {"version": body["version"] + 3, "placement": "home"}, format="json").status_code == 409
        response = api.patch(
            url,
            {
                "version": body["version"],
                "placement": "connected_person",
                "task_split": "Roles",
                "joint_discussion_at": (timezone.now() - timedelta(hours=1)).isoformat(),
                "leaving_care_considered": True,
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (
            body["placement"] == "connected_person" and body["joint_discussion_at"] and body["leaving_care_considered"]
        )
        csc = api_for(w.csc_worker)
        response = csc.post(
            f"{url}placement-planning-meeting/",
            {"held_on": timezone.localdate().isoformat(), "task_split": ""},
            format="json",
        )
        assert response.status_code == 400 and "task_split" in response.json()
        response = csc.post(
            f"{url}placement-planning-meeting/",
            {"held_on": timezone.localdate().isoformat(), "task_split": "Agreed"},
            format="json",
        )
        assert response.status_code == 200
        assert (
            csc.post(f"{url}cla-notifications/", {"on": timezone.localdate().isoformat()}, format="json").status_code
            == 200
        )
        assert (
            csc.post(
                f"{url}end/", {"version": body["version"], "ended_on": timezone.localdate().isoformat()}, format="json"
            ).status_code
            == 403
        )
        assert csc.patch(url, {"version": body["version"], "placement": "home"}, format="json").status_code == 403
        assert api.post(f"{url}escalate/").status_code == 400  # not youth detention
        version = api.get(url).json()["version"]
        response = api.post(
            f"{url}end/", {"version": version, "ended_on": timezone.localdate().isoformat()}, format="json"
        )
        assert response.status_code == 200 and response.json()["ended_on"] == timezone.localdate().isoformat()
        response = api.post(
            f"{url}end/",
            {"version": response.json()["version"], "ended_on": timezone.localdate().isoformat()},
            format="json",
        )
        assert response.status_code == 400 and "ended_on" in response.json()

    def test_escalate_through_the_api(self, w):
        made = remand(w, Kind.YOUTH_DETENTION)
        response = api_for(w.cyjs_worker).post(f"/api/v1/remands/{made.pk}/escalate/")
        assert response.status_code == 200 and response.json()["accommodation_only_reason"]
        assert len(notices(w.csc_senior)) == 1 and len(notices(w.cyjs_senior)) == 1
        assert api_for(w.csc_worker).post(f"/api/v1/remands/{made.pk}/escalate/").status_code == 403

    def test_remand_api_access_follows_the_protocol(self, w):
        made = remand(w)
        csc = api_for(w.csc_worker)
        assert csc.get(f"/api/v1/remands/{made.pk}/").status_code == 200
        assert [r["id"] for r in csc.get("/api/v1/remands/").json()["results"]] == [made.pk]
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT, Section.CUSTODY])
        assert csc.get(f"/api/v1/remands/{made.pk}/").status_code == 403
        assert last_log(what="api:remands-detail").outcome == "denied"
        assert csc.get("/api/v1/remands/").json()["results"] == []
        assert (
            csc.post(
                f"/api/v1/remands/{made.pk}/cla-notifications/", {"on": timezone.localdate().isoformat()}, format="json"
            ).status_code
            == 403
        )
        assert api_for(stranger()).get(f"/api/v1/remands/{made.pk}/").status_code == 404
        assert api_for(police_who_sees(w)).get(f"/api/v1/remands/{made.pk}/").status_code == 403

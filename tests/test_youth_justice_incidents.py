"""Serious incidents (seed 000 ¶7 and its appendix L865–1165; domain notes part A P8–P11, forms F3/F4;
seed 003 ¶11): who completes the briefing, the steps in order and by role, the clocks (Lancashire's
1 working day and Somerset's 24 hours for the YJB), the MASH route, the periodic report and its CSV,
the PDF, access by section, the pages, the API and the chronology."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from casework.chronology.selectors import chronology
from casework.incidents import services
from casework.incidents.selectors import Period
from casework.models import SeriousIncident
from casework.services import ConcurrentEditError
from notifications.caches import invalidate_on_change
from notifications.models import Deadline, Notification, TimescaleRule
from referrals.models import Contact
from tests.factories import ChildFactory, grant
from tests.incidents_builders import (
    LANCASHIRE,
    SOMERSET,
    at,
    incidents_world,
    open_to_csc,
    protocol_without_incidents,
    start,
    submitted,
    through_qa,
)
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db

Status = SeriousIncident.Status


@pytest.fixture
def w():
    return incidents_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def open_clock(incident, code):
    return clocks(incident, code, status__in=Deadline.OPEN_STATUSES)


# --- Who completes the briefing (000 ¶7.2–7.3) ------------------------------------------------------------


class TestWhoCompletes:
    def test_known_to_cyjs_only_cyjs_completes(self, w):
        incident = start(w)
        assert incident.known_to == "cyjs_only"
        assert incident.agency == w.cyjs and incident.completed_by == w.cyjs_worker
        assert incident.status == Status.DRAFT
        event = last_log(what="serious-incident:create")
        assert event.child_id == w.child.pk and event.user_id == w.cyjs_worker.pk and event.action == "write"

    def test_known_to_cyjs_only_csc_is_refused(self, w):
        grant(user=w.csc_worker, child=w.child)
        with pytest.raises(ValidationError) as error:
            start(w, by=w.csc_worker)
        assert error.value.message_dict == {"known_to": [services.CYJS_COMPLETES]}

    def test_recently_closed_cyjs_still_counts(self, w):
        """Open or recent (6 months, 000 ¶8.3) CYJS involvement only → CYJS completes."""
        w.cyjs_involvement.end = timezone.localdate() - timedelta(days=30)
        w.cyjs_involvement.save()
        assert start(w).known_to == "cyjs_only"

    def test_known_to_csc_the_social_worker_completes(self, w):
        open_to_csc(w)
        incident = start(w, by=w.csc_worker)
        assert incident.known_to == "csc" and incident.agency == w.csc

    def test_known_to_csc_cyjs_is_refused_and_told_to_talk_to_the_social_worker(self, w):
        open_to_csc(w)
        with pytest.raises(ValidationError) as error:
            start(w)
        assert error.value.message_dict == {
            "known_to": ["The child's social worker completes this: talk to them or their manager"]
        }
        assert not SeriousIncident.objects.exists()

    def test_known_to_neither_both_are_refused(self, w):
        child = ChildFactory()
        open_to_csc(w, child, end=timezone.localdate() - timedelta(days=20))  # closed: CSC may still see the child
        grant(user=w.cyjs_worker, child=child)
        for user in (w.cyjs_worker, w.csc_worker):
            with pytest.raises(ValidationError) as error:
                start(w, by=user, child=child)
            assert error.value.message_dict == {
                "known_to": ["Tell MASH: it leads when the child is known to neither service"]
            }

    def test_known_to_neither_send_to_mash_makes_one_contact(self, w):
        child = ChildFactory()
        grant(user=w.cyjs_worker, child=child)
        contact = services.send_to_mash(
            child=child,
            by=w.cyjs_worker,
            occurred_at=timezone.now() - timedelta(hours=1),
            category="missing_24h",
            summary="Missing since Friday; phone off; seen with older men.",
        )
        assert Contact.objects.count() == 1
        assert contact.child == child and contact.agency == w.mash and contact.referrer_level == 4
        assert contact.categories == ["missing"]
        assert "Missing over 24 hours" in contact.concerns and "seen with older men" in contact.concerns
        assert contact.consent == "not_sought" and contact.consent_reason == services.NO_CONSENT_REASON
        assert last_log(what="serious-incident:send-to-mash").child_id == child.pk

    def test_send_to_mash_when_the_family_could_not_be_contacted_needs_how(self, w):
        """000 L2601: where consent was not obtained, the referral says why (e.g. unable to contact the family)."""
        child = ChildFactory()
        grant(user=w.cyjs_worker, child=child)
        kwargs = dict(
            child=child,
            by=w.cyjs_worker,
            occurred_at=timezone.now() - timedelta(hours=1),
            category="missing_24h",
            summary="Missing since Friday.",
            consent=Contact.Consent.UNCONTACTABLE,
        )
        with pytest.raises(ValidationError) as error:
            services.send_to_mash(**kwargs)
        assert error.value.message_dict == {"consent_reason": ["Say how you tried to contact the family"]}
        contact = services.send_to_mash(**kwargs, consent_reason="Phoned the carer twice; no answer")
        assert (
            contact.consent == Contact.Consent.UNCONTACTABLE
            and contact.consent_reason == "Phoned the carer twice; no answer"
        )

    def test_send_to_mash_refused_when_a_service_knows_the_child(self, w):
        with pytest.raises(ValidationError) as error:
            services.send_to_mash(
                child=w.child, by=w.cyjs_worker, occurred_at=timezone.now(), category="fgm", summary="x"
            )
        assert "known_to" in error.value.message_dict
        assert not Contact.objects.exists()

    def test_police_and_mash_may_not_start(self, w):
        grant(user=w.police, child=w.child)
        grant(user=w.mash_worker, child=w.child)
        for user in (w.police, w.mash_worker):
            with pytest.raises(PermissionDenied):
                start(w, by=user)

    def test_a_child_the_worker_cannot_see_is_refused(self, w):
        with pytest.raises(PermissionDenied):
            start(w, child=ChildFactory())

    def test_fields_are_checked(self, w):
        with pytest.raises(ValidationError) as error:
            start(w, occurred_at=timezone.now() + timedelta(hours=2), category="nonsense", summary=" ")
        assert error.value.message_dict == {
            "occurred_at": ["The incident must have happened already: enter a time today or in the past"],
            "category": ["Choose the reason for the briefing from the list"],
            "summary": ["Write a short outline of the incident"],
        }

    def test_aware_before_the_incident_refused(self, w):
        with pytest.raises(ValidationError) as error:
            start(w, occurred_at=timezone.now() - timedelta(hours=1), aware_at=timezone.now() - timedelta(hours=2))
        assert list(error.value.message_dict) == ["aware_at"]


# --- The clocks ---------------------------------------------------------------------------------------------


class TestClocks:
    def test_briefing_clock_is_due_the_same_day(self, w):
        occurred = timezone.now() - timedelta(hours=3)
        incident = start(w, occurred_at=occurred)
        [clock] = open_clock(incident, services.BRIEFING)
        assert clock.due_date == timezone.localtime(occurred).date()
        assert not open_clock(incident, services.YJB) and not open_clock(incident, services.CSC_TOLD)
        assert not open_clock(incident, services.MAPPA)

    def test_yjb_notifiable_starts_the_yjb_and_csc_clocks(self, w):
        incident = start(w, yjb_notifiable=True)
        assert open_clock(incident, services.YJB).count() == 1
        assert open_clock(incident, services.CSC_TOLD).count() == 1

    def test_csc_completed_incident_has_no_csc_told_clock(self, w):
        open_to_csc(w)
        incident = start(w, by=w.csc_worker, yjb_notifiable=True)
        assert open_clock(incident, services.YJB).get().agency == w.cyjs  # CYJS notifies the YJB (P10)
        assert not open_clock(incident, services.CSC_TOLD)

    def test_open_under_mappa_starts_the_mappa_clock(self, w):
        aware = at(2026, 11, 20, 15)
        incident = start(w, occurred_at=aware - timedelta(hours=1), aware_at=aware, open_under_mappa=True)
        [clock] = open_clock(incident, services.MAPPA)
        assert clock.due_date.isoformat() == "2026-11-25"  # 5 calendar days (L1151)

    def test_lancashire_yjb_notice_is_due_the_same_day_as_the_charge(self):
        """000 L1073: the YJB template is completed the same day."""
        w = incidents_world(la_code=LANCASHIRE)
        charged = at(2026, 11, 20, 15)  # a Friday
        incident = start(
            w,
            occurred_at=charged - timedelta(days=3),
            aware_at=charged - timedelta(days=2),
            charged_at=charged,
            yjb_notifiable=True,
        )
        [clock] = open_clock(incident, services.YJB)
        assert clock.due_date.isoformat() == "2026-11-20" and clock.anchor_at == charged
        assert clock.agency.authority.la_code == LANCASHIRE

    def test_somerset_yjb_notice_is_due_24_hours_after_the_charge(self):
        """003 L235 (somerset-vs-lancashire §1.12): within 24 hours of the charge, not of the incident or of awareness; the rule's
        override for LA 933. One working day from awareness (L226) is later here, so it does not apply."""
        w = incidents_world(la_code=SOMERSET)
        charged = at(2026, 11, 20, 15)
        incident = start(
            w,
            occurred_at=charged - timedelta(days=5),
            aware_at=charged - timedelta(days=4),
            charged_at=charged,
            yjb_notifiable=True,
        )
        [clock] = open_clock(incident, services.YJB)
        assert not open_clock(incident, services.YJB_WORKING_DAY)
        assert clock.due_date is None
        assert timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") == "2026-11-21 15:00"
        [told] = open_clock(incident, services.CSC_TOLD)  # 003 L239: with the notice
        assert told.due_at == clock.due_at

    def test_somerset_the_earlier_of_the_two_clocks_applies(self):
        """003 L226 and L235: one working day from awareness, or 24 hours from the charge, whichever is first.
        With the working-day rule shortened (an authority may change it), it is the earlier and is used."""
        w = incidents_world(la_code=SOMERSET)
        TimescaleRule.objects.filter(code=services.YJB_WORKING_DAY).update(amount=0, unit="calendar_days")
        invalidate_on_change()
        charged = at(2026, 11, 20, 9)
        incident = start(w, occurred_at=charged - timedelta(hours=2), aware_at=charged, yjb_notifiable=True)
        assert not open_clock(incident, services.YJB)
        [clock] = open_clock(incident, services.YJB_WORKING_DAY)
        assert clock.due_date.isoformat() == "2026-11-20"
        services.record_yjb_notified(
            incident=through_qa(w, incident), by=w.cyjs_senior, at=charged + timedelta(hours=1)
        )
        assert clocks(incident, services.YJB_WORKING_DAY).get().status == Deadline.Status.MET

    def test_a_death_counts_from_awareness_with_no_charge(self):
        """003 L235: for the death of a child, from the date the service became aware of it."""
        w = incidents_world(la_code=SOMERSET)
        aware = at(2026, 11, 20, 15)
        incident = start(
            w,
            occurred_at=aware - timedelta(hours=5),
            aware_at=aware,
            category=services.Category.UNEXPLAINED_DEATH,
            yjb_notifiable=True,
            charged_at=None,
        )
        [clock] = open_clock(incident, services.YJB)
        assert clock.anchor_at == aware

    def test_no_charge_recorded_no_yjb_or_mappa_clock_until_it_is(self):
        """The notices count from the charge: recording it later starts them from the charge's time."""
        w = incidents_world(la_code=SOMERSET)
        aware = timezone.now() - timedelta(days=2)
        incident = start(
            w,
            occurred_at=aware - timedelta(hours=1),
            aware_at=aware,
            yjb_notifiable=True,
            open_under_mappa=True,
            charged_at=None,
        )
        assert not open_clock(incident, services.YJB) and not open_clock(incident, services.MAPPA)
        assert not open_clock(incident, services.CSC_TOLD)
        charged = timezone.now() - timedelta(hours=3)
        services.record_charge(incident=incident, by=w.cyjs_worker, at=charged)
        incident.refresh_from_db()
        assert incident.charged_at == charged
        [yjb] = open_clock(incident, services.YJB)
        assert yjb.anchor_at == charged and yjb.due_at == charged + timedelta(hours=24)
        [mappa] = open_clock(incident, services.MAPPA)
        assert mappa.due_date == timezone.localdate(charged) + timedelta(days=5)  # 5 calendar days (L1151)
        assert last_log(what="serious-incident:charge").user_id == w.cyjs_worker.pk

    def test_correcting_the_charge_restarts_its_clocks(self):
        w = incidents_world(la_code=SOMERSET)
        aware = timezone.now() - timedelta(days=3)
        first = aware + timedelta(hours=1)
        incident = start(
            w, occurred_at=aware - timedelta(hours=1), aware_at=aware, open_under_mappa=True, charged_at=first
        )
        corrected = aware + timedelta(days=1)
        services.record_charge(incident=incident, by=w.cyjs_worker, at=corrected)
        [old] = clocks(incident, services.MAPPA, status=Deadline.Status.CANCELLED)
        assert old.anchor_at == first and "corrected" in old.lateness_reason
        [running] = open_clock(incident, services.MAPPA)
        assert running.anchor_at == corrected

    def test_the_charge_is_checked(self, w):
        occurred = timezone.now() - timedelta(hours=5)
        with pytest.raises(ValidationError) as error:
            start(w, occurred_at=occurred, yjb_notifiable=True, charged_at=occurred - timedelta(minutes=1))
        assert list(error.value.message_dict) == ["charged_at"]
        incident = start(w, occurred_at=occurred, yjb_notifiable=True, charged_at=None)
        with pytest.raises(ValidationError) as error:
            services.record_charge(incident=incident, by=w.cyjs_worker, at=timezone.now() + timedelta(hours=1))
        assert "today or in the past" in error.value.message_dict["charged_at"][0]
        with pytest.raises(ValidationError) as error:
            services.record_charge(incident=start(w), by=w.cyjs_worker, at=timezone.now())
        assert list(error.value.message_dict) == ["charged_at"]  # neither YJB nor MAPPA: no charge to record

    def test_death_or_harm_through_abuse_starts_the_national_panel_notice(self, w):
        """000 L1005–1019: the local authority notifies the panel within 5 working days of becoming aware."""
        aware = at(2026, 11, 20, 15)  # a Friday
        incident = start(
            w,
            occurred_at=aware - timedelta(hours=1),
            aware_at=aware,
            category=services.Category.DEATH_OR_SERIOUS_HARM_ABUSE,
        )
        [clock] = open_clock(incident, services.PANEL)
        assert clock.due_date.isoformat() == "2026-11-27" and clock.agency == w.cyjs
        assert not open_clock(start(w), services.PANEL)  # an assault with no abuse or neglect: not notifiable
        with pytest.raises(PermissionDenied):
            services.record_panel_notified(incident=incident, by=w.cyjs_manager, at=timezone.now())
        services.record_panel_notified(incident=incident, by=w.cyjs_senior, at=aware + timedelta(days=1))
        assert clocks(incident, services.PANEL).get().status == Deadline.Status.MET

    def test_submit_stops_the_briefing_clock(self, w):
        incident = submitted(w, start(w))
        [clock] = clocks(incident, services.BRIEFING)
        assert clock.status == Deadline.Status.MET and clock.met_at == incident.submitted_at

    def test_yjb_notified_stops_its_clock(self, w):
        incident = through_qa(w, start(w, yjb_notifiable=True))
        sent = timezone.now() - timedelta(minutes=10)
        services.record_yjb_notified(incident=incident, by=w.cyjs_senior, at=sent)
        incident.refresh_from_db()
        assert incident.yjb_notified_at == sent
        [clock] = clocks(incident, services.YJB)
        assert clock.status == Deadline.Status.MET and clock.met_at == sent
        assert last_log(what="serious-incident:yjb-notified").user_id == w.cyjs_senior.pk

    def test_csc_told_stops_its_clock(self, w):
        incident = start(w, yjb_notifiable=True)
        services.record_csc_told(incident=incident, by=w.cyjs_worker, at=timezone.now())
        assert clocks(incident, services.CSC_TOLD).get().status == Deadline.Status.MET

    def test_mappa_notified_stops_its_clock(self, w):
        incident = through_qa(w, start(w, open_under_mappa=True))
        services.record_mappa_notified(incident=incident, by=w.cyjs_manager, at=timezone.now())
        assert clocks(incident, services.MAPPA).get().status == Deadline.Status.MET


# --- The steps, in order and by role (P8 steps 1–5) -------------------------------------------------------------


class TestSteps:
    def test_the_whole_route(self, w):
        incident = start(w, open_under_mappa=True, yjb_notifiable=True)
        services.verify_criteria(incident=incident, by=w.cyjs_manager)
        incident.refresh_from_db()
        assert incident.status == Status.VERIFIED and incident.verified_by == w.cyjs_manager and incident.verified_at
        services.quality_assure(incident=incident, by=w.cyjs_senior)
        incident.refresh_from_db()
        assert incident.status == Status.QUALITY_ASSURED and incident.quality_assured_by == w.cyjs_senior
        done = services.submit_incident(incident=incident, by=w.cyjs_head)
        incident.refresh_from_db()
        assert incident.status == Status.SUBMITTED and incident.submitted_by == w.cyjs_head
        # The service's head of service and senior managers are told (L975), not the submitter.
        assert done.told == [w.cyjs_senior]
        [notice] = Notification.objects.filter(recipient=w.cyjs_senior, subject__icontains="serious incident")
        assert "MAPPA coordinator" in notice.body and "Youth Justice Board" in notice.body
        assert notice.link == f"/serious-incidents/{incident.pk}/"
        assert not Notification.objects.filter(recipient=w.cyjs_head, subject__icontains="serious incident").exists()
        assert not Notification.objects.filter(recipient=w.csc_senior).exists()
        whats = list(
            AccessEvent.objects.filter(child=w.child, action="write").order_by("id").values_list("what", flat=True)
        )
        assert whats[-4:] == [
            "serious-incident:create",
            "serious-incident:verify",
            "serious-incident:quality-assure",
            "serious-incident:submit",
        ]

    def test_verify_only_by_a_team_manager_of_the_completing_service(self, w):
        incident = start(w)
        for user in (w.cyjs_worker, w.cyjs_senior):
            with pytest.raises(PermissionDenied):
                services.verify_criteria(incident=incident, by=user)
        grant(user=w.csc_manager, child=w.child)
        with pytest.raises(PermissionDenied):
            services.verify_criteria(incident=incident, by=w.csc_manager)

    def test_verify_twice_refused(self, w):
        incident = start(w)
        services.verify_criteria(incident=incident, by=w.cyjs_manager)
        with pytest.raises(ValidationError) as error:
            services.verify_criteria(incident=incident, by=w.cyjs_manager)
        assert error.value.message_dict["status"][0].startswith("The criteria were already checked on")

    def test_quality_assurance_before_verification_refused(self, w):
        incident = start(w)
        with pytest.raises(ValidationError) as error:
            services.quality_assure(incident=incident, by=w.cyjs_senior)
        assert error.value.message_dict == {"status": ["The team manager must check the criteria first"]}

    def test_quality_assurance_not_by_the_completer(self, w):
        incident = start(w, by=w.cyjs_manager)
        services.verify_criteria(incident=incident, by=w.cyjs_manager)
        with pytest.raises(PermissionDenied):
            services.quality_assure(incident=incident, by=w.cyjs_manager)
        with pytest.raises(PermissionDenied):
            services.quality_assure(incident=incident, by=w.cyjs_worker)  # a practitioner
        services.quality_assure(incident=incident, by=w.cyjs_senior)

    def test_submit_before_quality_assurance_refused(self, w):
        incident = start(w)
        services.verify_criteria(incident=incident, by=w.cyjs_manager)
        with pytest.raises(ValidationError) as error:
            services.submit_incident(incident=incident, by=w.cyjs_head)
        assert error.value.message_dict == {"status": ["The briefing must be quality assured before it is submitted"]}

    def test_submit_only_by_a_senior_manager_or_head_of_service(self, w):
        incident = through_qa(w, start(w))
        with pytest.raises(PermissionDenied):
            services.submit_incident(incident=incident, by=w.cyjs_manager)
        services.submit_incident(incident=incident, by=w.cyjs_senior)
        with pytest.raises(ValidationError):
            services.submit_incident(incident=incident, by=w.cyjs_head)

    def test_csc_completed_route_by_csc_managers(self, w):
        open_to_csc(w)
        incident = start(w, by=w.csc_worker)
        with pytest.raises(PermissionDenied):
            services.verify_criteria(incident=incident, by=w.cyjs_manager)
        services.verify_criteria(incident=incident, by=w.csc_manager)
        services.quality_assure(incident=incident, by=w.csc_senior)
        done = services.submit_incident(incident=incident, by=w.csc_senior)
        assert done.told == [w.csc_head]

    def test_yjb_notified_refusals(self, w):
        plain = through_qa(w, start(w))
        with pytest.raises(ValidationError) as error:
            services.record_yjb_notified(incident=plain, by=w.cyjs_senior, at=timezone.now())
        assert error.value.message_dict == {
            "yjb_notified_at": ["This incident does not meet the Youth Justice Board's criteria"]
        }
        notifiable = start(w, yjb_notifiable=True)
        with pytest.raises(ValidationError) as error:
            services.record_yjb_notified(incident=notifiable, by=w.cyjs_senior, at=timezone.now())
        assert "quality assured" in error.value.message_dict["yjb_notified_at"][0]
        through_qa(w, notifiable)
        with pytest.raises(PermissionDenied):
            services.record_yjb_notified(incident=notifiable, by=w.cyjs_worker, at=timezone.now())
        with pytest.raises(ValidationError) as error:
            services.record_yjb_notified(incident=notifiable, by=w.cyjs_senior, at=timezone.now() - timedelta(days=2))
        assert "before the service became aware" in error.value.message_dict["yjb_notified_at"][0]

    def test_csc_told_refused_when_csc_completed_it(self, w):
        open_to_csc(w)
        incident = start(w, by=w.csc_worker)
        with pytest.raises(ValidationError) as error:
            services.record_csc_told(incident=incident, by=w.cyjs_worker, at=timezone.now())
        assert error.value.message_dict == {
            "csc_told_at": ["Children's social care completed this briefing, so it already knows"]
        }

    def test_mappa_refused_when_not_open_under_mappa(self, w):
        incident = through_qa(w, start(w))
        with pytest.raises(ValidationError) as error:
            services.record_mappa_notified(incident=incident, by=w.cyjs_manager, at=timezone.now())
        assert "mappa_notified_at" in error.value.message_dict

    def test_learning_with_version(self, w):
        incident = start(w)
        services.record_learning(
            incident=incident,
            by=w.cyjs_manager,
            expected_version=incident.version,
            immediate_actions="Strategy discussion held.",
            learning="Case audit by the end of the month.",
        )
        incident.refresh_from_db()
        assert incident.learning == "Case audit by the end of the month." and incident.version == 2
        with pytest.raises(ConcurrentEditError):
            services.record_learning(
                incident=incident, by=w.cyjs_manager, expected_version=1, immediate_actions="", learning=""
            )
        grant(user=w.csc_worker, child=w.child)
        with pytest.raises(PermissionDenied):
            services.record_learning(
                incident=incident, by=w.csc_worker, expected_version=2, immediate_actions="", learning="x"
            )


# --- The report and its CSV (000 L989, L1001, L1123) ---------------------------------------------------------------


@pytest.fixture
def reported(w):
    """Four incidents in 2026: January (2), March (1), April (1); one in another authority."""
    made = [
        start(w, occurred_at=at(2026, 1, 10), aware_at=at(2026, 1, 10, 12), category="assaulted"),
        start(
            w, occurred_at=at(2026, 2, 27), aware_at=at(2026, 2, 27, 12), category="missing_24h", yjb_notifiable=True
        ),
        start(
            w,
            occurred_at=at(2026, 3, 31, 23, 30),
            aware_at=at(2026, 4, 1, 8),
            category="assaulted",
            open_under_mappa=True,
        ),
        start(w, occurred_at=at(2026, 4, 1, 0, 30), aware_at=at(2026, 4, 1, 8), category="fgm"),
    ]
    other = incidents_world()
    start(other, occurred_at=at(2026, 1, 12), aware_at=at(2026, 1, 12, 12))
    return made


class TestReport:
    def test_quarter_lists_and_counts(self, w, reported):
        response = client_for(w.cyjs_manager).get("/serious-incidents/report/?period=q1&year=2026")
        assert response.status_code == 200
        rows = response.context["rows"]
        assert [row.pk for row in rows] == [i.pk for i in reported[:3]]
        counts = response.context["counts"]
        assert counts.total == 3
        assert counts.by_category == [
            ("Seriously harmed after a violent or sexual assault", 2),
            ("Missing over 24 hours with significant welfare concerns", 1),
        ]
        assert counts.yjb_notifiable == 1 and counts.open_under_mappa == 1
        assert counts.by_known_to == [("Known to CYJS only", 3)] and counts.submitted == 0
        assert "January to March 2026" in response.content.decode()
        event = last_log(what="page:serious-incident-report")
        assert event.action == "search" and event.detail.endswith(f"returned: {w.child.pk}")

    def test_two_month_periods(self, w, reported):
        client = client_for(w.cyjs_senior)
        first = client.get("/serious-incidents/report/?period=b1&year=2026").context
        assert first["counts"].total == 2 and first["period"].label == "January and February 2026"
        second = client.get("/serious-incidents/report/?period=b2&year=2026").context
        assert [row.pk for row in second["rows"]] == [reported[2].pk, reported[3].pk]
        assert second["counts"].total == 2  # 31 March and 1 April
        assert second["counts"].by_category == [
            ("Female genital mutilation", 1),
            ("Seriously harmed after a violent or sexual assault", 1),
        ]

    def test_default_is_the_current_two_months(self, w):
        response = client_for(w.cyjs_manager).get("/serious-incidents/report/")
        assert response.context["period"] == Period.current()

    def test_csv(self, w, reported):
        response = client_for(w.cyjs_manager).get("/serious-incidents/report.csv?period=q1&year=2026")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert 'filename="serious-incidents-2026-q1.csv"' in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:4] == ["Incident", "Child record", "Child", "Happened"]
        assert len(rows) == 4
        assert rows[1][:8] == [
            str(reported[0].pk),
            str(w.child.pk),
            "Jordan Examplechild",
            "2026-01-10 10:00",
            "2026-01-10 12:00",
            "Seriously harmed after a violent or sexual assault",
            "Known to CYJS only: CYJS completes it",
            "Being written",
        ]
        assert rows[2][13] == "Yes" and rows[3][16] == "Yes"
        assert last_log(what="csv:serious-incident-report").detail.endswith(f"returned: {w.child.pk}")

    def test_bad_period_shows_an_error(self, w):
        response = client_for(w.cyjs_manager).get("/serious-incidents/report/?period=q9&year=")
        assert response.status_code == 200 and response.context["period"] is None
        assert "Enter the year" in response.content.decode()

    def test_practitioners_police_and_mash_may_not_see_it(self, w):
        for user in (w.cyjs_worker, w.police, w.mash_manager):
            assert client_for(user).get("/serious-incidents/report/").status_code == 403
            assert client_for(user).get("/serious-incidents/report.csv?period=q1&year=2026").status_code == 403

    def test_csc_manager_sees_only_children_they_may_see(self, w, reported):
        response = client_for(w.csc_manager).get("/serious-incidents/report/?period=q1&year=2026")
        assert response.status_code == 200 and response.context["counts"].total == 0
        open_to_csc(w)
        assert (
            client_for(w.csc_manager).get("/serious-incidents/report/?period=q1&year=2026").context["counts"].total == 3
        )

    def test_csc_manager_refused_where_the_protocol_does_not_share_incidents(self, w):
        protocol_without_incidents(w.authority)
        assert client_for(w.csc_manager).get("/serious-incidents/report/").status_code == 403


# --- The PDF --------------------------------------------------------------------------------------------------


class TestPdf:
    def test_pdf_is_printed_and_logged(self, w):
        incident = submitted(w, start(w, yjb_notifiable=True))
        response = client_for(w.cyjs_manager).get(f"/serious-incidents/{incident.pk}/notification.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Cache-Control"] == "no-store"
        event = last_log(what="pdf:serious-incident")
        assert event.child_id == w.child.pk and event.outcome == "allowed"

    def test_pdf_refused_for_csc_without_the_section(self, w):
        incident = start(w)
        protocol_without_incidents(w.authority)
        open_to_csc(w)
        assert client_for(w.csc_worker).get(f"/serious-incidents/{incident.pk}/notification.pdf").status_code == 403
        assert last_log(what="pdf:serious-incident").outcome == "denied"


# --- Access to the pages ---------------------------------------------------------------------------------


class TestPageAccess:
    def test_cyjs_reads_the_detail_and_the_read_is_logged(self, w):
        incident = start(w, yjb_notifiable=True)
        response = client_for(w.cyjs_worker).get(f"/serious-incidents/{incident.pk}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Seriously harmed after a violent or sexual assault" in body
        assert "Notify the Youth Justice Board" in body and "Send the briefing (the same day)" in body
        assert last_log(what="page:serious-incident").user_id == w.cyjs_worker.pk

    def test_csc_reads_for_a_visible_child_by_default(self, w):
        incident = start(w)
        open_to_csc(w, end=timezone.localdate())  # closed today: still visible, not "known to CSC" now
        assert client_for(w.csc_worker).get(f"/serious-incidents/{incident.pk}/").status_code == 200

    def test_csc_gets_403_where_the_protocol_does_not_share(self, w):
        incident = start(w)
        grant(user=w.csc_worker, child=w.child)
        protocol_without_incidents(w.authority)
        assert client_for(w.csc_worker).get(f"/serious-incidents/{incident.pk}/").status_code == 403
        assert last_log(what="page:serious-incident").outcome == "denied"

    def test_police_who_see_the_child_get_403_and_others_404_or_no_access(self, w):
        incident = start(w)
        assert client_for(w.police).get(f"/serious-incidents/{incident.pk}/").status_code in (403, 404)
        grant(user=w.police, child=w.child)
        assert client_for(w.police).get(f"/serious-incidents/{incident.pk}/").status_code == 403

    def test_restricted_child_is_not_found(self, w):
        incident = start(w)
        w.child.restricted = True
        w.child.save()
        assert client_for(w.csc_worker).get(f"/serious-incidents/{incident.pk}/").status_code == 404

    def test_missing_incident_404(self, w):
        assert client_for(w.cyjs_worker).get("/serious-incidents/999999/").status_code == 404


# --- The pages ----------------------------------------------------------------------------------------------


def start_post(**overrides):
    occurred = timezone.localtime() - timedelta(hours=3)
    data = {
        "form": "start",
        **date_parts("occurred_date", occurred.date()),
        "occurred_time": f"{occurred:%H:%M}",
        **date_parts("aware_date", occurred.date()),
        "aware_time": f"{occurred:%H:%M}",
        "category": "serious_offence",
        "summary": "Charged with GBH (section 18) after a fight at a party.",
        "immediate_actions": "Strategy discussion requested.",
        "yjb_notifiable": "yes",
        "open_under_mappa": "no",
    }
    data.update(overrides)
    return data


class TestPages:
    def test_new_page_prefills_and_starts(self, w):
        client = client_for(w.cyjs_worker)
        page = client.get(f"/children/{w.child.pk}/serious-incidents/new/")
        assert page.status_code == 200 and page.context["start_form"] is not None
        assert page.context["start_form"].initial["occurred_date"] == timezone.localdate()
        response = client.post(f"/children/{w.child.pk}/serious-incidents/new/", start_post())
        incident = SeriousIncident.objects.get()
        assert response.status_code == 302 and response.url == f"/serious-incidents/{incident.pk}/"
        assert incident.yjb_notifiable and incident.immediate_actions == "Strategy discussion requested."

    def test_a_charge_given_on_the_new_page_starts_the_yjb_notice_from_it(self, w):
        charged = (timezone.localtime() - timedelta(hours=1)).replace(second=0, microsecond=0)
        post = start_post(**date_parts("charged_date", charged.date()), charged_time=f"{charged:%H:%M}")
        client_for(w.cyjs_worker).post(f"/children/{w.child.pk}/serious-incidents/new/", post)
        incident = SeriousIncident.objects.get()
        assert incident.charged_at == charged
        assert open_clock(incident, services.YJB).get().anchor_at == charged

    def test_a_charge_with_no_time_or_before_the_incident_is_refused_on_the_page(self, w):
        client = client_for(w.cyjs_worker)
        url = f"/children/{w.child.pk}/serious-incidents/new/"
        response = client.post(url, start_post(**date_parts("charged_date", timezone.localdate())))
        assert "Enter the time the child was charged" in response.content.decode()
        before = timezone.localtime() - timedelta(days=3)
        response = client.post(
            url, start_post(**date_parts("charged_date", before.date()), charged_time=f"{before:%H:%M}")
        )
        assert response.status_code == 200 and "charged_date" in response.context["start_form"].errors
        assert not SeriousIncident.objects.exists()

    def test_new_page_shows_errors(self, w):
        response = client_for(w.cyjs_worker).post(
            f"/children/{w.child.pk}/serious-incidents/new/", start_post(summary="", category="")
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "There is a problem" in body and "Write a short outline of the incident" in body
        assert not SeriousIncident.objects.exists()

    def test_new_page_for_a_child_known_to_csc_tells_cyjs_to_talk_to_the_social_worker(self, w):
        open_to_csc(w)
        response = client_for(w.cyjs_worker).get(f"/children/{w.child.pk}/serious-incidents/new/")
        assert response.status_code == 200 and response.context["start_form"] is None
        assert "The child&#x27;s social worker completes this" in response.content.decode()

    def test_new_page_for_a_child_known_to_neither_offers_the_mash_contact(self, w):
        child = ChildFactory()
        grant(user=w.cyjs_worker, child=child)
        client = client_for(w.cyjs_worker)
        page = client.get(f"/children/{child.pk}/serious-incidents/new/")
        assert page.context["mash_form"] is not None and "Tell MASH" in page.content.decode()
        occurred = timezone.localtime() - timedelta(hours=1)
        response = client.post(
            f"/children/{child.pk}/serious-incidents/new/",
            {
                "form": "mash",
                **date_parts("mash-occurred_date", occurred.date()),
                "mash-occurred_time": f"{occurred:%H:%M}",
                "mash-category": "assaulted",
                "mash-summary": "Assaulted at the bus station.",
                "mash-consent": "given",
            },
        )
        assert response.status_code == 302
        contact = Contact.objects.get()
        assert contact.child == child and contact.consent == "given"

    def test_police_and_mash_may_not_open_the_new_page(self, w):
        grant(user=w.police, child=w.child)
        assert client_for(w.police).get(f"/children/{w.child.pk}/serious-incidents/new/").status_code == 403

    def test_steps_through_the_pages(self, w):
        incident = start(w, yjb_notifiable=True)
        manager = client_for(w.cyjs_manager)
        assert "The criteria are met" in manager.get(f"/serious-incidents/{incident.pk}/").content.decode()
        assert manager.post(f"/serious-incidents/{incident.pk}/verify/").status_code == 302
        # A practitioner is offered no step they may not take.
        worker_page = client_for(w.cyjs_worker).get(f"/serious-incidents/{incident.pk}/").content.decode()
        assert "Quality assured</button>" not in worker_page
        assert client_for(w.cyjs_senior).post(f"/serious-incidents/{incident.pk}/quality-assure/").status_code == 302
        assert client_for(w.cyjs_head).post(f"/serious-incidents/{incident.pk}/submit/").status_code == 302
        sent = timezone.localtime() - timedelta(minutes=5)
        response = client_for(w.cyjs_senior).post(
            f"/serious-incidents/{incident.pk}/yjb-notified/",
            {
                **date_parts("yjb-at_date", sent.date()),
                "yjb-at_time": f"{sent:%H:%M}",
            },
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == Status.SUBMITTED and incident.yjb_notified_at is not None

    def test_the_charge_is_recorded_on_the_page(self, w):
        incident = start(w, yjb_notifiable=True, charged_at=None)
        page = client_for(w.cyjs_worker).get(f"/serious-incidents/{incident.pk}/")
        assert "When the child was charged" in page.content.decode() and "Not recorded yet" in page.content.decode()
        charged = timezone.localtime(max(timezone.now() - timedelta(hours=2), incident.aware_at))
        response = client_for(w.cyjs_worker).post(
            f"/serious-incidents/{incident.pk}/charged/",
            {**date_parts("charged-at_date", charged.date()), "charged-at_time": f"{charged:%H:%M}"},
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.charged_at is not None and open_clock(incident, services.YJB).exists()

    def test_a_step_out_of_turn_is_403(self, w):
        incident = start(w)
        assert client_for(w.cyjs_head).post(f"/serious-incidents/{incident.pk}/submit/").status_code == 403

    def test_a_step_with_a_bad_time_shows_the_error(self, w):
        incident = start(w)
        response = client_for(w.cyjs_worker).post(
            f"/serious-incidents/{incident.pk}/csc-told/",
            {
                **date_parts("csc-at_date", timezone.localdate() - timedelta(days=3)),
                "csc-at_time": "09:00",
            },
        )
        assert response.status_code == 200
        assert "This cannot be before the service became aware" in response.content.decode()

    def test_learning_with_a_stale_version_shows_the_error(self, w):
        incident = start(w)
        response = client_for(w.cyjs_manager).post(
            f"/serious-incidents/{incident.pk}/learning/",
            {
                "learning-version": "7",
                "learning-immediate_actions": "x",
                "learning-learning": "y",
            },
        )
        assert response.status_code == 200 and "Someone else changed this" in response.content.decode()


# --- The API ---------------------------------------------------------------------------------------------------


class TestApi:
    def body(self, w, child=None, **overrides):
        now = timezone.now()
        data = {
            "child": (child or w.child).pk,
            "occurred_at": (now - timedelta(hours=3)).isoformat(),
            "aware_at": (now - timedelta(hours=2)).isoformat(),
            "category": "serious_offence",
            "summary": "Charged with rape.",
            "yjb_notifiable": True,
        }
        data.update(overrides)
        return data

    def test_create_and_steps(self, w):
        response = api_for(w.cyjs_worker).post("/api/v1/serious-incidents/", self.body(w), format="json")
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        assert response.json()["known_to"] == "cyjs_only"
        assert api_for(w.cyjs_manager).post(f"/api/v1/serious-incidents/{pk}/verify/").json()["status"] == "verified"
        assert (
            api_for(w.cyjs_senior).post(f"/api/v1/serious-incidents/{pk}/quality-assure/").json()["status"]
            == "quality_assured"
        )
        assert api_for(w.cyjs_head).post(f"/api/v1/serious-incidents/{pk}/submit/").json()["status"] == "submitted"
        now = timezone.now().isoformat()
        assert (
            api_for(w.cyjs_senior)
            .post(f"/api/v1/serious-incidents/{pk}/yjb-notified/", {"at": now}, format="json")
            .json()["yjb_notified_at"]
        )
        assert (
            api_for(w.cyjs_worker)
            .post(f"/api/v1/serious-incidents/{pk}/csc-told/", {"at": now}, format="json")
            .json()["csc_told_at"]
        )
        assert last_log(what="api:serious-incidents-csc-told").action == "write"

    def test_create_400_with_field_errors(self, w):
        open_to_csc(w)
        response = api_for(w.cyjs_worker).post("/api/v1/serious-incidents/", self.body(w), format="json")
        assert response.status_code == 400
        assert response.json() == {"known_to": [services.SOCIAL_WORKER_COMPLETES]}
        response = api_for(w.csc_worker).post("/api/v1/serious-incidents/", self.body(w, summary=""), format="json")
        assert response.status_code == 400 and "summary" in response.json()

    def test_step_out_of_order_400_and_wrong_role_403(self, w):
        incident = start(w)
        response = api_for(w.cyjs_senior).post(f"/api/v1/serious-incidents/{incident.pk}/quality-assure/")
        assert response.status_code == 400 and response.json() == {
            "status": ["The team manager must check the criteria first"]
        }
        assert api_for(w.cyjs_worker).post(f"/api/v1/serious-incidents/{incident.pk}/verify/").status_code == 403

    def test_the_charge_through_the_api_starts_the_mappa_clock(self, w):
        incident = start(w, open_under_mappa=True, charged_at=None)
        charged = max(timezone.now() - timedelta(hours=1), incident.aware_at)
        response = api_for(w.cyjs_worker).post(
            f"/api/v1/serious-incidents/{incident.pk}/charged/", {"at": charged.isoformat()}, format="json"
        )
        assert response.status_code == 200 and response.json()["charged_at"]
        assert open_clock(incident, services.MAPPA).get().anchor_at == charged
        future = (timezone.now() + timedelta(days=1)).isoformat()
        refused = api_for(w.cyjs_worker).post(
            f"/api/v1/serious-incidents/{incident.pk}/charged/", {"at": future}, format="json"
        )
        assert refused.status_code == 400 and "charged_at" in refused.json()

    def test_mappa_notified(self, w):
        incident = through_qa(w, start(w, open_under_mappa=True))
        response = api_for(w.cyjs_manager).post(
            f"/api/v1/serious-incidents/{incident.pk}/mappa-notified/",
            {"at": timezone.now().isoformat()},
            format="json",
        )
        assert response.status_code == 200 and response.json()["mappa_notified_at"]
        again = api_for(w.cyjs_manager).post(
            f"/api/v1/serious-incidents/{incident.pk}/mappa-notified/",
            {"at": timezone.now().isoformat()},
            format="json",
        )
        assert again.status_code == 400

    def test_learning_409_on_a_stale_version(self, w):
        incident = start(w)
        response = api_for(w.cyjs_manager).post(
            f"/api/v1/serious-incidents/{incident.pk}/learning/",
            {"version": 9, "immediate_actions": "a", "learning": "b"},
            format="json",
        )
        assert response.status_code == 409 and "version" in response.json()

    def test_invisible_child_404_and_police_403(self, w):
        incident = start(w)
        assert api_for(w.police).get(f"/api/v1/serious-incidents/{incident.pk}/").status_code == 404
        grant(user=w.police, child=w.child)
        assert api_for(w.police).get(f"/api/v1/serious-incidents/{incident.pk}/").status_code == 403
        stranger = ChildFactory()
        assert (
            api_for(w.cyjs_worker)
            .post("/api/v1/serious-incidents/", self.body(w, child=stranger), format="json")
            .status_code
            == 404
        )

    def test_csc_403_where_not_shared_and_list_empty(self, w):
        incident = start(w)
        open_to_csc(w, end=timezone.localdate())
        assert api_for(w.csc_worker).get(f"/api/v1/serious-incidents/{incident.pk}/").status_code == 200
        assert api_for(w.csc_worker).get("/api/v1/serious-incidents/").json()["count"] == 1
        protocol_without_incidents(w.authority)
        assert api_for(w.csc_worker).get(f"/api/v1/serious-incidents/{incident.pk}/").status_code == 403
        assert api_for(w.csc_worker).get("/api/v1/serious-incidents/").json()["count"] == 0

    def test_list_only_visible_children_and_logged(self, w):
        start(w)
        other = incidents_world()
        start(other)
        response = api_for(w.cyjs_worker).get("/api/v1/serious-incidents/")
        assert response.status_code == 200 and response.json()["count"] == 1
        assert last_log(what="api:serious-incidents-list").detail.endswith(f"returned: {w.child.pk}")
        assert api_for(w.police).get("/api/v1/serious-incidents/").json()["count"] == 0


# --- The chronology ---------------------------------------------------------------------------------------------


class TestChronology:
    def test_entries_for_readers_of_the_section_only(self, w):
        incident = submitted(w, start(w))
        entries = [e for e in chronology(child=w.child, viewer=w.cyjs_worker) if e.event_type == "serious_incident"]
        assert [e.title for e in entries] == [
            "Serious incident briefing submitted",
            "Serious incident: Seriously harmed after a violent or sexual assault",
        ]
        assert [
            e.title for e in chronology(child=w.child, agency_kinds=["csc"]) if e.event_type == "serious_incident"
        ] == []
        assert all(e.agency_kind == "cyjs" and e.pk == incident.pk for e in entries)
        grant(user=w.csc_worker, child=w.child)
        protocol_without_incidents(w.authority)
        assert not [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "serious_incident"]

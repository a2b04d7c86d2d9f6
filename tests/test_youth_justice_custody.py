"""Police custody, the appropriate adult's form and PACE accommodation (seed 000 ¶10–12; AA screening
guidance L2489–2633; PACE bed procedures PB1–PB6; somerset-vs-lancashire §1.4): the services as the pages and the API
call them, the notices, the per-authority differences, access by section, the pages, the API and the
chronology."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from casework.chronology.selectors import chronology
from casework.custody import services
from casework.models import AppropriateAdultScreening, CustodyEpisode, Involvement
from casework.services import ConcurrentEditError
from notifications.clocks import open_deadlines
from notifications.models import Notification
from referrals.models import Contact
from tests.custody_builders import (
    at,
    custody_world,
    episode,
    open_to_csc,
    pace_request,
    received,
    screen,
    somerset_protocol,
)
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, grant
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return custody_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def notices(user, subject_part=""):
    return list(Notification.objects.filter(recipient=user, subject__icontains=subject_part))


# --- Custody episodes (000 ¶10–11) -------------------------------------------------------------------


class TestRecordCustody:
    def test_records_for_the_cyjs_agency_and_logs_the_write(self, w):
        custody = episode(w)
        assert custody.agency == w.cyjs and custody.created_by == w.duty
        assert custody.warnings == []
        event = last_log(what="custody:create")
        assert event.child_id == w.child.pk and event.user_id == w.duty.pk and event.action == "write"

    def test_arrest_in_the_future_refused(self, w):
        with pytest.raises(ValidationError) as error:
            episode(w, arrested_at=timezone.now() + timedelta(hours=2))
        assert error.value.message_dict["arrested_at"] == [
            "The arrest must have happened already: enter a time today or in the past"
        ]
        assert not CustodyEpisode.objects.exists()

    def test_arrest_time_and_custody_suite_required(self, w):
        with pytest.raises(ValidationError) as error:
            episode(w, arrested_at=None, custody_suite="  ")
        assert error.value.message_dict == {
            "arrested_at": ["Enter when the child was arrested"],
            "custody_suite": ["Enter the police station or custody suite"],
        }

    def test_no_appropriate_adult_for_a_child_warns_but_records(self, w):
        custody = episode(w, appropriate_adult="none", appropriate_adult_name="")
        assert CustodyEpisode.objects.filter(pk=custody.pk).exists()
        assert custody.warnings == [
            "No appropriate adult is recorded. Every child under 18 in police custody must have one"
        ]

    def test_no_appropriate_adult_for_a_looked_after_child_warns_twice(self, w):
        """000 ¶11.1: an appropriate adult always attends for a looked-after child."""
        open_to_csc(w, kind=Involvement.Kind.CLA)
        custody = episode(w, appropriate_adult="none")
        assert custody.warnings[0].startswith("This child is looked after: an appropriate adult always attends")
        assert len(custody.warnings) == 2

    def test_no_warning_for_an_adult(self, w):
        w.child.date_of_birth = timezone.localdate() - timedelta(days=19 * 365)
        w.child.save()
        assert episode(w, appropriate_adult="none").warnings == []

    def test_csc_may_not_record(self, w):
        open_to_csc(w)
        with pytest.raises(PermissionDenied):
            episode(w, by=w.csc_worker)

    def test_a_child_the_worker_cannot_see_is_refused(self, w):
        stranger = ChildFactory()
        with pytest.raises(PermissionDenied):
            episode(w, child=stranger)

    def test_strip_search_tells_the_cyjs_senior_managers_only(self, w):
        """L2503: all strip-search forms go to the CYJS senior managers."""
        custody = episode(w, strip_searched=True)
        assert set(custody.told) == {w.cyjs_senior, w.cyjs_head}
        for manager in (w.cyjs_senior, w.cyjs_head):
            [notice] = notices(manager, "strip-searched")
            assert notice.link == f"/custody/{custody.pk}/"
        assert not notices(w.cyjs_manager, "strip-searched")
        assert not notices(w.senior, "strip-searched")  # MASH's senior manager

    def test_no_strip_search_no_notice(self, w):
        episode(w)
        assert not Notification.objects.filter(subject__icontains="strip-searched").exists()


class TestUpdateCustody:
    def test_records_leaving_custody_and_the_outcome(self, w):
        custody = episode(w)
        left = timezone.now() - timedelta(hours=1)
        services.update_custody_episode(
            episode=custody,
            by=w.duty,
            expected_version=custody.version,
            data={"left_custody_at": left, "outcome": "bailed"},
        )
        custody.refresh_from_db()
        assert custody.outcome == "bailed" and custody.left_custody_at == left and custody.version == 2
        assert last_log(what="custody:update").detail == "changed: left_custody_at, outcome"

    def test_leaving_before_the_arrest_refused(self, w):
        custody = episode(w)
        with pytest.raises(ValidationError) as error:
            services.update_custody_episode(
                episode=custody,
                by=w.duty,
                expected_version=1,
                data={"left_custody_at": custody.arrested_at - timedelta(minutes=1)},
            )
        assert error.value.message_dict["left_custody_at"][0].startswith(
            "The child cannot leave custody before the arrest"
        )

    def test_outcome_needs_the_time_the_child_left(self, w):
        custody = episode(w)
        with pytest.raises(ValidationError) as error:
            services.update_custody_episode(
                episode=custody, by=w.duty, expected_version=1, data={"outcome": "released_nfa"}
            )
        assert error.value.message_dict["left_custody_at"] == ["Enter when the child left custody"]

    def test_stale_version_refused(self, w):
        custody = episode(w)
        services.update_custody_episode(
            episode=custody, by=w.duty, expected_version=1, data={"offence_summary": "Criminal damage"}
        )
        with pytest.raises(ConcurrentEditError):
            services.update_custody_episode(
                episode=custody, by=w.duty, expected_version=1, data={"offence_summary": "Assault"}
            )

    def test_strip_search_recorded_later_tells_the_senior_managers(self, w):
        custody = episode(w)
        done = services.update_custody_episode(
            episode=custody, by=w.duty, expected_version=1, data={"strip_searched": True}
        )
        assert set(done.told) == {w.cyjs_senior, w.cyjs_head}

    def test_unknown_field_refused(self, w):
        custody = episode(w)
        with pytest.raises(ValidationError) as error:
            services.update_custody_episode(
                episode=custody, by=w.duty, expected_version=1, data={"child": ChildFactory()}
            )
        assert error.value.message_dict == {"child": ["This cannot be changed here"]}

    def test_csc_may_not_change(self, w):
        open_to_csc(w)
        custody = episode(w)
        with pytest.raises(PermissionDenied):
            services.update_custody_episode(
                episode=custody, by=w.csc_worker, expected_version=1, data={"outcome": "bailed"}
            )


# --- The appropriate adult's form (000 ¶11.3) ------------------------------------------------------------------


class TestReceiveForm:
    def test_known_to_cyjs_and_csc_worked_out(self, w):
        open_to_csc(w, end=timezone.localdate() - timedelta(days=90))  # closed 3 months ago: still known
        screening = received(w)
        assert screening.known_to_cyjs is True and screening.known_to_csc is True
        assert screening.concern_flagged_by_aa is True
        assert last_log(what="aa-screening:receive").child_id == w.child.pk

    def test_not_known_after_six_months(self, w):
        open_to_csc(w, end=timezone.localdate() - timedelta(days=240))
        w.cyjs_involvement.end = timezone.localdate() - timedelta(days=240)
        w.cyjs_involvement.save()
        grant(user=w.duty, child=w.child)  # the duty worker still sees the child
        screening = received(w)
        assert screening.known_to_cyjs is False and screening.known_to_csc is False

    def test_open_to_cyjs_tells_the_case_manager_and_team_manager(self, w):
        """Step 1 (L2505): the form goes straight to the case manager and their team manager."""
        screening = received(w)
        assert set(screening.told) == {w.cyjs_worker, w.cyjs_manager}
        [notice] = notices(w.cyjs_worker, "police custody")
        assert "raised a safeguarding concern" in notice.body
        assert notices(w.cyjs_manager, "police custody")
        assert not notices(w.duty)  # not told of their own work

    def test_received_twice_refused(self, w):
        screening = received(w)
        with pytest.raises(ValidationError, match="already been received"):
            received(w, screening.episode)

    def test_form_before_the_arrest_refused(self, w):
        custody = episode(w)
        with pytest.raises(ValidationError) as error:
            received(w, custody, form_received_at=custody.arrested_at - timedelta(hours=1))
        assert error.value.message_dict["form_received_at"][0].startswith("The form cannot arrive before the arrest")

    def test_form_in_the_future_and_concern_unanswered_refused(self, w):
        with pytest.raises(ValidationError) as error:
            received(w, form_received_at=timezone.now() + timedelta(hours=1), concern_flagged_by_aa=None)
        assert set(error.value.message_dict) == {"form_received_at", "concern_flagged_by_aa"}

    def test_csc_may_not_receive(self, w):
        open_to_csc(w)
        custody = episode(w)
        with pytest.raises(PermissionDenied):
            received(w, custody, by=w.csc_worker)


class TestScreenToMash:
    def test_one_contact_to_mash_from_police_custody_with_its_decision_clock(self, w):
        screening = screen(w, received(w))
        contact = screening.contact
        assert Contact.objects.count() == 1
        assert contact.source == Contact.Source.POLICE_CUSTODY
        assert contact.child == w.child and contact.referrer_user == w.duty and contact.referrer_level == 4
        assert contact.referrer_name == w.duty.display_name and contact.referrer_role == "CYJS duty worker"
        assert contact.agency == w.mash and contact.consent == "given" and contact.categories == ["cce"]
        assert "made to carry parcels" in contact.concerns
        assert "In police custody at Exampletown police station" in contact.concerns
        assert "Police Safeguarding Report: not completed." in contact.concerns  # L2539
        assert "Known to the child and youth justice service: yes." in contact.concerns
        assert open_deadlines("referral_decision", contact).count() == 1
        assert open_deadlines("mash_outcome_to_cyjs", contact).count() == 1  # 000 ¶8.5
        screening.refresh_from_db()
        assert screening.route == "mash" and screening.screened_by == w.duty and screening.contact_id == contact.pk
        assert last_log(what="aa-screening:screen").child_id == w.child.pk
        assert last_log(what="contact:create").child_id == w.child.pk

    def test_a_second_send_is_refused(self, w):
        screening = screen(w, received(w))
        with pytest.raises(ValidationError) as error:
            screen(w, screening)
        assert error.value.message_dict["route"][0].startswith("A contact was already sent to MASH on")
        assert Contact.objects.count() == 1

    def test_refused_when_the_child_has_an_allocated_social_worker(self, w):
        """000 ¶8.4: share it with the allocated worker instead."""
        open_to_csc(w)
        with pytest.raises(ValidationError) as error:
            screen(w, received(w))
        assert error.value.message_dict["route"] == ["This child has an allocated social worker: share it with them"]
        assert not Contact.objects.exists()

    def test_stale_version_refused(self, w):
        screening = received(w)
        with pytest.raises(ConcurrentEditError):
            screen(w, screening, expected_version=screening.version + 1)

    def test_findings_required(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, received(w), findings="  ")
        assert error.value.message_dict["findings"] == ["Write what the screening found and what was done"]

    def test_csc_may_not_screen(self, w):
        screening = received(w)
        InvolvementFactory(child=w.child, agency=w.csc, kind=Involvement.Kind.CIN)
        with pytest.raises(PermissionDenied):
            screen(w, screening, by=w.csc_worker)


class TestConsent:
    """Step 4 (L2559–2591)."""

    def test_mash_referral_needs_an_answer_about_consent(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, received(w), consent="")
        assert error.value.message_dict["consent"] == ["Say whether the family consented to the referral"]

    def test_not_sought_needs_the_reason(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, received(w), consent="not_sought")
        assert "Say why consent was not sought" in error.value.message_dict["consent_reason"][0]

    def test_not_sought_with_a_reason_goes(self, w):
        screening = screen(
            w, received(w), consent="not_sought", consent_reason="The father is the suspected exploiter."
        )
        assert screening.contact.consent == "not_sought"
        assert screening.contact.consent_reason == "The father is the suspected exploiter."

    def test_refused_consent_still_goes_and_is_recorded(self, w):
        """L2585: a referral can still be made when the parent refuses."""
        screening = screen(w, received(w), consent="refused")
        assert screening.consent == "refused" and screening.contact.consent == "refused"
        assert "Consent: Refused." in screening.contact.concerns

    def test_family_uncontactable_goes_as_uncontactable_with_the_reason(self, w):
        """000 L2601: the contact says consent was not obtained because the family could not be contacted."""
        screening = screen(w, received(w), consent="uncontactable", consent_reason="No number on the form.")
        assert screening.consent == "uncontactable"
        assert screening.contact.consent == Contact.Consent.UNCONTACTABLE
        assert screening.contact.consent_reason == "No number on the form."
        assert screening.contact.get_consent_display() == "Could not contact the family"

    def test_family_uncontactable_without_a_reason_still_goes_with_one(self, w):
        screening = screen(w, received(w), consent="uncontactable", consent_reason="")
        assert screening.contact.consent == Contact.Consent.UNCONTACTABLE
        assert "could not contact the family" in screening.contact.consent_reason

    def test_request_for_support_needs_consent_given(self, w):
        """L2559: consent is required for every level 2/3 referral."""
        for consent in ("", "refused", "not_sought", "uncontactable"):
            with pytest.raises(ValidationError) as error:
                screen(
                    w,
                    received(w) if consent == "" else AppropriateAdultScreening.objects.get(),
                    route="early_help",
                    consent=consent,
                    consent_reason="x",
                )
            assert error.value.message_dict["consent"] == [
                "A request for support at levels 2 and 3 needs the family's consent"
            ]
        screening = screen(w, AppropriateAdultScreening.objects.get(), route="early_help", consent="given")
        assert screening.route == "early_help" and screening.consent == "given" and screening.contact is None

    def test_no_concern_records_only(self, w):
        screening = screen(w, received(w), route="none", findings="Parent attended; no concerns.", consent="given")
        assert screening.route == "none" and screening.consent == "not_needed" and screening.contact is None
        assert not Contact.objects.exists()


class TestScreenToAllocatedWorker:
    def test_shares_with_the_allocated_social_worker(self, w):
        """Branch A (L2513): the form goes to the allocated worker."""
        open_to_csc(w)
        screening = screen(w, received(w), route="allocated_worker", consent="")
        assert screening.shared_with == w.csc_worker and screening.consent == "not_needed"
        [notice] = notices(w.csc_worker, "police custody")
        assert notice.link == f"/custody/{screening.episode_id}/"
        assert not Contact.objects.exists()

    def test_a_looked_after_childs_worker_first(self, w):
        open_to_csc(w)
        cla_worker = UserFactory(agency=w.csc, first_name="Carla", last_name="Lacworker")
        InvolvementFactory(child=w.child, agency=w.csc, kind=Involvement.Kind.CLA, allocated_worker=cla_worker)
        screening = screen(w, received(w), route="allocated_worker")
        assert screening.shared_with == cla_worker

    def test_refused_without_an_allocated_worker(self, w):
        open_to_csc(w, allocated=False)
        with pytest.raises(ValidationError) as error:
            screen(w, received(w), route="allocated_worker")
        assert error.value.message_dict["route"] == ["This child has no allocated social worker. Choose another route"]


# --- PACE accommodation (000 ¶12, PB1–PB6) -------------------------------------------------------------


def pace_at(w, moment, **kwargs):
    custody = episode(w, arrested_at=moment - timedelta(hours=3))
    return pace_request(w, custody, requested_at=moment, **kwargs)


class TestPaceRouting:
    """PB1 (08:45–17:00 on working days: CYJS) and PB2 (all other times, weekends and bank holidays: EDT)."""

    def test_weekday_morning_goes_to_cyjs(self, w):
        request = pace_at(w, at(2026, 10, 14, 10, 0))  # a Wednesday
        assert request.in_office_hours is True and request.requested_of == "Child and youth justice service"
        assert last_log(what="pace-request:create").child_id == w.child.pk

    def test_weekday_evening_goes_to_the_emergency_duty_team(self, w):
        request = pace_at(w, at(2026, 10, 14, 19, 0))
        assert request.in_office_hours is False and request.requested_of == "Emergency duty team"

    def test_saturday_goes_to_the_emergency_duty_team(self, w):
        request = pace_at(w, at(2026, 10, 17, 10, 0))
        assert request.in_office_hours is False and request.requested_of == "Emergency duty team"

    def test_bank_holiday_goes_to_the_emergency_duty_team(self, w):
        request = pace_at(w, at(2026, 8, 31, 10, 0))  # Summer bank holiday
        assert request.in_office_hours is False and request.requested_of == "Emergency duty team"

    def test_edges_of_office_hours(self, w):
        authority = w.authority
        assert services.in_office_hours(at(2026, 10, 14, 8, 45), authority) is True
        assert services.in_office_hours(at(2026, 10, 14, 8, 44), authority) is False
        assert services.in_office_hours(at(2026, 10, 14, 17, 0), authority) is False

    def test_lancashire_office_hours_start_at_8_45(self, w):
        """PB1: Lancashire's office hours are 08:45–17:00 (the default)."""
        assert pace_at(w, at(2026, 10, 14, 8, 50)).in_office_hours is True

    def test_an_authority_with_other_office_hours(self):
        """somerset-vs-lancashire §5.3: office hours are per authority (Somerset's are not stated; 09:00 assumed)."""
        from datetime import time

        w = custody_world(office_hours_start=time(9, 0))
        request = pace_at(w, at(2026, 10, 14, 8, 50))
        assert request.in_office_hours is False and request.requested_of == "Emergency duty team"


class TestPaceRequest:
    def test_secure_bed_refused_for_a_child_under_12(self, w):
        """PB3 (L5835): secure only for a child of 12 or over."""
        w.child.date_of_birth = timezone.localdate() - timedelta(days=11 * 365)
        w.child.save()
        with pytest.raises(ValidationError) as error:
            pace_request(w, secure_requested=True)
        assert error.value.message_dict["secure_requested"] == [
            "A secure bed can be asked for only for a child aged 12 or over"
        ]

    def test_secure_bed_for_a_child_of_15(self, w):
        assert pace_request(w, secure_requested=True).secure_requested is True

    def test_one_open_request_at_a_time(self, w):
        request = pace_request(w)
        with pytest.raises(ValidationError, match="already open"):
            pace_request(w, request.episode)

    def test_request_before_the_arrest_or_in_the_future_refused(self, w):
        custody = episode(w)
        with pytest.raises(ValidationError, match="before the arrest"):
            pace_request(w, custody, requested_at=custody.arrested_at - timedelta(minutes=5))
        with pytest.raises(ValidationError, match="must have been made already"):
            pace_request(w, custody, requested_at=timezone.now() + timedelta(hours=1))

    def test_csc_may_not_record(self, w):
        open_to_csc(w)
        with pytest.raises(PermissionDenied):
            pace_request(w, by=w.csc_worker)


class TestPaceOutcome:
    def test_remained_in_custody_needs_a_reason(self, w):
        request = pace_request(w)
        with pytest.raises(ValidationError) as error:
            services.record_pace_outcome(request=request, by=w.duty, expected_version=1, outcome="remained")
        assert error.value.message_dict["reason"] == ["Say why the child stayed in police custody"]

    def test_remained_in_custody_is_held_inappropriately_and_the_team_manager_is_told(self, w):
        """000 ¶12.2: the CYJS team manager leading PACE transfers is told."""
        request = pace_request(w)
        done = services.record_pace_outcome(
            request=request,
            by=w.duty,
            expected_version=1,
            outcome="remained",
            reason="No foster carer was free before midnight.",
        )
        done.refresh_from_db()
        assert done.held_inappropriately is True and done.manager_told == w.cyjs_manager and done.outcome_at is not None
        [notice] = notices(w.cyjs_manager, "held in police custody")
        assert notice.body == "Reason: No foster carer was free before midnight."
        assert notice.link == f"/pace-requests/{request.pk}/"
        assert last_log(what="pace-request:outcome").detail == f"request {request.pk}, remained"

    def test_went_home_tells_no_one(self, w):
        request = pace_request(w)
        done = services.record_pace_outcome(request=request, by=w.duty, expected_version=1, outcome="home")
        assert done.held_inappropriately is False and done.manager_told is None
        assert not Notification.objects.filter(subject__icontains="held in police custody").exists()

    def test_outcome_only_once(self, w):
        request = pace_request(w)
        services.record_pace_outcome(request=request, by=w.duty, expected_version=1, outcome="home")
        with pytest.raises(ValidationError, match="The outcome was recorded on"):
            services.record_pace_outcome(request=request, by=w.duty, expected_version=2, outcome="non_secure")

    def test_secure_bed_outcome_needs_a_secure_request(self, w):
        request = pace_request(w)
        with pytest.raises(ValidationError, match="A secure bed was not asked for"):
            services.record_pace_outcome(request=request, by=w.duty, expected_version=1, outcome="secure")

    def test_stale_version_refused(self, w):
        request = pace_request(w)
        with pytest.raises(ConcurrentEditError):
            services.record_pace_outcome(request=request, by=w.duty, expected_version=7, outcome="home")

    def test_escalation_notes_are_added_dated(self, w):
        """PB6: what the team manager raised with the custody sergeant."""
        request = pace_request(w)
        with pytest.raises(ValidationError) as error:
            services.record_pace_escalation(request=request, by=w.cyjs_manager, notes=" ")
        assert error.value.message_dict["notes"] == ["Write what was raised, with whom, and the answer"]
        services.record_pace_escalation(request=request, by=w.cyjs_manager, notes="Held 14 hours; no meal offered.")
        done = services.record_pace_escalation(request=request, by=w.cyjs_manager, notes="Sergeant agreed to review.")
        assert done.escalation_notes.count(w.cyjs_manager.display_name) == 2
        assert done.escalation_notes.index("Held 14 hours") < done.escalation_notes.index("Sergeant agreed")
        assert last_log(what="pace-request:escalation").user_id == w.cyjs_manager.pk


# --- Access by section, per authority ------------------------------------------------------------------------


def full_record(w):
    """An episode with a received, screened form and a PACE request."""
    custody = episode(w)
    screen(w, received(w, custody), route="none", findings="Parent attended; no concerns.")
    return custody, pace_request(w, custody)


class TestPagesAccess:
    def test_cyjs_reads_every_page(self, w):
        custody, request = full_record(w)
        client = client_for(w.duty)
        for url in (
            f"/custody/{custody.pk}/",
            f"/custody/{custody.pk}/screening/",
            f"/pace-requests/{request.pk}/",
            f"/custody/{custody.pk}/edit/",
            f"/custody/{custody.pk}/pace/new/",
            f"/children/{w.child.pk}/custody/new/",
        ):
            assert client.get(url).status_code == 200, url
        page = client.get(f"/custody/{custody.pk}/").content.decode()
        assert "Appropriate adult's form" in page and "Accommodation requests (PACE)" in page

    def test_lancashire_csc_reads_custody_and_pace_but_not_the_screening(self, w):
        """Default (seed 000 ¶11.3 Step 2): the screening notes stay with CYJS."""
        open_to_csc(w)
        custody, request = full_record(w)
        client = client_for(w.csc_worker)
        page = client.get(f"/custody/{custody.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Accommodation requests (PACE)" in text and "Appropriate adult's form" not in text
        assert "Change the custody episode" not in text
        assert client.get(f"/pace-requests/{request.pk}/").status_code == 200
        assert client.get(f"/custody/{custody.pk}/screening/").status_code == 403
        denied = last_log(what="page:aa-screening")
        assert denied.outcome == "denied" and denied.user_id == w.csc_worker.pk
        assert last_log(what="page:custody").outcome == "allowed"

    def test_somerset_like_csc_reads_the_screening(self):
        """A protocol that shares 'screening' with CSC (somerset-vs-lancashire §5.3)."""
        w = custody_world()
        somerset_protocol(w.authority)
        open_to_csc(w)
        custody, request = full_record(w)
        client = client_for(w.csc_worker)
        page = client.get(f"/custody/{custody.pk}/screening/")
        assert page.status_code == 200
        assert "Parent attended; no concerns." in page.content.decode()
        assert "Save the screening" not in page.content.decode()  # reads, never writes
        assert "Appropriate adult's form" in client.get(f"/custody/{custody.pk}/").content.decode()

    def test_csc_may_not_open_the_writing_pages(self, w):
        open_to_csc(w)
        custody, request = full_record(w)
        client = client_for(w.csc_worker)
        for url in (
            f"/children/{w.child.pk}/custody/new/",
            f"/custody/{custody.pk}/edit/",
            f"/custody/{custody.pk}/pace/new/",
        ):
            assert client.get(url).status_code == 403, url

    def test_csc_posting_a_screening_is_refused(self):
        w = custody_world()
        somerset_protocol(w.authority)
        open_to_csc(w, allocated=False)
        custody = episode(w)
        screening = received(w, custody)
        response = client_for(w.csc_worker).post(
            f"/custody/{custody.pk}/screening/", {"version": screening.version, "route": "none", "findings": "x"}
        )
        assert response.status_code == 403
        screening.refresh_from_db()
        assert screening.route == ""

    def test_police_who_see_the_child_get_403(self, w):
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        custody, request = full_record(w)
        client = client_for(w.police)
        assert client.get(f"/custody/{custody.pk}/").status_code == 403
        assert client.get(f"/pace-requests/{request.pk}/").status_code == 403

    def test_a_child_the_user_cannot_see_shows_nothing(self, w):
        custody, request = full_record(w)
        w.child.restricted = True
        w.child.save()
        outsider = UserFactory(agency=w.csc)
        response = client_for(outsider).get(f"/custody/{custody.pk}/")
        assert response.status_code == 404
        assert "Exampletown" not in response.content.decode()


class TestPages:
    def test_record_custody_through_the_page(self, w):
        arrested = timezone.localtime() - timedelta(hours=4)
        response = client_for(w.duty).post(
            f"/children/{w.child.pk}/custody/new/",
            {
                **date_parts("arrested_date", arrested.date()),
                "arrested_time": f"{arrested:%H:%M}",
                "custody_suite": "Exampletown police station",
                "offence_summary": "",
                "appropriate_adult": "none",
                "appropriate_adult_name": "",
                "police_safeguarding_report": "unknown",
                "seen_by_liaison_and_diversion": "no",
                "strip_searched": "no",
            },
            follow=True,
        )
        custody = CustodyEpisode.objects.get()
        assert custody.police_safeguarding_report is None and custody.seen_by_liaison_and_diversion is False
        assert "Every child under 18 in police custody must have one" in response.content.decode()

    def test_a_refusal_shows_on_the_page(self, w):
        later = timezone.localtime() + timedelta(days=2)
        response = client_for(w.duty).post(
            f"/children/{w.child.pk}/custody/new/",
            {
                **date_parts("arrested_date", later.date()),
                "arrested_time": "10:00",
                "custody_suite": "X",
                "appropriate_adult": "aa_service",
                "police_safeguarding_report": "yes",
                "seen_by_liaison_and_diversion": "yes",
                "strip_searched": "no",
            },
        )
        assert response.status_code == 200
        assert "The arrest must have happened already" in response.content.decode()
        assert "govuk-error-summary" in response.content.decode()

    def test_receive_and_screen_to_mash_through_the_page(self, w):
        custody = episode(w)
        client = client_for(w.duty)
        now = timezone.localtime()
        client.post(
            f"/custody/{custody.pk}/screening/",
            {
                **date_parts("received_date", now.date()),
                "received_time": f"{now:%H:%M}",
                "concern_flagged_by_aa": "yes",
            },
        )
        screening = AppropriateAdultScreening.objects.get()
        response = client.post(
            f"/custody/{custody.pk}/screening/",
            {
                "version": screening.version,
                "route": "mash",
                "findings": "Exploitation concerns.",
                "categories": ["cce"],
                "consent": "given",
                "consent_reason": "",
            },
        )
        assert response.status_code == 302
        screening.refresh_from_db()
        assert screening.contact.source == "police_custody"

    def test_pace_outcome_and_escalation_through_the_page(self, w):
        request = pace_request(w)
        client = client_for(w.duty)
        response = client.post(
            f"/pace-requests/{request.pk}/", {"form": "outcome", "version": 1, "outcome": "remained", "reason": ""}
        )
        assert "Say why the child stayed in police custody" in response.content.decode()
        client.post(
            f"/pace-requests/{request.pk}/",
            {"form": "outcome", "version": 1, "outcome": "remained", "reason": "No bed."},
        )
        client.post(f"/pace-requests/{request.pk}/", {"form": "escalation", "notes": "Raised with the sergeant."})
        request.refresh_from_db()
        assert request.held_inappropriately and "Raised with the sergeant." in request.escalation_notes


# --- API -------------------------------------------------------------------------------------------------


class TestApi:
    def test_create_retrieve_and_update(self, w):
        api = api_for(w.duty)
        response = api.post(
            "/api/v1/custody-episodes/",
            {
                "child": w.child.pk,
                "arrested_at": (timezone.now() - timedelta(hours=3)).isoformat(),
                "custody_suite": "Exampletown police station",
                "appropriate_adult": "none",
            },
            format="json",
        )
        assert response.status_code == 201, response.data
        assert response.data["warnings"] == [
            "No appropriate adult is recorded. Every child under 18 in police custody must have one"
        ]
        pk = response.data["id"]
        assert api.get(f"/api/v1/custody-episodes/{pk}/").status_code == 200
        left = (timezone.now() - timedelta(hours=1)).isoformat()
        response = api.patch(
            f"/api/v1/custody-episodes/{pk}/",
            {"version": 1, "left_custody_at": left, "outcome": "bailed"},
            format="json",
        )
        assert response.status_code == 200 and response.data["outcome"] == "bailed" and response.data["version"] == 2
        stale = api.patch(f"/api/v1/custody-episodes/{pk}/", {"version": 1, "outcome": "released_nfa"}, format="json")
        assert stale.status_code == 409
        assert api.patch(f"/api/v1/custody-episodes/{pk}/", {"outcome": "bailed"}, format="json").status_code == 400

    def test_refusals_are_field_errors(self, w):
        response = api_for(w.duty).post(
            "/api/v1/custody-episodes/",
            {
                "child": w.child.pk,
                "arrested_at": (timezone.now() + timedelta(days=1)).isoformat(),
                "custody_suite": "X",
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.data["arrested_at"] == [
            "The arrest must have happened already: enter a time today or in the past"
        ]

    def test_csc_create_is_403_and_an_invisible_child_404(self, w):
        open_to_csc(w)
        body = {"child": w.child.pk, "arrested_at": timezone.now().isoformat(), "custody_suite": "X"}
        assert api_for(w.csc_worker).post("/api/v1/custody-episodes/", body, format="json").status_code == 403
        stranger = ChildFactory()
        body["child"] = stranger.pk
        assert api_for(w.duty).post("/api/v1/custody-episodes/", body, format="json").status_code == 404
        custody = episode(w)
        assert (
            api_for(UserFactory()).get(f"/api/v1/custody-episodes/{custody.pk}/").status_code == 404
        )  # another agency

    def test_screening_receive_and_send_once(self, w):
        custody = episode(w)
        api = api_for(w.duty)
        url = f"/api/v1/custody-episodes/{custody.pk}/screening/"
        assert api.get(url).status_code == 404
        response = api.post(
            url, {"form_received_at": timezone.now().isoformat(), "concern_flagged_by_aa": True}, format="json"
        )
        assert response.status_code == 201 and response.data["known_to_cyjs"] is True
        body = {
            "version": response.data["version"],
            "route": "mash",
            "findings": "Concerns.",
            "consent": "given",
            "categories": ["cce"],
        }
        response = api.patch(url, body, format="json")
        assert response.status_code == 200 and response.data["contact"]
        again = api.patch(url, {**body, "version": response.data["version"]}, format="json")
        assert again.status_code == 400 and "already sent to MASH" in again.data["route"][0]
        assert Contact.objects.filter(source="police_custody").count() == 1

    def test_lancashire_csc_gets_403_for_the_screening_and_reads_the_rest(self, w):
        open_to_csc(w)
        custody, request = full_record(w)
        api = api_for(w.csc_worker)
        assert api.get(f"/api/v1/custody-episodes/{custody.pk}/").status_code == 200
        assert api.get(f"/api/v1/custody-episodes/{custody.pk}/pace-requests/").status_code == 200
        assert api.get(f"/api/v1/pace-requests/{request.pk}/").status_code == 200
        assert api.get(f"/api/v1/custody-episodes/{custody.pk}/screening/").status_code == 403
        assert last_log(what="api:custody-screening").outcome == "denied"
        listed = api.get("/api/v1/custody-episodes/")
        assert [row["id"] for row in listed.data["results"]] == [custody.pk]

    def test_somerset_like_csc_reads_the_screening(self):
        w = custody_world()
        somerset_protocol(w.authority)
        open_to_csc(w)
        custody, _ = full_record(w)
        response = api_for(w.csc_worker).get(f"/api/v1/custody-episodes/{custody.pk}/screening/")
        assert response.status_code == 200 and response.data["route"] == "none"

    def test_police_and_mash_lists_are_empty_and_records_403(self, w):
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        custody, request = full_record(w)
        api = api_for(w.police)
        assert api.get("/api/v1/custody-episodes/").data["results"] == []
        assert api.get(f"/api/v1/custody-episodes/{custody.pk}/").status_code == 403
        assert api.get(f"/api/v1/pace-requests/{request.pk}/").status_code == 403
        assert api_for(w.mash_worker).get("/api/v1/custody-episodes/").data["results"] == []

    def test_pace_requests_outcome_and_escalation(self, w):
        custody = episode(w)
        api = api_for(w.duty)
        response = api.post(
            f"/api/v1/custody-episodes/{custody.pk}/pace-requests/",
            {"requested_at": (timezone.now() - timedelta(hours=1)).isoformat()},
            format="json",
        )
        assert response.status_code == 201
        pk = response.data["id"]
        assert api.get(f"/api/v1/custody-episodes/{custody.pk}/pace-requests/").data[0]["id"] == pk
        bad = api.post(f"/api/v1/pace-requests/{pk}/outcome/", {"version": 1, "outcome": "remained"}, format="json")
        assert bad.status_code == 400 and bad.data["reason"] == ["Say why the child stayed in police custody"]
        done = api.post(
            f"/api/v1/pace-requests/{pk}/outcome/",
            {"version": 1, "outcome": "remained", "reason": "No bed."},
            format="json",
        )
        assert (
            done.status_code == 200
            and done.data["held_inappropriately"] is True
            and done.data["manager_told"] == w.cyjs_manager.pk
        )
        note = api.post(
            f"/api/v1/pace-requests/{pk}/escalations/", {"notes": "Raised with the sergeant."}, format="json"
        )
        assert note.status_code == 200 and "Raised with the sergeant." in note.data["escalation_notes"]
        open_to_csc(w)
        assert (
            api_for(w.csc_worker)
            .post(f"/api/v1/pace-requests/{pk}/escalations/", {"notes": "x"}, format="json")
            .status_code
            == 403
        )


# --- Chronology -------------------------------------------------------------------------------------------


class TestChronology:
    def test_cyjs_sees_all_three_sources(self, w):
        full_record(w)
        types = {e.event_type for e in chronology(child=w.child, viewer=w.duty)}
        assert {"custody_episode", "aa_screening", "pace_request"} <= types
        entry = next(e for e in chronology(child=w.child, viewer=w.duty) if e.event_type == "custody_episode")
        assert entry.agency_kind == "cyjs" and entry.url.startswith("/custody/")

    def test_lancashire_csc_does_not_see_the_screening(self, w):
        open_to_csc(w)
        full_record(w)
        types = {e.event_type for e in chronology(child=w.child, viewer=w.csc_worker)}
        assert {"custody_episode", "pace_request"} <= types and "aa_screening" not in types

    def test_somerset_like_csc_sees_the_screening(self):
        w = custody_world()
        somerset_protocol(w.authority)
        open_to_csc(w)
        full_record(w)
        types = {e.event_type for e in chronology(child=w.child, viewer=w.csc_worker)}
        assert "aa_screening" in types

    def test_filtered_to_social_care_only_leaves_them_out(self, w):
        full_record(w)
        types = {e.event_type for e in chronology(child=w.child, agency_kinds=["csc"], viewer=w.duty)}
        assert not types & {"custody_episode", "aa_screening", "pace_request"}

"""Prevention and diversion referrals (seed 000 ¶13–14, ¶4.8; part A P19, P20, P4; part B PP1–PP6): the
services as the pages and the API call them, eligibility refusals, each outcome's consequences, the 6- and
12-week follow-up clocks, closing, access by section per authority, the pages, the API and the chronology."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from casework.chronology.selectors import chronology
from casework.models import Involvement, PreventionReferral
from casework.prevention import services
from casework.services import ConcurrentEditError
from notifications.clocks import open_deadlines
from notifications.models import Notification
from notifications.timescales import day_text
from referrals.models import Contact
from tests.factories import ChildFactory, InvolvementFactory, UserFactory
from tests.pathway_builders import api_for, client_for, clocks, date_parts
from tests.prevention_builders import (
    born_years_ago,
    diversion,
    open_to_csc,
    prevention_world,
    referral,
    screen,
    unshared_protocol,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def w():
    return prevention_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def notices(user, subject_part=""):
    return list(Notification.objects.filter(recipient=user, subject__icontains=subject_part))


def prevention_involvements(w, **filters):
    return Involvement.objects.filter(child=w.child, agency=w.cyjs, kind=Involvement.Kind.YJ_PREVENTION, **filters)


# --- Receiving a referral and eligibility (000 ¶13.1, PP5) ------------------------------------------------


class TestReceive:
    def test_records_for_cyjs_and_logs_the_write(self, w):
        ref = referral(w)
        assert ref.agency == w.cyjs and ref.created_by == w.cyjs_worker and ref.consent_given is True
        assert ref.consultation_only is False and ref.outcome == ""
        event = last_log(what="prevention-referral:receive")
        assert event.child_id == w.child.pk and event.user_id == w.cyjs_worker.pk and event.action == "write"

    def test_age_7_refused(self):
        w = prevention_world(age=7)
        with pytest.raises(ValidationError) as error:
            referral(w)
        assert error.value.message_dict["child"] == [
            "Riley was 7 when referred. The prevention service works with children aged 8 to 17 (agreement 13.1)"
        ]
        assert not PreventionReferral.objects.exists()

    def test_age_18_refused(self):
        w = prevention_world(age=18)
        with pytest.raises(ValidationError) as error:
            diversion(w)
        assert error.value.message_dict["child"][0].startswith("Riley was 18 when referred.")
        assert not PreventionReferral.objects.exists()

    def test_age_is_taken_on_the_day_received(self, w):
        """17 on the day the referral arrived is eligible though 18 now (somerset-vs-lancashire §6.1)."""
        received = TODAY() - timedelta(days=30)
        w.child.date_of_birth = received.replace(year=received.year - 18) + timedelta(days=10)
        w.child.save()
        assert referral(w, received_on=received).pk

    def test_no_date_of_birth_refused(self, w):
        w.child.date_of_birth = None
        w.child.expected_date_of_birth = TODAY() + timedelta(days=60)  # an unborn child's record
        w.child.save()
        with pytest.raises(ValidationError) as error:
            referral(w)
        assert "date of birth is not recorded" in error.value.message_dict["child"][0]

    def test_age_8_recorded_as_consultation_only(self):
        w = prevention_world(age=8)
        ref = referral(w)
        assert ref.consultation_only is True and services.consultation_only(ref)

    def test_under_10_cannot_be_a_diversion_referral(self):
        w = prevention_world(age=9)
        with pytest.raises(ValidationError) as error:
            diversion(w)
        assert "A child under 10 cannot be charged with an offence" in error.value.message_dict["route"][0]

    def test_no_consent_to_a_prevention_referral_refused(self, w):
        """PP5.2: the service is voluntary."""
        with pytest.raises(ValidationError) as error:
            referral(w, consent_given=False)
        assert error.value.message_dict["consent_given"][0].startswith("The prevention service is voluntary")
        assert not PreventionReferral.objects.exists()

    def test_consent_not_asked_yet_is_recorded(self, w):
        assert referral(w, consent_given=None).consent_given is None

    def test_diversion_comes_from_the_police(self, w):
        with pytest.raises(ValidationError) as error:
            diversion(w, source="school")
        assert error.value.message_dict["source"] == [
            "Diversion and Child Resolution Panel referrals come from the police after an offence (agreement 14.1 and 14.4)"
        ]

    def test_required_fields_and_a_future_date(self, w):
        with pytest.raises(ValidationError) as error:
            referral(w, route="x", source="", referrer_name=" ", reasons="", received_on=TODAY() + timedelta(days=1))
        assert set(error.value.message_dict) == {"route", "source", "referrer_name", "reasons", "received_on"}

    def test_csc_may_not_record(self, w):
        open_to_csc(w)
        with pytest.raises(PermissionDenied):
            referral(w, by=w.csc_worker)

    def test_a_child_the_worker_cannot_see_is_refused(self, w):
        with pytest.raises(PermissionDenied):
            referral(w, child=ChildFactory(date_of_birth=born_years_ago(12)))


# --- Screening outcomes (P19, P20, PP1–PP3) ------------------------------------------------------------------


class TestCyjsPrevention:
    def test_opens_a_cyjs_prevention_involvement_allocated_to_the_worker(self, w):
        """¶13.4: CYJS leads; the child is allocated a prevention worker."""
        ref = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        [involvement] = prevention_involvements(w)
        assert involvement.allocated_worker == w.prevention_worker and involvement.team == w.cyjs_team
        assert involvement.is_lead_agency and involvement.end is None
        ref.refresh_from_db()
        assert ref.outcome == "cyjs_prevention" and ref.screened_by == w.cyjs_worker and ref.screened_on == TODAY()
        assert ref.prevention_worker == w.prevention_worker and ref.version == 2
        [notice] = notices(w.prevention_worker, "prevention worker")
        assert notice.link == f"/prevention/{ref.pk}/"
        assert "The child and youth justice service leads." in services.case_responsibility(ref)
        assert not clocks(ref, "diversion_follow_up").exists()
        assert last_log(what="prevention-referral:screen").detail == f"referral {ref.pk}, cyjs_prevention"

    def test_refused_without_consent(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, referral(w, consent_given=None), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        assert error.value.message_dict["consent_given"] == [
            "The prevention service is voluntary: record that the child and their parent or carer agreed"
        ]
        assert not prevention_involvements(w).exists()

    def test_consent_gained_at_screening_is_recorded(self, w):
        ref = screen(
            w,
            referral(w, consent_given=None),
            outcome="cyjs_prevention",
            prevention_worker=w.prevention_worker,
            consent_given=True,
        )
        assert ref.consent_given is True

    def test_refused_for_a_child_open_to_csc(self, w):
        """¶13.3: CSC stays the lead; CYJS bolts on."""
        open_to_csc(w)
        with pytest.raises(ValidationError) as error:
            screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        assert "open to children's social care, which stays the lead" in error.value.message_dict["outcome"][0]

    def test_the_prevention_worker_must_be_cyjs(self, w):
        ref = referral(w)
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="cyjs_prevention", prevention_worker=w.csc_worker)
        assert error.value.message_dict["prevention_worker"] == [
            "The prevention worker must work in this authority's child and youth justice service"
        ]
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="cyjs_prevention")
        assert error.value.message_dict["prevention_worker"] == [
            "Choose the prevention worker who will hold the assessment and plan"
        ]

    def test_8_and_9_year_olds_get_consultation_only(self):
        w = prevention_world(age=9)
        ref = referral(w)
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        assert "8- and 9-year-olds are offered consultation only" in error.value.message_dict["outcome"][0]
        with pytest.raises(ValidationError):
            screen(w, ref, outcome="request_for_support")
        open_to_csc(w)
        assert screen(w, ref, outcome="bolt_on").outcome == "bolt_on"


class TestBoltOn:
    def test_tells_the_allocated_csc_worker_and_csc_stays_lead(self, w):
        open_to_csc(w)
        ref = screen(w, referral(w), outcome="bolt_on")
        assert ref.told == [w.csc_worker]
        [notice] = notices(w.csc_worker, "added to your plan")
        assert "Children's social care stays the lead" in notice.body and notice.link == f"/prevention/{ref.pk}/"
        assert not prevention_involvements(w).exists() and not Contact.objects.exists()
        assert services.case_responsibility(ref).startswith("Children's social care stays the lead")

    def test_no_allocated_worker_tells_the_team_manager(self, w):
        open_to_csc(w, allocated=False)
        assert screen(w, referral(w), outcome="bolt_on").told == [w.csc_manager]

    def test_refused_for_a_child_not_open_to_csc(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, referral(w), outcome="bolt_on")
        assert (
            "not open to children's social care, so there is no plan to add to"
            in error.value.message_dict["outcome"][0]
        )


class TestRequestForSupport:
    def test_sends_one_contact_to_the_front_door_with_its_decision_clock(self, w):
        """¶14.2: whole-family work → consent → request for support."""
        ref = screen(
            w, referral(w), outcome="request_for_support", outcome_reasons="Whole-family work is needed at home."
        )
        contact = ref.request_for_support
        assert Contact.objects.count() == 1
        assert contact.child == w.child and contact.agency == w.mash and contact.consent == "given"
        assert contact.referrer_user == w.cyjs_worker and contact.source == Contact.Source.PROFESSIONAL
        assert "Whole-family work is needed at home." in contact.concerns
        assert open_deadlines("referral_decision", contact).count() == 1
        ref.refresh_from_db()
        assert ref.request_for_support_id == contact.pk
        assert last_log(what="contact:create").child_id == w.child.pk
        assert not clocks(ref, "diversion_follow_up").exists()  # a prevention referral: no diversion loop

    def test_a_second_send_is_refused(self, w):
        ref = screen(w, referral(w), outcome="request_for_support")
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="request_for_support")
        assert error.value.message_dict["outcome"][0].startswith(
            "A request for support was already sent to children's social care on"
        )
        assert Contact.objects.count() == 1

    def test_refused_without_consent(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, diversion(w, consent_given=False), outcome="request_for_support")
        assert error.value.message_dict["consent_given"] == [
            "A request for support to children's social care needs the consent of the child and family"
        ]
        assert not Contact.objects.exists()

    def test_on_a_diversion_starts_the_6_week_follow_up(self, w):
        ref = screen(w, diversion(w), outcome="request_for_support")
        [clock] = clocks(ref, "diversion_follow_up")
        assert clock.due_date == TODAY() + timedelta(days=42) and clock.responsible == w.cyjs_worker


class TestDivertedToCsc:
    def test_open_to_csc_tells_the_worker_and_starts_the_follow_up(self, w):
        """PP2 (open branch): the child is diverted to CSC, which holds the assessment and plan (¶14.3)."""
        open_to_csc(w)
        ref = screen(w, diversion(w), outcome="diverted_to_csc")
        assert ref.told == [w.csc_worker] and ref.request_for_support is None
        assert notices(w.csc_worker, "diverted to your service")
        assert not Contact.objects.exists()
        [clock] = clocks(ref, "diversion_follow_up", status="open")
        assert clock.due_date == TODAY() + timedelta(days=42)
        assert services.case_responsibility(ref).startswith("Children's social care holds the assessment and the plan")

    def test_not_open_to_csc_needs_consent_and_sends_a_request_for_support(self, w):
        """PP2 (not-open branch)."""
        ref = diversion(w, consent_given=None)
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="diverted_to_csc")
        assert "needs the consent of the child and family" in error.value.message_dict["consent_given"][0]
        done = screen(w, ref, outcome="diverted_to_csc", consent_given=True)
        assert done.request_for_support.agency == w.mash
        assert open_deadlines("referral_decision", done.request_for_support).count() == 1

    def test_only_for_diversion_and_panel_referrals(self, w):
        open_to_csc(w)
        with pytest.raises(ValidationError) as error:
            screen(w, referral(w), outcome="diverted_to_csc")
        assert error.value.message_dict["outcome"] == [
            "Only a diversion or Child Resolution Panel referral can be diverted to children's social care"
        ]


class TestNfaAndScreeningRules:
    def test_nfa_is_signposted_and_tells_no_one(self, w):
        ref = screen(w, referral(w), outcome="nfa")
        assert ref.outcome == "nfa" and ref.told == []
        assert not Contact.objects.exists() and not prevention_involvements(w).exists()
        assert not clocks(ref, "diversion_follow_up").exists()
        assert "signposted" in services.case_responsibility(ref)

    def test_screened_once(self, w):
        ref = screen(w, referral(w))
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="bolt_on")
        assert "The outcome cannot be changed" in error.value.message_dict["outcome"][0]

    def test_stale_version_refused(self, w):
        ref = referral(w)
        with pytest.raises(ConcurrentEditError):
            screen(w, ref, expected_version=ref.version + 1)

    def test_reasons_required(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, referral(w), outcome_reasons=" ")
        assert error.value.message_dict["outcome_reasons"] == [
            "Write what the screening found and why you chose this outcome"
        ]

    def test_csc_may_not_screen(self, w):
        open_to_csc(w)
        with pytest.raises(PermissionDenied):
            screen(w, referral(w), by=w.csc_worker)

    def test_child_resolution_panel_records_the_panel_date_and_counts_from_it(self, w):
        """¶14.4; PP6.3: the follow-up counts from the panel's decision."""
        ref = referral(w, route="crp", source="police")
        with pytest.raises(ValidationError) as error:
            screen(w, ref, outcome="nfa")
        assert error.value.message_dict["panel_on"] == ["Enter the date the Child Resolution Panel met"]
        open_to_csc(w)
        panel = TODAY() - timedelta(days=1)
        done = screen(w, ref, outcome="diverted_to_csc", panel_on=panel)
        assert done.panel_on == panel
        [clock] = clocks(done, "diversion_follow_up")
        assert clock.due_date == panel + timedelta(days=42)

    def test_panel_date_only_for_the_panel_route(self, w):
        with pytest.raises(ValidationError) as error:
            screen(w, referral(w), panel_on=TODAY())
        assert error.value.message_dict["panel_on"] == ["Only a Child Resolution Panel referral has a panel date"]


# --- The 6- and 12-week follow-ups (PP6) --------------------------------------------------------------------


class TestFollowUps:
    def diverted(self, w):
        open_to_csc(w)
        return screen(w, diversion(w), outcome="diverted_to_csc")

    def test_first_stops_the_6_week_clock_and_starts_the_12_week_one(self, w):
        ref = self.diverted(w)
        services.record_follow_up(
            referral=ref, by=w.cyjs_worker, on=TODAY(), notes="School says Riley attends the group."
        )
        six, twelve = clocks(ref, "diversion_follow_up").order_by("anchor_at")
        assert six.status == "met" and six.met_at is not None
        assert twelve.status == "open" and twelve.due_date == TODAY() + timedelta(days=84)
        assert twelve.explanation.startswith("12-week check-in")
        ref.refresh_from_db()
        assert "School says Riley attends the group." in ref.follow_ups and w.cyjs_worker.display_name in ref.follow_ups
        [notice] = notices(w.cyjs_manager, "follow-up")  # PP6.2: shared with the team manager
        assert notice.body == "School says Riley attends the group."
        assert last_log(what="prevention-referral:follow-up").child_id == w.child.pk

    def test_second_stops_the_12_week_clock_and_starts_no_more(self, w):
        ref = self.diverted(w)
        services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY(), notes="6 weeks: going well.")
        services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY(), notes="12 weeks: CSC closing.")
        services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY(), notes="Extra call.")
        assert clocks(ref, "diversion_follow_up").count() == 2
        assert not clocks(ref, "diversion_follow_up", status__in=["open", "breached"]).exists()
        ref.refresh_from_db()
        assert ref.follow_ups.index("6 weeks") < ref.follow_ups.index("12 weeks") < ref.follow_ups.index("Extra call")

    def test_after_closing_the_follow_ups_go_on(self, w):
        ref = self.diverted(w)
        services.close_referral(referral=ref, by=w.cyjs_worker, expected_version=ref.version, closed_on=TODAY())
        assert clocks(ref, "diversion_follow_up", status="open").count() == 1
        services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY(), notes="Still supported by CSC.")
        assert clocks(ref, "diversion_follow_up", status="open").count() == 1  # now the 12-week one

    def test_refused_for_a_referral_that_was_not_diverted(self, w):
        ref = screen(w, referral(w))
        with pytest.raises(ValidationError, match="Follow-ups are for a child diverted to another service"):
            services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY(), notes="x")

    def test_notes_and_date_checked(self, w):
        ref = self.diverted(w)
        with pytest.raises(ValidationError) as error:
            services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY() + timedelta(days=1), notes="")
        assert set(error.value.message_dict) == {"on", "notes"}
        with pytest.raises(ValidationError) as error:
            services.record_follow_up(referral=ref, by=w.cyjs_worker, on=TODAY() - timedelta(days=5), notes="x")
        assert error.value.message_dict["on"][0].startswith("The check-in must be on or after the decision to divert")

    def test_csc_may_not_record(self, w):
        ref = self.diverted(w)
        with pytest.raises(PermissionDenied):
            services.record_follow_up(referral=ref, by=w.csc_worker, on=TODAY(), notes="x")


# --- Prevent and Channel (000 ¶4.8, ¶14.6) --------------------------------------------------------------------


class TestPrevent:
    def test_records_the_prevent_referral_once_and_tells_csc(self, w):
        open_to_csc(w)
        ref = referral(w, radicalisation_concern=False)
        done = services.record_prevent_referral(referral=ref, by=w.cyjs_worker, on=TODAY())
        assert done.prevent_referral_on == TODAY() and done.radicalisation_concern is True
        assert done.told == [w.csc_worker] and notices(w.csc_worker, "Prevent referral")
        assert last_log(what="prevention-referral:prevent").child_id == w.child.pk
        with pytest.raises(ValidationError) as error:
            services.record_prevent_referral(referral=ref, by=w.cyjs_worker, on=TODAY())
        assert error.value.message_dict["on"][0].startswith("The Prevent referral was recorded as made on")

    def test_date_before_the_referral_refused(self, w):
        ref = referral(w)
        with pytest.raises(ValidationError, match="on or after the referral arrived"):
            services.record_prevent_referral(referral=ref, by=w.cyjs_worker, on=ref.received_on - timedelta(days=1))


# --- Closing ------------------------------------------------------------------------------------------------------


class TestClose:
    def test_closes_the_prevention_involvement_it_opened(self, w):
        ref = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        done = services.close_referral(referral=ref, by=w.cyjs_worker, expected_version=ref.version, closed_on=TODAY())
        assert done.closed_on == TODAY()
        [involvement] = prevention_involvements(w)
        assert involvement.end == TODAY()
        w.cyjs_involvement.refresh_from_db()
        assert w.cyjs_involvement.end is None  # other CYJS work is not touched
        assert last_log(what="prevention-referral:close").detail == f"referral {ref.pk}"

    def test_refused_twice(self, w):
        ref = screen(w, referral(w))
        services.close_referral(referral=ref, by=w.cyjs_worker, expected_version=ref.version, closed_on=TODAY())
        ref.refresh_from_db()
        with pytest.raises(ValidationError, match="already closed on"):
            services.close_referral(referral=ref, by=w.cyjs_worker, expected_version=ref.version, closed_on=TODAY())

    def test_keeps_the_involvement_another_open_referral_needs(self, w):
        first = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        services.close_referral(referral=first, by=w.cyjs_worker, expected_version=first.version, closed_on=TODAY())
        assert prevention_involvements(w, end__isnull=True).count() == 1

    def test_stale_version_and_bad_dates_refused(self, w):
        ref = screen(w, referral(w))
        with pytest.raises(ConcurrentEditError):
            services.close_referral(referral=ref, by=w.cyjs_worker, expected_version=1, closed_on=TODAY())
        with pytest.raises(ValidationError) as error:
            services.close_referral(
                referral=ref, by=w.cyjs_worker, expected_version=2, closed_on=TODAY() - timedelta(days=1)
            )
        assert error.value.message_dict["closed_on"][0].startswith("The date must be on or after")

    def test_a_screened_referral_cannot_be_screened_once_closed(self, w):
        ref = referral(w)
        services.close_referral(referral=ref, by=w.cyjs_worker, expected_version=1, closed_on=TODAY())
        with pytest.raises(ValidationError, match="This referral was closed on"):
            screen(w, ref)


# --- Access by section, per authority --------------------------------------------------------------------------


class TestPagesAccess:
    def test_cyjs_reads_and_writes_every_page(self, w):
        ref = referral(w)
        client = client_for(w.cyjs_worker)
        for url in (
            f"/prevention/{ref.pk}/",
            f"/prevention/{ref.pk}/screening/",
            f"/prevention/{ref.pk}/prevent/",
            f"/prevention/{ref.pk}/close/",
            f"/prevention/{ref.pk}/follow-up/",
            f"/children/{w.child.pk}/prevention/new/",
        ):
            assert client.get(url).status_code == 200, url
        assert last_log(what="page:prevention-referral").outcome == "allowed"

    def test_lancashire_csc_reads_by_default_but_never_writes(self, w):
        """Default protocol (seed 000): prevention is shared with CSC."""
        open_to_csc(w)
        ref = referral(w)
        client = client_for(w.csc_worker)
        page = client.get(f"/prevention/{ref.pk}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Missing school" in text and "Screen the referral" not in text
        for url in (
            f"/prevention/{ref.pk}/screening/",
            f"/children/{w.child.pk}/prevention/new/",
            f"/prevention/{ref.pk}/close/",
        ):
            assert client.get(url).status_code == 403, url
        response = client.post(
            f"/prevention/{ref.pk}/screening/",
            {"version": 1, "outcome": "nfa", "outcome_reasons": "x", "consent_given": "yes"},
        )
        assert response.status_code == 403
        ref.refresh_from_db()
        assert ref.outcome == ""

    def test_a_protocol_that_does_not_share_prevention_is_403(self):
        """somerset-vs-lancashire §5.3: what CSC reads is per authority."""
        w = prevention_world()
        unshared_protocol(w.authority)
        open_to_csc(w)
        ref = referral(w)
        response = client_for(w.csc_worker).get(f"/prevention/{ref.pk}/")
        assert response.status_code == 403 and "Missing school" not in response.content.decode()
        denied = last_log(what="page:prevention-referral")
        assert denied.outcome == "denied" and denied.user_id == w.csc_worker.pk

    def test_police_who_see_the_child_get_403_and_mash_404(self, w):
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        ref = referral(w)
        assert client_for(w.police).get(f"/prevention/{ref.pk}/").status_code == 403
        # MASH has no contact about the child, so cannot see them: the no-access page, nothing of the referral.
        response = client_for(w.mash_worker).get(f"/prevention/{ref.pk}/")
        assert response.status_code == 403 and "Missing school" not in response.content.decode()
        assert last_log(what="page:prevention-referral", user=w.mash_worker).outcome == "denied"

    def test_a_restricted_child_the_user_cannot_see_is_404(self, w):
        ref = referral(w)
        w.child.restricted = True
        w.child.save()
        response = client_for(UserFactory(agency=w.csc)).get(f"/prevention/{ref.pk}/")
        assert response.status_code == 404 and "Missing school" not in response.content.decode()


class TestPages:
    def test_record_a_referral_through_the_page(self, w):
        received = TODAY() - timedelta(days=1)
        response = client_for(w.cyjs_worker).post(
            f"/children/{w.child.pk}/prevention/new/",
            {
                "route": "prevention",
                "source": "health",
                "referrer_name": "Nurse Example",
                **date_parts("received_on", received),
                "reasons": "Low mood and ASB.",
                "consent_given": "unknown",
                "radicalisation_concern": "yes",
            },
            follow=True,
        )
        ref = PreventionReferral.objects.get()
        assert ref.source == "health" and ref.consent_given is None and ref.radicalisation_concern is True
        text = response.content.decode()
        assert "Referral recorded" in text and "Record a Prevent referral" in text
        assert "Not decided yet: the referral is waiting to be screened." in text

    def test_an_eligibility_refusal_shows_in_the_error_summary(self):
        w = prevention_world(age=7)
        response = client_for(w.cyjs_worker).post(
            f"/children/{w.child.pk}/prevention/new/",
            {
                "route": "prevention",
                "source": "school",
                "referrer_name": "T",
                **date_parts("received_on", TODAY()),
                "reasons": "x",
                "consent_given": "yes",
                "radicalisation_concern": "no",
            },
        )
        text = response.content.decode()
        assert response.status_code == 200 and "govuk-error-summary" in text and "Riley was 7 when referred" in text

    def test_screen_to_request_for_support_through_the_page(self, w):
        ref = diversion(w)
        client = client_for(w.cyjs_worker)
        response = client.post(
            f"/prevention/{ref.pk}/screening/",
            {
                "version": ref.version,
                "outcome": "request_for_support",
                "outcome_reasons": "Family work needed.",
                "consent_given": "yes",
                "prevention_worker": "",
            },
            follow=True,
        )
        text = response.content.decode()
        assert "A request for support was sent to children&#x27;s social care&#x27;s front door" in text
        assert "Check in with the receiving agency at 6 weeks" in text
        assert day_text(TODAY() + timedelta(days=42)) in text
        client.post(f"/prevention/{ref.pk}/follow-up/", {**date_parts("on", TODAY()), "notes": "CSC assessing."})
        assert "Check in with the receiving agency at 12 weeks" in client.get(f"/prevention/{ref.pk}/").content.decode()

    def test_a_stale_screening_shows_a_page_error(self, w):
        ref = referral(w)
        response = client_for(w.cyjs_worker).post(
            f"/prevention/{ref.pk}/screening/",
            {
                "version": ref.version + 3,
                "outcome": "nfa",
                "outcome_reasons": "x",
                "consent_given": "yes",
            },
        )
        assert "Someone else changed this referral" in response.content.decode()

    def test_close_through_the_page(self, w):
        ref = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        client_for(w.cyjs_worker).post(
            f"/prevention/{ref.pk}/close/", {"version": ref.version, **date_parts("closed_on", TODAY())}
        )
        ref.refresh_from_db()
        assert ref.closed_on == TODAY() and prevention_involvements(w).get().end == TODAY()


# --- API -----------------------------------------------------------------------------------------------------------


class TestApi:
    def body(self, w, **overrides):
        return {
            "child": w.child.pk,
            "route": "diversion",
            "source": "police",
            "referrer_name": "PC Pat Constable",
            "received_on": str(TODAY()),
            "reasons": "Criminal damage.",
            "consent_given": True,
            **overrides,
        }

    def test_create_screen_follow_up_prevent_and_close(self, w):
        api = api_for(w.cyjs_worker)
        created = api.post("/api/v1/prevention-referrals/", self.body(w), format="json")
        assert created.status_code == 201, created.data
        pk = created.data["id"]
        assert created.data["consultation_only"] is False and created.data["case_responsibility"].startswith(
            "Not decided yet"
        )
        assert api.get(f"/api/v1/prevention-referrals/{pk}/").status_code == 200
        screened = api.post(
            f"/api/v1/prevention-referrals/{pk}/screen/",
            {"version": 1, "outcome": "request_for_support", "outcome_reasons": "Family work."},
            format="json",
        )
        assert screened.status_code == 200, screened.data
        assert screened.data["request_for_support"] and screened.data["deadlines"][0]["due_date"] == str(
            TODAY() + timedelta(days=42)
        )
        again = api.post(
            f"/api/v1/prevention-referrals/{pk}/screen/",
            {"version": screened.data["version"], "outcome": "request_for_support", "outcome_reasons": "x"},
            format="json",
        )
        assert again.status_code == 400 and "already sent" in again.data["outcome"][0]
        followed = api.post(
            f"/api/v1/prevention-referrals/{pk}/follow-ups/", {"on": str(TODAY()), "notes": "Update."}, format="json"
        )
        assert followed.status_code == 200 and [d["status"] for d in followed.data["deadlines"]] == ["met", "open"]
        assert followed.data["deadlines"][1]["due_date"] == str(TODAY() + timedelta(days=84))
        prevent = api.post(f"/api/v1/prevention-referrals/{pk}/prevent-referral/", {"on": str(TODAY())}, format="json")
        assert prevent.status_code == 200 and prevent.data["prevent_referral_on"] == str(TODAY())
        stale = api.post(
            f"/api/v1/prevention-referrals/{pk}/close/", {"version": 1, "closed_on": str(TODAY())}, format="json"
        )
        assert stale.status_code == 409
        closed = api.post(
            f"/api/v1/prevention-referrals/{pk}/close/",
            {"version": prevent.data["version"], "closed_on": str(TODAY())},
            format="json",
        )
        assert closed.status_code == 200 and closed.data["closed_on"] == str(TODAY())
        twice = api.post(
            f"/api/v1/prevention-referrals/{pk}/close/",
            {"version": closed.data["version"], "closed_on": str(TODAY())},
            format="json",
        )
        assert twice.status_code == 400 and "already closed" in twice.data["non_field_errors"][0]

    def test_refusals_are_400_field_errors(self):
        w = prevention_world(age=18)
        response = api_for(w.cyjs_worker).post("/api/v1/prevention-referrals/", self.body(w), format="json")
        assert response.status_code == 400 and response.data["child"][0].startswith("Riley was 18 when referred")
        assert (
            api_for(w.cyjs_worker)
            .post("/api/v1/prevention-referrals/", {"child": w.child.pk}, format="json")
            .status_code
            == 400
        )

    def test_screen_with_a_prevention_worker(self, w):
        ref = referral(w)
        response = api_for(w.cyjs_worker).post(
            f"/api/v1/prevention-referrals/{ref.pk}/screen/",
            {
                "version": 1,
                "outcome": "cyjs_prevention",
                "outcome_reasons": "Needs specialist work.",
                "prevention_worker": w.prevention_worker.pk,
            },
            format="json",
        )
        assert response.status_code == 200 and response.data["prevention_worker"] == w.prevention_worker.pk
        assert prevention_involvements(w, allocated_worker=w.prevention_worker).exists()

    def test_csc_reads_by_default_and_may_not_write(self, w):
        open_to_csc(w)
        ref = referral(w)
        api = api_for(w.csc_worker)
        assert api.get(f"/api/v1/prevention-referrals/{ref.pk}/").status_code == 200
        assert [row["id"] for row in api.get("/api/v1/prevention-referrals/").data["results"]] == [ref.pk]
        assert api.post("/api/v1/prevention-referrals/", self.body(w), format="json").status_code == 403
        response = api.post(
            f"/api/v1/prevention-referrals/{ref.pk}/screen/",
            {"version": 1, "outcome": "nfa", "outcome_reasons": "x"},
            format="json",
        )
        assert response.status_code == 403

    def test_an_unshared_protocol_gives_csc_403_and_an_empty_list(self):
        w = prevention_world()
        unshared_protocol(w.authority)
        open_to_csc(w)
        ref = referral(w)
        api = api_for(w.csc_worker)
        assert api.get(f"/api/v1/prevention-referrals/{ref.pk}/").status_code == 403
        assert last_log(what="api:prevention-referrals-detail").outcome == "denied"
        assert api.get("/api/v1/prevention-referrals/").data["results"] == []

    def test_police_403_mash_and_strangers_404(self, w):
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=Involvement.Kind.OTHER)
        ref = referral(w)
        police = api_for(w.police)
        assert police.get(f"/api/v1/prevention-referrals/{ref.pk}/").status_code == 403
        assert police.get("/api/v1/prevention-referrals/").data["results"] == []
        assert api_for(w.mash_worker).get(f"/api/v1/prevention-referrals/{ref.pk}/").status_code == 404
        assert api_for(w.mash_worker).get("/api/v1/prevention-referrals/").data["results"] == []
        stranger = ChildFactory(date_of_birth=born_years_ago(12))
        assert (
            api_for(w.cyjs_worker)
            .post("/api/v1/prevention-referrals/", self.body(w, child=stranger.pk), format="json")
            .status_code
            == 404
        )
        assert api_for(w.cyjs_worker).get("/api/v1/prevention-referrals/999999/").status_code == 404


# --- Chronology ----------------------------------------------------------------------------------------------------


class TestChronology:
    def test_cyjs_sees_the_referral_and_its_screening(self, w):
        screen(w, referral(w))
        entries = [e for e in chronology(child=w.child, viewer=w.cyjs_worker) if e.event_type == "prevention_referral"]
        assert {e.title for e in entries} == {"Referral received: prevention", "Referral screened"}
        assert all(e.agency_kind == "cyjs" and e.url.startswith("/prevention/") for e in entries)

    def test_lancashire_csc_sees_it(self, w):
        open_to_csc(w)
        referral(w)
        assert "prevention_referral" in {e.event_type for e in chronology(child=w.child, viewer=w.csc_worker)}

    def test_unshared_protocol_hides_it_from_csc(self):
        w = prevention_world()
        unshared_protocol(w.authority)
        open_to_csc(w)
        referral(w)
        assert "prevention_referral" not in {e.event_type for e in chronology(child=w.child, viewer=w.csc_worker)}

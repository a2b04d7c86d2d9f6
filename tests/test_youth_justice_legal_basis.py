"""The legal basis of a looked-after involvement and what follows from it (seed 000 ¶9.3, ¶18–20;
seed 003 L116, L152–158; somerset-vs-lancashire §1.5, §1.8): a remand opens a looked-after
involvement with the remand's kind as its basis; a custodial sentence ends s20 by the authority's
age rule, leaves a care order and ends a remand-only status; CSC is expected at court per the
authority's rule. Also the links from an order and a prevention referral to the involvement they
opened (closing ends exactly that one) and who recorded each HSB hub step (the history)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework.court import services as court
from casework.hsb import selectors as hsb_selectors
from casework.hsb import services as hsb
from casework.models import CourtAppearance, HsbConsultation, Involvement, JointWorkingProtocol, PreventionReferral
from casework.orders import services as orders
from casework.prevention import services as prevention
from notifications.models import Notification
from tests.court_builders import court_world, hearing, make_looked_after, remand, somerset_protocol
from tests.factories import InvolvementFactory
from tests.hsb_builders import aim_done, consulted, hsb_world, planned, request
from tests.orders_builders import dto, orders_world, record
from tests.pathway_builders import api_for, client_for
from tests.prevention_builders import prevention_world, referral, screen

pytestmark = pytest.mark.django_db
IKind = Involvement.Kind
LB = Involvement.LegalBasis
CARE_ORDER_ONLY = JointWorkingProtocol.CscAttendsCourt.CARE_ORDER


# --- The field -------------------------------------------------------------------------------------------


class TestTheField:
    def test_only_a_looked_after_involvement_may_carry_a_basis_in_the_database(self):
        w = court_world()
        with pytest.raises(IntegrityError), transaction.atomic():
            InvolvementFactory(child=w.child, agency=w.csc, kind=IKind.CIN, legal_basis=LB.CARE_ORDER)

    def test_clean_says_so_in_words(self):
        w = court_world()
        inv = Involvement(
            child=w.child, agency=w.csc, kind=IKind.CP, start=timezone.localdate(), legal_basis=LB.SECTION_20
        )
        with pytest.raises(ValidationError) as error:
            inv.full_clean()
        assert error.value.message_dict["legal_basis"] == ["Only a looked-after involvement has a legal basis"]

    def test_a_looked_after_involvement_may_have_no_basis_recorded(self):
        w = court_world()
        inv = InvolvementFactory(child=w.child, agency=w.csc, kind=IKind.CLA)
        assert inv.legal_basis == "" and not inv.under_care_order


# --- Remands open a looked-after involvement with the remand's basis (000 ¶18.6, ¶18.9, ¶19.1) ---------------


class TestRemandBasis:
    @pytest.mark.parametrize(
        "kind, basis",
        [("local_authority", LB.REMAND_LA), ("youth_detention", LB.REMAND_YDA), ("bail_to_reside", LB.BAIL_TO_RESIDE)],
    )
    def test_the_opened_involvement_takes_the_remand_kind(self, kind, basis):
        w = court_world()
        made = remand(w, kind)  # bail to reside: the authority decides the placement (default)
        assert made.looked_after and made.cla_involvement.legal_basis == basis

    def test_somerset_bail_to_reside_is_looked_after_with_its_basis_even_when_the_family_places(self):
        w = court_world()
        somerset_protocol(w.authority)
        made = remand(w, "bail_to_reside", authority_decides_placement=False)
        assert made.cla_involvement.legal_basis == LB.BAIL_TO_RESIDE

    def test_an_existing_care_order_is_kept_with_its_basis(self):
        """003 L152: a remand does not change an existing s20 or s31 status."""
        w = court_world()
        existing = make_looked_after(w, legal_basis=LB.CARE_ORDER)
        made = remand(w, "local_authority")
        assert made.cla_involvement is None
        existing.refresh_from_db()
        assert existing.legal_basis == LB.CARE_ORDER
        assert list(Involvement.objects.filter(child=w.child, kind=IKind.CLA, end__isnull=True)) == [existing]

    def test_ending_the_remand_ends_the_remand_only_status(self):
        w = court_world()
        made = remand(w, "local_authority", days_ago=3)
        court.end_remand(remand=made, by=w.cyjs_worker, expected_version=made.version, ended_on=timezone.localdate())
        made.cla_involvement.refresh_from_db()
        assert made.cla_involvement.end == timezone.localdate()


# --- A custodial sentence, by basis and by authority (000 ¶20.2–20.4; 003 L156–158) -------------------------------


class TestCustodialSentence:
    def test_lancashire_s20_under_16_ends(self):
        w = orders_world(age=15, csc_kind=IKind.CLA, legal_basis=LB.SECTION_20)
        assert dto(w).section_20_ended is True

    def test_lancashire_s20_16_continues(self):
        w = orders_world(age=16, csc_kind=IKind.CLA, legal_basis=LB.SECTION_20)
        assert dto(w).section_20_ended is False

    def test_somerset_s20_16_ends(self):
        w = orders_world(somerset=True, age=16, csc_kind=IKind.CLA, legal_basis=LB.SECTION_20)
        assert dto(w).section_20_ended is True

    @pytest.mark.parametrize("somerset", [False, True])
    @pytest.mark.parametrize("basis", [LB.CARE_ORDER, LB.INTERIM_CARE_ORDER])
    def test_a_care_order_continues_in_both_authorities_at_any_age(self, somerset, basis):
        w = orders_world(somerset=somerset, age=14, csc_kind=IKind.CLA, legal_basis=basis)
        order = dto(w, section_23za_visits="Not needed")
        assert order.section_20_ended is False and order.section_23za_visits == ""
        body = Notification.objects.get(recipient=w.csc_worker).body
        assert "Still looked after: on a" in body and "care order" in body and "23ZA" not in body
        assert "your looked-after duties continue in custody (agreement 20.3–20.4)" in body

    @pytest.mark.parametrize("somerset", [False, True])
    @pytest.mark.parametrize("basis", [LB.REMAND_LA, LB.REMAND_YDA, LB.BAIL_TO_RESIDE])
    def test_a_remand_only_status_ends_in_both_authorities_even_at_16(self, somerset, basis):
        w = orders_world(somerset=somerset, age=16, csc_kind=IKind.CLA, legal_basis=basis)
        order = dto(w)
        assert order.section_20_ended is True
        body = Notification.objects.get(recipient=w.csc_worker).body
        assert "No longer looked after: looked after only because of the remand, which ends with the sentence" in body
        assert "section 23ZA" in body

    def test_a_care_order_wins_over_an_s20_involvement_left_open(self):
        w = orders_world(age=14, csc_kind=IKind.CLA, legal_basis=LB.SECTION_20)
        InvolvementFactory(
            child=w.child, agency=w.csc, kind=IKind.CLA, legal_basis=LB.CARE_ORDER, allocated_worker=w.csc_worker
        )
        assert dto(w).section_20_ended is False

    def test_no_basis_recorded_is_not_guessed(self):
        w = orders_world(age=14, csc_kind=IKind.CLA, legal_basis="")
        assert dto(w).section_20_ended is False
        assert (
            "the legal basis of the looked-after status is not recorded"
            in Notification.objects.get(recipient=w.csc_worker).body
        )

    def test_the_detail_page_gives_the_reason_from_the_basis(self):
        w = orders_world(age=14, csc_kind=IKind.CLA, legal_basis=LB.CARE_ORDER)
        order = dto(w)
        page = client_for(w.cyjs_worker).get(reverse("order-detail", args=[order.pk])).content.decode()
        assert (
            "Still looked after: on a care order (section 31), so children&#x27;s social care keeps its statutory duties in custody"
            in page
        )

    def test_the_reason_still_holds_after_csc_closes_the_involvement(self):
        w = orders_world(age=15, csc_kind=IKind.CLA, legal_basis=LB.SECTION_20)
        order = dto(w)
        w.csc_involvement.end = timezone.localdate()
        w.csc_involvement.save(update_fields=["end"])
        status = orders.looked_after_outcome(w.child, order.made_on, orders.protocol_for(w.authority))
        assert status.ends and status.basis == LB.SECTION_20


# --- Court attendance (000 ¶9.3; 003 L116) ---------------------------------------------------------------------------


def notices(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


class TestCourtAttendance:
    @pytest.mark.parametrize("basis", [LB.SECTION_20, LB.CARE_ORDER, LB.REMAND_LA, ""])
    def test_lancashire_expects_csc_for_any_looked_after_child(self, basis):
        w = court_world()
        make_looked_after(w, legal_basis=basis)
        appearance = hearing(w)
        assert appearance.child_looked_after and appearance.csc_attendance_expected
        assert "please attend court with the child" in notices(w.csc_worker)[-1].body.lower()

    @pytest.mark.parametrize("basis", [LB.CARE_ORDER, LB.INTERIM_CARE_ORDER])
    def test_somerset_expects_csc_under_a_care_order(self, basis):
        w = court_world()
        somerset_protocol(w.authority, csc_attends_court=CARE_ORDER_ONLY)
        make_looked_after(w, legal_basis=basis)
        appearance = hearing(w)
        assert appearance.csc_attendance_expected
        body = notices(w.csc_worker)[-1].body
        assert "Children's social care has parental responsibility" in body and "in addition to any parent" in body
        with pytest.raises(ValidationError) as error:
            outcome = dict(outcome=CourtAppearance.Outcome.ADJOURNED_BAIL)
            court.record_court_outcome(
                appearance=appearance, by=w.cyjs_worker, expected_version=appearance.version, **outcome
            )
        assert error.value.message_dict == {
            "csc_worker_attended": ["Say whether the child's social worker attended court"]
        }

    @pytest.mark.parametrize("basis", [LB.SECTION_20, LB.REMAND_LA])
    def test_somerset_does_not_expect_csc_otherwise_but_tells_them(self, basis):
        w = court_world()
        somerset_protocol(w.authority, csc_attends_court=CARE_ORDER_ONLY)
        make_looked_after(w, legal_basis=basis)
        appearance = hearing(w)
        assert appearance.child_looked_after and not appearance.csc_attendance_expected
        body = notices(w.csc_worker)[-1].body
        assert "supports the child at court if no parent can attend" in body and "Please attend" not in body
        done = court.record_court_outcome(
            appearance=appearance,
            by=w.cyjs_worker,
            expected_version=appearance.version,
            outcome=CourtAppearance.Outcome.ADJOURNED_BAIL,
        )
        assert done.outcome == CourtAppearance.Outcome.ADJOURNED_BAIL and done.csc_worker_attended is None

    def test_not_looked_after_expects_no_one(self):
        w = court_world()
        somerset_protocol(w.authority, csc_attends_court=CARE_ORDER_ONLY)
        appearance = hearing(w)
        assert not appearance.child_looked_after and not appearance.csc_attendance_expected

    def test_the_outcome_form_makes_attendance_optional_when_not_expected(self):
        w = court_world()
        somerset_protocol(w.authority, csc_attends_court=CARE_ORDER_ONLY)
        make_looked_after(w, legal_basis=LB.SECTION_20)
        appearance = hearing(w)
        page = client_for(w.cyjs_worker).get(reverse("court-appearance-detail", args=[appearance.pk])).content.decode()
        assert "Their social worker attends if no parent can" in page

    def test_the_api_shows_whether_attendance_is_expected(self):
        w = court_world()
        make_looked_after(w, legal_basis=LB.CARE_ORDER)
        appearance = hearing(w)
        data = api_for(w.cyjs_worker).get(f"/api/v1/court-appearances/{appearance.pk}/").data
        assert data["child_looked_after"] is True and data["csc_attendance_expected"] is True


# --- Where the basis is shown ----------------------------------------------------------------------------------------


class TestShown:
    def test_the_childs_record_lists_the_basis(self):
        w = court_world()
        make_looked_after(w, legal_basis=LB.INTERIM_CARE_ORDER)
        page = client_for(w.csc_worker).get(reverse("child-detail", args=[w.child.pk])).content.decode()
        assert "Child looked after" in page and "Interim care order (section 38)" in page

    def test_the_childs_record_says_when_the_basis_is_not_recorded(self):
        w = court_world()
        make_looked_after(w, legal_basis="")
        page = client_for(w.csc_worker).get(reverse("child-detail", args=[w.child.pk])).content.decode()
        assert "Legal basis not recorded" in page

    def test_the_youth_justice_summary_shows_the_basis(self):
        w = court_world()
        remand(w, "youth_detention")
        page = client_for(w.cyjs_worker).get(reverse("youth-justice-summary", args=[w.child.pk])).content.decode()
        assert "Yes: remanded to youth detention accommodation, since" in page

    def test_the_youth_justice_summary_says_no_when_not_looked_after(self):
        w = court_world()
        page = client_for(w.cyjs_worker).get(reverse("youth-justice-summary", args=[w.child.pk])).content.decode()
        assert (
            '<dt class="govuk-summary-list__key">Looked after</dt><dd class="govuk-summary-list__value">No</dd>' in page
        )

    def test_the_api_shows_the_basis(self):
        w = court_world()
        cla = make_looked_after(w, legal_basis=LB.CARE_ORDER)
        data = api_for(w.csc_worker).get(f"/api/v1/children/{w.child.pk}/").data
        by_id = {i["id"]: i for i in data["involvements"]}
        assert by_id[cla.pk]["legal_basis"] == "care_order" and by_id[w.csc_involvement.pk]["legal_basis"] == ""

    def test_somerset_court_notice_names_the_order(self):
        w = court_world()
        somerset_protocol(w.authority, csc_attends_court=CARE_ORDER_ONLY)
        make_looked_after(w, legal_basis=LB.INTERIM_CARE_ORDER)
        hearing(w)
        assert "parental responsibility under an interim care order (section 38)" in notices(w.csc_worker)[-1].body


# --- Orders end exactly their own involvement ---------------------------------------------------------------------------


class TestOrderInvolvement:
    def test_the_order_records_the_involvement_it_opened(self):
        w = orders_world()
        order = record(w)
        assert order.involvement.kind == IKind.YJ_COURT_ORDER and order.involvement.agency == w.cyjs
        assert api_for(w.cyjs_worker).get(f"/api/v1/orders/{order.pk}/").data["involvement"] == order.involvement_id

    def test_ending_the_order_ends_its_involvement_and_not_another_of_the_same_kind(self):
        w = orders_world()
        order = record(w)
        other = InvolvementFactory(
            child=w.child, agency=w.cyjs, kind=IKind.YJ_COURT_ORDER, start=timezone.localdate() - timedelta(days=2)
        )
        order.refresh_from_db()
        orders.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        order.involvement.refresh_from_db()
        other.refresh_from_db()
        assert order.involvement.end == timezone.localdate()
        assert other.end is None

    def test_a_shared_involvement_stays_open_while_another_order_uses_it(self):
        w = orders_world()
        first, second = record(w), record(w, orders.Kind.REFERRAL_ORDER)
        assert first.involvement_id == second.involvement_id
        first.refresh_from_db()
        orders.end_order(order=first, by=w.cyjs_worker, expected_version=first.version, ended_on=timezone.localdate())
        first.involvement.refresh_from_db()
        assert first.involvement.end is None
        second.refresh_from_db()
        orders.end_order(order=second, by=w.cyjs_worker, expected_version=second.version, ended_on=timezone.localdate())
        second.involvement.refresh_from_db()
        assert second.involvement.end == timezone.localdate()


# --- Prevention referrals end exactly their own involvement (close path) -----------------------------------------------


class TestPreventionInvolvement:
    def test_closing_ends_the_linked_involvement_and_not_another_of_the_same_kind(self):
        w = prevention_world()
        ref = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        mine = Involvement.objects.get(child=w.child, kind=IKind.YJ_PREVENTION, end__isnull=True)
        other = InvolvementFactory(
            child=w.child, agency=w.cyjs, kind=IKind.YJ_PREVENTION, start=timezone.localdate() - timedelta(days=1)
        )
        PreventionReferral.objects.filter(pk=ref.pk).update(involvement=mine)  # set on creation by the intake path
        ref.refresh_from_db()
        prevention.close_referral(
            referral=ref, by=w.cyjs_worker, expected_version=ref.version, closed_on=timezone.localdate()
        )
        mine.refresh_from_db()
        other.refresh_from_db()
        assert mine.end == timezone.localdate() and other.end is None

    def test_a_linked_involvement_another_open_referral_shares_stays_open(self):
        w = prevention_world()
        first = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        second = screen(w, referral(w), outcome="cyjs_prevention", prevention_worker=w.prevention_worker)
        shared = Involvement.objects.get(child=w.child, kind=IKind.YJ_PREVENTION, end__isnull=True)
        PreventionReferral.objects.filter(pk__in=[first.pk, second.pk]).update(involvement=shared)
        first.refresh_from_db()
        prevention.close_referral(
            referral=first, by=w.cyjs_worker, expected_version=first.version, closed_on=timezone.localdate()
        )
        shared.refresh_from_db()
        assert shared.end is None


# --- HSB hub: who recorded each step (the history, not the access log) --------------------------------------------------


class TestHsbHistory:
    def test_each_step_is_added_with_who_and_when(self):
        w = hsb_world()
        c = planned(w)
        steps = [(e["step"], e["by"]) for e in c.history]
        assert steps == [
            (hsb.REQUEST, w.csc_worker.pk),
            (hsb.CONSULTATION, w.cyjs_manager.pk),
            (hsb.PATTERN_MAPPING, w.cyjs_manager.pk),
            (hsb.AIM_START, w.cyjs_manager.pk),
            (hsb.AIM_DONE, w.cyjs_worker.pk),
            (hsb.QA, w.cyjs_manager.pk),
            (hsb.QA, w.csc_manager.pk),
            (hsb.PLANNING, w.cyjs_manager.pk),
        ]
        assert all(set(e) == {"step", "by", "at"} for e in c.history)  # no name copied in
        c = hsb.close_consultation(consultation=c, by=w.cyjs_worker, closed_on=timezone.localdate())
        assert c.history[-1]["step"] == hsb.CLOSE and c.history[-1]["by"] == w.cyjs_worker.pk

    def test_a_refused_request_records_the_refusal(self):
        w = hsb_world()
        c = request(w, lives_in_authority=False)
        assert c.status == HsbConsultation.Status.REFUSED
        assert [(e["step"], e["by"]) for e in c.history] == [(hsb.REFUSED, w.csc_worker.pk)]

    def test_a_refused_step_adds_nothing(self):
        w = hsb_world()
        c = consulted(w)
        with pytest.raises(ValidationError):
            hsb.record_pattern_mapping(consultation=c, by=w.cyjs_manager, held_on=None)
        c.refresh_from_db()
        assert [e["step"] for e in c.history] == [hsb.REQUEST, hsb.CONSULTATION]

    def test_the_detail_page_says_who_recorded_each_step_and_when_from_the_history(self):
        w = hsb_world()
        c = aim_done(w)
        # Change who the history says completed the AIM: the page must follow the history, not the access log.
        HsbConsultation.objects.filter(pk=c.pk).update(
            history=[{**e, "by": w.csc_senior.pk} if e["step"] == hsb.AIM_DONE else e for e in c.history]
        )
        page = client_for(w.cyjs_manager).get(reverse("hsb-consultation-detail", args=[c.pk])).content.decode()
        today = timezone.localdate()
        on = f"{today.day} {today:%B %Y}"
        assert f"Recorded by {w.csc_worker.display_name} on {on}" in page
        assert f"Recorded by {w.cyjs_manager.display_name} on {on}" in page
        # The name is looked up from the history's user id (here changed), not from the access log.
        assert f"Recorded by {w.csc_senior.display_name} on {on}" in page
        assert f"Recorded by {w.cyjs_worker.display_name}" not in page

    def test_names_are_looked_up_when_shown(self):
        w = hsb_world()
        c = consulted(w)
        w.cyjs_manager.first_name = "Renamed"
        w.cyjs_manager.save(update_fields=["first_name"])
        entries = hsb_selectors.step_recorders(c)
        assert [e.by.display_name for e in entries][-1] == w.cyjs_manager.display_name
        assert "Renamed" in w.cyjs_manager.display_name

    def test_the_api_shows_the_history_with_names(self):
        w = hsb_world()
        c = consulted(w)
        data = api_for(w.cyjs_manager).get(f"/api/v1/hsb-consultations/{c.pk}/").data
        assert [(h["step"], h["by"], h["by_name"]) for h in data["history"]] == [
            (hsb.REQUEST, w.csc_worker.pk, w.csc_worker.display_name),
            (hsb.CONSULTATION, w.cyjs_manager.pk, w.cyjs_manager.display_name),
        ]
        assert data["history"][0]["at"]

"""Youth justice orders (seed 000 ¶15, ¶16, ¶20; domain notes P21, P22, P26, T22–T24; somerset-vs-lancashire
§1.8–1.9, §5.3): the services as the pages and the API call them, the clocks, the per-authority
differences (a test per authority), the notices, the summary page, the pages, the API and the chronology."""

from datetime import datetime, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from casework.chronology.selectors import chronology
from casework.models import (
    CourtAppearance,
    CustodyEpisode,
    Involvement,
    JointWorkingProtocol,
    Remand,
    YouthJusticeOrder,
)
from casework.orders import services
from casework.services import ConcurrentEditError
from notifications.clocks import due_text
from notifications.models import Deadline, Notification
from tests.factories import ChildFactory, InvolvementFactory
from tests.orders_builders import Kind, born_for_age, dto, orders_world, record
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db
Section = JointWorkingProtocol.Section
IKind = Involvement.Kind


@pytest.fixture
def w():
    return orders_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def end_of_day(day):
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def cyjs_involvements(w, kind):
    return Involvement.objects.filter(child=w.child, agency=w.cyjs, kind=kind)


# --- CBO / SRO / SHPO: consultation first (000 ¶16.1, P22) -----------------------------------------------------


class TestConsultation:
    @pytest.mark.parametrize(
        "kind", [Kind.CRIMINAL_BEHAVIOUR_ORDER, Kind.SEXUAL_RISK_ORDER, Kind.SEXUAL_HARM_PREVENTION_ORDER]
    )
    def test_refused_without_the_police_consultation_for_a_child_known_to_csc(self, w, kind):
        with pytest.raises(ValidationError) as error:
            record(w, kind, police_consulted_cyjs_on=None, mash_consulted_on=None)
        errors = error.value.message_dict
        assert errors["police_consulted_cyjs_on"][0].startswith(
            "Enter the date the police asked CYJS for a consultation"
        )
        assert "mash_consulted_on" not in errors  # known to CSC: no MASH consultation needed
        assert not YouthJusticeOrder.objects.exists()

    def test_known_to_csc_needs_no_mash_consultation(self, w):
        order = record(w, Kind.CRIMINAL_BEHAVIOUR_ORDER, mash_consulted_on=None)
        assert order.police_consulted_cyjs_on == w.made_on - timedelta(days=20) and order.mash_consulted_on is None

    def test_not_known_to_csc_needs_the_mash_consultation_too(self):
        w = orders_world(csc_kind=None)
        with pytest.raises(ValidationError) as error:
            record(w, Kind.SEXUAL_RISK_ORDER, mash_consulted_on=None)
        assert error.value.message_dict == {
            "mash_consulted_on": [
                "The child is not known to children's social care: enter the date CYJS asked MASH for a consultation"
            ]
        }
        assert record(w, Kind.SEXUAL_RISK_ORDER).mash_consulted_on == w.made_on - timedelta(days=15)

    def test_both_missing_for_a_child_not_known_to_csc(self):
        w = orders_world(csc_kind=None)
        with pytest.raises(ValidationError) as error:
            record(w, Kind.SEXUAL_HARM_PREVENTION_ORDER, police_consulted_cyjs_on=None, mash_consulted_on=None)
        assert set(error.value.message_dict) == {"police_consulted_cyjs_on", "mash_consulted_on"}

    def test_csc_closed_within_six_months_still_counts_as_known(self, w):
        w.csc_involvement.end = w.made_on - relativedelta(months=5)
        w.csc_involvement.save()
        assert record(w, Kind.CRIMINAL_BEHAVIOUR_ORDER, mash_consulted_on=None).pk

    def test_csc_closed_over_six_months_ago_is_not_known(self, w):
        w.csc_involvement.end = w.made_on - relativedelta(months=7)
        w.csc_involvement.save()
        with pytest.raises(ValidationError) as error:
            record(w, Kind.CRIMINAL_BEHAVIOUR_ORDER, mash_consulted_on=None)
        assert list(error.value.message_dict) == ["mash_consulted_on"]

    def test_consultation_after_the_order_is_refused(self, w):
        with pytest.raises(ValidationError) as error:
            record(w, Kind.CRIMINAL_BEHAVIOUR_ORDER, police_consulted_cyjs_on=w.made_on + timedelta(days=1))
        assert error.value.message_dict["police_consulted_cyjs_on"] == [
            "The police consultation must be on or before the date the order was made"
        ]

    def test_other_orders_do_not_keep_consultation_dates(self, w):
        order = record(w, Kind.REFERRAL_ORDER, police_consulted_cyjs_on=w.made_on)
        assert order.police_consulted_cyjs_on is None


# --- Custodial sentences: refusals (000 ¶20) ------------------------------------------------------------------------


class TestCustodialRefusals:
    @pytest.mark.parametrize("kind", [Kind.DETENTION_AND_TRAINING_ORDER, Kind.SECTION_250])
    def test_refused_without_an_expected_release_date(self, w, kind):
        with pytest.raises(ValidationError) as error:
            record(w, kind, expected_release_on=None)
        assert error.value.message_dict["expected_release_on"] == [
            "Enter the expected release date. Resettlement planning counts back from it"
        ]
        assert not YouthJusticeOrder.objects.exists()

    def test_refused_when_release_is_not_after_the_sentence(self, w):
        with pytest.raises(ValidationError) as error:
            dto(w, expected_release_on=w.made_on)
        assert error.value.message_dict["expected_release_on"][0].startswith(
            "The release date must be after the sentence"
        )

    def test_refused_in_the_future_and_without_a_kind(self, w):
        with pytest.raises(ValidationError) as error:
            record(w, "borstal", made_on=timezone.localdate() + timedelta(days=1))
        assert set(error.value.message_dict) == {"kind", "made_on"}

    def test_end_date_before_the_order_is_refused(self, w):
        with pytest.raises(ValidationError) as error:
            record(w, ends_on=w.made_on - timedelta(days=1))
        assert "ends_on" in error.value.message_dict

    def test_a_hearing_of_another_child_is_refused(self, w):
        other = CourtAppearance.objects.create(
            child=ChildFactory(),
            agency=w.cyjs,
            hearing_at=timezone.now(),
            court="Example Youth Court",
            created_by=w.cyjs_worker,
        )
        with pytest.raises(ValidationError) as error:
            record(w, appearance=other)
        assert error.value.message_dict["appearance"] == ["Choose one of this child's court hearings"]

    def test_only_cyjs_records_orders(self, w):
        with pytest.raises(PermissionDenied):
            record(w, by=w.csc_worker)
        with pytest.raises(PermissionDenied):
            record(w, by=w.police)
        assert not YouthJusticeOrder.objects.exists()

    def test_a_child_the_worker_cannot_see_is_refused(self, w):
        with pytest.raises(PermissionDenied):
            record(w, child=ChildFactory())


# --- The resettlement countdown (000 ¶20.8–20.9, T23/T24) -------------------------------------------------------------


class TestResettlement:
    def test_due_21_calendar_days_before_release(self, w):
        order = dto(w)
        deadline = clocks(order, "resettlement_planning").get()
        release = w.made_on + timedelta(days=120)
        assert deadline.status == Deadline.Status.OPEN
        assert deadline.due_date == release - timedelta(days=21)
        assert deadline.due_at == end_of_day(release - timedelta(days=21))
        assert deadline.anchor_at == timezone.make_aware(datetime.combine(release, time(9)))
        assert deadline.responsible == w.cyjs_worker and deadline.agency == w.cyjs
        assert deadline.explanation.endswith(f"→ due {due_text(deadline)}.")
        assert deadline.rule.escalation_chain == ["head_of_service", "director_of_childrens_services"]

    def test_a_new_release_date_moves_the_countdown(self, w):
        order = dto(w)
        new_release = w.made_on + timedelta(days=200)
        services.update_order(
            order=order, by=w.cyjs_worker, expected_version=order.version, data={"expected_release_on": new_release}
        )
        old, new = clocks(order, "resettlement_planning").order_by("id")
        assert old.status == Deadline.Status.CANCELLED and "Expected release date changed" in old.lateness_reason
        assert new.status == Deadline.Status.OPEN and new.due_date == new_release - timedelta(days=21)
        assert last_log(what="youth-justice-order:update").detail == "changed: expected_release_on"

    def test_other_changes_leave_the_countdown(self, w):
        order = dto(w)
        services.update_order(
            order=order, by=w.cyjs_worker, expected_version=order.version, data={"establishment_name": "Example YOI"}
        )
        assert clocks(order, "resettlement_planning").get().status == Deadline.Status.OPEN

    def test_plan_in_time_is_met(self, w):
        order = dto(w)
        order = services.record_resettlement_plan(
            order=order,
            by=w.cyjs_worker,
            completed_on=timezone.localdate(),
            post_release_accommodation="Home with mum, with s17 support",
        )
        deadline = clocks(order, "resettlement_planning").get()
        assert deadline.status == Deadline.Status.MET
        assert order.post_release_accommodation == "Home with mum, with s17 support"
        assert last_log(what="youth-justice-order:resettlement-plan").child_id == w.child.pk

    def test_plan_after_the_due_date_is_met_late(self):
        w = orders_world(made_days_ago=200)
        order = dto(w, expected_release_on=timezone.localdate() + timedelta(days=10))
        deadline = clocks(order, "resettlement_planning").get()
        assert deadline.due_date == timezone.localdate() - timedelta(days=11)
        services.record_resettlement_plan(
            order=order,
            by=w.cyjs_worker,
            completed_on=timezone.localdate(),
            post_release_accommodation="Supported lodgings",
        )
        deadline.refresh_from_db()
        assert deadline.status == Deadline.Status.MET_LATE

    def test_plan_needs_accommodation(self, w):
        order = dto(w)
        with pytest.raises(ValidationError) as error:
            services.record_resettlement_plan(
                order=order, by=w.cyjs_worker, completed_on=timezone.localdate(), post_release_accommodation=" "
            )
        assert error.value.message_dict["post_release_accommodation"][0].startswith(
            "Enter where the child will live after release"
        )
        assert clocks(order, "resettlement_planning").get().status == Deadline.Status.OPEN

    def test_plan_refused_twice_and_for_a_community_order(self, w):
        order = dto(w)
        services.record_resettlement_plan(
            order=order, by=w.cyjs_worker, completed_on=timezone.localdate(), post_release_accommodation="Home"
        )
        with pytest.raises(ValidationError, match="was completed on"):
            services.record_resettlement_plan(
                order=order, by=w.cyjs_worker, completed_on=timezone.localdate(), post_release_accommodation="Home"
            )
        with pytest.raises(ValidationError, match="Only a custodial sentence"):
            services.record_resettlement_plan(
                order=record(w), by=w.cyjs_worker, completed_on=timezone.localdate(), post_release_accommodation="Home"
            )

    def test_no_countdown_when_custody_is_shorter_than_21_days(self, w):
        order = dto(w, expected_release_on=w.made_on + timedelta(days=14))
        assert not clocks(order, "resettlement_planning").exists()

    def test_ending_the_order_cancels_the_countdown(self, w):
        order = dto(w)
        services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        assert clocks(order, "resettlement_planning").get().status == Deadline.Status.CANCELLED


# --- CSC stays open after a DTO (000 ¶20.5, T22): Lancashire 3 months, Somerset none -------------------------------------


class TestCscStaysOpen:
    def test_lancashire_starts_three_months_when_csc_was_significantly_involved(self, w):
        order = dto(w, csc_significantly_involved=True)
        deadline = clocks(order, "csc_open_after_custody").get()
        assert deadline.due_date == w.made_on + relativedelta(months=3)
        assert deadline.responsible == w.csc_worker and deadline.agency == w.csc

    def test_lancashire_not_started_without_significant_involvement(self, w):
        order = dto(w, csc_significantly_involved=False)
        assert not clocks(order, "csc_open_after_custody").exists()

    def test_somerset_has_no_stay_open_period(self):
        w = orders_world(somerset=True)
        order = dto(w, csc_significantly_involved=True)
        assert not clocks(order, "csc_open_after_custody").exists()
        assert clocks(order, "resettlement_planning").exists()  # the countdown applies in both

    def test_community_orders_have_no_custody_clocks(self, w):
        order = record(w, csc_significantly_involved=True)
        assert not Deadline.objects.filter(
            subject_id=order.pk, rule_code__in=["csc_open_after_custody", "resettlement_planning"]
        ).exists()
        assert order.csc_significantly_involved is False


# --- s20 looked-after status on a custodial sentence (000 ¶20.2; 003 L156): per authority -----------------------------------


class TestSection20:
    def test_lancashire_15_year_old_stops_being_looked_after(self):
        w = orders_world(age=15, csc_kind=IKind.CLA)
        order = dto(w, section_23za_visits="Social worker visits monthly at the secure home")
        assert order.section_20_ended is True
        assert order.section_23za_visits == "Social worker visits monthly at the secure home"
        notice = Notification.objects.get(recipient=w.csc_worker)
        assert (
            "No longer looked after: 15 when sentenced (Lancashire-like: under-16s stop being looked after)"
            in notice.body
        )
        assert "section 23ZA" in notice.body
        assert notice.link == reverse("order-detail", args=[order.pk])

    def test_lancashire_16_year_old_stays_looked_after(self):
        w = orders_world(age=16, csc_kind=IKind.CLA)
        order = dto(w, section_23za_visits="Not needed")
        assert order.section_20_ended is False and order.section_23za_visits == ""
        notice = Notification.objects.get(recipient=w.csc_worker)
        assert (
            "Still looked after: 16 or over when sentenced (Lancashire-like: only under-16s stop being looked after)"
            in notice.body
        )
        assert "23ZA" not in notice.body

    def test_somerset_16_year_old_stops_being_looked_after(self):
        w = orders_world(somerset=True, age=16, csc_kind=IKind.CLA)
        order = dto(w)
        assert order.section_20_ended is True
        assert (
            "Somershire ends section 20 accommodation on a custodial sentence at any age"
            in Notification.objects.get(recipient=w.csc_worker).body
        )

    def test_a_child_not_looked_after_is_unaffected(self, w):
        assert dto(w).section_20_ended is False

    def test_a_community_order_never_ends_s20(self):
        w = orders_world(age=15, csc_kind=IKind.CLA)
        assert record(w).section_20_ended is False

    def test_the_detail_page_says_why(self):
        w = orders_world(age=16, csc_kind=IKind.CLA)
        order = dto(w)
        page = client_for(w.cyjs_worker).get(reverse("order-detail", args=[order.pk])).content.decode()
        assert (
            "Still looked after: 16 or over when sentenced (Lancashire-like: only under-16s stop being looked after)"
            in page
        )


# --- Notices (000 ¶15.1, ¶20.7) --------------------------------------------------------------------------------------------


class TestNotices:
    def test_the_allocated_csc_worker_is_told_to_liaise(self, w):
        order = record(w, Kind.YOUTH_REHABILITATION_ORDER)
        notice = Notification.objects.get(recipient=w.csc_worker)
        assert notice.subject == f"A youth justice order was made for {w.child.full_name}"
        assert "Contact the child and youth justice worker" in notice.body
        assert order.told.csc_workers == [w.csc_worker]

    def test_the_team_manager_is_told_when_no_worker_is_allocated(self, w):
        w.csc_involvement.allocated_worker = None
        w.csc_involvement.save()
        record(w)
        assert Notification.objects.filter(recipient=w.csc_manager).count() == 1

    def test_nobody_in_csc_is_told_for_a_child_not_open_to_csc(self):
        w = orders_world(csc_kind=None)
        record(w)
        assert not Notification.objects.exclude(recipient=w.cyjs_worker).exists()

    def test_early_help_is_not_open_to_csc(self):
        w = orders_world(csc_kind=IKind.EARLY_HELP)
        record(w)
        assert not Notification.objects.filter(recipient=w.csc_worker).exists()

    def test_custody_tells_the_cyjs_worker_to_notify_the_virtual_school(self, w):
        order = dto(w)
        notice = Notification.objects.get(recipient=w.cyjs_worker)
        assert notice.subject == f"Tell the virtual school that {w.child.full_name} is in custody"
        services.record_virtual_school_told(order=order, by=w.cyjs_worker, on=timezone.localdate())
        order.refresh_from_db()
        assert order.virtual_school_told_on == timezone.localdate()
        assert last_log(what="youth-justice-order:virtual-school").user_id == w.cyjs_worker.pk

    def test_virtual_school_refusals(self, w):
        order = dto(w)
        with pytest.raises(ValidationError) as error:
            services.record_virtual_school_told(order=order, by=w.cyjs_worker, on=w.made_on - timedelta(days=1))
        assert "on" in error.value.message_dict
        services.record_virtual_school_told(order=order, by=w.cyjs_worker, on=w.made_on)
        with pytest.raises(ValidationError, match="was told on"):
            services.record_virtual_school_told(order=order, by=w.cyjs_worker, on=w.made_on)
        with pytest.raises(ValidationError, match="custodial sentence only"):
            services.record_virtual_school_told(order=record(w), by=w.cyjs_worker, on=w.made_on)


# --- Involvements opened and closed --------------------------------------------------------------------------------------


class TestInvolvements:
    @pytest.mark.parametrize(
        "kind, involvement",
        [
            (Kind.COMMUNITY_RESOLUTION, IKind.YJ_DIVERSION),
            (Kind.YOUTH_CAUTION, IKind.YJ_DIVERSION),
            (Kind.REFERRAL_ORDER, IKind.YJ_COURT_ORDER),
            (Kind.YOUTH_REHABILITATION_ORDER, IKind.YJ_COURT_ORDER),
            (Kind.CRIMINAL_BEHAVIOUR_ORDER, IKind.YJ_COURT_ORDER),
            (Kind.DETENTION_AND_TRAINING_ORDER, IKind.YJ_CUSTODY),
            (Kind.SECTION_250, IKind.YJ_CUSTODY),
        ],
    )
    def test_the_order_opens_its_cyjs_involvement(self, w, kind, involvement):
        record(w, kind)
        opened = cyjs_involvements(w, involvement).get()
        assert opened.end is None and opened.start == w.made_on and opened.allocated_worker == w.cyjs_worker
        assert last_log(what="youth-justice-order:record").detail.endswith(kind)

    def test_ending_closes_it(self, w):
        order = record(w)
        services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        assert cyjs_involvements(w, IKind.YJ_COURT_ORDER).get().end == timezone.localdate()
        assert cyjs_involvements(w, IKind.YJ_PREVENTION).get().end is None  # other work carries on

    def test_another_open_order_keeps_it_open(self, w):
        first = record(w, Kind.REFERRAL_ORDER)
        record(w, Kind.YOUTH_REHABILITATION_ORDER)
        assert cyjs_involvements(w, IKind.YJ_COURT_ORDER).count() == 1
        services.end_order(order=first, by=w.cyjs_worker, expected_version=first.version, ended_on=timezone.localdate())
        assert cyjs_involvements(w, IKind.YJ_COURT_ORDER).get().end is None


class TestEndAndUpdate:
    def test_refused_twice(self, w):
        order = record(w)
        services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        order.refresh_from_db()
        with pytest.raises(ValidationError, match="already ended"):
            services.end_order(
                order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate()
            )
        assert last_log(what="youth-justice-order:end").child_id == w.child.pk

    def test_refused_before_the_order_was_made_or_in_the_future(self, w):
        order = record(w)
        for day in (w.made_on - timedelta(days=1), timezone.localdate() + timedelta(days=1)):
            with pytest.raises(ValidationError) as error:
                services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=day)
            assert "ended_on" in error.value.message_dict

    def test_stale_versions_are_refused(self, w):
        order = record(w)
        with pytest.raises(ConcurrentEditError):
            services.end_order(
                order=order, by=w.cyjs_worker, expected_version=order.version + 1, ended_on=timezone.localdate()
            )
        with pytest.raises(ConcurrentEditError):
            services.update_order(
                order=order, by=w.cyjs_worker, expected_version=order.version + 1, data={"requirements": "x"}
            )

    def test_only_some_fields_change_and_ended_orders_not_at_all(self, w):
        order = record(w)
        with pytest.raises(ValidationError) as error:
            services.update_order(order=order, by=w.cyjs_worker, expected_version=order.version, data={"kind": "dto"})
        assert error.value.message_dict == {"kind": ["This cannot be changed here"]}
        with pytest.raises(ValidationError) as error:
            services.update_order(
                order=order, by=w.cyjs_worker, expected_version=order.version, data={"expected_release_on": w.made_on}
            )
        assert error.value.message_dict == {"expected_release_on": ["Only a custodial sentence has this"]}
        services.end_order(order=order, by=w.cyjs_worker, expected_version=order.version, ended_on=timezone.localdate())
        with pytest.raises(ValidationError, match="cannot be changed"):
            services.update_order(order=order, by=w.cyjs_worker, expected_version=None, data={"requirements": "x"})

    def test_csc_may_not_change_or_end(self, w):
        order = record(w)
        with pytest.raises(PermissionDenied):
            services.update_order(
                order=order, by=w.csc_worker, expected_version=order.version, data={"requirements": "x"}
            )
        with pytest.raises(PermissionDenied):
            services.end_order(
                order=order, by=w.csc_worker, expected_version=order.version, ended_on=timezone.localdate()
            )


# --- The youth justice summary page --------------------------------------------------------------------------------------


def youth_justice_records(w, n=1):
    for i in range(n):
        CustodyEpisode.objects.create(
            child=w.child,
            agency=w.cyjs,
            arrested_at=timezone.now() - timedelta(days=30 + i),
            custody_suite="Example Central custody suite",
            created_by=w.cyjs_worker,
        )
        hearing = CourtAppearance.objects.create(
            child=w.child,
            agency=w.cyjs,
            hearing_at=timezone.now() - timedelta(days=20 + i),
            court="Example Youth Court",
            outcome="sentenced",
            created_by=w.cyjs_worker,
        )
        Remand.objects.create(
            child=w.child,
            kind=Remand.Kind.LOCAL_AUTHORITY,
            started_on=w.made_on - timedelta(days=25 + i),
            looked_after=True,
            created_by=w.cyjs_worker,
            appearance=hearing,
        )
        record(w, appearance=hearing)


SECTION_HEADINGS = {
    "custody": "Police custody",
    "court": "Court",
    "remand": "Remands",
    "orders": "Orders and sentences",
}
RECORD_LINKS = ("custody-new", "court-appearance-new", "remand-new", "order-new")


def headings(page):
    return {key for key, text in SECTION_HEADINGS.items() if f'">{text}</h2>' in page}


class TestSummaryPage:
    def url(self, w):
        return reverse("youth-justice-summary", args=[w.child.pk])

    def test_cyjs_sees_every_section_with_record_links(self, w):
        youth_justice_records(w)
        response = client_for(w.cyjs_worker).get(self.url(w))
        page = response.content.decode()
        assert response.status_code == 200
        assert headings(page) == set(SECTION_HEADINGS)
        for name in RECORD_LINKS:
            assert reverse(name, args=[w.child.pk]) in page
        order = YouthJusticeOrder.objects.get()
        for link in (
            reverse("order-detail", args=[order.pk]),
            reverse("remand-detail", args=[Remand.objects.get().pk]),
            reverse("court-appearance-detail", args=[CourtAppearance.objects.get().pk]),
            reverse("custody-detail", args=[CustodyEpisode.objects.get().pk]),
        ):
            assert link in page
        event = last_log(what="page:youth-justice-summary")
        assert event.outcome == AccessEvent.Outcome.ALLOWED and event.user_id == w.cyjs_worker.pk

    def test_csc_sees_what_the_default_protocol_shares_and_no_record_links(self, w):
        youth_justice_records(w)
        page = client_for(w.csc_worker).get(self.url(w)).content.decode()
        assert headings(page) == set(SECTION_HEADINGS)
        for name in RECORD_LINKS:
            assert reverse(name, args=[w.child.pk]) not in page

    def test_csc_sees_only_the_sections_its_protocol_shares(self, w):
        youth_justice_records(w)
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT, Section.ORDERS])
        page = client_for(w.csc_worker).get(self.url(w)).content.decode()
        assert headings(page) == {"court", "orders"}
        assert "Example Central custody suite" not in page

    def test_csc_with_nothing_shared_gets_403(self, w):
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.SCREENING])
        assert client_for(w.csc_worker).get(self.url(w)).status_code == 403
        event = last_log(what="page:youth-justice-summary")
        assert event.outcome == AccessEvent.Outcome.DENIED and event.user_id == w.csc_worker.pk

    def test_police_who_see_the_child_get_403(self, w):
        youth_justice_records(w)
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=IKind.OTHER)
        response = client_for(w.police).get(self.url(w))
        assert response.status_code == 403 and "Example Youth Court" not in response.content.decode()
        assert last_log(what="page:youth-justice-summary", user=w.police).outcome == AccessEvent.Outcome.DENIED

    def test_police_who_cannot_see_the_child_get_the_no_access_page_or_404_if_restricted(self, w):
        youth_justice_records(w)
        response = client_for(w.police).get(self.url(w))
        page = response.content.decode()
        assert response.status_code == 403 and "You do not have access to this record" in page
        assert "Example Youth Court" not in page
        w.child.restricted = True
        w.child.save()
        assert client_for(w.police).get(self.url(w)).status_code == 404
        assert client_for(w.csc_worker).get(self.url(w)).status_code == 200  # the allocated worker still sees them

    def test_mash_gets_403_or_404(self, w):
        assert client_for(w.mash_worker).get(self.url(w)).status_code in (403, 404)

    def test_query_count_does_not_grow_with_records(self, w):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        youth_justice_records(w, 1)
        client = client_for(w.cyjs_worker)
        with CaptureQueriesContext(connection) as few:
            client.get(self.url(w))
        youth_justice_records(w, 4)
        with CaptureQueriesContext(connection) as many:
            assert client.get(self.url(w)).status_code == 200
        assert len(many) == len(few)


# --- The pages --------------------------------------------------------------------------------------------------------------


def new_order_post(w, kind, **extra):
    data = {
        "kind": kind,
        **date_parts("made_on", w.made_on),
        **date_parts("ends_on", None),
        **date_parts("police_consulted_cyjs_on", None),
        **date_parts("mash_consulted_on", None),
        **date_parts("expected_release_on", None),
        "requirements": "",
        "establishment_name": "",
        "csc_significantly_involved": "",
        "section_23za_visits": "",
    }
    data.update(extra)
    return data


class TestPages:
    def test_new_page_prefills_from_the_sentencing_hearing_and_explains_the_rules(self, w):
        hearing = CourtAppearance.objects.create(
            child=w.child,
            agency=w.cyjs,
            hearing_at=timezone.now() - timedelta(days=3),
            court="Example Youth Court",
            outcome="sentenced",
            created_by=w.cyjs_worker,
        )
        response = client_for(w.cyjs_worker).get(reverse("order-new", args=[w.child.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        assert f'<option value="{hearing.pk}" selected>' in page
        assert "The police must have asked CYJS for a consultation first" in page
        assert "only if under 16" in page and "stays open for 3 months" in page
        assert "is known to children's social care, so a MASH consultation is not needed" in page
        assert last_log(what="page:order-new").outcome == AccessEvent.Outcome.ALLOWED

    def test_new_page_in_somerset_explains_its_rules(self):
        w = orders_world(somerset=True)
        page = client_for(w.cyjs_worker).get(reverse("order-new", args=[w.child.pk])).content.decode()
        assert "at any age" in page and "stays open for" not in page

    def test_csc_may_not_open_the_new_page(self, w):
        assert client_for(w.csc_worker).get(reverse("order-new", args=[w.child.pk])).status_code == 403
        assert last_log(what="page:order-new").outcome == AccessEvent.Outcome.DENIED

    def test_a_refusal_shows_in_the_error_summary(self, w):
        response = client_for(w.cyjs_worker).post(reverse("order-new", args=[w.child.pk]), new_order_post(w, "cbo"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page
        assert 'href="#id_police_consulted_cyjs_on_0">Enter the date the police asked CYJS for a consultation' in page
        assert not YouthJusticeOrder.objects.exists()

    def test_recording_a_dto_through_the_page(self, w):
        release = w.made_on + timedelta(days=90)
        response = client_for(w.cyjs_worker).post(
            reverse("order-new", args=[w.child.pk]),
            new_order_post(
                w,
                "dto",
                **date_parts("expected_release_on", release),
                csc_significantly_involved="yes",
                establishment_name="Example STC",
            ),
            follow=True,
        )
        order = YouthJusticeOrder.objects.get()
        assert response.redirect_chain[-1][0] == reverse("order-detail", args=[order.pk])
        page = response.content.decode()
        assert "Detention and training order recorded." in page and "Remember to tell the virtual school" in page
        assert "Resettlement plan, including where the child will live" in page
        assert order.csc_significantly_involved and clocks(order, "csc_open_after_custody").exists()

    def test_detail_is_read_by_csc_when_shared_and_refused_when_not(self, w):
        order = record(w)
        url = reverse("order-detail", args=[order.pk])
        assert client_for(w.csc_worker).get(url).status_code == 200
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT])
        assert client_for(w.csc_worker).get(url).status_code == 403
        assert last_log(what="page:order", user=w.csc_worker).outcome == AccessEvent.Outcome.DENIED
        assert "You do not have access to this record" in client_for(w.police).get(url).content.decode()
        w.child.restricted = True
        w.child.save()
        assert client_for(w.police).get(url).status_code == 404

    def test_edit_moves_the_release_date(self, w):
        order = dto(w)
        new_release = w.made_on + timedelta(days=150)
        response = client_for(w.cyjs_worker).post(
            reverse("order-edit", args=[order.pk]),
            {
                "version": order.version,
                **date_parts("ends_on", None),
                "requirements": "Education at the secure home",
                **date_parts("expected_release_on", new_release),
                "establishment_name": "Example STC",
            },
        )
        assert response.status_code == 302
        order.refresh_from_db()
        assert order.expected_release_on == new_release and order.requirements == "Education at the secure home"
        assert clocks(order, "resettlement_planning", status="open").get().due_date == new_release - timedelta(days=21)

    def test_edit_with_a_stale_version_says_so(self, w):
        order = record(w)
        response = client_for(w.cyjs_worker).post(
            reverse("order-edit", args=[order.pk]),
            {
                "version": order.version + 5,
                **date_parts("ends_on", None),
                "requirements": "x",
            },
        )
        assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()

    def test_resettlement_virtual_school_and_end_pages(self, w):
        order = dto(w)
        client = client_for(w.cyjs_worker)
        refused = client.post(
            reverse("order-resettlement-plan", args=[order.pk]),
            {**date_parts("completed_on", timezone.localdate()), "post_release_accommodation": ""},
        )
        assert "Enter where the child will live after release" in refused.content.decode()
        assert (
            client.post(
                reverse("order-resettlement-plan", args=[order.pk]),
                {**date_parts("completed_on", timezone.localdate()), "post_release_accommodation": "Home"},
            ).status_code
            == 302
        )
        assert (
            client.post(
                reverse("order-virtual-school", args=[order.pk]), date_parts("on", timezone.localdate())
            ).status_code
            == 302
        )
        order.refresh_from_db()
        assert (
            client.post(
                reverse("order-end", args=[order.pk]),
                {"version": order.version, **date_parts("ended_on", timezone.localdate())},
            ).status_code
            == 302
        )
        order.refresh_from_db()
        assert (
            order.ended_on == timezone.localdate()
            and order.virtual_school_told_on
            and order.resettlement_plan_completed_on
        )

    def test_csc_may_not_open_the_write_pages(self, w):
        order = dto(w)
        client = client_for(w.csc_worker)
        for name in ("order-edit", "order-end", "order-resettlement-plan", "order-virtual-school"):
            assert client.get(reverse(name, args=[order.pk])).status_code == 403, name


# --- The API -------------------------------------------------------------------------------------------------------------------


API = "/api/v1/orders/"


class TestApi:
    def test_create_and_retrieve(self, w):
        response = api_for(w.cyjs_worker).post(
            API,
            {
                "child": w.child.pk,
                "kind": "dto",
                "made_on": w.made_on.isoformat(),
                "expected_release_on": (w.made_on + timedelta(days=100)).isoformat(),
                "csc_significantly_involved": True,
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert {d["rule_code"] for d in body["deadlines"]} == {"resettlement_planning", "csc_open_after_custody"}
        assert last_log(what="api:orders-create").action == AccessEvent.Action.WRITE
        got = api_for(w.csc_worker).get(f"{API}{body['id']}/")
        assert got.status_code == 200 and got.json()["kind"] == "dto"
        assert last_log(what="api:orders-detail").user_id == w.csc_worker.pk

    def test_create_refusals_are_field_errors(self, w):
        response = api_for(w.cyjs_worker).post(
            API, {"child": w.child.pk, "kind": "cbo", "made_on": w.made_on.isoformat()}, format="json"
        )
        assert response.status_code == 400
        assert "police_consulted_cyjs_on" in response.json()

    def test_create_403_for_csc_and_404_for_a_hidden_child(self, w):
        body = {"child": w.child.pk, "kind": "yro", "made_on": w.made_on.isoformat()}
        assert api_for(w.csc_worker).post(API, body, format="json").status_code == 403
        assert api_for(w.cyjs_worker).post(API, {**body, "child": ChildFactory().pk}, format="json").status_code == 404
        assert not YouthJusticeOrder.objects.exists()

    def test_list_is_filtered_and_dropped_when_not_shared(self, w):
        mine = record(w)
        hidden = orders_world(name="Elsewhere")  # another authority's child the CYJS worker cannot see
        record(hidden)
        ids = [row["id"] for row in api_for(w.cyjs_worker).get(API).json()["results"]]
        assert ids == [mine.pk]
        assert [row["id"] for row in api_for(w.csc_worker).get(API).json()["results"]] == [mine.pk]
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT])
        assert api_for(w.csc_worker).get(API).json()["results"] == []
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=IKind.OTHER)
        assert api_for(w.police).get(API).json()["results"] == []

    def test_retrieve_403_when_not_shared_and_404_when_hidden(self, w):
        order = record(w)
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT])
        assert api_for(w.csc_worker).get(f"{API}{order.pk}/").status_code == 403
        assert last_log(what="api:orders-detail", user=w.csc_worker).outcome == AccessEvent.Outcome.DENIED
        assert api_for(w.police).get(f"{API}{order.pk}/").status_code == 404
        InvolvementFactory(child=w.child, agency=w.police_agency, kind=IKind.OTHER)
        assert api_for(w.police).get(f"{API}{order.pk}/").status_code == 403

    def test_partial_update_moves_the_countdown_and_conflicts_on_a_stale_version(self, w):
        order = dto(w)
        api = api_for(w.cyjs_worker)
        new_release = w.made_on + timedelta(days=180)
        assert (
            api.patch(f"{API}{order.pk}/", {"expected_release_on": new_release.isoformat()}, format="json").status_code
            == 400
        )
        response = api.patch(
            f"{API}{order.pk}/",
            {"version": order.version, "expected_release_on": new_release.isoformat()},
            format="json",
        )
        assert response.status_code == 200
        due = [
            d
            for d in response.json()["deadlines"]
            if d["rule_code"] == "resettlement_planning" and d["status"] == "open"
        ]
        assert due[0]["due_date"] == (new_release - timedelta(days=21)).isoformat()
        stale = api.patch(f"{API}{order.pk}/", {"version": order.version, "requirements": "x"}, format="json")
        assert stale.status_code == 409 and "version" in stale.json()
        assert (
            api_for(w.csc_worker)
            .patch(f"{API}{order.pk}/", {"version": order.version + 1, "requirements": "x"}, format="json")
            .status_code
            == 403
        )

    def test_resettlement_plan_virtual_school_and_end(self, w):
        order = dto(w)
        api = api_for(w.cyjs_worker)
        today = timezone.localdate().isoformat()
        refused = api.post(
            f"{API}{order.pk}/resettlement-plan/",
            {"completed_on": today, "post_release_accommodation": ""},
            format="json",
        )
        assert refused.status_code == 400 and "post_release_accommodation" in refused.json()
        done = api.post(
            f"{API}{order.pk}/resettlement-plan/",
            {"completed_on": today, "post_release_accommodation": "Home"},
            format="json",
        )
        assert done.status_code == 200 and done.json()["resettlement_plan_completed_on"] == today
        assert (
            api.post(f"{API}{order.pk}/virtual-school/", {"on": today}, format="json").json()["virtual_school_told_on"]
            == today
        )
        version = YouthJusticeOrder.objects.get(pk=order.pk).version
        assert (
            api.post(f"{API}{order.pk}/end/", {"version": version - 1, "ended_on": today}, format="json").status_code
            == 409
        )
        ended = api.post(f"{API}{order.pk}/end/", {"version": version, "ended_on": today}, format="json")
        assert ended.status_code == 200 and ended.json()["ended_on"] == today
        again = api.post(
            f"{API}{order.pk}/end/", {"version": ended.json()["version"], "ended_on": today}, format="json"
        )
        assert again.status_code == 400
        assert (
            api_for(w.csc_worker)
            .post(f"{API}{order.pk}/end/", {"version": 1, "ended_on": today}, format="json")
            .status_code
            == 403
        )
        assert last_log(what="api:orders-end", user=w.cyjs_worker).action == AccessEvent.Action.WRITE


# --- The chronology ----------------------------------------------------------------------------------------------------------


class TestChronology:
    def test_orders_show_for_those_who_read_them(self, w):
        order = dto(w)
        services.record_resettlement_plan(
            order=order, by=w.cyjs_worker, completed_on=timezone.localdate(), post_release_accommodation="Home"
        )
        titles = [
            e.title for e in chronology(child=w.child, viewer=w.cyjs_worker) if e.event_type == "youth_justice_order"
        ]
        assert titles == ["Resettlement plan completed", "Detention and training order made"]
        entry = next(e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "youth_justice_order")
        assert entry.agency_kind == "cyjs" and entry.url == reverse("order-detail", args=[order.pk])
        JointWorkingProtocol.objects.create(authority=w.authority, csc_reads=[Section.COURT])
        assert not [e for e in chronology(child=w.child, viewer=w.csc_worker) if e.event_type == "youth_justice_order"]

    def test_agency_filter(self, w):
        record(w)
        assert not [
            e
            for e in chronology(child=w.child, agency_kinds=["csc"], viewer=w.cyjs_worker)
            if e.event_type == "youth_justice_order"
        ]
        assert [
            e
            for e in chronology(child=w.child, agency_kinds=["cyjs"], viewer=w.cyjs_worker)
            if e.event_type == "youth_justice_order"
        ]


def test_age_is_taken_on_the_day_of_sentence():
    from datetime import date

    child = ChildFactory(date_of_birth=date(2010, 6, 1))
    assert services.age_on(child, date(2026, 5, 31)) == 15
    assert services.age_on(child, date(2026, 6, 1)) == 16
    assert services.age_on(ChildFactory(date_of_birth=born_for_age(15, date(2026, 1, 10))), date(2026, 1, 10)) == 15

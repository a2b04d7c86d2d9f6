"""Child protection conferences, plans and core groups (seed 001 L2001–2058): the services as the pages and
the API call them, their clocks, the pages, the conference report PDF and the API."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent, Role
from casework.conference import services
from casework.models import (
    ChildProtectionConference,
    ChildProtectionPlan,
    ConferenceRequest,
    CoreGroupMeeting,
    Involvement,
    Section47Enquiry,
)
from casework.services import ConcurrentEditError
from casework.text import day_text
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for, due_text, open_deadlines, start_clock
from notifications.models import Deadline, Notification
from tests.conference_builders import (
    arranged_initial,
    child_on_plan,
    conference_world,
    record,
    substantiated_enquiry,
)
from tests.factories import ChildFactory, InvolvementFactory, UserFactory
from tests.pathway_builders import api_for, client_for, clocks, date_parts

pytestmark = pytest.mark.django_db

Kind = ChildProtectionConference.Kind


@pytest.fixture
def w():
    return conference_world()


def last_log(**filters):
    return AccessEvent.objects.filter(**filters).order_by("-id").first()


def review_of(w, plan, **kwargs):
    return services.arrange_conference(
        child=plan.child,
        by=w.csc_worker,
        kind=Kind.REVIEW,
        scheduled_for=timezone.now() - timedelta(hours=2),
        chair=w.chair,
        plan=plan,
        **kwargs,
    )


# --- Arranging an initial conference -------------------------------------------------------------------------


class TestArrange:
    def test_refused_while_the_enquiry_is_open(self, w):
        enquiry = substantiated_enquiry(w, outcome="")
        with pytest.raises(ValidationError) as error:
            arranged_initial(w, enquiry)
        assert error.value.message_dict["enquiry"] == [
            "An initial conference needs a section 47 enquiry whose concerns were substantiated"
        ]
        assert not ChildProtectionConference.objects.exists()

    def test_refused_when_concerns_were_not_substantiated(self, w):
        enquiry = substantiated_enquiry(w, outcome=Section47Enquiry.Outcome.NOT_SUBSTANTIATED)
        with pytest.raises(ValidationError, match="substantiated"):
            arranged_initial(w, enquiry)

    def test_allowed_after_an_agreed_conference_request(self, w):
        """001 L1992: another professional asked, and CSC agreed."""
        enquiry = substantiated_enquiry(w, outcome=Section47Enquiry.Outcome.NOT_SUBSTANTIATED)
        ConferenceRequest.objects.create(
            enquiry=enquiry,
            requested_by_name="Dr Example",
            requested_by_organisation="GP surgery",
            reason="Still worried",
            requested_at=timezone.now(),
            status=ConferenceRequest.Status.AGREED,
            recorded_by=w.csc_worker,
        )
        conference = arranged_initial(w, enquiry)
        assert conference.kind == Kind.INITIAL and conference.status == "scheduled"

    def test_invitees_come_from_the_strategy_discussion_and_the_write_is_logged(self, w):
        conference = arranged_initial(w)
        names = list(conference.participants.values_list("name", "capacity", "user"))
        assert ("PC Pat Officer", "police", None) in names
        assert (w.teacher.display_name, "education", w.teacher.pk) in names
        assert len(names) == 4
        event = last_log(what="conference:arrange")
        assert event.child_id == w.child.pk and event.action == "write" and event.user_id == w.csc_worker.pk

    def test_given_invitees_replace_the_suggestions(self, w):
        conference = arranged_initial(
            w, invitees=[{"name": "Sam Nurse", "organisation": "Health", "capacity": "health"}]
        )
        assert list(conference.participants.values_list("name", flat=True)) == ["Sam Nurse"]

    def test_only_one_initial_conference_per_enquiry(self, w):
        enquiry = substantiated_enquiry(w)
        arranged_initial(w, enquiry)
        with pytest.raises(ValidationError, match="already arranged"):
            arranged_initial(w, enquiry)

    def test_chair_must_be_an_independent_chair(self, w):
        with pytest.raises(ValidationError) as error:
            arranged_initial(w, chair=w.csc_manager)
        assert error.value.message_dict["chair"] == ["The chair must be an independent conference chair"]

    def test_chair_must_not_manage_the_case(self, w):
        """001 L2014: independent of operational or line management of the case."""
        managing_chair = UserFactory(role=Role.CONFERENCE_CHAIR, agency=w.csc)
        w.csc_team.manager = managing_chair
        w.csc_team.save()
        with pytest.raises(ValidationError) as error:
            arranged_initial(w, chair=managing_chair)
        assert "must not be the social worker or manage" in error.value.message_dict["chair"][0]

    def test_cyjs_may_not_arrange(self, w):
        enquiry = substantiated_enquiry(w)
        with pytest.raises(PermissionDenied):
            services.arrange_conference(
                child=w.child, by=w.cyjs_worker, kind=Kind.INITIAL, scheduled_for=timezone.now(), enquiry=enquiry
            )

    def test_review_needs_an_active_plan(self, w):
        with pytest.raises(ValidationError) as error:
            services.arrange_conference(
                child=w.child, by=w.csc_worker, kind=Kind.REVIEW, scheduled_for=timezone.now(), plan=None
            )
        assert "active child protection plan" in error.value.message_dict["plan"][0]


# --- Recording an initial conference ----------------------------------------------------------------------------


class TestRecordInitial:
    def test_with_a_plan(self, w):
        conference = arranged_initial(w)
        held_at = timezone.now() - timedelta(hours=1)
        record(w, conference, held_at=held_at)
        conference.refresh_from_db()
        assert conference.status == "held" and conference.plan_needed and conference.version == 2

        [icpc] = clocks(conference.enquiry, "icpc")
        assert icpc.status == Deadline.Status.MET and icpc.met_at == held_at

        plan = conference.resulting_plan
        assert plan.status == "active" and plan.started_on == timezone.localdate(held_at)
        assert plan.category == "neglect" and plan.lead_social_worker == w.csc_worker
        assert plan.detail.startswith("Daily school attendance")
        assert plan.core_group.count() == 4
        assert Involvement.objects.filter(
            child=w.child, kind="cp", agency=w.csc, end__isnull=True, allocated_worker=w.csc_worker
        ).exists()

        calendar = calendar_for(w.authority)
        [core] = open_deadlines("core_group_first", plan)
        assert core.anchor_at == held_at
        assert core.due_date == add_working_days(timezone.localdate(held_at), 10, calendar=calendar)
        [review] = open_deadlines("cp_review_first", plan)
        assert review.due_date == timezone.localdate(held_at) + relativedelta(months=3)

        assert last_log(what="conference:record").child_id == w.child.pk
        assert last_log(what="cp-plan:start").action == "write"

    def test_attendance_and_reports_are_kept(self, w):
        conference = arranged_initial(w)
        people = list(conference.participants.all())
        attendance = [
            {
                "participant_id": people[0].pk,
                "attended": True,
                "report_received": True,
                "report_shared_with_parents": True,
            },
            {
                "participant_id": people[1].pk,
                "attended": False,
                "sent_apologies": True,
                "report_received": True,
                "report_shared_with_parents": False,
            },
        ]
        record(w, conference, attendance=attendance)
        people[1].refresh_from_db()
        assert (people[1].attended, people[1].sent_apologies, people[1].report_shared_with_parents) == (
            False,
            True,
            False,
        )

    def test_late_with_a_reason_is_met_late(self, w):
        enquiry = substantiated_enquiry(w, discussion_held_at=timezone.now() - timedelta(days=40))
        conference = arranged_initial(w, enquiry)
        record(w, conference, lateness_reason="The chair was ill")
        [icpc] = clocks(enquiry, "icpc")
        assert icpc.status == Deadline.Status.MET_LATE and icpc.lateness_reason == "The chair was ill"

    def test_late_without_a_reason_is_refused_and_nothing_is_saved(self, w):
        enquiry = substantiated_enquiry(w, discussion_held_at=timezone.now() - timedelta(days=40))
        conference = arranged_initial(w, enquiry)
        with pytest.raises(ValidationError) as error:
            record(w, conference)
        assert "Give the reason it is late" in error.value.message_dict["lateness_reason"][0]
        conference.refresh_from_db()
        assert conference.status == "scheduled"
        assert not ChildProtectionPlan.objects.exists()
        assert open_deadlines("icpc", enquiry).count() == 1

    def test_without_a_plan(self, w):
        conference = arranged_initial(w)
        record(w, conference, plan_needed=False, category="", lead_social_worker=None)
        conference.refresh_from_db()
        assert conference.status == "held" and conference.plan_needed is False
        assert not ChildProtectionPlan.objects.exists()
        assert not Involvement.objects.filter(child=w.child, kind="cp").exists()
        assert clocks(conference.enquiry, "icpc").get().status == Deadline.Status.MET

    def test_held_twice_is_refused(self, w):
        conference = arranged_initial(w)
        record(w, conference)
        with pytest.raises(ValidationError, match="cannot be recorded again"):
            record(w, conference)

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"category": ""}, "category"),
            ({"lead_social_worker": None}, "lead_social_worker"),
            ({"held_at": timezone.now() + timedelta(days=1)}, "held_at"),
            ({"chair": None}, "chair"),
            ({"plan_needed": None}, "plan_needed"),
        ],
    )
    def test_refusals(self, w, overrides, field):
        conference = arranged_initial(w)
        with pytest.raises(ValidationError) as error:
            record(w, conference, **overrides)
        assert field in error.value.message_dict
        conference.refresh_from_db()
        assert conference.status == "scheduled"

    def test_the_lead_social_worker_works_in_social_care(self, w):
        conference = arranged_initial(w)
        with pytest.raises(ValidationError) as error:
            record(w, conference, lead_social_worker=w.cyjs_worker)
        assert "children's social care" in error.value.message_dict["lead_social_worker"][0]

    def test_stale_version_is_refused(self, w):
        conference = arranged_initial(w)
        with pytest.raises(ConcurrentEditError):
            record(w, conference, expected_version=conference.version + 5)


# --- Review conferences --------------------------------------------------------------------------------------------


class TestReview:
    def test_review_invites_the_core_group_and_continues_the_plan(self, w):
        _, plan = child_on_plan(w)
        review = review_of(w, plan)
        assert review.participants.count() == plan.core_group.count()
        held_at = timezone.now() - timedelta(minutes=30)
        record(w, review, held_at=held_at, category="", lead_social_worker=None, outline_plan="")
        review.refresh_from_db()
        assert review.category == "neglect"  # the plan's, unless changed
        assert clocks(plan, "cp_review_first").get().status == Deadline.Status.MET
        [following] = open_deadlines("cp_review_next", plan)
        assert following.anchor_at == held_at
        assert following.due_date == timezone.localdate(held_at) + relativedelta(months=6)

    def test_a_second_review_stops_and_restarts_the_six_month_clock(self, w):
        _, plan = child_on_plan(w)
        record(w, review_of(w, plan))
        record(w, review_of(w, plan))
        assert clocks(plan, "cp_review_next", status=Deadline.Status.MET).count() == 1
        assert open_deadlines("cp_review_next", plan).count() == 1

    def test_only_one_review_arranged_at_a_time(self, w):
        _, plan = child_on_plan(w)
        review_of(w, plan)
        with pytest.raises(ValidationError, match="already arranged"):
            review_of(w, plan)

    def test_a_review_deciding_no_plan_ends_the_plan(self, w):
        _, plan = child_on_plan(w)
        record(w, review_of(w, plan), plan_needed=False)
        plan.refresh_from_db()
        assert plan.status == "ended" and plan.end_reason == "no_longer_at_risk"
        assert plan.ended_on == timezone.localdate(plan.review_conferences.get().held_at)
        assert not open_deadlines("cp_review_next", plan).exists()
        assert clocks(plan, "core_group_first").get().status == Deadline.Status.CANCELLED
        assert not Involvement.objects.filter(child=w.child, kind="cp", end__isnull=True).exists()
        assert Notification.objects.filter(recipient=w.teacher, link=f"/child-protection-plans/{plan.pk}/").exists()


# --- Core groups and plan edits --------------------------------------------------------------------------------------


class TestCoreGroup:
    def test_the_first_meeting_stops_the_clock_and_keeps_absentees_views(self, w):
        _, plan = child_on_plan(w)
        members = list(plan.core_group.all())
        meeting = services.record_core_group_meeting(
            plan=plan,
            by=w.csc_worker,
            held_on=timezone.localdate(),
            attendance=[
                {"participant_id": members[0].pk, "attended": True},
                {"participant_id": members[1].pk, "attended": False, "written_views": "School attendance is better."},
            ],
            progress="Some",
            decisions="Keep going",
            actions=[
                {
                    "description": "Book a health check",
                    "owner_name": "Health visitor",
                    "due_on": timezone.localdate() + timedelta(days=7),
                },
                {"description": "", "owner_name": "", "due_on": None},
            ],
        )
        assert clocks(plan, "core_group_first").get().status == Deadline.Status.MET
        absent = meeting.participants.get(attended=False)
        assert absent.written_views == "School attendance is better."
        assert meeting.actions.get().owner_name == "Health visitor"
        assert last_log(what="core-group:record").child_id == w.child.pk

    def test_refused_on_an_ended_plan(self, w):
        _, plan = child_on_plan(w)
        services.end_plan(
            plan=plan, by=w.csc_worker, expected_version=plan.version, ended_on=timezone.localdate(), reason="died"
        )
        with pytest.raises(ValidationError, match="This plan ended on"):
            services.record_core_group_meeting(
                plan=plan,
                by=w.csc_worker,
                held_on=timezone.localdate(),
                attendance=[],
                progress="",
                decisions="x",
                actions=[],
            )
        assert not CoreGroupMeeting.objects.exists()

    def test_an_action_needs_who_and_what(self, w):
        _, plan = child_on_plan(w)
        with pytest.raises(ValidationError) as error:
            services.record_core_group_meeting(
                plan=plan,
                by=w.csc_worker,
                held_on=timezone.localdate(),
                attendance=[],
                progress="",
                decisions="x",
                actions=[{"description": "Visit", "owner_name": ""}],
            )
        assert "actions" in error.value.message_dict

    def test_update_plan_and_stale_version(self, w):
        _, plan = child_on_plan(w)
        version = plan.version
        services.update_plan(
            plan=plan, by=w.csc_worker, expected_version=version, data={"detail": "Detailed plan", "child_agrees": True}
        )
        plan.refresh_from_db()
        assert (plan.detail, plan.child_agrees, plan.version) == ("Detailed plan", True, version + 1)
        with pytest.raises(ConcurrentEditError):
            services.update_plan(plan=plan, by=w.csc_worker, expected_version=version, data={"detail": "Other"})
        assert last_log(what="cp-plan:update").detail == "changed: child_agrees, detail"


# --- Ending a plan ------------------------------------------------------------------------------------------------------


class TestEndPlan:
    def end(self, w, plan, **kwargs):
        plan.refresh_from_db()
        values = dict(
            plan=plan,
            by=w.csc_worker,
            expected_version=plan.version,
            ended_on=timezone.localdate(),
            reason="no_longer_at_risk",
        )
        values.update(kwargs)
        return services.end_plan(**values)

    def test_ending_tells_every_agency_invited_to_the_initial_conference(self, w):
        _, plan = child_on_plan(w)
        ended = self.end(w, plan)
        assert ended.status == "ended"
        told = {row["name"]: row for row in ended.ending_notified}
        assert set(told) == {w.csc_worker.display_name, "PC Pat Officer", w.teacher.display_name}  # not the parent
        assert told["PC Pat Officer"]["in_app"] is False and told[w.teacher.display_name]["in_app"] is True
        assert Notification.objects.filter(recipient=w.teacher, subject__contains="ended").count() == 1
        assert Notification.objects.filter(recipient=w.csc_worker, subject__contains="ended").count() == 1
        for code in ("core_group_first", "cp_review_first"):
            assert clocks(plan, code).get().status == Deadline.Status.CANCELLED
        assert Involvement.objects.get(child=w.child, kind="cp").end == timezone.localdate()
        assert last_log(what="cp-plan:end").action == "write"

    def test_csc_staying_open_after_custody_carries_on_as_child_in_need(self, w):
        """000 ¶20.5: the conference ends the plan, but CSC stays open for the waiting period."""
        _, plan = child_on_plan(w)
        others = set(Involvement.objects.filter(child=w.child, kind="cin").values_list("pk", flat=True))
        Involvement.objects.filter(pk__in=others).update(end=timezone.localdate())  # the plan is CSC's only work
        cp = Involvement.objects.get(child=w.child, kind="cp", end__isnull=True)
        start_clock(
            "csc_open_after_custody",
            plan,
            child=w.child,
            started_at=timezone.now(),
            anchor_at=timezone.now() - timedelta(days=10),
            responsible=w.csc_worker,
            agency=cp.agency,
        )
        self.end(w, plan)
        cp.refresh_from_db()
        assert cp.end == timezone.localdate()
        cin = Involvement.objects.get(child=w.child, kind="cin", end__isnull=True)
        assert (cin.agency_id, cin.allocated_worker_id) == (cp.agency_id, cp.allocated_worker_id)
        assert last_log(what="cp-plan:end").detail.endswith("CSC stays open after custody: child in need opened")

    def test_without_a_stay_open_period_no_child_in_need_is_opened(self, w):
        _, plan = child_on_plan(w)
        Involvement.objects.filter(child=w.child, kind="cin").update(end=timezone.localdate())
        self.end(w, plan)
        assert not Involvement.objects.filter(child=w.child, kind="cin", end__isnull=True).exists()

    def test_ending_twice_is_refused(self, w):
        _, plan = child_on_plan(w)
        self.end(w, plan)
        with pytest.raises(ValidationError) as error:
            self.end(w, plan)
        assert error.value.messages == [f"This plan ended on {day_text(timezone.localdate())}"]

    def test_moved_away_needs_the_receiving_authority_and_their_conference(self, w):
        _, plan = child_on_plan(w)
        with pytest.raises(ValidationError) as error:
            self.end(w, plan, reason="moved_away")
        assert {"receiving_authority", "receiving_authority_notified_on", "receiving_conference_on"} <= set(
            error.value.message_dict
        )

    def test_moved_away_refused_before_the_receiving_conference(self, w):
        """001 L2052: the plan may end only after the receiving authority's conference."""
        _, plan = child_on_plan(w)
        today = timezone.localdate()
        with pytest.raises(ValidationError) as error:
            self.end(
                w,
                plan,
                reason="moved_away",
                receiving_authority="Othershire",
                receiving_authority_notified_on=today,
                receiving_conference_on=today + timedelta(days=3),
            )
        assert "only after that conference" in error.value.message_dict["receiving_conference_on"][0]
        plan.refresh_from_db()
        assert plan.status == "active"

    def test_moved_away_after_the_receiving_conference(self, w):
        _, plan = child_on_plan(w)
        today = timezone.localdate()
        ended = self.end(
            w,
            plan,
            reason="moved_away",
            receiving_authority="Othershire",
            receiving_authority_notified_on=today,
            receiving_conference_on=today,
        )
        assert (ended.receiving_authority, ended.receiving_conference_on) == ("Othershire", today)

    def test_reached_18_refused_before_the_birthday(self, w):
        _, plan = child_on_plan(w)
        with pytest.raises(ValidationError) as error:
            self.end(w, plan, reason="turned_18")
        assert "turns 18 on" in error.value.message_dict["reason"][0]

    def test_reached_18_on_the_birthday(self, w):
        w.child.date_of_birth = timezone.localdate() - relativedelta(years=18)
        w.child.save()
        _, plan = child_on_plan(w)
        assert self.end(w, plan, reason="turned_18").end_reason == "turned_18"

    def test_stale_version(self, w):
        _, plan = child_on_plan(w)
        with pytest.raises(ConcurrentEditError):
            self.end(w, plan, expected_version=plan.version + 1)


# --- Transfer-in ----------------------------------------------------------------------------------------------------------


class TestTransferIn:
    def test_clock_starts_from_notification_and_stops_when_held(self, w):
        notified = timezone.localdate() - timedelta(days=2)
        conference = services.record_transfer_in(
            child=w.child, by=w.csc_worker, notified_on=notified, transferring_authority="Othershire", chair=w.chair
        )
        [clock] = open_deadlines("transfer_in_conference", conference)
        assert clock.due_date == add_working_days(notified, 15, calendar=calendar_for(w.authority))
        Participant = conference.participants.model
        Participant.objects.create(conference=conference, name="Sam Nurse", organisation="Health", capacity="health")
        record(w, conference)
        clock.refresh_from_db()
        assert clock.status == Deadline.Status.MET
        conference.refresh_from_db()
        assert conference.resulting_plan.status == "active"
        assert open_deadlines("core_group_first", conference.resulting_plan).count() == 1
        assert last_log(what="conference:transfer-in").child_id == w.child.pk

    def test_needs_the_authority_and_a_past_date(self, w):
        with pytest.raises(ValidationError) as error:
            services.record_transfer_in(
                child=w.child,
                by=w.csc_worker,
                notified_on=timezone.localdate() + timedelta(days=1),
                transferring_authority="",
            )
        assert {"notified_on", "transferring_authority"} <= set(error.value.message_dict)


# --- Pages -------------------------------------------------------------------------------------------------------------------


class TestPages:
    def test_arrange_page_prefills_and_arranges(self, w):
        enquiry = substantiated_enquiry(w)
        client = client_for(w.csc_worker)
        url = f"/children/{w.child.pk}/conferences/new/?enquiry={enquiry.pk}"
        page = client.get(url)
        assert page.status_code == 200
        assert "PC Pat Officer" in page.content.decode() and "is due by" in page.content.decode()
        when = timezone.localdate() + timedelta(days=5)
        response = client.post(
            url,
            {
                **date_parts("scheduled_date", when),
                "scheduled_time": "10:00",
                "chair": w.chair.pk,
                "invite": ["0", "1"],
            },
        )
        conference = ChildProtectionConference.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/conferences/{conference.pk}/"
        assert conference.participants.count() == 2

    def test_record_page_shows_the_lateness_error_and_then_records(self, w):
        enquiry = substantiated_enquiry(w, discussion_held_at=timezone.now() - timedelta(days=40))
        conference = arranged_initial(w, enquiry)
        client = client_for(w.csc_worker)
        url = f"/conferences/{conference.pk}/record/"
        assert client.get(url).status_code == 200
        held = timezone.localtime() - timedelta(hours=2)
        data = {
            "version": conference.version,
            **date_parts("held_date", held.date()),
            "held_time": f"{held:%H:%M}",
            "chair": w.chair.pk,
            "reports_shared_with_parents": "yes",
            "parents_told_about_advocacy": "yes",
            "plan_needed": "yes",
            "category": "emotional",
            "lead_social_worker": w.csc_worker.pk,
            "outline_plan": "Outline",
            "core_group": [str(p.pk) for p in conference.participants.all()[:2]],
        }
        for p in conference.participants.all():
            data[f"p{p.pk}_attendance"] = "attended"
        page = client.post(url, data)
        body = page.content.decode()
        assert page.status_code == 200 and "govuk-error-summary" in body and "Give the reason it is late" in body
        response = client.post(url, {**data, "lateness_reason": "Family asked to move it"})
        assert response.status_code == 302
        plan = ChildProtectionPlan.objects.get()
        assert plan.category == "emotional" and plan.core_group.count() == 2

    def test_pdf_is_a_pdf_and_is_logged(self, w):
        conference, plan = child_on_plan(w)
        response = client_for(w.csc_worker).get(f"/conferences/{conference.pk}/report.pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Cache-Control"] == "no-store"
        event = last_log(what="pdf:conference-report")
        assert event.child_id == w.child.pk and event.action == "read" and event.outcome == "allowed"

    def test_plan_page_shows_due_dates_and_links(self, w):
        _, plan = child_on_plan(w)
        body = client_for(w.csc_worker).get(f"/child-protection-plans/{plan.pk}/").content.decode()
        due = open_deadlines("core_group_first", plan).get()
        assert "First core group meeting" in body and due_text(due) in body
        for url in (
            f"/child-protection-plans/{plan.pk}/core-groups/new/",
            f"/child-protection-plans/{plan.pk}/end/",
            f"/children/{w.child.pk}/conferences/new/?plan={plan.pk}",
        ):
            assert url in body

    def test_cyjs_reads_but_may_not_write(self, w):
        _, plan = child_on_plan(w)
        client = client_for(w.cyjs_worker)
        page = client.get(f"/child-protection-plans/{plan.pk}/")
        assert page.status_code == 200 and "End the plan" not in page.content.decode()
        assert client.get(f"/child-protection-plans/{plan.pk}/end/").status_code == 403
        assert last_log(what="page:cp-plan-end").outcome == "denied"

    def test_end_page_ends_and_shows_who_was_told(self, w):
        _, plan = child_on_plan(w)
        client = client_for(w.csc_worker)
        response = client.post(
            f"/child-protection-plans/{plan.pk}/end/",
            {"version": plan.version, **date_parts("ended_on", timezone.localdate()), "reason": "left_uk"},
            follow=True,
        )
        body = response.content.decode()
        assert "Who was told the plan ended" in body and "PC Pat Officer" in body and "tell them yourself" in body

    def test_core_group_page_records(self, w):
        _, plan = child_on_plan(w)
        members = list(plan.core_group.all())
        data = {
            **date_parts("held_on", timezone.localdate()),
            "decisions": "Agreed",
            f"m{members[0].pk}_attended": "on",
            f"m{members[1].pk}_views": "Sent by email",
            "action1_description": "Visit",
            "action1_owner": "Social worker",
        }
        response = client_for(w.csc_worker).post(f"/child-protection-plans/{plan.pk}/core-groups/new/", data)
        assert response.status_code == 302
        meeting = CoreGroupMeeting.objects.get()
        assert meeting.participants.get(name=members[1].name).written_views == "Sent by email"


# --- API ------------------------------------------------------------------------------------------------------------------------


class TestApi:
    def test_create_and_record_a_conference(self, w):
        enquiry = substantiated_enquiry(w)
        api = api_for(w.csc_worker)
        created = api.post(
            "/api/v1/conferences/",
            {
                "child": w.child.pk,
                "kind": "initial",
                "enquiry": enquiry.pk,
                "chair": w.chair.pk,
                "scheduled_for": (timezone.now() - timedelta(hours=2)).isoformat(),
            },
            format="json",
        )
        assert created.status_code == 201, created.data
        conference = created.data
        assert len(conference["participants"]) == 4
        body = {
            "version": conference["version"],
            "held_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "chair": w.chair.pk,
            "attendance": [{"participant_id": p["id"], "attended": True} for p in conference["participants"]],
            "reports_shared_with_parents": True,
            "parents_told_about_advocacy": False,
            "plan_needed": True,
            "category": "physical",
            "lead_social_worker": w.csc_worker.pk,
            "outline_plan": "Outline",
        }
        recorded = api.post(f"/api/v1/conferences/{conference['id']}/record/", body, format="json")
        assert recorded.status_code == 200, recorded.data
        assert recorded.data["status"] == "held" and recorded.data["resulting_plan"]
        again = api.post(
            f"/api/v1/conferences/{conference['id']}/record/",
            {**body, "version": recorded.data["version"]},
            format="json",
        )
        assert again.status_code == 400 and "non_field_errors" in again.data

    def test_field_errors_are_400(self, w):
        enquiry = substantiated_enquiry(w, outcome="")
        response = api_for(w.csc_worker).post(
            "/api/v1/conferences/",
            {
                "child": w.child.pk,
                "kind": "initial",
                "enquiry": enquiry.pk,
                "scheduled_for": timezone.now().isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400 and "substantiated" in response.data["enquiry"][0]

    def test_cyjs_may_see_but_not_write_403(self, w):
        enquiry = substantiated_enquiry(w)
        response = api_for(w.cyjs_worker).post(
            "/api/v1/conferences/",
            {
                "child": w.child.pk,
                "kind": "initial",
                "enquiry": enquiry.pk,
                "scheduled_for": timezone.now().isoformat(),
            },
            format="json",
        )
        assert response.status_code == 403

    def test_not_visible_is_404(self, w):
        conference, plan = child_on_plan(w)
        outsider, *_ = (UserFactory(agency=w.school),)
        api = api_for(outsider)
        assert api.get(f"/api/v1/conferences/{conference.pk}/").status_code == 404
        assert api.get(f"/api/v1/child-protection-plans/{plan.pk}/").status_code == 404
        assert api.post(f"/api/v1/child-protection-plans/{plan.pk}/end/", {}, format="json").status_code == 404
        assert last_log(what="api:cp-plans-end").outcome == "denied"
        listing = api.get("/api/v1/conferences/")
        assert listing.status_code == 200 and listing.data["results"] == []

    def test_cyjs_reads_a_visible_plan_and_not_another(self, w):
        _, plan = child_on_plan(w)
        other = ChildFactory()
        InvolvementFactory(child=other, agency=w.csc, kind="cin", allocated_worker=w.csc_worker)
        other_plan_conf = arranged_initial(w, substantiated_enquiry(w, child=other))
        record(w, other_plan_conf)
        other_plan = ChildProtectionPlan.objects.get(child=other)
        api = api_for(w.cyjs_worker)
        seen = api.get(f"/api/v1/child-protection-plans/{plan.pk}/")
        assert seen.status_code == 200 and seen.data["category"] == "neglect"
        assert {d["rule_code"] for d in seen.data["deadlines"]} == {"core_group_first", "cp_review_first"}
        assert api.get(f"/api/v1/child-protection-plans/{other_plan.pk}/").status_code == 404
        assert [p["id"] for p in api.get("/api/v1/child-protection-plans/").data["results"]] == [plan.pk]
        assert last_log(action="search", what="api:cp-plans-list").detail.endswith(str(w.child.pk))
        assert (
            api.patch(
                f"/api/v1/child-protection-plans/{plan.pk}/", {"version": plan.version, "detail": "x"}, format="json"
            ).status_code
            == 403
        )

    def test_patch_plan_and_409(self, w):
        _, plan = child_on_plan(w)
        api = api_for(w.csc_worker)
        ok = api.patch(
            f"/api/v1/child-protection-plans/{plan.pk}/", {"version": plan.version, "detail": "Detailed"}, format="json"
        )
        assert ok.status_code == 200 and ok.data["detail"] == "Detailed"
        stale = api.patch(
            f"/api/v1/child-protection-plans/{plan.pk}/", {"version": plan.version, "detail": "Other"}, format="json"
        )
        assert stale.status_code == 409
        assert (
            api.patch(f"/api/v1/child-protection-plans/{plan.pk}/", {"detail": "No version"}, format="json").status_code
            == 400
        )

    def test_core_groups_and_end(self, w):
        _, plan = child_on_plan(w)
        api = api_for(w.csc_worker)
        member = plan.core_group.first()
        posted = api.post(
            f"/api/v1/child-protection-plans/{plan.pk}/core-groups/",
            {
                "held_on": timezone.localdate().isoformat(),
                "decisions": "Agreed",
                "attendance": [{"participant_id": member.pk, "attended": False, "written_views": "By email"}],
                "actions": [{"description": "Visit", "owner_name": "SW"}],
            },
            format="json",
        )
        assert posted.status_code == 201, posted.data
        listed = api.get(f"/api/v1/child-protection-plans/{plan.pk}/core-groups/")
        assert listed.status_code == 200 and listed.data[0]["participants"][0]["written_views"] == "By email"
        plan.refresh_from_db()
        bad = api.post(
            f"/api/v1/child-protection-plans/{plan.pk}/end/",
            {"version": plan.version, "ended_on": timezone.localdate().isoformat(), "reason": "moved_away"},
            format="json",
        )
        assert bad.status_code == 400 and "receiving_conference_on" in bad.data
        ended = api.post(
            f"/api/v1/child-protection-plans/{plan.pk}/end/",
            {"version": plan.version, "ended_on": timezone.localdate().isoformat(), "reason": "died"},
            format="json",
        )
        assert ended.status_code == 200 and ended.data["status"] == "ended" and len(ended.data["ending_notified"]) == 3

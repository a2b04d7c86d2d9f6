"""The child's record page: the "Child protection and child in need" section and its actions."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessEvent, Role
from casework.chronology.selectors import pathway_summary
from casework.models import Assessment
from notifications.clocks import due_text, start_clock
from tests.chronology_builders import current_pathway, days_ago, full_history, moment, world_with_child
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SOCIAL_CARE_ACTIONS = {
    "Start an assessment": "assessment-start",
    "Arrange or record a strategy discussion": "strategy-discussion-new",
    "Start a child in need plan": "cin-plan-start",
    "Record a transfer-in": "transfer-in-new",
}
NOTE_ACTIONS = {"Add a case note": "case-note-new", "Add an event to the chronology": "significant-event-new"}


@pytest.fixture
def world():
    return world_with_child()


@pytest.fixture
def pathway(world):
    return current_pathway(world)


def page_for(user, child):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("child-detail", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def link(name, pk, text):
    return f'href="{reverse(name, args=[pk])}">{text}'


class TestPathwaySummary:
    def test_the_current_records(self, world, pathway):
        summary = pathway_summary(child=world.child)
        assert summary.assessment == pathway.assessment
        assert summary.strategy_discussions == [pathway.pending_discussion, pathway.held_discussion]
        assert summary.section_47 == pathway.enquiry
        assert summary.next_conference == pathway.review
        assert summary.cp_plan == pathway.cp_plan
        assert summary.cin_plan == pathway.cin_plan

    def test_an_open_assessment_comes_before_a_completed_one_and_has_its_due_date(self, world):
        history = full_history(world)
        open_one = Assessment.objects.create(
            child=world.child, referral_received_at=moment(70), started_on=days_ago(70), created_by=world.csc_worker
        )
        # The completed one started later, but the open one is the current one.
        assert history.assessment.started_on > open_one.started_on
        deadline = start_clock("assessment", open_one, child=world.child, responsible=world.csc_worker)
        summary = pathway_summary(child=world.child)
        assert summary.assessment == open_one
        assert summary.assessment_due == deadline
        assert summary.assessment_due_text == due_text(deadline)

    def test_a_completed_assessment_shows_when_none_is_open(self, world):
        history = full_history(world)
        summary = pathway_summary(child=world.child)
        assert summary.assessment == history.assessment and summary.assessment_due is None
        # Held 50 days ago: recent (within 90 days).
        assert summary.strategy_discussions == [history.strategy_discussion]
        assert summary.section_47 is None and summary.next_conference is None
        assert summary.cp_plan == history.cp_plan and summary.cin_plan is None

    def test_queries_are_bounded(self, world, django_assert_max_num_queries):
        full_history(world)
        for n in range(5):
            start_clock(
                "assessment",
                Assessment.objects.create(
                    child=world.child,
                    referral_received_at=moment(n),
                    started_on=days_ago(n),
                    created_by=world.csc_worker,
                ),
                child=world.child,
            )
        with django_assert_max_num_queries(7):
            pathway_summary(child=world.child)

    def test_nothing_recorded(self, world):
        summary = pathway_summary(child=world.child)
        assert summary.is_empty


class TestChildPage:
    def test_the_section_links_to_each_record(self, world, pathway):
        body = page_for(world.csc_worker, world.child)
        assert "Child protection and child in need" in body
        assert link("assessment-detail", pathway.assessment.pk, "In progress") in body
        assert link("strategy-discussion-detail", pathway.pending_discussion.pk, "To be held") in body
        assert f'href="{reverse("strategy-discussion-detail", args=[pathway.held_discussion.pk])}">Held' in body
        assert link("section-47-detail", pathway.enquiry.pk, "Open since") in body
        assert link("conference-detail", pathway.review.pk, "Review conference") in body
        assert link("cp-plan-detail", pathway.cp_plan.pk, "Emotional abuse") in body
        assert link("cin-plan-detail", pathway.cin_plan.pk, "Active since") in body

    def test_due_dates_are_shown(self, world, pathway):
        deadline = start_clock("assessment", pathway.assessment, child=world.child, responsible=world.csc_worker)
        review = start_clock("cp_review_next", pathway.cp_plan, child=world.child, responsible=world.csc_worker)
        body = page_for(world.csc_worker, world.child)
        assert f"Due {due_text(deadline)}" in body
        assert f"Next review due {due_text(review)}" in body

    def test_a_conference_not_yet_arranged_shows_when_it_is_due(self, world):
        from casework.models import Section47Enquiry, StrategyDiscussion

        held = StrategyDiscussion.objects.create(
            child=world.child, status="held", held_at=moment(2), initiates_section_47=True, created_by=world.csc_worker
        )
        enquiry = Section47Enquiry.objects.create(
            child=world.child, strategy_discussion=held, started_on=held.held_at.date(), created_by=world.csc_worker
        )
        deadline = start_clock(
            "icpc", enquiry, child=world.child, started_at=held.held_at, responsible=world.csc_worker
        )
        body = page_for(world.csc_worker, world.child)
        assert f"Not arranged yet. Due {due_text(deadline)}" in body

    def test_a_social_worker_sees_every_action(self, world, pathway):
        body = page_for(world.csc_worker, world.child)
        for text, name in {**SOCIAL_CARE_ACTIONS, **NOTE_ACTIONS, "Chronology": "child-chronology"}.items():
            assert link(name, world.child.pk, text) in body

    def test_a_cyjs_worker_sees_the_section_but_not_social_care_actions(self, world, pathway):
        body = page_for(world.cyjs_worker, world.child)
        assert "Child protection and child in need" in body
        assert link("cp-plan-detail", pathway.cp_plan.pk, "Emotional abuse") in body
        for text, name in SOCIAL_CARE_ACTIONS.items():
            assert text not in body
            assert reverse(name, args=[world.child.pk]) not in body
        # CYJS records its own case notes and reads the chronology (000 ¶8.1; somerset-vs-lancashire §1.6).
        for text, name in {**NOTE_ACTIONS, "Chronology": "child-chronology"}.items():
            assert link(name, world.child.pk, text) in body

    def test_a_role_that_may_not_write_sees_only_the_chronology_link(self, world, pathway):
        service_account = UserFactory(role=Role.SERVICE_ACCOUNT, agency=world.csc)
        body = page_for(service_account, world.child)
        for text in {**SOCIAL_CARE_ACTIONS, **NOTE_ACTIONS}:
            assert text not in body
        assert link("child-chronology", world.child.pk, "Chronology") in body

    def test_a_child_with_nothing_recorded(self, world):
        body = page_for(world.csc_worker, world.child)
        assert "Child protection and child in need" in body
        assert "None open or recent" in body

    def test_the_page_is_still_logged_once(self, world, pathway):
        page_for(world.cyjs_worker, world.child)
        rows = AccessEvent.objects.filter(child_id=world.child.pk, what="page:child-record")
        assert rows.count() == 1 and rows.get().user_id == world.cyjs_worker.pk

    def test_completed_assessment_shows_its_outcome(self, world):
        history = full_history(world)
        body = page_for(world.csc_worker, world.child)
        assert link("assessment-detail", history.assessment.pk, "Completed") in body
        assert f"Outcome: {Assessment.Outcome.STRATEGY_DISCUSSION.label}" in body

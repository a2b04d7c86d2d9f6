"""End to end in a real browser: a social worker starts, records and completes an assessment;
their manager signs it off, which starts a child in need plan; the social worker arranges a
child in need meeting (the CYJS worker is invited automatically) and records it.

The child's record page does not link to these pages yet, so the journey opens the start
page by its address, then follows links and buttons by their labels.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, Role
from casework.models import Assessment, ChildInNeedPlan, Involvement
from notifications.models import Notification
from tests.browser.test_sign_in_search_break_glass import assert_no_serious_axe_violations, sign_in, sign_out
from tests.factories import (
    AgencyFactory,
    AuthorityFactory,
    ChildFactory,
    ContactFactory,
    InvolvementFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    authority = AuthorityFactory(name="Testshire County Council")
    csc = AgencyFactory(authority=authority, kind=Agency.Kind.CSC, name="Testshire children's social care")
    cyjs = AgencyFactory(authority=authority, kind=Agency.Kind.CYJS, name="Testshire youth justice service")
    manager = UserFactory(
        username="csc.manager", first_name="Priya", last_name="Okafor", agency=csc, role=Role.TEAM_MANAGER
    )
    team = TeamFactory(agency=csc, name="Assessment team north", manager=manager)
    worker = UserFactory(
        username="csc.worker",
        first_name="Sam",
        last_name="Ellery",
        agency=csc,
        team=team,
        line_manager=manager,
        job_title="Social worker",
    )
    cyjs_worker = UserFactory(username="cyjs.worker", first_name="Riley", last_name="Stone", agency=cyjs)
    child = ChildFactory(first_name="Jordan", last_name="Ashdown")
    InvolvementFactory(
        child=child,
        agency=csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=worker,
        team=team,
        start=timezone.localdate() - timedelta(days=3),
    )
    InvolvementFactory(
        child=child,
        agency=cyjs,
        kind=Involvement.Kind.YJ_PREVENTION,
        allocated_worker=cyjs_worker,
        start=timezone.localdate() - timedelta(days=40),
    )
    contact = ContactFactory(child=child, received_at=timezone.now() - timedelta(days=4))
    return {"worker": worker, "manager": manager, "cyjs_worker": cyjs_worker, "child": child, "contact": contact}


def fill_date(page, group_label, day):
    group = page.get_by_role("group", name=group_label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_assessment_to_child_in_need_meeting(browser_page, live_server, people, screenshot, screenshot_dir):
    page = browser_page
    child = people["child"]
    today = timezone.localdate()

    def axe(name):
        assert_no_serious_axe_violations(page, f"assessment-{name}", screenshot_dir)

    # --- The social worker starts the assessment: the referral date comes from the latest contact.
    sign_in(page, live_server, "csc.worker")
    page.goto(live_server.url + reverse("assessment-start", args=[child.pk]))
    expect(page.get_by_role("heading", level=1, name="Start an assessment")).to_be_visible()
    received = timezone.localtime(people["contact"].received_at).date()
    referral = page.get_by_role("group", name="Date of referral")
    expect(referral.get_by_label("Day")).to_have_value(str(received.day))
    expect(page.get_by_label("Social worker")).to_have_value(str(people["worker"].pk))
    screenshot("assessment-start")
    axe("start")
    page.get_by_role("button", name="Start assessment").click()

    expect(page.get_by_role("heading", level=1, name="Assessment")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assessment started")
    expect(page.get_by_text("45 working days → due")).to_be_visible()
    expect(page.locator("main")).to_contain_text("In progress")

    # --- Completing before the analysis is written is refused, with the reason in the summary.
    page.get_by_role("link", name="Complete the assessment").click()
    page.get_by_label("No further action").check()
    page.get_by_label("Why is this the right next step?").fill("Needs met.")
    page.get_by_role("button", name="Complete assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Write the analysis before completing the assessment")
    expect(summary).to_contain_text("Record the date the child was seen")
    screenshot("assessment-complete-errors")
    page.get_by_role("link", name="Change what you recorded").click()

    # --- Record the findings.
    expect(page.get_by_role("heading", level=1, name="Record the assessment")).to_be_visible()
    fill_date(page, "Date the child was seen", today - timedelta(days=1))
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_label("The child's wishes and feelings").fill("Jordan wants to keep going to football club.")
    page.get_by_label("The child's developmental needs").fill("Behind in reading; school have noticed.")
    page.get_by_label("Parenting capacity").fill("Father works nights; care is inconsistent.")
    page.get_by_label("Strengths and protective factors").fill("Grandmother helps every weekend.")
    page.get_by_label("Analysis").fill("Needs are complex enough for a multi-agency child in need plan.")
    screenshot("assessment-edit")
    axe("edit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assessment saved")
    expect(page.locator("main")).to_contain_text("Jordan wants to keep going to football club.")

    page.get_by_role("link", name="Complete the assessment").click()
    page.get_by_label("Child in need plan").check()
    page.get_by_label("Why is this the right next step?").fill("The family agree to support from school and health.")
    screenshot("assessment-complete")
    axe("complete")
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.locator("main")).to_contain_text("Waiting for manager sign-off")
    expect(page.get_by_role("link", name="Sign off or return")).to_have_count(0)
    screenshot("assessment-detail-awaiting")
    sign_out(page)

    # --- The manager signs it off; the outcome starts a child in need plan.
    sign_in(page, live_server, "csc.manager")
    assessment = Assessment.objects.get(child=child)
    page.goto(live_server.url + reverse("assessment-detail", args=[assessment.pk]))
    page.get_by_role("link", name="Sign off or return").click()
    expect(page.get_by_role("heading", level=1, name="Sign off the assessment")).to_be_visible()
    expect(page.locator("main")).to_contain_text("If you sign it off, a child in need plan will start.")
    screenshot("assessment-sign-off")
    axe("sign-off")
    page.get_by_label("Yes, sign it off").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Assessment signed off")
    expect(page.locator("main")).to_contain_text("Priya Okafor")
    screenshot("assessment-detail-signed-off")
    sign_out(page)
    assert Notification.objects.filter(recipient=people["worker"], subject__contains="signed off").exists()

    # --- The social worker fills in the plan and arranges a meeting.
    sign_in(page, live_server, "csc.worker")
    page.goto(live_server.url + reverse("assessment-detail", args=[assessment.pk]))
    page.get_by_role("link", name="Child in need plan from").click()
    expect(page.get_by_role("heading", level=1, name="Child in need plan")).to_be_visible()
    page.get_by_role("link", name="Change the plan").click()
    page.get_by_label("What must change for the child").fill("Reading at the expected level by July.")
    page.get_by_label("Who provides what").fill(
        "School: reading support three times a week.\nHealth visitor: monthly visit."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Reading at the expected level by July.")

    page.get_by_role("link", name="Arrange a meeting").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Riley Stone")
    meeting_day = today + timedelta(days=7)
    fill_date(page, "Date of the meeting", meeting_day)
    page.get_by_label("Time of the meeting").fill("10:30")
    person2 = page.get_by_role("group", name="Person 2")
    person2.get_by_label("Name").fill("Ms Patel")
    person2.get_by_label("Organisation").fill("Ashdown Primary School")
    person2.get_by_label("Taking part as").select_option("education")
    screenshot("assessment-cin-meeting-new")
    axe("cin-meeting-new")
    page.get_by_role("button", name="Arrange meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("3 people invited")
    meetings = page.get_by_role("table", name="Child in need meetings")
    expect(meetings).to_contain_text("Riley Stone (Child and youth justice service)")
    expect(meetings).to_contain_text("Ms Patel")
    screenshot("assessment-cin-plan-detail")
    axe("cin-plan-detail")
    assert Notification.objects.filter(
        recipient=people["cyjs_worker"], subject__contains="child in need meeting"
    ).exists()

    # --- Record the meeting (held today for the test).
    meetings.get_by_role("link", name="Record").click()
    fill_date(page, "Date the meeting was held", today)
    page.get_by_label("Riley Stone").uncheck()
    page.get_by_label("Progress against the plan").fill("Reading support has started.")
    page.get_by_label("Decisions").fill("Carry on with the plan.")
    action1 = page.get_by_role("group", name="Action 1")
    action1.get_by_label("What will be done").fill("Share reading scores")
    action1.get_by_label("Who").fill("Ms Patel")
    screenshot("assessment-cin-meeting-record")
    axe("cin-meeting-record")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Meeting recorded")
    expect(page.get_by_role("table", name="Who will do what by when")).to_contain_text("Share reading scores")
    expect(page.get_by_role("table", name="Child in need meetings")).to_contain_text(
        "Riley Stone (Child and youth justice service): did not come"
    )
    screenshot("assessment-cin-plan-after-meeting")
    assert ChildInNeedPlan.objects.get(child=child).meetings.get().held_on == today

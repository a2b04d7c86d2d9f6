"""End to end in a real browser: a social worker arranges and records an initial child protection
conference (late, so a reason is needed), the plan starts, the core group meets, the plan ends and the
invited agencies are told. Labels drive the forms, as a keyboard or screen-reader user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import ChildProtectionPlan, CoreGroupMeeting
from notifications.models import Notification
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in
from tests.conference_builders import conference_world, substantiated_enquiry

pytestmark = pytest.mark.django_db(transaction=True)


def test_conference_to_plan_to_ending(browser_page, live_server, screenshot, screenshot_dir):
    w = conference_world()
    enquiry = substantiated_enquiry(w, discussion_held_at=timezone.now() - timedelta(days=40))
    page = browser_page
    sign_in(page, live_server, w.csc_worker)

    # Arrange: the invitees come from the strategy discussion.
    page.goto(f"{live_server.url}/children/{w.child.pk}/conferences/new/?enquiry={enquiry.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrange an initial child protection conference")
    expect(page.get_by_text("Overdue")).to_be_visible()  # the discussion was 40 days ago
    expect(page.get_by_label("PC Pat Officer (Testshire Police): Police")).to_be_checked()
    when = timezone.localtime() - timedelta(hours=2)
    fill_date(page, "Date of the conference", when.date())
    page.get_by_label("Time").fill(f"{when:%H:%M}")
    page.get_by_label("Chair (optional)").select_option(label="Chris Chairperson")
    screenshot("conference-new")
    no_serious_axe_violations(page, "conference-new", screenshot_dir)
    page.get_by_role("button", name="Arrange conference").click()
    expect(page.get_by_text("Conference arranged")).to_be_visible()
    screenshot("conference-detail")

    # Record it: late, so the first try without a reason is refused with the due date.
    page.get_by_role("link", name="Record the conference").click()
    for name in ("PC Pat Officer", "Terry Teacher", "Jo Parent"):
        choose(page, f"Did {name} attend?", "Attended")
    choose(page, "Were the reports shared with the parents before the conference?", "Yes")
    choose(page, "Were the parents told how to get an advocate?", "Yes")
    choose(page, "Does the child need a child protection plan?", "Yes")
    choose(page, "Category of abuse", "Neglect")
    page.get_by_label("Lead social worker").select_option(label=w.csc_worker.display_name)
    page.get_by_label("Outline plan").fill("Daily school attendance; health visits weekly; parenting course by March.")
    page.get_by_role("button", name="Save the conference").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give the reason it is late")
    screenshot("conference-record-error")
    page.get_by_label("Reason the conference is late (if it is)").fill("The family asked to move the date.")
    page.get_by_role("button", name="Save the conference").click()
    expect(page.get_by_text("Conference recorded")).to_be_visible()
    expect(page.get_by_role("link", name="Conference report (PDF)")).to_be_visible()

    # The plan, with its due dates.
    page.get_by_role("link", name="Child protection plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Child protection plan")
    expect(page.get_by_role("cell", name="First core group meeting")).to_be_visible()
    expect(page.get_by_role("cell", name="First review conference")).to_be_visible()
    screenshot("conference-plan")
    no_serious_axe_violations(page, "conference-plan", screenshot_dir)

    # The first core group: the teacher could not come but sent views.
    page.get_by_role("link", name="Record a core group meeting").click()
    fill_date(page, "Date of the meeting", timezone.localdate())
    page.get_by_label("Terry Teacher attended").uncheck()
    page.get_by_label("Terry Teacher's written views, if they could not attend").fill("Attendance is up to 90%.")
    page.get_by_label("What the core group decided").fill("Keep the plan as it is.")
    page.get_by_role("group", name="Action 1").get_by_label("What will be done").fill("Book a health check")
    page.get_by_role("group", name="Action 1").get_by_label("Who will do it").fill("Health visitor")
    screenshot("conference-core-group")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Core group meeting recorded")).to_be_visible()
    expect(page.get_by_text("Attendance is up to 90%.")).to_be_visible()

    # End the plan: the child left the UK. Everyone from an agency invited is told.
    page.get_by_role("link", name="End the plan").click()
    choose(page, "Why is the plan ending?", "Left the UK permanently")
    screenshot("conference-plan-end")
    page.get_by_role("button", name="End the plan").click()
    expect(
        page.get_by_text("Plan ended. 2 people were told in the app. 1 is not a user here: tell them yourself")
    ).to_be_visible()
    table = page.get_by_role("table", name="Who was told the plan ended")
    expect(table).to_contain_text("PC Pat Officer")
    expect(table).to_contain_text("Not a user here: tell them yourself")
    screenshot("conference-plan-ended")

    plan = ChildProtectionPlan.objects.get(child=w.child)
    assert plan.status == "ended" and plan.end_reason == "left_uk"
    assert (
        CoreGroupMeeting.objects.get(plan=plan).participants.get(name="Terry Teacher").written_views
        == "Attendance is up to 90%."
    )
    assert Notification.objects.filter(recipient=w.teacher, link=f"/child-protection-plans/{plan.pk}/").exists()

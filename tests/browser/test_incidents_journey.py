"""End to end in a real browser: a CYJS practitioner starts a serious incident briefing for a child known
to CYJS only (it meets the YJB's criteria), the team manager checks the criteria, a senior manager
quality-assures it, the head of service submits it, the senior manager records the YJB notification,
then the team manager reads the periodic report. Labels drive the forms, as a keyboard user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import SeriousIncident
from notifications.models import Notification
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in, switch_to
from tests.factories import ChildFactory, grant
from tests.incidents_builders import incidents_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_serious_incident_briefing(browser_page, live_server, screenshot, screenshot_dir):
    w = incidents_world()
    page = browser_page
    sign_in(page, live_server, w.cyjs_worker)

    page.goto(f"{live_server.url}/children/{w.child.pk}/serious-incidents/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a serious incident")
    # Earlier today, whatever the hour the test runs (the date the service became aware is today's).
    now = timezone.localtime()
    happened = max(now - timedelta(hours=3), now.replace(hour=0, minute=0, second=0, microsecond=0))
    fill_date(page, "Date of the incident", happened.date())
    page.get_by_label("Time of the incident", exact=True).fill(f"{happened:%H:%M}")
    page.get_by_label("Time the service became aware", exact=True).fill(f"{happened:%H:%M}")
    page.get_by_role("button", name="Start the briefing").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the reason for the briefing")
    screenshot("incidents-new-error")
    choose(page, "Reason for the briefing", "A very serious offence involving the child")
    page.get_by_label("What happened").fill(
        "Charged with wounding with intent (section 18) after a fight in the town centre."
    )
    page.get_by_label("Action taken or planned (optional)").fill("Strategy discussion requested; bail address checked.")
    choose(page, "Does it meet the Youth Justice Board's criteria?", "Yes")
    screenshot("incidents-new")
    no_serious_axe_violations(page, "incidents-new", screenshot_dir)
    page.get_by_role("button", name="Start the briefing").click()
    expect(page.get_by_text("Serious incident briefing started")).to_be_visible()
    # The YJB notice counts from the charge, so no clock runs for it until the charge is recorded.
    expect(page.get_by_role("cell", name="Notify the Youth Justice Board")).to_have_count(0)
    expect(page.get_by_label("Time the child was charged")).not_to_be_empty()
    page.get_by_role("button", name="Save the charge").click()
    expect(page.get_by_text("Charge recorded: the notices that count from it have started")).to_be_visible()
    expect(page.get_by_role("cell", name="Notify the Youth Justice Board")).to_be_visible()
    incident = SeriousIncident.objects.get()
    screenshot("incidents-detail-started")
    no_serious_axe_violations(page, "incidents-detail", screenshot_dir)

    switch_to(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/serious-incidents/{incident.pk}/")
    page.get_by_role("button", name="The criteria are met").click()
    expect(page.get_by_text("Criteria checked", exact=True).first).to_be_visible()

    switch_to(page, live_server, w.cyjs_senior)
    page.goto(f"{live_server.url}/serious-incidents/{incident.pk}/")
    page.get_by_role("button", name="Quality assured").click()
    expect(page.get_by_text("Briefing quality assured")).to_be_visible()

    switch_to(page, live_server, w.cyjs_head)
    page.goto(f"{live_server.url}/serious-incidents/{incident.pk}/")
    page.get_by_role("button", name="Submit the briefing").click()
    expect(page.get_by_text(f"Told in the app: {w.cyjs_senior.display_name}")).to_be_visible()
    assert Notification.objects.filter(recipient=w.cyjs_senior, subject__icontains="serious incident").exists()

    switch_to(page, live_server, w.cyjs_senior)
    page.goto(f"{live_server.url}/serious-incidents/{incident.pk}/")
    expect(page.get_by_label("Time the Youth Justice Board was notified")).not_to_be_empty()
    screenshot("incidents-detail-submitted")
    page.get_by_role("button", name="Save the notification").click()
    expect(page.get_by_text("Youth Justice Board notification recorded")).to_be_visible()
    screenshot("incidents-detail-notified")
    incident.refresh_from_db()
    assert incident.status == "submitted" and incident.yjb_notified_at

    switch_to(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/serious-incidents/report/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Serious incidents:")
    expect(page.get_by_role("cell", name="A very serious offence involving the child").first).to_be_visible()
    screenshot("incidents-report")
    no_serious_axe_violations(page, "incidents-report", screenshot_dir)

    # A child known to neither service: the page offers the contact to MASH.
    stranger = ChildFactory(first_name="Riley", last_name="Unknown")
    grant(user=w.cyjs_manager, child=stranger)
    page.goto(f"{live_server.url}/children/{stranger.pk}/serious-incidents/new/")
    expect(page.get_by_text("Tell MASH: it leads when the child is known to neither service")).to_be_visible()
    screenshot("incidents-new-mash")
    no_serious_axe_violations(page, "incidents-new-mash", screenshot_dir)

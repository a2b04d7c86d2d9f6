"""End to end in a real browser: a youth justice worker records a court hearing where remand is a
risk (children's social care is told), records the remand to local authority accommodation, and says
where the child lives; the child's social worker then records the placement planning meeting, which
stops its 5-working-day clock. Labels drive the forms, as a keyboard or screen-reader user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Remand
from notifications.models import Deadline, Notification
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in
from tests.court_builders import court_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_hearing_to_remand_to_placement_planning(browser_page, live_server, screenshot, screenshot_dir):
    w = court_world()
    page = browser_page
    sign_in(page, live_server, w.cyjs_worker)

    page.goto(f"{live_server.url}/children/{w.child.pk}/court/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a court hearing")
    when = timezone.localtime() - timedelta(hours=2)
    page.get_by_label("Court", exact=True).fill("Preston Youth Court")
    fill_date(page, "Date of the hearing", when.date())
    page.get_by_label("Time of the hearing").fill(f"{when:%H:%M}")
    page.get_by_label("What the hearing is for (optional)").fill("First appearance")
    choose(page, "Is the child at risk of being refused bail?", "Yes")
    screenshot("court-appearance-new")
    no_serious_axe_violations(page, "court-appearance-new", screenshot_dir)
    page.get_by_role("button", name="Save the hearing").click()
    expect(page.get_by_text("children's social care was told of the risk of remand")).to_be_visible()
    assert Notification.objects.filter(recipient=w.csc_worker, subject__startswith="Risk of remand").exists()
    screenshot("court-appearance-detail")

    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_role("button", name="Save the outcome").click()  # nothing chosen: refused
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    choose(page, "What did the court decide?", "Remanded to local authority accommodation")
    choose(page, "Was the child assessed for bail supervision and support?", "Yes")
    screenshot("court-appearance-record")
    no_serious_axe_violations(page, "court-appearance-record", screenshot_dir)
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remand to local authority accommodation")
    expect(page.get_by_text("Looked after: remanded to local authority accommodation").last).to_be_visible()
    expect(page.get_by_role("cell", name="Placement planning meeting")).to_be_visible()
    screenshot("remand-detail")
    no_serious_axe_violations(page, "remand-detail", screenshot_dir)

    page.get_by_role("link", name="Change where the child lives").click()
    page.get_by_label("Connected person (regulation 24)").check()
    page.get_by_label("Who does what").fill("CYJS takes the child to court; CSC completes the CLA documents")
    screenshot("remand-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Placement saved")).to_be_visible()

    # The child's social worker records the meeting they chaired.
    page.context.clear_cookies()
    sign_in(page, live_server, w.csc_worker)
    remand = Remand.objects.get()
    page.goto(f"{live_server.url}/remands/{remand.pk}/")
    expect(page.get_by_role("link", name="End the remand")).to_have_count(0)
    page.get_by_role("link", name="Record the placement planning meeting").click()
    fill_date(page, "Date of the meeting", timezone.localdate())
    page.get_by_label("Roles agreed").fill("CSC chairs and plans care; CYJS gives bail support")
    screenshot("remand-placement-planning-meeting")
    no_serious_axe_violations(page, "remand-placement-planning-meeting", screenshot_dir)
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Placement planning meeting recorded")).to_be_visible()
    screenshot("remand-detail-csc")
    assert (
        Deadline.objects.get(rule_code="placement_planning_meeting", subject_id=remand.pk).status == Deadline.Status.MET
    )

    # Back as the youth justice worker: end the remand.
    page.context.clear_cookies()
    sign_in(page, live_server, w.cyjs_worker)
    page.goto(f"{live_server.url}/remands/{remand.pk}/end/")
    screenshot("remand-end")
    page.get_by_role("button", name="End the remand").click()
    expect(page.get_by_text("Remand ended", exact=True)).to_be_visible()
    remand.refresh_from_db()
    assert remand.ended_on == timezone.localdate()

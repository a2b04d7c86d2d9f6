"""End to end in a real browser: a CYJS duty worker records police custody for a child known only to
children's social care (first with the details missing, so an error summary; then a record matches and
is chosen, which opens nothing until CSC's social worker confirms the match; then the custody page), then a prevention referral for a child no one has recorded (a
new record, and the referral is linked to the involvement the intake opened). Labels drive the forms, as
a keyboard or screen-reader user would."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import access
from casework.models import Child, CustodyEpisode, Involvement, PreventionReferral
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in, switch_to
from tests.intake_builders import born, intake_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_custody_for_a_csc_child_and_prevention_for_a_new_child(browser_page, live_server, screenshot, screenshot_dir):
    w = intake_world()
    page = browser_page
    sign_in(page, live_server, w.duty)
    screenshot("new-to-cyjs-my-work")

    # Police custody: the child is known only to CSC.
    page.get_by_role("button", name="Record a child in police custody").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is the child?")
    page.get_by_label("Postcode (optional)").fill("12345")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the child's first name")
    expect(summary).to_contain_text("Enter the child's date of birth")
    expect(summary).to_contain_text("Enter a real postcode, like LA1 1AA")
    screenshot("new-to-cyjs-details-error")
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Newcomer")
    fill_date(page, "Date of birth", w.csc_child.date_of_birth)
    page.get_by_label("Postcode (optional)").fill("")
    screenshot("new-to-cyjs-details")
    no_serious_axe_violations(page, "new-to-cyjs-details", screenshot_dir)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("A record matches")
    expect(page.get_by_text("ZZ9 9ZZ")).to_have_count(0)  # nothing of CSC's record beyond what was typed
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the record that is this child, or create a new record"
    )
    born_on = w.csc_child.date_of_birth
    choose(page, "Is this the child?", f"Yes, it is Casey Newcomer, born {born_on.day} {born_on:%B %Y}")
    screenshot("new-to-cyjs-match")
    no_serious_axe_violations(page, "new-to-cyjs-match", screenshot_dir)
    page.get_by_role("button", name="Continue").click()

    # The match opens nothing yet: it waits for someone who works with the child to confirm it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Newcomer: waiting for confirmation")
    expect(page.get_by_text("ZZ9 9ZZ")).to_have_count(0)
    screenshot("new-to-cyjs-waiting")
    no_serious_axe_violations(page, "new-to-cyjs-waiting", screenshot_dir)
    assert not access.decide(w.duty, w.csc_child).allowed

    # CSC's social worker confirms it from My work.
    switch_to(page, live_server, w.csc_worker)
    expect(page.get_by_text("1 match to confirm")).to_be_visible()
    # The worktray's row goes straight to the match.
    page.get_by_role("link", name=re.compile("^Confirm a match asked for by")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm a child's identity: Casey Newcomer")
    expect(page.get_by_text("ZZ9 9ZZ")).to_be_visible()  # the record's postcode, beside the details given
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether this is the same child")
    choose(page, "Is this the same child?", "Yes, it is the same child")
    screenshot("new-to-cyjs-confirm")
    no_serious_axe_violations(page, "new-to-cyjs-confirm", screenshot_dir)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Match confirmed: the record is open to {w.cyjs.name}")).to_be_visible()

    # Back to the duty worker, who now goes on to the custody record.
    switch_to(page, live_server, w.duty)
    page.get_by_role("link", name="Matches your service asked for").click()
    page.get_by_role("link", name="Casey Newcomer", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Newcomer: match confirmed")
    page.get_by_role("link", name="Go on to the custody record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record police custody")
    screenshot("new-to-cyjs-custody-new")
    arrested = timezone.localtime() - timedelta(hours=3)
    fill_date(page, "Date of arrest", arrested.date())
    page.get_by_label("Time of arrest", exact=True).fill(f"{arrested:%H:%M}")
    page.get_by_label("Police station or custody suite").fill("Exampletown police station")
    choose(page, "Who acted as the appropriate adult?", "Appropriate adult service")
    choose(page, "Did the police complete a Police Safeguarding Report?", "Yes")
    choose(page, "Was the child seen by Liaison and Diversion?", "Yes")
    choose(page, "Was the child strip-searched?", "No")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Custody recorded")).to_be_visible()
    assert CustodyEpisode.objects.get().child == w.csc_child
    assert Child.objects.filter(last_name="Newcomer").count() == 1
    assert access.decide(w.duty, w.csc_child).allowed

    # A prevention referral for a child no one has recorded.
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Record a prevention referral").click()
    page.get_by_label("First name").fill("Morgan")
    page.get_by_label("Last name").fill("Unrecorded")
    fill_date(page, "Date of birth", born(13))
    page.get_by_label("Address (optional)").fill("2 Example Lane, Exampletown")
    page.get_by_label("Postcode (optional)").fill("zz1 1zz")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No record matches")
    screenshot("new-to-cyjs-no-match")
    no_serious_axe_violations(page, "new-to-cyjs-no-match", screenshot_dir)
    page.get_by_role("button", name="Create a new record").click()
    expect(
        page.get_by_text("Morgan Unrecorded's record was made and opened to your service, allocated to you")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a prevention or diversion referral")
    choose(page, "What kind of referral is it?", "Prevention")
    choose(page, "Who made the referral?", "School or college")
    page.get_by_label("Name of the person who referred").fill("Terry Teacher")
    fill_date(page, "Date the referral arrived", timezone.localdate())
    page.get_by_label("Why the child was referred").fill("Missing school; seen with older boys near the station.")
    choose(page, "Did the child and their parent or carer agree to the referral?", "Yes, both agreed")
    choose(page, "Is there a concern about radicalisation?", "No")
    screenshot("new-to-cyjs-prevention-new")
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_text("Referral recorded")).to_be_visible()
    child = Child.objects.get(last_name="Unrecorded")
    assert child.postcode == "ZZ1 1ZZ"
    referral = PreventionReferral.objects.get(child=child)
    assert referral.involvement == Involvement.objects.get(child=child, agency=w.cyjs, kind="yj_prevention")

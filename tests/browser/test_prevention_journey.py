"""End to end in a real browser: a CYJS worker records a police diversion referral, screens it (first
without the findings, so an error), decides on whole-family work through a request for support to the
front door, records the 6-week follow-up (the 12-week one then shows), a Prevent referral, and closes
the referral. Labels drive the forms, as a keyboard or screen-reader user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import PreventionReferral
from notifications.timescales import day_text
from referrals.models import Contact
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in
from tests.prevention_builders import prevention_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_diversion_referral_request_for_support_follow_up_and_close(
    browser_page, live_server, screenshot, screenshot_dir
):
    w = prevention_world(age=14)
    page = browser_page
    today = timezone.localdate()
    sign_in(page, live_server, w.cyjs_worker)

    # The police refer the child after an offence.
    page.goto(f"{live_server.url}/children/{w.child.pk}/prevention/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a prevention or diversion referral")
    choose(page, "What kind of referral is it?", "Diversion (after an offence)")
    choose(page, "Who made the referral?", "Police")
    page.get_by_label("Name of the person who referred").fill("PC Pat Constable")
    fill_date(page, "Date the referral arrived", today - timedelta(days=2))
    page.get_by_label("Why the child was referred").fill("Criminal damage to a bus shelter; first offence.")
    choose(page, "Did the child and their parent or carer agree to the referral?", "Yes, both agreed")
    choose(page, "Is there a concern about radicalisation?", "Yes")
    screenshot("prevention-new")
    no_serious_axe_violations(page, "prevention-new", screenshot_dir)
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_text("Referral recorded")).to_be_visible()
    expect(page.get_by_text("Not decided yet: the referral is waiting to be screened.")).to_be_visible()
    screenshot("prevention-detail-new")

    # Screen it: first without the findings.
    page.get_by_role("link", name="Screen the referral").click()
    choose(page, "What is the outcome of the screening?", "Whole-family work: request for support to CSC")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Write what the screening found and why you chose this outcome"
    )
    screenshot("prevention-screen-error")
    choose(page, "What is the outcome of the screening?", "Whole-family work: request for support to CSC")
    page.get_by_label("What the screening found").fill("Conflict at home; the family asked for help with parenting.")
    screenshot("prevention-screen")
    no_serious_axe_violations(page, "prevention-screen", screenshot_dir)
    page.get_by_role("button", name="Save the screening").click()
    expect(page.get_by_text("A request for support was sent to children's social care's front door")).to_be_visible()
    expect(page.get_by_text("Check in with the receiving agency at 6 weeks")).to_be_visible()
    expect(page.get_by_text(day_text(today + timedelta(days=42)))).to_be_visible()
    screenshot("prevention-detail")
    no_serious_axe_violations(page, "prevention-detail", screenshot_dir)
    referral = PreventionReferral.objects.get()
    assert referral.request_for_support.agency == w.mash and Contact.objects.count() == 1

    # The 6-week follow-up.
    page.get_by_role("link", name="Record a follow-up").click()
    page.get_by_label("What the receiving agency said").fill(
        "MASH passed it to early help; a family worker visits weekly."
    )
    screenshot("prevention-follow-up")
    no_serious_axe_violations(page, "prevention-follow-up", screenshot_dir)
    page.get_by_role("button", name="Save the follow-up").click()
    expect(page.get_by_text("Follow-up recorded")).to_be_visible()
    expect(page.get_by_text("Check in with the receiving agency at 12 weeks")).to_be_visible()
    expect(page.get_by_text(day_text(today + timedelta(days=84)))).to_be_visible()

    # The Prevent referral, then close.
    page.get_by_role("link", name="Record a Prevent referral").click()
    page.get_by_role("button", name="Save the Prevent referral").click()
    expect(page.get_by_text("Prevent referral recorded")).to_be_visible()
    page.get_by_role("link", name="Close the referral").click()
    screenshot("prevention-close")
    page.get_by_role("button", name="Close the referral").click()
    expect(page.get_by_text("Referral closed", exact=True)).to_be_visible()
    expect(page.get_by_text("The follow-ups with the receiving agency still go on.")).to_be_visible()
    screenshot("prevention-detail-closed")
    no_serious_axe_violations(page, "prevention-detail-closed", screenshot_dir)
    referral.refresh_from_db()
    assert referral.closed_on == today and referral.prevent_referral_on == today

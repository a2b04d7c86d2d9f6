"""In a real browser: on "Has the family agreed to this referral?", "We could not contact the family"
reveals its own box (how they tried), which is required (seed 000 L2601: say why consent was not
obtained, e.g. unable to contact the family)."""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import sign_in

# Its axe check allows GOV.UK Frontend's one known finding (aria-expanded on conditional radios).
from tests.browser.test_front_door_keyboard import assert_no_serious_axe_violations
from tests.factories import front_door_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_could_not_contact_the_family(browser_page, live_server, screenshot, screenshot_dir):
    world = front_door_world()
    page = browser_page
    sign_in(page, live_server, world.teacher)
    page.goto(f"{live_server.url}/referrals/new/consent/")
    expect(page.get_by_role("heading", level=1, name="Has the family agreed to this referral?")).to_be_visible()
    tried = page.get_by_label("How did you try to contact the family?")
    expect(tried).to_be_hidden()
    page.get_by_role("radio", name="We could not contact the family").check()
    expect(tried).to_be_visible()
    expect(page.get_by_label("Why was consent not asked for?")).to_be_hidden()
    screenshot("referral-consent-uncontactable")
    assert_no_serious_axe_violations(page, "referral-consent-uncontactable", screenshot_dir)

    page.get_by_role("button", name="Continue").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_contain_text("Say how you tried to contact the family")
    expect(page.get_by_role("radio", name="We could not contact the family")).to_be_checked()
    screenshot("referral-consent-uncontactable-error")
    errors.get_by_role("link", name="Say how you tried to contact the family").click()
    expect(tried).to_be_focused()
    page.keyboard.type("Phoned the mother twice and visited the address on Monday; no answer.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Your details")).to_be_visible()

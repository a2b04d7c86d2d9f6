"""In a real browser, keyboard only: a practitioner fills the levels of need checklist for a
child (filtering the list), reads the suggested level and its reasons, records the level with
consent; then a partner professional uses the public /thresholds/check/ without signing in."""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import no_serious_axe_violations, sign_in, sign_out
from tests.factories import ChildFactory, InvolvementFactory, UserFactory
from thresholds.models import Framework, ThresholdAssessment
from thresholds.services import sync_frameworks

pytestmark = pytest.mark.django_db(transaction=True)


def tab_to(page, check, limit=450, key="Tab"):
    """Press Tab (or `key`) until the focused element passes `check` (JS on document.activeElement)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(el => {check})(document.activeElement)"):
            return
    raise AssertionError(f"Could not reach {check} with the keyboard")


def by_id(element_id):
    return f"el && el.id === {element_id!r}"


def by_text(text):
    return f"el && el.textContent.trim() === {text!r}"


def test_checklist_to_decision_and_public_check_by_keyboard(browser_page, live_server, screenshot, screenshot_dir):
    if not Framework.objects.exists():  # a transactional test starts from an empty database
        sync_frameworks()
    user = UserFactory(first_name="Sam", last_name="Worker")
    child = ChildFactory(first_name="Ada", last_name="Example")
    InvolvementFactory(child=child, agency=user.agency)
    page = browser_page
    sign_in(page, live_server, user)

    page.goto(f"{live_server.url}/children/{child.pk}/thresholds/new/?framework=LAN")
    expect(page.get_by_role("heading", level=1)).to_have_text("Levels of need checklist")
    screenshot("thresholds-checklist")
    no_serious_axe_violations(page, "thresholds-checklist", screenshot_dir)

    tab_to(page, by_id("id_significant_harm_0"))
    page.keyboard.press("ArrowRight")  # "No"
    expect(page.locator("#id_significant_harm_1")).to_be_checked()
    tab_to(page, by_id("indicator-filter"))
    page.keyboard.type("domestic")
    expect(page.locator("#indicator-filter-count")).to_contain_text("items shown")
    expect(page.locator("#ind-LAN-L2-LRN-04")).to_be_hidden()
    expect(page.locator("#ind-LAN-L2-FSR-03")).to_be_hidden()  # same group as a match, but no match itself
    expect(page.locator("#ind-LAN-L2-FSR-02")).to_be_visible()
    tab_to(page, by_id("ind-LAN-L3-BCS-03"))
    page.keyboard.press("Space")
    screenshot("thresholds-checklist-filtered")
    tab_to(page, by_id("indicator-filter"), key="Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("mental health")
    tab_to(page, by_id("ind-LAN-L3-BCS-04"))
    page.keyboard.press("Space")
    tab_to(page, by_text("See the suggested level"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Suggested level 3")
    expect(page.get_by_role("heading", name="Suggested level 3 because:")).to_be_visible()
    expect(page.locator("#id_final_level_2")).to_be_checked()  # the suggestion is the default
    screenshot("thresholds-result")
    no_serious_axe_violations(page, "thresholds-result", screenshot_dir)

    # Early help needs consent: recording without saying is refused with an error summary.
    tab_to(page, by_text("Record the level"))
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say whether the family agreed")
    screenshot("thresholds-result-error")
    tab_to(page, by_id("id_consent_0"))
    page.keyboard.press("Space")
    tab_to(page, by_text("Record the level"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Start the early help route")).to_be_visible()
    screenshot("thresholds-decided")
    assessment = ThresholdAssessment.objects.get()
    assert assessment.final_level == 3 and assessment.consent == "given"

    # A school, without signing in: nothing stored.
    sign_out(page)
    page.goto(f"{live_server.url}/thresholds/check/?framework=CBC")
    expect(page.get_by_text("nothing you select here is saved")).to_be_visible()
    screenshot("thresholds-check")
    no_serious_axe_violations(page, "thresholds-check", screenshot_dir)
    tab_to(page, by_id("id_significant_harm_0"))
    page.keyboard.press("Space")  # "Yes"
    tab_to(page, by_text("See the suggested level"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggested level 4")
    expect(
        page.get_by_text("Your local front door, or the emergency duty team out of hours (placeholder)")
    ).to_be_visible()
    screenshot("thresholds-check-result")
    no_serious_axe_violations(page, "thresholds-check-result", screenshot_dir)
    assert ThresholdAssessment.objects.count() == 1

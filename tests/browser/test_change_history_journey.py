"""In a real browser: a social worker changes a child's details, then reads the record's history.

Screenshots: var/screenshots/history-*.png
"""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import no_serious_axe_violations, sign_in
from tests.prevention_builders import open_to_csc, prevention_world, referral

pytestmark = pytest.mark.django_db(transaction=True)


def test_change_details_and_read_the_history(browser_page, live_server, screenshot, screenshot_dir):
    world = prevention_world()
    open_to_csc(world)
    referral(world)
    page = browser_page
    child = world.child
    sign_in(page, live_server, world.csc_worker)

    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="Change the child's details").click()
    page.get_by_label("Postcode").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Save").click()

    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.get_by_role("link", name="History of changes").click()
    expect(page.get_by_role("heading", level=1, name="History")).to_be_visible()
    expect(page.get_by_text("Postcode: from not recorded to ZZ99 9ZZ")).to_be_visible()
    expect(page.get_by_text("Child's details changed")).to_be_visible()
    expect(page.get_by_role("cell", name=world.csc_worker.display_name).first).to_be_visible()
    screenshot("history-child")
    no_serious_axe_violations(page, "history-child", screenshot_dir)

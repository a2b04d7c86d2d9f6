"""End to end in a real browser (Somerset, seed 003 L189–199): a CYJS worker opens a detention and
training order, sees the 14-days-before-release deadline, records what the child has been told about
release (first refused without a choice or who told them), saves part of it, then the rest, and the
deadline is met. Labels drive the form, as a keyboard or screen-reader user would."""

import pytest
from playwright.sync_api import expect

from notifications.models import Deadline
from tests.browser.journey import no_serious_axe_violations, sign_in
from tests.orders_builders import dto, somerset_custody_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_release_information_partial_then_complete(browser_page, live_server, screenshot, screenshot_dir):
    w = somerset_custody_world()
    order = dto(w)
    page = browser_page
    sign_in(page, live_server, w.cyjs_worker)

    page.goto(f"{live_server.url}/orders/{order.pk}/")
    expect(
        page.get_by_role("cell", name="Tell the child the nine things about their release (14 days before release)")
    ).to_be_visible()
    page.get_by_role("link", name="Record what the child has been told about release").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record what the child has been told about release")

    # Nothing chosen, nobody named: the error summary says so.
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose what the child has been told")
    expect(summary).to_contain_text("Enter who told the child")
    screenshot("release-information-error")

    # Part of it.
    group = page.get_by_role("group", name="What has the child been told?")
    group.get_by_label("Who will collect them").check()
    group.get_by_label("Where they will live").check()
    page.get_by_label("Who told the child").fill("Jo Youthworker, youth justice worker")
    screenshot("release-information")
    no_serious_axe_violations(page, "release-information", screenshot_dir)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. 7 still to tell the child")).to_be_visible()
    expect(page.get_by_text("7 of 9 still to tell the child.")).to_be_visible()
    screenshot("release-information-detail-partial")

    # The rest.
    page.get_by_role("link", name="Record what the child has been told about release").click()
    expect(page.get_by_text("Told", exact=False).first).to_be_visible()
    for box in page.get_by_role("group", name="What has the child been told?").get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Who told the child").fill("Casey Socialworker, social worker")
    screenshot("release-information-partial")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("All nine release items recorded")).to_be_visible()
    expect(page.get_by_role("link", name="Record what the child has been told about release")).to_have_count(0)
    screenshot("release-information-detail-complete")
    assert (
        Deadline.objects.get(subject_id=order.pk, rule_code="release_information_to_child").status
        == Deadline.Status.MET
    )

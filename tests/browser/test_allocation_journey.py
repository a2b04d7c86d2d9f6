"""In a real browser: a team manager reassigns a child's work from the child's record (first
forgetting the reason), sees the allocation history, then reads the team's caseloads and one
worker's children. Each page is scanned with axe."""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import no_serious_axe_violations
from tests.browser.journey import switch_to as sign_in
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies, worker_in_new_team

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reassigns_work_and_reads_the_caseloads(browser_page, live_server, screenshot, screenshot_dir):
    csc, _mash, _cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    colleague = UserFactory(
        agency=csc,
        team=team,
        line_manager=manager,
        first_name="Morgan",
        last_name="Colleague",
        job_title="Social worker",
    )
    child = ChildFactory(first_name="Sam", last_name="Example")
    InvolvementFactory(child=child, agency=csc, team=team, allocated_worker=worker)
    InvolvementFactory(agency=csc, team=team, allocated_worker=colleague, kind="cla")
    page = browser_page

    sign_in(page, live_server, manager)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.locator("#involvements + table").get_by_role("link", name="Reassign").click()
    expect(page.get_by_role("heading", level=1, name="Reassign this work")).to_be_visible()
    page.get_by_label("Morgan Colleague").check()
    page.get_by_role("button", name="Reassign the work").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why you are allocating this work")
    screenshot("allocate-with-error")
    no_serious_axe_violations(page, "allocate-with-error", screenshot_dir)

    page.get_by_label("Why are you allocating this work?").fill("Caseload balance after the team meeting")
    page.get_by_role("button", name="Reassign the work").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Morgan Colleague now has the child in need work"
    )
    history = page.locator("#allocation-history + table")
    expect(history).to_contain_text("Caseload balance after the team meeting")
    expect(history).to_contain_text(worker.display_name)
    page.locator("#allocation-history").scroll_into_view_if_needed()
    screenshot("child-record-allocation-history")
    no_serious_axe_violations(page, "child-record-allocation-history", screenshot_dir)

    page.get_by_role("link", name="Caseloads").click()
    expect(page.get_by_role("heading", level=1, name="Your teams")).to_be_visible()
    screenshot("teams")
    no_serious_axe_violations(page, "teams", screenshot_dir)

    page.get_by_role("link", name=team.name).click()
    row = page.get_by_role("row").filter(has_text="Morgan Colleague")
    expect(row).to_contain_text("2")
    screenshot("caseloads")
    no_serious_axe_violations(page, "caseloads", screenshot_dir)

    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Children open to Morgan Colleague")).to_be_visible()
    expect(page.get_by_role("link", name="Sam Example")).to_be_visible()
    screenshot("worker-children")
    no_serious_axe_violations(page, "worker-children", screenshot_dir)

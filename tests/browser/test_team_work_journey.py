"""End to end in a real browser: a team manager opens Team work, shows the children not yet
allocated, ticks two, forgets the reason and is told, then allocates them to a worker and sees
the worker against each. Labels drive the form, as a keyboard or screen-reader user would."""

import pytest
from playwright.sync_api import expect

from casework.models import Allocation, Involvement
from tests.browser.journey import no_serious_axe_violations, sign_in
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies, worker_in_new_team

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_allocates_two_children_from_team_work(browser_page, live_server, screenshot, screenshot_dir):
    csc, _mash, _cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    chosen = UserFactory(agency=csc, team=team, line_manager=manager, first_name="Priya", last_name="Shah")
    first = InvolvementFactory(child=ChildFactory(first_name="Ellis", last_name="Hartley"), agency=csc, team=team)
    second = InvolvementFactory(child=ChildFactory(first_name="Noor", last_name="Bakshi"), agency=csc, team=team)
    InvolvementFactory(
        child=ChildFactory(first_name="Kai", last_name="Moreton"), agency=csc, team=team, allocated_worker=worker
    )

    page = browser_page
    sign_in(page, live_server, manager)
    page.get_by_role("link", name="Team work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team work: {team.name}")
    page.get_by_label("Worker").select_option(label="Not allocated")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#work-count")).to_have_text("Showing 1 to 2 of 2 items matching your filters")
    screenshot("team-work-not-allocated")
    no_serious_axe_violations(page, "team-work", screenshot_dir)

    page.get_by_label("Select Ellis Hartley").check()
    page.get_by_label("Select Noor Bakshi").check()
    page.get_by_label("Allocate to").select_option(label=chosen.display_name)
    page.get_by_role("button", name="Allocate").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why you are allocating this work")
    expect(page.get_by_label("Select Ellis Hartley")).to_be_checked()
    screenshot("team-work-allocation-error")
    no_serious_axe_violations(page, "team-work-allocation-error", screenshot_dir)

    page.get_by_label("Reason").fill("Priya has capacity after the duty week")
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"2 children allocated to {chosen.display_name}")
    expect(page.locator("#work-count")).to_have_text("No open work matching your filters")
    page.get_by_role("link", name="Clear filters").click()
    for name in ("Ellis Hartley", "Noor Bakshi"):
        expect(page.get_by_role("row", name=name)).to_contain_text(chosen.display_name)
    screenshot("team-work-allocated")
    assert Allocation.objects.filter(to_worker=chosen).count() == 2
    assert set(Involvement.objects.filter(allocated_worker=chosen).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }

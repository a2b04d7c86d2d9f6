"""In a real browser: a head of service opens Performance, reads a measure's chart and table,
follows a month to the records behind it (only children they may open), and opens a child."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Involvement
from notifications.models import Deadline
from performance import months
from performance.services import refresh_monthly_figures
from tests.browser.journey import no_serious_axe_violations, sign_in
from tests.factories import ChildFactory, ContactFactory, InvolvementFactory
from tests.performance_builders import clock, end_of, world

pytestmark = pytest.mark.django_db(transaction=True)
S = Deadline.Status


def a_year_of_assessments(w):
    """Assessments due each month of the last year, most in time, some late or overdue."""
    rng = random.Random(7)
    today = timezone.localdate()
    children = [ChildFactory(first_name=name, last_name="Example") for name in ("Ada", "Ben", "Cara", "Dev")]
    for child in children:
        InvolvementFactory(child=child, agency=w.csc, kind=Involvement.Kind.CIN, team=w.team, allocated_worker=w.worker)
    hidden = ChildFactory(first_name="Hidden", last_name="Example")
    InvolvementFactory(child=hidden, agency=w.cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
    for month in months.recent(today, 13)[:-1]:
        for index in range(rng.randint(4, 9)):
            due = end_of(month + timedelta(days=index * 2))
            child = children[index % len(children)]
            if rng.random() < 0.8:
                clock("assessment", child=child, responsible=w.worker, due_at=due, status=S.MET, met_at=due)
            else:
                clock("assessment", child=child, responsible=w.colleague, due_at=due, status=S.BREACHED)
        ContactFactory(agency=w.mash, child=children[0], received_at=end_of(month) - timedelta(days=3))
    last = months.add_months(months.first_of(today), -1)
    clock("assessment", child=hidden, responsible=w.worker, due_at=end_of(last), status=S.BREACHED)
    refresh_monthly_figures(months=months.recent(today, 13), authority=w.authority)
    return last


def test_head_of_service_drills_from_a_chart_to_a_child(browser_page, live_server, screenshot, screenshot_dir):
    w = world()
    w.head.first_name, w.head.last_name = "Helen", "Head"
    w.head.save()
    last = a_year_of_assessments(w)
    page = browser_page
    sign_in(page, live_server, w.head)

    page.get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Performance")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    screenshot("performance-dashboard")
    no_serious_axe_violations(page, "performance-dashboard", screenshot_dir)

    assessments = page.get_by_role("region", name="Assessments completed within 45 working days", exact=True)
    assessments.get_by_role("link", name="How it is counted, and by team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments completed within 45 working days")
    screenshot("performance-measure")
    no_serious_axe_violations(page, "performance-measure", screenshot_dir)

    page.get_by_role("link", name="Back to performance").click()
    assessments.get_by_role("link", name=f"{last:%B %Y} records behind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Assessments completed within 45 working days: {last:%B %Y}"
    )
    expect(page.get_by_text("1 record is about children you cannot open")).to_be_visible()
    expect(page.get_by_role("link", name="Hidden Example")).to_have_count(0)
    screenshot("performance-drilldown")
    no_serious_axe_violations(page, "performance-drilldown", screenshot_dir)

    page.get_by_role("link", name="Ada Example").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Example")

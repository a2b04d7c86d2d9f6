"""End to end in a real browser: a child's social worker tries to close children's social care's
child in need involvement while CSC must stay open after a detention and training order (seed 000
¶20.5) and is refused with the date it may close from; once the sweep has ended the period, the
worker closes it from the child's record. Labels drive the form, as a keyboard or screen-reader
user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Involvement
from notifications.clocks import free_from_text
from notifications.models import Deadline
from notifications.sweep import sweep_deadlines
from notifications.timescales import end_of_day
from tests.browser.journey import fill_date, no_serious_axe_violations, sign_in
from tests.involvements_builders import held_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_held_open_after_custody_then_closed(browser_page, live_server, screenshot, screenshot_dir):
    w = held_world()
    page = browser_page
    sign_in(page, live_server, w.csc_worker)

    page.goto(f"{live_server.url}/children/{w.child.pk}/")
    expect(page.get_by_role("cell", name="Stays open until", exact=False)).to_be_visible()
    expect(page.locator("#deadlines ~ table").first).to_contain_text("Waiting period")
    screenshot("involvement-child-record-held")
    page.get_by_role("link", name="Close child in need").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close this involvement")
    expect(page.locator(".govuk-warning-text")).to_contain_text("must stay open until")
    fill_date(page, "Date it closed", timezone.localdate())
    page.get_by_label("Why is it closing?").fill("Plan outcomes met; stepping down to early help")
    page.get_by_role("button", name="Close the involvement").click()
    summary = page.locator(".govuk-error-summary")
    may_close = f"CSC may close from {free_from_text(w.period)}"
    expect(summary).to_contain_text(may_close)
    expect(page.locator(".govuk-error-message")).to_contain_text(may_close)
    expect(page.locator(".govuk-warning-text")).to_have_count(0)  # said once, by the error, not twice
    screenshot("involvement-close-held")
    no_serious_axe_violations(page, "involvement-close-held", screenshot_dir)
    summary.get_by_role("link", name="Children's social care must stay open", exact=False).click()
    assert Involvement.objects.get(pk=w.csc_involvement.pk).end is None

    # Three months on (the period moved back so that it ended yesterday): the sweep ends it, and the worker may close.
    yesterday = timezone.localdate() - timedelta(days=1)
    Deadline.objects.filter(pk=w.period.pk).update(
        due_date=yesterday, due_at=end_of_day(yesterday), next_action_at=end_of_day(yesterday)
    )
    assert sweep_deadlines().by_kind.get("ended") == 1
    assert Deadline.objects.get(pk=w.period.pk).status == Deadline.Status.MET
    page.goto(f"{live_server.url}/involvements/{w.csc_involvement.pk}/close/")
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    fill_date(page, "Date it closed", timezone.localdate())
    page.get_by_label("Why is it closing?").fill("Plan outcomes met; stepping down to early help")
    page.get_by_role("button", name="Close the involvement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Child in need closed")
    screenshot("involvement-closed")
    assert Involvement.objects.get(pk=w.csc_involvement.pk).end == timezone.localdate()

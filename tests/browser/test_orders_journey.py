"""End to end in a real browser: a CYJS worker records a detention and training order for a 15-year-old
looked-after child (first refused without a release date), sees the resettlement deadline and that the
child stops being looked after, tells the virtual school, moves the release date, completes the
resettlement plan and ends the order. Then the child's social worker reads the youth justice summary.
Labels drive the forms, as a keyboard or screen-reader user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import CourtAppearance, Involvement, YouthJusticeOrder
from notifications.models import Deadline, Notification
from tests.browser.journey import fill_date, no_serious_axe_violations, sign_in, sign_out
from tests.orders_builders import orders_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_custodial_sentence_to_resettlement_and_end(browser_page, live_server, screenshot, screenshot_dir):
    w = orders_world(age=15, csc_kind=Involvement.Kind.CLA)
    CourtAppearance.objects.create(
        child=w.child,
        agency=w.cyjs,
        hearing_at=timezone.now() - timedelta(days=10),
        court="Example Youth Court",
        outcome="sentenced",
        created_by=w.cyjs_worker,
    )
    page = browser_page
    sign_in(page, live_server, w.cyjs_worker)

    page.goto(f"{live_server.url}/children/{w.child.pk}/youth-justice/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Youth justice")
    expect(page.get_by_role("heading", name="Orders and sentences")).to_be_visible()
    screenshot("orders-summary")
    no_serious_axe_violations(page, "orders-summary", screenshot_dir)

    # Record the sentence: the hearing and its date are filled in already. No release date: refused.
    page.get_by_role("link", name="Record an order or outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an order or outcome")
    expect(page.get_by_label("Court hearing (optional)")).to_contain_text("Example Youth Court")
    page.get_by_label("Detention and training order").check()
    screenshot("orders-new")
    no_serious_axe_violations(page, "orders-new", screenshot_dir)
    page.get_by_role("button", name="Save the order").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the expected release date")
    screenshot("orders-new-error")
    summary.get_by_role(
        "link", name="Enter the expected release date"
    ).click()  # the link takes the keyboard to the field
    release = timezone.localdate() + timedelta(days=60)
    fill_date(page, "Expected release date", release)
    page.get_by_label("Where the child is held (optional)").fill("Example Secure Children's Home")
    page.get_by_role(
        "group", name="Was children's social care significantly involved before the sentence?"
    ).get_by_label("Yes").check()
    page.get_by_label("Visiting arrangements if the child stops being looked after (optional)").fill(
        "Social worker visits monthly"
    )
    page.get_by_role("button", name="Save the order").click()
    expect(page.get_by_text("Detention and training order recorded.")).to_be_visible()
    expect(page.get_by_text("No longer looked after: 15 when sentenced")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Resettlement plan, including where the child will live (21 days before release)")
    ).to_be_visible()
    expect(
        page.get_by_role("cell", name="Children's social care stays open (3 months after the sentence)")
    ).to_be_visible()
    screenshot("orders-detail")
    no_serious_axe_violations(page, "orders-detail", screenshot_dir)

    # The virtual school.
    page.get_by_role("link", name="Record that the virtual school was told").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded that the virtual school was told")).to_be_visible()

    # The release date moves: so does the deadline.
    page.get_by_role("link", name="Change the order").click()
    later = release + timedelta(days=30)
    fill_date(page, "Expected release date", later)
    screenshot("orders-edit")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Order saved")).to_be_visible()
    order = YouthJusticeOrder.objects.get()
    open_clock = Deadline.objects.get(subject_id=order.pk, rule_code="resettlement_planning", status="open")
    assert open_clock.due_date == later - timedelta(days=21)

    # The resettlement plan: refused without accommodation, then saved.
    page.get_by_role("link", name="Record the resettlement plan").click()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter where the child will live after release")
    page.get_by_label("Where the child will live after release").fill("Foster placement in Exampletown")
    screenshot("orders-resettlement")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Resettlement plan recorded")).to_be_visible()
    expect(page.get_by_text("Living after release: Foster placement in Exampletown")).to_be_visible()

    # End it.
    page.get_by_role("link", name="End the order").click()
    screenshot("orders-end")
    page.get_by_role("button", name="End the order").click()
    expect(page.get_by_text("Order ended", exact=True)).to_be_visible()
    screenshot("orders-detail-ended")

    order.refresh_from_db()
    assert order.section_20_ended and order.virtual_school_told_on and order.ended_on == timezone.localdate()
    assert Notification.objects.filter(recipient=w.csc_worker, link=f"/orders/{order.pk}/").exists()

    # The social worker reads the summary but cannot record.
    sign_out(page)
    sign_in(page, live_server, w.csc_worker)
    page.goto(f"{live_server.url}/children/{w.child.pk}/youth-justice/")
    expect(page.get_by_role("link", name="Detention and training order")).to_be_visible()
    expect(page.get_by_role("link", name="Record an order or outcome")).to_have_count(0)
    screenshot("orders-summary-csc")

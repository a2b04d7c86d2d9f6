"""End to end in a real browser: a child remanded to youth detention (000 ¶19). The youth justice worker
sees on the summary that the bail package has not been reviewed, reviews it (first refused without
the package), then the child's social worker records the looked after review chaired by the IRO
(first refused without the chair) and the first statutory visit, and sees both clocks met and the
next visit due in 6 weeks (003 L164, L167). Labels drive the forms, as a keyboard or screen-reader
user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import BailPackageReview, LookedAfterReview
from notifications.models import Deadline
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in, switch_to
from tests.custody_care_builders import sentence_world, yda_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_remand_to_youth_detention_care(browser_page, live_server, screenshot, screenshot_dir):
    w = yda_world(days_ago=4)
    page = browser_page
    sign_in(page, live_server, w.cyjs_worker)

    page.goto(f"{live_server.url}/children/{w.child.pk}/youth-justice/")
    section = page.get_by_role("heading", name="Care in youth detention")
    expect(section).to_be_visible()
    expect(page.get_by_text("No bail package review recorded since the remand began")).to_be_visible()
    screenshot("custody-care-summary")
    no_serious_axe_violations(page, "custody-care-summary", screenshot_dir)

    page.get_by_role("link", name="Looked after reviews, visits and bail package reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Care in youth detention")
    expect(page.get_by_role("cell", name="Looked after review (28 days from entering custody)")).to_be_visible()
    expect(page.get_by_role("link", name="Record a looked after review")).to_have_count(0)  # CSC's, not CYJS's
    expect(page.get_by_text("No bail package review recorded since the remand began")).to_be_visible()
    screenshot("custody-care-page-cyjs")
    no_serious_axe_violations(page, "custody-care-page-cyjs", screenshot_dir)

    # The bail package review: "yes" without a package is refused.
    page.get_by_role("link", name="Review the bail package").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the bail package")
    choose(page, "Could a community bail package be offered?", "Yes")
    page.get_by_role("button", name="Save the review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Describe the bail package you propose")
    screenshot("custody-care-bail-error")
    no_serious_axe_violations(page, "custody-care-bail-error", screenshot_dir)
    page.get_by_label("The bail package proposed").fill(
        "Live with an aunt in Exampletown; bail supervision and support"
    )
    choose(page, "Was it considered with children's social care? (optional)", "Yes")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Bail package review recorded")).to_be_visible()
    expect(page.get_by_text("Bail package last reviewed on")).to_be_visible()
    assert BailPackageReview.objects.get().bail_could_be_offered

    # The social worker: the looked after review, refused without the chair.
    switch_to(page, live_server, w.csc_worker)
    page.goto(f"{live_server.url}/children/{w.child.pk}/custody-care/")
    page.get_by_role("link", name="Record a looked after review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a looked after review")
    choose(page, "Did the child take part?", "Yes")
    page.get_by_label("What the review decided").fill("Stay in the secure children's home; education plan agreed")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter who chaired the review")
    page.get_by_label("Independent reviewing officer who chaired it").fill("Ira Reviewer")
    fill_date(page, "Date of the next review (optional)", timezone.localdate() + timedelta(days=90))
    screenshot("custody-care-review")
    no_serious_axe_violations(page, "custody-care-review", screenshot_dir)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Looked after review recorded")).to_be_visible()

    # The first statutory visit.
    page.get_by_role("link", name="Record a statutory visit").click()
    expect(page.get_by_label("Children's social care worker who visited")).to_have_value(w.csc_worker.display_name)
    page.get_by_label("Notes (optional)").fill("Seen in the visits room; settling in")
    choose(page, "Was the child seen alone? (optional)", "Yes")
    screenshot("custody-care-visit")
    no_serious_axe_violations(page, "custody-care-visit", screenshot_dir)
    page.get_by_role("button", name="Save the visit").click()
    expect(page.get_by_text("Statutory visit by children's social care recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="Next statutory visit (within 6 weeks of the last)")).to_be_visible()
    screenshot("custody-care-page-csc")
    no_serious_axe_violations(page, "custody-care-page-csc", screenshot_dir)

    statuses = dict(
        Deadline.objects.filter(subject_id=w.remand.pk, rule_code__startswith="custody_").values_list(
            "rule_code", "status"
        )
    )
    assert statuses["custody_first_statutory_visit"] == "met" and statuses["custody_statutory_visit_next"] == "open"
    assert Deadline.objects.get(subject_id=w.remand.pk, rule_code="lac_review_in_custody").status == "met"
    assert LookedAfterReview.objects.get().chair_name == "Ira Reviewer"

    # Change the review.
    page.get_by_role("link", name="Change the review of").click()
    page.get_by_label("What the review decided").fill("Plan agreed; bail package to be put to the court")
    screenshot("custody-care-review-edit")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Looked after review saved")).to_be_visible()

    # From the remand itself: the link to the care in youth detention page.
    page.goto(f"{live_server.url}/remands/{w.remand.pk}/")
    link = page.get_by_role("link", name="Reviews, visits and bail reviews in custody")
    expect(link).to_be_visible()
    screenshot("custody-care-remand-link")
    no_serious_axe_violations(page, "custody-care-remand-link", screenshot_dir)
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Care in youth detention")


def test_from_a_detention_and_training_order_to_its_planning_meeting(
    browser_page, live_server, screenshot, screenshot_dir
):
    """Somerset: the youth justice worker opens the DTO, follows the link to the care in youth detention
    page and records the custody planning meeting, which stops its 10 working day clock (003 L162)."""
    w = sentence_world(somerset=True)
    page = browser_page
    sign_in(page, live_server, w.cyjs_worker)
    page.goto(f"{live_server.url}/orders/{w.order.pk}/")
    link = page.get_by_role("link", name="Reviews, visits and the planning meeting in custody")
    expect(link).to_be_visible()
    screenshot("custody-care-order-link")
    no_serious_axe_violations(page, "custody-care-order-link", screenshot_dir)
    link.click()
    expect(page.get_by_role("cell", name="Custody planning meeting (10 working days)")).to_be_visible()
    page.get_by_role("link", name="Record the custody planning meeting").click()
    page.get_by_label("Who attended").fill(
        "Youth justice worker, social worker, the child and the secure home's keyworker"
    )
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Custody planning meeting recorded")).to_be_visible()
    assert Deadline.objects.get(subject_id=w.order.pk, rule_code="dto_planning_meeting").status == "met"

"""End to end in a real browser: a social worker asks the HSB hub for a consultation (first with the
form left empty), a CYJS hub manager records the consultation with a Hackett rating, pattern mapping
and the start of the AIM assessment (the 45-working-day clock shows), then its completion; the CYJS
and CSC managers each record their quality assurance, and the hub records the outcome and planning
meeting and closes it. Labels drive the forms, as a keyboard or screen-reader user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import HsbConsultation
from notifications.models import Deadline
from tests.browser.journey import fill_date, no_serious_axe_violations
from tests.browser.journey import switch_to as sign_in
from tests.hsb_builders import hsb_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_to_aim_assessment_and_closure(browser_page, live_server, screenshot, screenshot_dir):
    w = hsb_world(age=14)
    w.cyjs_worker.first_name, w.cyjs_worker.last_name, w.cyjs_worker.job_title = "Alex", "Aimworker", "AIM practitioner"
    w.cyjs_worker.save()
    page = browser_page
    today = timezone.localdate()

    # The social worker asks the hub.
    sign_in(page, live_server, w.csc_worker)
    page.goto(f"{live_server.url}/children/{w.child.pk}/hsb/")
    expect(page.get_by_role("heading", level=1)).to_have_text("HSB hub consultations")
    screenshot("hsb-list")
    page.get_by_role("button", name="Ask the HSB hub for a consultation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the HSB hub for a consultation")
    page.get_by_role("button", name="Send the request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter when the most recent behaviour happened")
    expect(summary).to_contain_text("Describe the behaviour that worries you")
    screenshot("hsb-new-error")
    summary.get_by_role("link", name="Describe the behaviour that worries you").click()
    page.keyboard.type("Sexualised messages sent to a younger pupil; the pupil told a teacher.")
    fill_date(page, "When did the most recent behaviour happen?", today - timedelta(days=20))
    page.get_by_role("group", name="Does the child live in Lancashire-like?").get_by_label("Yes").check()
    page.get_by_role("group", name="Are the police investigating?").get_by_label("No").check()
    screenshot("hsb-new")
    no_serious_axe_violations(page, "hsb-new", screenshot_dir)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request sent to the HSB hub.")).to_be_visible()
    expect(page.get_by_role("button", name="Record the hub consultation")).to_have_count(0)
    expect(page.get_by_text("Waiting for the HSB hub to record the consultation.")).to_be_visible()
    screenshot("hsb-detail-requested")
    consultation = HsbConsultation.objects.get()

    # The hub manager records the consultation, with Hackett's continuum.
    sign_in(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/hsb/{consultation.pk}/")
    page.get_by_role("button", name="Record the hub consultation").click()
    expect(page.get_by_text("Uses physical force or threats, or is highly intrusive")).to_be_visible()
    page.get_by_label("Problematic", exact=True).check()
    page.get_by_label("What was agreed?").fill("Pattern mapping, then an AIM assessment with the social worker.")
    screenshot("hsb-step-consultation")
    no_serious_axe_violations(page, "hsb-step-consultation", screenshot_dir)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Consultation recorded")).to_be_visible()

    page.get_by_role("button", name="Record the pattern mapping meeting").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Pattern mapping meeting recorded")).to_be_visible()

    page.get_by_role("button", name="Start the AIM assessment").click()
    page.get_by_label("AIM-trained CYJS practitioner").select_option(label="Alex Aimworker, AIM practitioner")
    screenshot("hsb-step-aim")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("AIM assessment started")).to_be_visible()
    deadline = Deadline.objects.get(rule_code="aim_assessment")
    expect(
        page.get_by_role(
            "cell", name="Complete the AIM assessment (45 working days from the first meeting with the child)"
        )
    ).to_be_visible()
    expect(
        page.get_by_role("cell", name=f"{deadline.due_date.day} {deadline.due_date:%b %Y}", exact=False)
    ).to_be_visible()
    screenshot("hsb-detail-aim")
    no_serious_axe_violations(page, "hsb-detail-aim", screenshot_dir)

    page.get_by_role("button", name="Record that the AIM assessment is complete").click()
    expect(page.get_by_text("45 working days from the first meeting with the child")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("AIM assessment recorded as complete")).to_be_visible()

    # Joint quality assurance: CYJS, then children's social care.
    page.get_by_role("button", name="Record your quality assurance of the AIM assessment").click()
    page.get_by_role("button", name="Record quality assurance").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you have reviewed the AIM assessment")
    page.get_by_label("I have reviewed the finalised AIM assessment").check()
    screenshot("hsb-step-qa")
    page.get_by_role("button", name="Record quality assurance").click()
    expect(page.get_by_text("Quality assurance recorded")).to_be_visible()
    expect(
        page.get_by_text("Waiting for a manager from the other service to record their quality assurance.")
    ).to_be_visible()

    sign_in(page, live_server, w.csc_manager)
    page.goto(f"{live_server.url}/hsb/{consultation.pk}/")
    page.get_by_role("button", name="Record your quality assurance of the AIM assessment").click()
    expect(page.get_by_text("You are recording it for children's social care")).to_be_visible()
    page.get_by_label("I have reviewed the finalised AIM assessment").check()
    page.get_by_role("button", name="Record quality assurance").click()
    expect(page.get_by_text("Quality assurance recorded")).to_be_visible()

    # The outcome and planning meeting, then closure.
    sign_in(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/hsb/{consultation.pk}/")
    page.get_by_role("button", name="Record the outcome and planning meeting").click()
    page.get_by_label("Areas of work agreed").fill("Healthy relationships sessions; safety plan at home and school.")
    fill_date(page, "When will the AIM assessment be reviewed?", today + timedelta(days=90))
    screenshot("hsb-step-planning")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Outcome and planning meeting recorded")).to_be_visible()
    page.get_by_role("button", name="Close the consultation").click()
    page.get_by_role("button", name="Close the consultation").click()
    expect(page.get_by_text("Consultation closed")).to_be_visible()
    screenshot("hsb-detail-closed")
    no_serious_axe_violations(page, "hsb-detail-closed", screenshot_dir)

    consultation.refresh_from_db()
    assert consultation.status == HsbConsultation.Status.CLOSED
    assert consultation.qa_cyjs_manager == w.cyjs_manager and consultation.qa_csc_manager == w.csc_manager
    assert Deadline.objects.get(rule_code="aim_assessment").status == Deadline.Status.MET

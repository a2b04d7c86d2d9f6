"""End to end in a real browser: a CSC team manager decides that youth justice leads for a jointly worked
child (first refused without reasons), reading the guidance; the CYJS worker records the planning
meeting; the CYJS team manager raises a disagreement about the decision, the CSC team manager responds,
the CYJS manager escalates it to stage 2 and their senior manager records what was agreed. A CYJS
practitioner sees the lead agency on the summary but not the disagreement.
Labels drive the forms, as a keyboard or screen-reader user would."""

import pytest
from playwright.sync_api import expect

from casework.models import Involvement, JointWorkingDisagreement, LeadAgencyDecision
from notifications.models import Deadline, Notification
from tests.browser.journey import no_serious_axe_violations
from tests.browser.journey import switch_to as sign_in
from tests.joint_builders import joint_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_agency_planning_meeting_and_disagreement(browser_page, live_server, screenshot, screenshot_dir):
    w = joint_world()
    page = browser_page
    summary = f"{live_server.url}/children/{w.child.pk}/youth-justice/"

    # The CSC team manager decides: refused without reasons, then saved.
    sign_in(page, live_server, w.csc_manager)
    page.goto(summary)
    expect(page.get_by_role("heading", name="Lead agency")).to_be_visible()
    page.get_by_role("link", name="Record the lead agency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide the lead agency")
    expect(page.get_by_text("Child protection concerns, whatever else applies")).to_be_visible()
    screenshot("joint-lead-agency-new")
    no_serious_axe_violations(page, "joint-lead-agency-new", screenshot_dir)
    page.get_by_label(w.cyjs.name).check()
    page.get_by_role("button", name="Save the decision").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors).to_contain_text("Give the reasons for the decision")
    screenshot("joint-lead-agency-new-error")
    errors.get_by_role("link", name="Give the reasons for the decision").click()
    page.keyboard.type(
        "Youth justice supervises the court order. No child protection concerns. Agreed with the CYJS team manager."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text(f"{w.cyjs.name} recorded as the lead agency.")).to_be_visible()
    expect(page.get_by_role("cell", name="Hold the joint planning meeting")).to_be_visible()
    screenshot("joint-lead-agency-detail")
    no_serious_axe_violations(page, "joint-lead-agency-detail", screenshot_dir)
    decision = LeadAgencyDecision.objects.get()
    assert Notification.objects.filter(recipient=w.cyjs_worker, link=f"/lead-agency/{decision.pk}/").exists()
    assert Involvement.objects.get(pk=w.cyjs_involvement.pk).is_lead_agency

    # The CYJS worker records the planning meeting.
    sign_in(page, live_server, w.cyjs_worker)
    page.goto(f"{live_server.url}/lead-agency/{decision.pk}/")
    page.get_by_role("link", name="Record the planning meeting").click()
    page.get_by_label("Who will do what").fill(
        "CYJS: the order and offending work. CSC: child in need visits and family support."
    )
    screenshot("joint-planning-meeting")
    no_serious_axe_violations(page, "joint-planning-meeting", screenshot_dir)
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_text("Planning meeting recorded")).to_be_visible()
    expect(page.get_by_text("CYJS: the order and offending work.")).to_be_visible()
    assert Deadline.objects.get(rule_code="joint_planning_meeting").status == "met_late"
    page.goto(summary)
    expect(page.get_by_role("heading", name="Joint working disagreements")).to_have_count(0)

    # The CYJS team manager disagrees.
    sign_in(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/lead-agency/{decision.pk}/")
    page.get_by_role("link", name="Raise a disagreement").click()
    page.get_by_label("What do you disagree about?").fill(
        "New welfare concerns at home: we think children's social care should lead."
    )
    screenshot("joint-disagreement-new")
    no_serious_axe_violations(page, "joint-disagreement-new", screenshot_dir)
    page.get_by_role("button", name="Raise the disagreement").click()
    expect(page.get_by_text("Disagreement raised.")).to_be_visible()
    disagreement = JointWorkingDisagreement.objects.get()

    # The CSC team manager responds at stage 1.
    sign_in(page, live_server, w.csc_manager)
    page.goto(f"{live_server.url}/joint-disagreements/{disagreement.pk}/")
    page.get_by_label("Your response").fill("We will review the welfare concerns with you on Monday.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Response recorded")).to_be_visible()

    # Not agreed: the CYJS manager escalates, and their senior manager records the agreement.
    sign_in(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/joint-disagreements/{disagreement.pk}/")
    page.get_by_role("button", name="Escalate to stage 2").click()
    expect(page.get_by_text("Escalated to the next stage")).to_be_visible()
    screenshot("joint-disagreement-detail")
    no_serious_axe_violations(page, "joint-disagreement-detail", screenshot_dir)
    sign_in(page, live_server, w.cyjs_senior)
    page.goto(f"{live_server.url}/joint-disagreements/{disagreement.pk}/")
    page.get_by_label("What was agreed").fill(
        "Youth justice stays the lead; children's social care reviews the welfare concerns within a week."
    )
    page.get_by_role("button", name="Record the resolution").click()
    expect(page.get_by_text("Resolution recorded")).to_be_visible()
    screenshot("joint-disagreement-resolved")
    disagreement.refresh_from_db()
    assert disagreement.status == "resolved" and disagreement.stage == 2

    page.goto(summary)
    expect(page.get_by_role("heading", name="Joint working disagreements")).to_be_visible()
    screenshot("joint-summary")
    no_serious_axe_violations(page, "joint-summary", screenshot_dir)


def test_somerset_three_step_ladder(browser_page, live_server, screenshot, screenshot_dir):
    """Somerset (003 L97): a CYJS practitioner raises it, the CSC practitioner answers step 1, it goes
    to their managers and then to CSC's Operations Manager; there is no step 4 to escalate to."""
    w = joint_world(somerset=True)
    page = browser_page

    sign_in(page, live_server, w.cyjs_worker)
    page.goto(f"{live_server.url}/children/{w.child.pk}/joint-disagreements/new/")
    page.get_by_label("What do you disagree about?").fill(
        "We think children's social care should lead while the family moves house."
    )
    page.get_by_role("button", name="Raise the disagreement").click()
    expect(page.get_by_text("Disagreement raised.")).to_be_visible()
    disagreement = JointWorkingDisagreement.objects.get()
    url = f"{live_server.url}/joint-disagreements/{disagreement.pk}/"

    sign_in(page, live_server, w.csc_worker)
    page.goto(url)
    expect(page.get_by_text("Stage 1 of 3: Practitioners")).to_be_visible()
    stages = page.get_by_role("table")
    for label in ("1. Practitioners", "2. Their respective managers", "3. Operations Manager"):
        expect(stages.get_by_role("cell", name=label)).to_be_visible()
    expect(stages.get_by_role("cell", name="Senior manager in children's social care")).to_be_visible()
    page.get_by_label("Your response").fill("Let's ask our managers.")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_text("Response recorded")).to_be_visible()

    sign_in(page, live_server, w.cyjs_worker)
    page.goto(url)
    page.get_by_role("button", name="Escalate to stage 2").click()
    expect(page.get_by_text("Stage 2 of 3: Their respective managers")).to_be_visible()
    sign_in(page, live_server, w.cyjs_manager)
    page.goto(url)
    page.get_by_role("button", name="Escalate to stage 3").click()
    expect(page.get_by_text("Stage 3 of 3: Operations Manager")).to_be_visible()
    expect(page.get_by_role("button", name="Escalate to stage 4")).to_have_count(0)
    screenshot("joint-disagreement-somerset")
    no_serious_axe_violations(page, "joint-disagreement-somerset", screenshot_dir)
    disagreement.refresh_from_db()
    assert disagreement.stage == 3
    assert Deadline.objects.filter(rule_code="escalation_stage_response").count() == 3

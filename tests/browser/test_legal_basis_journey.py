"""In a real browser: the child's record lists the legal basis of a looked-after involvement (one
under a care order, one opened by a remand), the youth justice page says the child is looked
after and why, and the HSB hub detail page says who recorded each step and when (from the
consultation's history)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Involvement
from tests.browser.journey import no_serious_axe_violations
from tests.browser.journey import switch_to as sign_in
from tests.court_builders import court_world, make_looked_after, remand
from tests.hsb_builders import hsb_world, planned

pytestmark = pytest.mark.django_db(transaction=True)
LB = Involvement.LegalBasis


def test_the_legal_basis_on_the_childs_record_and_the_youth_justice_page(
    browser_page, live_server, screenshot, screenshot_dir
):
    w = court_world()
    make_looked_after(w, legal_basis=LB.CARE_ORDER)
    other = court_world()
    remand(other, "local_authority")
    page = browser_page

    sign_in(page, live_server, w.csc_worker)
    page.goto(f"{live_server.url}/children/{w.child.pk}/")
    table = page.locator("#involvements + table")
    row = table.get_by_role("row").filter(has_text="Child looked after")
    expect(row).to_contain_text("Care order (section 31)")
    screenshot("legal-basis-child-record")
    no_serious_axe_violations(page, "legal-basis-child-record", screenshot_dir)

    sign_in(page, live_server, other.cyjs_worker)
    page.goto(f"{live_server.url}/children/{other.child.pk}/")
    row = page.locator("#involvements + table").get_by_role("row").filter(has_text="Child looked after")
    expect(row).to_contain_text("Remanded to local authority accommodation")
    page.goto(f"{live_server.url}/children/{other.child.pk}/youth-justice/")
    expect(page.locator("#looked-after")).to_contain_text("Yes: remanded to local authority accommodation, since")
    screenshot("legal-basis-youth-justice-summary")


def test_the_hsb_detail_says_who_recorded_each_step(browser_page, live_server, screenshot, screenshot_dir):
    w = hsb_world(age=14)
    c = planned(w)
    page = browser_page
    today = timezone.localdate()
    on = f"{today.day} {today:%B %Y}"

    sign_in(page, live_server, w.cyjs_manager)
    page.goto(f"{live_server.url}/hsb/{c.pk}/")
    steps = page.get_by_role("table", name="Steps")
    expect(steps.get_by_role("row").filter(has_text="Requested")).to_contain_text(
        f"Recorded by {w.csc_worker.display_name} on {on}"
    )
    expect(steps.get_by_role("row").filter(has_text="AIM assessment completed")).to_contain_text(
        f"Recorded by {w.cyjs_worker.display_name} on {on}"
    )
    expect(steps.get_by_role("row").filter(has_text="Quality assurance")).to_have_count(2)
    expect(steps.get_by_role("row").filter(has_text="Quality assurance by children's social care")).to_contain_text(
        f"Recorded by {w.csc_manager.display_name} on {on}"
    )
    expect(steps.get_by_role("row").filter(has_text="Quality assurance by CYJS")).to_contain_text(
        f"Recorded by {w.cyjs_manager.display_name} on {on}"
    )
    expect(steps.get_by_role("row").filter(has_text="Closed")).to_contain_text("Not yet")
    screenshot("hsb-detail-recorded-by")
    no_serious_axe_violations(page, "hsb-detail-recorded-by", screenshot_dir)


def test_somerset_court_attendance_follows_the_legal_basis(browser_page, live_server, screenshot, screenshot_dir):
    """003 L116: CSC is expected at court only under an interim or full care order; for a child
    accommodated under s20 the outcome need not say whether the social worker attended."""
    from casework.models import CourtAppearance, JointWorkingProtocol
    from tests.court_builders import hearing, somerset_protocol

    w = court_world()
    somerset_protocol(w.authority, csc_attends_court=JointWorkingProtocol.CscAttendsCourt.CARE_ORDER)
    make_looked_after(w, legal_basis=LB.SECTION_20)
    appearance = hearing(w)
    page = browser_page

    sign_in(page, live_server, w.cyjs_worker)
    page.goto(f"{live_server.url}/court/{appearance.pk}/")
    expect(page.get_by_text("Their social worker attends if no parent can")).to_be_visible()
    screenshot("legal-basis-court-detail-somerset-s20")
    page.get_by_role("link", name="Record the outcome").click()
    expect(page.get_by_role("group", name="Did the child's social worker attend court? (optional)")).to_be_visible()
    page.get_by_label("Adjourned: bail", exact=True).check()
    screenshot("legal-basis-court-outcome-somerset-s20")
    no_serious_axe_violations(page, "legal-basis-court-outcome-somerset-s20", screenshot_dir)
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    appearance.refresh_from_db()
    assert appearance.outcome == CourtAppearance.Outcome.ADJOURNED_BAIL and appearance.csc_worker_attended is None

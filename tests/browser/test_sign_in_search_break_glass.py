"""End to end in a real browser: sign in, find a child, break glass, and the manager's review.

A CYJS practitioner can see the child their agency works with, cannot find a
child known only to children's social care, and must give a reason to open that
child's record in an emergency. Their line manager is told and reviews it.
"""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, BreakGlassAccess, Role
from casework.models import Involvement
from notifications.clocks import start_clock
from notifications.models import Notification
from tests.factories import PASSWORD, AgencyFactory, AuthorityFactory, ChildFactory, InvolvementFactory, UserFactory

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # optional: the scans are skipped without it
    Axe = None

pytestmark = pytest.mark.django_db(transaction=True)

BREAK_GLASS_REASON = "Police called out of hours: the child was found at an address linked to a known risk."


@pytest.fixture
def people():
    # Timescale rules (emptied by a transactional test's flush) are reloaded by tests/conftest.py.
    authority = AuthorityFactory(name="Testshire County Council")
    csc = AgencyFactory(authority=authority, kind=Agency.Kind.CSC, name="Testshire children's social care")
    cyjs = AgencyFactory(authority=authority, kind=Agency.Kind.CYJS, name="Testshire youth justice service")
    manager = UserFactory(
        username="cyjs.manager", first_name="Morgan", last_name="Hale", agency=cyjs, role=Role.TEAM_MANAGER
    )
    worker = UserFactory(
        username="cyjs.worker", first_name="Riley", last_name="Stone", agency=cyjs, line_manager=manager
    )
    own_child = ChildFactory(first_name="Jaden", last_name="Whitlock")
    InvolvementFactory(
        child=own_child,
        agency=cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=worker,
        start=timezone.localdate() - timedelta(days=30),
    )
    csc_child = ChildFactory(first_name="Amara", last_name="Quennell")
    InvolvementFactory(child=csc_child, agency=csc, kind=Involvement.Kind.CIN)
    deadline = start_clock("assessment", own_child, child=own_child, responsible=worker)
    return {
        "worker": worker,
        "manager": manager,
        "own_child": own_child,
        "csc_child": csc_child,
        "deadline": deadline,
    }


def assert_govuk_styles(page):
    """The GOV.UK Frontend stylesheet is loaded and applied (not just the markup)."""
    styles = page.evaluate(
        """() => {
            const css = (selector, prop) => {
                const el = document.querySelector(selector);
                return el ? getComputedStyle(el)[prop] : null;
            };
            return {
                // GOV.UK Frontend sets the font on its classes, not on <body>.
                font: css("main h1", "fontFamily"),
                headerBackground: css(".govuk-generic-header", "backgroundColor"),
                widthContainerMaxWidth: css("main", "display") && css(".govuk-width-container", "maxWidth"),
                sheets: Array.from(document.styleSheets).map(s => s.href || ""),
            };
        }"""
    )
    assert any(href.endswith("/static/dist/app.css") for href in styles["sheets"]), styles
    assert "arial" in styles["font"].lower(), styles
    assert styles["headerBackground"] not in (None, "rgba(0, 0, 0, 0)", "transparent"), styles
    assert styles["widthContainerMaxWidth"] not in (None, "none"), styles


def assert_no_serious_axe_violations(page, name, report_dir):
    """Run axe-core on the page; fail on serious or critical violations.

    The full list (any impact) is written to var/screenshots/axe-<name>.json for reading.
    Skipped when axe-playwright-python is not installed.
    """
    if Axe is None:
        return
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core", results.response.get("testEngine")
    (report_dir / f"axe-{name}.json").write_text(
        json.dumps(
            [
                {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]}
                for v in results.response["violations"]
            ],
            indent=2,
        )
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not serious, f"axe found serious/critical violations on {name}:\n" + "\n".join(serious)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_sign_in_with_the_keyboard_only(browser_page, live_server, people):
    page = browser_page
    page.goto(f"{live_server.url}/sign-in/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()

    # Django's sign-in form autofocuses the username; start from the top of the page instead,
    # as a keyboard user arriving from elsewhere would: skip link, service name, first field.
    page.evaluate(
        """() => {
            document.activeElement.blur();
            document.body.tabIndex = -1;
            document.body.focus();
            document.body.removeAttribute("tabindex");
        }"""
    )
    focused = []
    for _ in range(5):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                "() => document.activeElement.id || document.activeElement.textContent.trim().replace(/\\s+/g, ' ')"
            )
        )
        if focused[-1] == "id_username":
            break
    assert focused[0] == "Skip to main content", focused
    assert focused[-1] == "id_username", focused
    assert len(focused) <= 3, f"too many tab stops before the username: {focused}"

    page.keyboard.type("cyjs.worker")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    expect(
        page.get_by_role("table", name="Open involvements").get_by_role("link", name="Jaden Whitlock")
    ).to_be_visible()


def test_search_break_glass_and_manager_review(browser_page, live_server, people, screenshot, screenshot_dir):
    page = browser_page
    own_child, csc_child = people["own_child"], people["csc_child"]

    def axe(name):
        assert_no_serious_axe_violations(page, name, screenshot_dir)

    # --- The CYJS practitioner signs in through the page.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.locator(".govuk-generic-header")).to_contain_text("Safeguarding casework")
    assert_govuk_styles(page)
    # Text inputs carry the Design System classes (not the browser's default boxes).
    expect(page.locator("#id_username")).to_have_class(re.compile(r"\bgovuk-input\b"))
    expect(page.locator("#id_password")).to_have_class(re.compile(r"\bgovuk-input\b"))
    screenshot("01-sign-in")
    axe("sign-in")

    page.get_by_label("Username").fill("cyjs.worker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu")
    expect(nav.get_by_role("link", name="My work")).to_have_attribute("aria-current", "page")
    # "Sign out" is a button styled as a navigation link, in the link colour.
    sign_out_colour = nav.get_by_role("button", name="Sign out").evaluate("el => getComputedStyle(el).color")
    link_colour = nav.get_by_role("link", name="My work").evaluate("el => getComputedStyle(el).color")
    assert sign_out_colour == link_colour, (sign_out_colour, link_colour)
    # Their own deadline is on their work list.
    expect(page.get_by_role("table", name=re.compile(r"^Showing 1 to"))).to_contain_text("Complete the assessment")
    screenshot("07-home-practitioner")

    # --- A child known only to children's social care is not found.
    nav.get_by_role("link", name="Find a child").click()
    expect(page.get_by_role("heading", level=1, name="Find a child")).to_be_visible()
    page.get_by_label("Name or NHS number").fill("Amara Quennell")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="0 children found")).to_be_visible()
    expect(page.get_by_role("link", name="Amara Quennell")).to_have_count(0)

    # --- Their own child is found and opens.
    page.get_by_label("Name or NHS number").fill("Whitlock")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2, name="1 child found")).to_be_visible()
    results = page.get_by_role("table", name="Search results")
    expect(results.get_by_role("link", name="Jaden Whitlock")).to_be_visible()
    assert_govuk_styles(page)
    screenshot("02-search-results")
    axe("search-results")

    results.get_by_role("link", name="Jaden Whitlock").click()
    expect(page).to_have_url(f"{live_server.url}/children/{own_child.pk}/")
    expect(page.get_by_role("heading", level=1, name="Jaden Whitlock")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Agencies involved")).to_be_visible()
    expect(page.get_by_role("table", name="Each agency's involvement with the child")).to_contain_text(
        "Testshire youth justice service"
    )
    expect(page.get_by_role("heading", level=2, name="Deadlines")).to_be_visible()
    deadlines = page.get_by_role("table", name="The child's statutory deadlines")
    expect(deadlines).to_contain_text("Complete the assessment")
    expect(deadlines.locator(".govuk-tag")).to_have_count(1)
    expect(page.locator(".govuk-warning-text")).to_have_count(0)  # no emergency access here
    assert_govuk_styles(page)
    screenshot("03-child-record")
    axe("child-record")

    # --- The CSC-only child, by URL: refused, with break-glass on offer.
    page.goto(f"{live_server.url}/children/{csc_child.pk}/")
    expect(page.get_by_role("heading", level=1, name="You do not have access to this record")).to_be_visible()
    expect(page.get_by_text("Amara")).to_have_count(0)  # nothing about the child leaks

    page.get_by_role("button", name="Get emergency access").click()
    expect(page.get_by_role("heading", level=1, name="You do not have access to this record")).to_be_visible()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the reason you need access")).to_be_visible()
    expect(page.locator("#id_reason-error")).to_contain_text("Enter the reason you need access")
    expect(page.locator(".govuk-form-group--error #id_reason")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert BreakGlassAccess.objects.count() == 0
    border = page.evaluate("() => getComputedStyle(document.querySelector('.govuk-error-summary')).borderTopColor")
    assert border not in ("rgba(0, 0, 0, 0)", "rgb(0, 0, 0)"), border  # the red GOV.UK border
    screenshot("04-no-access-with-error")
    axe("no-access-with-error")

    # The summary's link takes focus to the field.
    summary.get_by_role("link", name="Enter the reason you need access").click()
    expect(page.locator("#id_reason")).to_be_focused()
    page.locator("#id_reason").fill(BREAK_GLASS_REASON)
    page.get_by_role("button", name="Get emergency access").click()

    expect(page).to_have_url(f"{live_server.url}/children/{csc_child.pk}/")
    expect(page.get_by_role("heading", level=1, name="Amara Quennell")).to_be_visible()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have emergency access")
    expect(page.locator(".govuk-warning-text")).to_contain_text("You are using emergency access until")
    expect(page.get_by_role("table", name="Each agency's involvement with the child")).to_contain_text(
        "Testshire children's social care"
    )
    screenshot("05-record-under-break-glass")
    axe("record-under-break-glass")
    access = BreakGlassAccess.objects.get()
    assert access.user == people["worker"] and access.child == csc_child and access.reason == BREAK_GLASS_REASON

    sign_out(page)

    # --- The line manager signs in: told in the header, reviews the access.
    assert Notification.objects.filter(recipient=people["manager"], read_at__isnull=True).count() == 1
    sign_in(page, live_server, "cyjs.manager")
    nav = page.get_by_role("navigation", name="Menu")
    count = nav.get_by_role("link", name=re.compile(r"^Notifications")).locator(".app-count")
    expect(count).to_have_text("1")
    expect(count).to_have_attribute("aria-label", "1 unread")
    expect(page.get_by_role("link", name="1 emergency access to review")).to_be_visible()
    # The team's deadlines include the practitioner's.
    expect(page.get_by_role("table", name=re.compile(r"^Showing 1 to"))).to_contain_text("Jaden Whitlock")
    screenshot("08-home-manager")
    axe("home-manager")

    nav.get_by_role("link", name="Break-glass to review").click()
    expect(page.get_by_role("heading", level=1, name="Break-glass access to review")).to_be_visible()
    expect(nav.get_by_role("link", name="Break-glass to review")).to_have_attribute("aria-current", "page")
    table = page.get_by_role("table", name="Emergency accesses")
    expect(table).to_contain_text("Riley Stone")
    expect(table).to_contain_text("Police called out of hours")
    screenshot("06-break-glass-review-list")
    axe("break-glass-review-list")

    table.get_by_role("link", name="Review access by Riley Stone").click()
    expect(page.get_by_role("heading", level=1, name="Review emergency access")).to_be_visible()
    screenshot("09-break-glass-review")
    axe("break-glass-review")
    page.get_by_label("Your review").fill("Justified: police call out of hours. Discussed with Riley.")
    page.get_by_role("button", name="Mark as reviewed").click()

    expect(page.get_by_role("heading", level=1, name="Break-glass access to review")).to_be_visible()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Marked as reviewed")
    expect(page.get_by_text("There is nothing to review.")).to_be_visible()
    access.refresh_from_db()
    assert access.reviewed_by == people["manager"]
    assert access.review_comment == "Justified: police call out of hours. Discussed with Riley."
    assert access.reviewed_at is not None

    page.get_by_role("link", name="Show all, including reviewed").click()
    expect(page.get_by_role("table", name="Emergency accesses").locator(".govuk-tag--green")).to_have_text("Reviewed")
    sign_out(page)

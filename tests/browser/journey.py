"""What every browser journey does: sign in (or switch user), fill GOV.UK date inputs and radios by
their legends, and scan a page with axe (skipped without axe_playwright_python)."""

import json

from playwright.sync_api import expect

from tests.factories import PASSWORD

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # optional: the scans are skipped without it
    Axe = None


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()


def sign_out(page):
    page.context.clear_cookies()


def switch_to(page, live_server, user):
    """Sign out whoever is signed in, and sign in as `user`."""
    sign_out(page)
    sign_in(page, live_server, user)


def fill_date(page, legend, value):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))


def choose(page, legend, option):
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def no_serious_axe_violations(page, name, report_dir):
    if Axe is None:
        return
    results = Axe().run(page)
    (report_dir / f"axe-{name}.json").write_text(
        json.dumps(
            [{"id": v["id"], "impact": v["impact"], "help": v["help"]} for v in results.response["violations"]],
            indent=2,
        )
    )
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"axe on {name}: {serious}"

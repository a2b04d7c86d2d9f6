"""In a real browser: a CYJS practitioner records a welfare discussion and brings a chronology
of the service's involvement to a strategy meeting (seed 000 ¶8.1; somerset-vs-lancashire §1.6, 003 L130).

Screenshots: var/screenshots/chronology-*.png
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import CaseNote, SignificantEvent
from tests.browser.test_sign_in_search_break_glass import assert_no_serious_axe_violations, sign_in
from tests.chronology_builders import days_ago, full_history, world_with_child

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    world = world_with_child()
    world.history = full_history(world)
    return world


def test_case_note_and_chronology(browser_page, live_server, world, screenshot, screenshot_dir):
    page = browser_page
    child = world.child
    sign_in(page, live_server, world.cyjs_worker.username)

    # --- The child's record: the pathway section, without social care's own actions.
    page.goto(f"{live_server.url}/children/{child.pk}/")
    section = page.get_by_role("heading", level=2, name="Child protection and child in need")
    expect(section).to_be_visible()
    expect(page.get_by_role("link", name="Neglect")).to_be_visible()  # the active CP plan
    expect(page.get_by_role("link", name="Start an assessment")).to_have_count(0)
    screenshot("chronology-child-record")
    assert_no_serious_axe_violations(page, "chronology-child-record", screenshot_dir)

    # --- A case note, first without saying who will do what.
    page.get_by_role("link", name="Add a case note").click()
    expect(page.get_by_role("heading", level=1, name="Add a case note")).to_be_visible()
    expect(page.get_by_text("A case note cannot be changed once it is saved")).to_be_visible()
    page.get_by_label("Phone call").check()
    # Today's date is filled in: a time already past today, whatever the hour the test runs.
    page.get_by_label("Time").fill("09:15" if timezone.localtime().hour >= 10 else "00:00")
    page.get_by_label("Who took part").fill("Riley Stone (CYJS)\nCasey's mother")
    page.get_by_label("What happened").fill("Mother rang: Casey was not home last night and is now back.")
    page.get_by_role("button", name="Save case note").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Record who will do what, or that no further action is needed")
    # What was typed is kept.
    expect(page.get_by_label("What happened")).to_have_value(
        "Mother rang: Casey was not home last night and is now back."
    )
    screenshot("chronology-case-note-error")
    assert_no_serious_axe_violations(page, "chronology-case-note-error", screenshot_dir)

    # The error links to the first action; the keyboard gets there.
    summary.get_by_role("link", name=re.compile("Record who will do what")).click()
    action = page.get_by_role("group", name="Action 1")
    expect(action.get_by_label("What will be done")).to_be_focused()
    page.keyboard.type("Tell the social worker Casey went missing overnight")
    page.keyboard.press("Tab")
    page.keyboard.type("Riley Stone")
    page.get_by_role("button", name="Save case note").click()

    # --- The saved note.
    expect(page.get_by_role("heading", level=1, name="Case note: phone call")).to_be_visible()
    expect(page.get_by_role("table", name="Actions agreed")).to_contain_text("Riley Stone")
    expect(page.get_by_text("not changed after they are saved")).to_be_visible()
    screenshot("chronology-case-note")
    note = CaseNote.objects.get(summary__startswith="Mother rang")
    assert note.agency == world.cyjs and note.actions.count() == 1

    # --- The chronology, then only CYJS's entries for the strategy meeting.
    page.get_by_role("link", name="Back to the chronology").click()
    expect(page.get_by_role("heading", level=1, name="Chronology")).to_be_visible()
    table = page.get_by_role("table", name="The child's chronology, newest first")
    expect(table).to_contain_text("Initial conference held")
    expect(table).to_contain_text("Contact decided")
    screenshot("chronology-page")
    assert_no_serious_axe_violations(page, "chronology-page", screenshot_dir)

    page.get_by_text("Filter the chronology").click()
    page.get_by_label("Child and youth justice service").check()
    page.get_by_role("button", name="Apply filters").click()
    table = page.get_by_role("table", name="The child's chronology, newest first")
    expect(table).to_contain_text("Mother rang")
    expect(table).not_to_contain_text("Initial conference held")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)  # the new note, the earlier visit, the involvement opening
    screenshot("chronology-filtered")

    pdf_link = page.get_by_role("link", name=re.compile("Print or save as PDF"))
    href = pdf_link.get_attribute("href")
    assert "agency=cyjs" in href
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # --- An event added by hand.
    page.get_by_role("link", name="Add an event to the chronology").click()
    day = days_ago(1)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("What happened").fill("Missing overnight, returned home")
    screenshot("chronology-significant-event")
    page.get_by_role("button", name="Add to the chronology").click()
    expect(page.get_by_text("Added to the chronology")).to_be_visible()
    expect(page.get_by_role("table", name="The child's chronology, newest first")).to_contain_text(
        "Missing overnight, returned home"
    )
    assert SignificantEvent.objects.get(title="Missing overnight, returned home").agency == world.cyjs

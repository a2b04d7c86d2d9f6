"""In a real browser: a social worker arranges a strategy discussion (the allocated workers are
prefilled), records it held, sees the attendance warnings, starts section 47 enquiries and records
them substantiated, so the page offers the initial conference. Then a request for a conference
after "not substantiated", agreed by the manager."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, Role
from casework.enquiry import services
from casework.models import Involvement, Section47Enquiry
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    AuthorityFactory,
    ChildFactory,
    InvolvementFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people():
    authority = AuthorityFactory(name="Testshire County Council")
    csc = AgencyFactory(authority=authority, kind=Agency.Kind.CSC, name="Testshire children's social care")
    cyjs = AgencyFactory(authority=authority, kind=Agency.Kind.CYJS, name="Testshire youth justice service")
    manager = UserFactory(
        username="csc.manager", first_name="Morgan", last_name="Hale", agency=csc, role=Role.TEAM_MANAGER
    )
    team = TeamFactory(agency=csc, manager=manager, name="Safeguarding team 1")
    worker = UserFactory(
        username="csc.worker",
        first_name="Sam",
        last_name="Rivers",
        agency=csc,
        team=team,
        line_manager=manager,
        job_title="Social worker",
    )
    cyjs_worker = UserFactory(username="cyjs.worker", first_name="Riley", last_name="Stone", agency=cyjs)
    child = ChildFactory(first_name="Jaden", last_name="Whitlock")
    InvolvementFactory(
        child=child,
        agency=csc,
        kind=Involvement.Kind.CP,
        allocated_worker=worker,
        team=team,
        start=timezone.localdate() - timedelta(days=20),
    )
    InvolvementFactory(
        child=child,
        agency=cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=cyjs_worker,
        start=timezone.localdate() - timedelta(days=60),
    )
    return {"worker": worker, "manager": manager, "cyjs_worker": cyjs_worker, "child": child}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()


def fill_person(page, prefix, row, name, capacity, organisation=""):
    page.locator(f"#id_{prefix}-{row}-name").fill(name)
    page.locator(f"#id_{prefix}-{row}-capacity").select_option(capacity)
    if organisation:
        page.locator(f"#id_{prefix}-{row}-organisation").fill(organisation)


def test_arrange_record_and_conclude_a_strategy_discussion(browser_page, live_server, people, screenshot):
    page = browser_page
    child = people["child"]
    sign_in(page, live_server, "csc.worker")

    page.goto(f"{live_server.url}/children/{child.pk}/strategy-discussions/new/")
    expect(page.get_by_role("heading", level=1, name="Arrange a strategy discussion")).to_be_visible()
    expect(page.locator("#id_invitees-0-name")).to_have_value("Sam Rivers")
    expect(page.locator("#id_invitees-1-name")).to_have_value("Morgan Hale")
    expect(page.locator("#id_invitees-2-name")).to_have_value("Riley Stone")
    expect(page.locator(".govuk-warning-text").first).to_contain_text("the police")
    screenshot("enquiry-arrange")
    fill_person(page, "invitees", 3, "DC Priya Shah", "police", "Testshire Police")
    fill_person(page, "invitees", 4, "Dr Ade Okafor", "health", "Testshire NHS Trust")
    page.get_by_role("button", name="Arrange the discussion").click()

    expect(page.get_by_role("heading", level=1, name="Strategy discussion")).to_be_visible()
    expect(page.get_by_text("To be held")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    screenshot("enquiry-discussion-pending")
    page.get_by_role("link", name="Record the discussion").click()

    expect(page.get_by_role("heading", level=1, name="Record the strategy discussion")).to_be_visible()
    held = timezone.localtime(timezone.now() - timedelta(hours=2))
    page.locator("#id_held_on_0").fill(str(held.day))
    page.locator("#id_held_on_1").fill(str(held.month))
    page.locator("#id_held_on_2").fill(str(held.year))
    page.get_by_label("Time it started").fill(f"{held:%H:%M}")
    page.get_by_label("Phone calls", exact=True).check()
    # Health could not join in the end: clear that row and check the list.
    page.locator("#id_attendees-4-name").fill("")
    page.locator("#id_attendees-4-capacity").select_option("")
    page.get_by_role("button", name="Check who took part").click()
    expect(page.locator("#attendance-check .govuk-warning-text")).to_contain_text("health")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)  # checking saves nothing and shows no errors
    expect(page.locator("#id_attendees-3-name")).to_have_value("DC Priya Shah")

    page.get_by_label("Information shared").fill("Police attended a domestic incident at the home last night.")
    page.get_by_label("High", exact=True).check()
    page.get_by_role("group", name="Will section 47 enquiries start?").get_by_label("Yes").check()
    page.get_by_label("Reasons for the decision").fill("Unexplained bruising seen by the school.")
    page.locator("#id_actions-0-description").fill("See the child alone at school")
    page.locator("#id_actions-0-owner_name").fill("Sam Rivers")
    screenshot("enquiry-record")
    page.get_by_role("button", name="Save the discussion").click()

    expect(page.get_by_text("Section 47 enquiries have started")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text("health")
    expect(page.get_by_role("table", name="Who took part")).to_contain_text("DC Priya Shah")
    screenshot("enquiry-discussion-held")
    page.get_by_role("link", name="Enquiries started").click()

    expect(page.get_by_role("heading", level=1, name="Section 47 enquiries")).to_be_visible()
    expect(page.get_by_text("Initial conference due")).to_be_visible()
    page.get_by_text("How this date was worked out").click()
    expect(page.locator(".govuk-details__text")).to_contain_text("15 working days")
    expect(page.get_by_role("link", name="Arrange the initial conference")).to_have_count(0)
    screenshot("enquiry-section-47")
    page.get_by_role("link", name="Record the outcome").click()

    expect(page.get_by_role("heading", level=1, name="Record the outcome of the enquiries")).to_be_visible()
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether the concerns were substantiated")
    screenshot("enquiry-outcome-error")
    page.get_by_label("Concerns substantiated: hold an initial child protection conference").check()
    page.get_by_label("Reasons for the outcome").fill("The paediatrician found the injuries non-accidental.")
    page.get_by_role("button", name="Save the outcome").click()

    expect(page.get_by_text("Outcome recorded", exact=True)).to_be_visible()
    link = page.get_by_role("link", name="Arrange the initial conference")
    expect(link).to_be_visible()
    enquiry = Section47Enquiry.objects.get(child=child)
    assert link.get_attribute("href") == f"/children/{child.pk}/conferences/new/?enquiry={enquiry.pk}"
    screenshot("enquiry-section-47-substantiated")


def test_request_and_agree_a_conference(browser_page, live_server, people, screenshot):
    page = browser_page
    child, worker = people["child"], people["worker"]
    discussion = services.record_strategy_discussion(
        child=child,
        by=worker,
        held_at=timezone.now() - timedelta(days=3),
        initiates_section_47=True,
        attendees=[
            {"name": n, "capacity": c}
            for n, c in [
                ("Sam Rivers", "social_worker"),
                ("Morgan Hale", "csc_manager"),
                ("DC Shah", "police"),
                ("Dr Okafor", "health"),
                ("Riley Stone", "cyjs"),
            ]
        ],
    )
    enquiry = discussion.section_47_enquiry
    services.record_section_47_outcome(
        enquiry=enquiry,
        by=worker,
        expected_version=1,
        outcome="not_substantiated",
        outcome_rationale="The explanation was consistent.",
        next_step="support",
    )

    sign_in(page, live_server, "cyjs.worker")
    page.goto(f"{live_server.url}/section-47-enquiries/{enquiry.pk}/")
    expect(page.get_by_text("Concerns not substantiated")).to_be_visible()
    page.get_by_role("link", name="Request a conference").click()
    expect(page.get_by_label("Name of the person asking")).to_have_value("Riley Stone")
    page.get_by_label("Why they think a conference is needed").fill("Jaden told me about new injuries at home.")
    screenshot("enquiry-conference-request")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Request for a conference recorded")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "csc.manager")
    page.goto(f"{live_server.url}/section-47-enquiries/{enquiry.pk}/")
    page.get_by_role("link", name="Respond to Riley Stone").click()
    expect(page.get_by_role("heading", level=1, name="Respond to the request for a conference")).to_be_visible()
    page.get_by_label("Yes, hold an initial child protection conference").check()
    page.get_by_label("Your reasons, for the person who asked").fill("New information: we will hold a conference.")
    screenshot("enquiry-conference-respond")
    page.get_by_role("button", name="Save the response").click()
    expect(page.get_by_role("link", name="Arrange the initial conference")).to_be_visible()
    expect(page.get_by_role("table", name="Requests for a conference")).to_contain_text("Agreed")
    screenshot("enquiry-section-47-agreed")

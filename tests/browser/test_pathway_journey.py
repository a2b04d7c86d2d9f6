"""The whole child protection pathway in Chromium, following only the app's own links and buttons.

A CSC social worker starts from the child's record: assessment, manager's sign-off (strategy
discussion), the strategy discussion that starts section 47 enquiries, the outcome, the initial
conference (arranged by the worker, recorded with the chair chosen), the plan, a core group, a
review and the end of the plan. At each step what an earlier step knew is already filled in.
Screenshots: var/screenshots/pathway-<step>.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Agency, Role
from casework.models import ChildProtectionConference, ChildProtectionPlan, Involvement, StrategyDiscussion
from notifications.models import Deadline, Notification
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
    authority = AuthorityFactory(name="Pathshire County Council")
    csc = AgencyFactory(authority=authority, kind=Agency.Kind.CSC, name="Pathshire children's social care")
    cyjs = AgencyFactory(authority=authority, kind=Agency.Kind.CYJS, name="Pathshire youth justice service")
    manager = UserFactory(
        username="csc.manager",
        first_name="Morgan",
        last_name="Hale",
        agency=csc,
        role=Role.TEAM_MANAGER,
        job_title="Team manager",
    )
    team = TeamFactory(agency=csc, manager=manager, name="Assessment team")
    worker = UserFactory(
        username="csc.worker",
        first_name="Sam",
        last_name="Rivers",
        agency=csc,
        team=team,
        line_manager=manager,
        job_title="Social worker",
    )
    chair = UserFactory(
        username="chair",
        first_name="Casey",
        last_name="Moreno",
        agency=csc,
        role=Role.CONFERENCE_CHAIR,
        job_title="Independent reviewing officer",
    )
    cyjs_worker = UserFactory(username="cyjs.worker", first_name="Riley", last_name="Stone", agency=cyjs)
    child = ChildFactory(first_name="Jordan", last_name="Ashby")
    InvolvementFactory(
        child=child,
        agency=csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=worker,
        team=team,
        start=timezone.localdate() - timedelta(days=5),
    )
    InvolvementFactory(
        child=child,
        agency=cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=cyjs_worker,
        start=timezone.localdate() - timedelta(days=60),
    )
    return {"worker": worker, "manager": manager, "chair": chair, "cyjs_worker": cyjs_worker, "child": child}


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def fill_date(scope, value):
    scope.get_by_label("Day").fill(str(value.day))
    scope.get_by_label("Month").fill(str(value.month))
    scope.get_by_label("Year").fill(str(value.year))


def expect_date(scope, value):
    expect(scope.get_by_label("Day")).to_have_value(str(value.day))
    expect(scope.get_by_label("Month")).to_have_value(str(value.month))
    expect(scope.get_by_label("Year")).to_have_value(str(value.year))


def banner(page):
    return page.locator(".govuk-notification-banner")


def test_a_child_from_assessment_to_the_end_of_a_child_protection_plan(browser_page, live_server, people, screenshot):
    page = browser_page
    child, worker = people["child"], people["worker"]
    today = timezone.localdate()
    # Moments earlier today (or late yesterday), in order: all in the past, as the services require.
    base = timezone.localtime(timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    sd_at, icpc_at, review_at = base, base + timedelta(minutes=30), base + timedelta(minutes=60)
    shots = []

    def shot(step):
        shots.append(screenshot(f"pathway-{step}"))

    # --- The social worker starts from the child's record page.
    sign_in(page, live_server, "csc.worker")
    page.goto(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Child protection and child in need")).to_be_visible()
    shot("01-child-record")
    page.get_by_role("link", name="Start an assessment").click()

    expect(page.get_by_role("heading", level=1, name="Start an assessment")).to_be_visible()
    expect(page.get_by_label("Social worker")).to_have_value(str(worker.pk))  # the allocated worker
    expect(page.locator("main")).to_contain_text("Jordan Ashby")
    shot("02-assessment-start")
    page.get_by_role("button", name="Start assessment").click()

    expect(page.get_by_role("heading", level=1, name="Assessment")).to_be_visible()
    page.get_by_role("link", name="Record what you found").click()
    expect(page.get_by_role("heading", level=1, name="Record the assessment")).to_be_visible()
    fill_date(page.get_by_role("group", name="Date the child was seen"), today)
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_label("The child's wishes and feelings").fill("Jordan says he is scared of going home.")
    page.get_by_label("Analysis").fill("Unexplained injuries: reasonable cause to suspect significant harm.")
    shot("03-assessment-edit")
    page.get_by_role("button", name="Save").click()
    expect(banner(page)).to_contain_text("Assessment saved")

    page.get_by_role("link", name="Complete the assessment").click()
    page.get_by_label("Strategy discussion (reasonable cause to suspect significant harm)").check()
    page.get_by_label("Why is this the right next step?").fill("Bruises the family cannot explain.")
    shot("04-assessment-complete")
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.locator("main")).to_contain_text("Waiting for manager sign-off")
    sign_out(page)

    # --- The manager signs it off from the child's record; a strategy discussion is set up.
    sign_in(page, live_server, "csc.manager")
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.locator("#pathway ~ .govuk-grid-row").get_by_role("link", name="Waiting for manager sign-off").click()
    page.get_by_role("link", name="Sign off or return").click()
    expect(page.locator("main")).to_contain_text("a strategy discussion will be set up")
    shot("05-assessment-sign-off")
    page.get_by_label("Yes, sign it off").check()
    page.get_by_role("button", name="Save").click()
    expect(banner(page)).to_contain_text("Assessment signed off")
    shot("06-assessment-signed-off")
    sign_out(page)
    assert StrategyDiscussion.objects.get(child=child).status == "pending"

    # --- The worker records the strategy discussion: reached from the assessment.
    sign_in(page, live_server, "csc.worker")
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.locator("#pathway ~ .govuk-grid-row").get_by_role("link", name="Completed").click()
    expect(page.get_by_role("heading", level=1, name="Assessment")).to_be_visible()
    page.get_by_role("link", name="To be held").click()
    expect(page.get_by_role("heading", level=1, name="Strategy discussion")).to_be_visible()
    page.get_by_role("link", name="Record the discussion").click()
    expect(page.get_by_role("heading", level=1, name="Record the strategy discussion")).to_be_visible()
    # Who should take part comes from the child's allocations: worker, manager, CYJS.
    expect(page.locator("#id_attendees-0-name")).to_have_value("Sam Rivers")
    expect(page.locator("#id_attendees-1-name")).to_have_value("Morgan Hale")
    expect(page.locator("#id_attendees-2-name")).to_have_value("Riley Stone")
    page.locator("#id_held_on_0").fill(str(sd_at.day))
    page.locator("#id_held_on_1").fill(str(sd_at.month))
    page.locator("#id_held_on_2").fill(str(sd_at.year))
    page.get_by_label("Time it started").fill(f"{sd_at:%H:%M}")
    page.get_by_label("Meeting", exact=True).check()
    page.locator("#id_attendees-3-name").fill("DC Priya Shah")
    page.locator("#id_attendees-3-capacity").select_option("police")
    page.locator("#id_attendees-3-organisation").fill("Pathshire Police")
    page.locator("#id_attendees-4-name").fill("Dr Ade Okafor")
    page.locator("#id_attendees-4-capacity").select_option("health")
    page.locator("#id_attendees-4-organisation").fill("Pathshire NHS Trust")
    page.get_by_role("group", name="Will section 47 enquiries start?").get_by_label("Yes").check()
    page.get_by_label("Reasons for the decision").fill("Injuries unexplained.")
    shot("07-strategy-discussion-record")
    page.get_by_role("button", name="Save the discussion").click()
    expect(page.get_by_text("Section 47 enquiries have started")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_have_count(0)
    shot("08-strategy-discussion-held")

    # --- Section 47 outcome.
    page.get_by_role("link", name="Enquiries started").click()
    expect(page.get_by_role("heading", level=1, name="Section 47 enquiries")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Sam Rivers")  # lead social worker
    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_label("Concerns substantiated: hold an initial child protection conference").check()
    page.get_by_label("Reasons for the outcome").fill("The paediatrician found the injuries non-accidental.")
    shot("09-section-47-outcome")
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_text("Outcome recorded", exact=True)).to_be_visible()
    shot("10-section-47-substantiated")

    # --- Arrange the initial conference (no chair yet): the invitees are the discussion's attendees.
    page.get_by_role("link", name="Arrange the initial conference").click()
    expect(page.get_by_role("heading", level=1, name="Arrange an initial child protection conference")).to_be_visible()
    invite = page.get_by_role("group", name="Who to invite")
    for name in ("Sam Rivers", "Morgan Hale", "Riley Stone", "DC Priya Shah", "Dr Ade Okafor"):
        expect(invite.get_by_label(name)).to_be_checked()
    fill_date(page.get_by_role("group", name="Date of the conference"), icpc_at)
    page.get_by_label("Time", exact=True).fill(f"{icpc_at:%H:%M}")
    shot("11-conference-arrange")
    page.get_by_role("button", name="Arrange conference").click()
    expect(banner(page)).to_contain_text("Conference arranged")
    shot("12-conference-arranged")
    conference = ChildProtectionConference.objects.get(child=child, kind="initial")
    assert conference.participants.filter(user=people["cyjs_worker"]).exists()

    # The enquiry now links to the conference instead of offering to arrange another.
    enquiry = conference.enquiry
    page.goto(f"{live_server.url}/section-47-enquiries/{enquiry.pk}/")
    expect(page.get_by_role("link", name="Arrange the initial conference")).to_have_count(0)
    expect(page.get_by_role("link", name="Initial conference arranged for")).to_be_visible()
    # And the child's record shows it as the next conference.
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.locator("#pathway ~ .govuk-grid-row").get_by_role("link", name="Initial conference").click()

    # --- Record it: when it was held comes from the arrangement; the chair is chosen here.
    page.get_by_role("link", name="Record the conference").click()
    expect(page.get_by_role("heading", level=1, name="Record the initial conference")).to_be_visible()
    expect_date(page.get_by_role("group", name="Date held"), icpc_at)
    expect(page.get_by_label("Time it started")).to_have_value(f"{icpc_at:%H:%M}")
    expect(page.get_by_label("Lead social worker")).to_have_value(str(worker.pk))  # the enquiry's lead
    page.get_by_label("Chair", exact=True).select_option(str(people["chair"].pk))
    for group in page.get_by_role("group", name="attend?").all():
        group.get_by_label("Attended").check()
    page.get_by_role("group", name="Were the reports shared with the parents before the conference?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Were the parents told how to get an advocate?").get_by_label("Yes").check()
    page.get_by_role("group", name="Does the child need a child protection plan?").get_by_label("Yes").check()
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Reasons for the decision").fill("Continuing risk of significant harm.")
    page.get_by_label("Outline plan").fill("Weekly visits; safety plan with mother.")
    shot("13-conference-record")
    page.get_by_role("button", name="Save the conference").click()
    expect(banner(page)).to_contain_text("Conference recorded")
    shot("14-conference-held")

    # --- The plan: category, lead and outline carried from the conference.
    page.get_by_role("link", name="Child protection plan", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Child protection plan")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Physical abuse")
    expect(main).to_contain_text("Sam Rivers")
    expect(main).to_contain_text("Weekly visits; safety plan with mother.")
    expect(page.get_by_role("table", name="Core group")).to_contain_text("Riley Stone")
    shot("15-plan")
    plan = ChildProtectionPlan.objects.get(child=child)
    assert (plan.category, plan.lead_social_worker_id) == ("physical", worker.pk)

    # --- A core group meeting.
    page.get_by_role("link", name="Record a core group meeting").click()
    fill_date(page.get_by_role("group", name="Date of the meeting"), icpc_at)
    page.get_by_label("What the core group decided").fill("Keep the weekly visits.")
    shot("16-core-group")
    page.get_by_role("button", name="Save").click()
    expect(banner(page)).to_contain_text("Core group meeting recorded")
    assert Deadline.objects.get(rule_code="core_group_first", child=child).status == "met"

    # --- Arrange and record a review: invitees from the core group, the category and lead kept.
    page.get_by_role("link", name="Arrange the review conference").click()
    invite = page.get_by_role("group", name="Who to invite")
    expect(invite.get_by_label("Riley Stone")).to_be_checked()
    fill_date(page.get_by_role("group", name="Date of the conference"), review_at)
    page.get_by_label("Time", exact=True).fill(f"{review_at:%H:%M}")
    page.get_by_label("Chair (optional)").select_option(str(people["chair"].pk))
    shot("17-review-arrange")
    page.get_by_role("button", name="Arrange conference").click()
    expect(banner(page)).to_contain_text("Conference arranged")
    page.get_by_role("link", name="Record the conference").click()
    expect(page.get_by_role("heading", level=1, name="Record the review conference")).to_be_visible()
    expect_date(page.get_by_role("group", name="Date held"), review_at)
    expect(page.get_by_label("Chair", exact=True)).to_have_value(str(people["chair"].pk))
    expect(page.get_by_label("Physical abuse")).to_be_checked()
    expect(page.get_by_label("Lead social worker")).to_have_value(str(worker.pk))
    page.get_by_role("group", name="Were the reports shared with the parents before the conference?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Were the parents told how to get an advocate?").get_by_label("Yes").check()
    page.get_by_role("group", name="Does the child need a child protection plan?").get_by_label("Yes").check()
    shot("18-review-record")
    page.get_by_role("button", name="Save the conference").click()
    expect(banner(page)).to_contain_text("Conference recorded")
    shot("19-review-held")
    assert Deadline.objects.get(rule_code="cp_review_first", child=child).status == "met"
    assert Deadline.objects.get(rule_code="cp_review_next", child=child).status == "open"

    # --- End the plan.
    page.get_by_role("link", name="Child protection plan", exact=True).click()
    page.get_by_role("link", name="End the plan").click()
    expect_date(page.get_by_role("group", name="Date the plan ends"), today)
    page.get_by_label("No longer at risk of significant harm").check()
    shot("20-plan-end")
    page.get_by_role("button", name="End the plan").click()
    expect(banner(page)).to_contain_text("Plan ended")
    shot("21-plan-ended")
    plan.refresh_from_db()
    assert plan.status == "ended"
    assert Notification.objects.filter(recipient=people["cyjs_worker"], subject__contains="has ended").exists()
    assert not Deadline.objects.filter(child=child, status__in=Deadline.OPEN_STATUSES).exists()

    # --- The chronology, from the child's record, lists every step.
    page.goto(f"{live_server.url}/children/{child.pk}/")
    page.locator("#pathway ~ .govuk-grid-row").get_by_role("link", name="Chronology", exact=True).click()
    for title in (
        "Assessment started",
        "Strategy discussion held",
        "Section 47 enquiry concluded",
        "Initial conference held",
        "Core group meeting",
        "Review conference held",
        "Child protection plan ended",
    ):
        expect(page.locator("main")).to_contain_text(title)
    shot("22-chronology")
    assert all(path.exists() for path in shots)

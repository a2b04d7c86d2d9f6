"""End to end in a real browser: a CYJS duty worker records a child's police custody (no appropriate
adult, so a warning; strip-searched, so the senior managers are told), receives and screens the
appropriate adult's form into a MASH referral, then records a PACE request where the child stayed
in custody. Labels drive the forms, as a keyboard or screen-reader user would."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import AppropriateAdultScreening, PaceAccommodationRequest
from notifications.models import Notification
from referrals.models import Contact
from tests.browser.journey import choose, fill_date, no_serious_axe_violations, sign_in
from tests.custody_builders import custody_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_custody_screening_and_pace(browser_page, live_server, screenshot, screenshot_dir):
    w = custody_world()
    page = browser_page
    sign_in(page, live_server, w.duty)

    # Record the custody: no appropriate adult, strip-searched.
    page.goto(f"{live_server.url}/children/{w.child.pk}/custody/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record police custody")
    arrested = timezone.localtime() - timedelta(hours=4)
    fill_date(page, "Date of arrest", arrested.date())
    page.get_by_label("Time of arrest", exact=True).fill(f"{arrested:%H:%M}")
    page.get_by_label("Police station or custody suite").fill("Exampletown police station")
    page.get_by_label("What the child was arrested for (optional)").fill("Possession with intent to supply")
    choose(page, "Who acted as the appropriate adult?", "No appropriate adult")
    choose(page, "Did the police complete a Police Safeguarding Report?", "No")
    choose(page, "Was the child seen by Liaison and Diversion?", "Not known")
    choose(page, "Was the child strip-searched?", "Yes")
    screenshot("custody-new")
    no_serious_axe_violations(page, "custody-new", screenshot_dir)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Custody recorded")).to_be_visible()
    expect(page.get_by_text("Every child under 18 in police custody must have one")).to_be_visible()
    expect(page.get_by_text(f"Told in the app: {w.cyjs_senior.display_name}")).to_be_visible()
    screenshot("custody-detail")
    no_serious_axe_violations(page, "custody-detail", screenshot_dir)
    assert Notification.objects.filter(recipient=w.cyjs_head, subject__icontains="strip-searched").exists()

    # The appropriate adult's form arrives, then is screened into a MASH referral.
    page.get_by_role("link", name="Record that the form arrived").click()
    choose(page, "Did the appropriate adult raise a safeguarding concern?", "Yes")
    page.get_by_role("button", name="Save and screen the form").click()
    expect(page.get_by_text("Form received")).to_be_visible()
    choose(page, "What happens next?", "Referred to MASH (level 4)")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write what the screening found and what was done")
    screenshot("custody-screening-error")
    choose(page, "What happens next?", "Referred to MASH (level 4)")
    page.get_by_label("What the screening found").fill(
        "Found with cash and two phones; says he owes money to older boys."
    )
    page.get_by_role("group", name="Kinds of concern (for a MASH referral)").get_by_label(
        "Child criminal exploitation"
    ).check()
    choose(page, "Did the family consent to the referral?", "Given")
    screenshot("custody-screening")
    no_serious_axe_violations(page, "custody-screening", screenshot_dir)
    page.get_by_role("button", name="Save the screening").click()
    expect(page.get_by_text("A contact was sent to MASH")).to_be_visible()
    contact = AppropriateAdultScreening.objects.get().contact
    assert contact.source == Contact.Source.POLICE_CUSTODY

    # The police ask for accommodation; the child stays in custody.
    page.get_by_role("link", name="Record a request for accommodation").click()
    choose(page, "Did the police ask for a secure bed?", "No")
    screenshot("custody-pace-new")
    no_serious_axe_violations(page, "custody-pace-new", screenshot_dir)
    page.get_by_role("button", name="Save the request").click()
    expect(page.get_by_text("Request recorded. The police ask:")).to_be_visible()
    choose(page, "Where did the child go?", "Remained in police custody")
    page.get_by_label("Reason", exact=True).fill("No foster carer could be found before midnight.")
    page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_text("The child stayed in police custody.")).to_be_visible()
    page.get_by_label("What was raised with the custody sergeant").fill(
        "Held overnight; asked the sergeant to review the detention."
    )
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Escalation recorded")).to_be_visible()
    screenshot("custody-pace-record")
    no_serious_axe_violations(page, "custody-pace-record", screenshot_dir)
    request = PaceAccommodationRequest.objects.get()
    assert request.held_inappropriately and request.manager_told == w.cyjs_manager

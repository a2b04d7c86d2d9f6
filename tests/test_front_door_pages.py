"""The front door's pages: making a referral, MASH triage, the contact page, decisions, feedback and challenges."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessEvent, Role
from casework.models import Child
from notifications.clocks import due_text
from notifications.models import Deadline, Notification
from referrals import services
from referrals.models import AgencyCheck, Contact, Decision, Disagreement, Feedback, RagChange
from tests.factories import (
    ChildFactory,
    InvolvementFactory,
    UserFactory,
    authority_with_agencies,
    front_door_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return front_door_world()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def date_parts(name, value):
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def make_contact(
    by,
    *,
    first_name="Sam",
    last_name="Examplechild",
    dob=date(2014, 2, 3),
    rag=None,
    received_at=None,
    concerns="Fictional concern for a test.",
    rationale="",
):
    """A contact received through the service, about a new child."""
    contact = services.receive_contact(
        received_by=by,
        details=services.ContactDetails(
            received_at=received_at or timezone.now() - timedelta(minutes=30),
            referrer={"name": by.display_name, "agency": "Test agency", "role": "Teacher", "contact": "01234 567890"},
            child={"first_name": first_name, "last_name": last_name, "date_of_birth": dob},
            concerns=concerns,
            categories=["neglect"],
            consent=Contact.Consent.GIVEN,
        ),
    )
    if rag:
        contact = services.set_rag(contact=contact, by=by, rag=rag, rationale=rationale)
    return contact


def referrer_answers(when=None):
    when = when or timezone.localtime() - timedelta(minutes=10)
    return {
        "name": "Terry Teacher",
        "agency": "Example Primary School",
        "role": "Designated safeguarding lead",
        "contact": "01234 567890",
        **date_parts("received_date", when.date()),
        "received_time": when.strftime("%H:%M"),
    }


def new_child_answers(**overrides):
    data = {
        "first_name": "Robin",
        "last_name": "Newchild",
        "is_born": "yes",
        **date_parts("date_of_birth", date(2016, 5, 4)),
        **date_parts("expected_date_of_birth", None),
        "gender": "0",
        "nhs_number": "",
        "address": "2 Fictional Row\nExampletown",
        "postcode": "ZZ1 1ZZ",
    }
    data.update(overrides)
    return data


def answer_after_child(client, *, consent="given", consent_reason=""):
    """Household (none), concerns, consent and referrer pages, in order."""
    response = client.post("/referrals/new/household/", {"action": "continue"})
    assert response.status_code == 302 and response["Location"] == "/referrals/new/concerns/"
    response = client.post(
        "/referrals/new/concerns/",
        {"concerns": "Often arrives hungry and tired.", "categories": ["neglect"], "referrer_level": "2"},
    )
    assert response["Location"] == "/referrals/new/consent/"
    response = client.post("/referrals/new/consent/", {"consent": consent, "consent_reason": consent_reason})
    assert response["Location"] == "/referrals/new/your-details/"
    response = client.post("/referrals/new/your-details/", referrer_answers())
    assert response["Location"] == "/referrals/new/check/"


def text_of(response):
    return response.content.decode()


# --- Making a referral -----------------------------------------------------------


def test_full_referral_journey_creates_the_contact_and_starts_its_clock(world):
    client = client_for(world.teacher)
    page = client.get("/referrals/new/")
    assert page.status_code == 200 and "Who is the referral about?" in text_of(page)
    search = client.get("/referrals/new/", {"q": "Newchild"})
    assert "0 children found" in text_of(search)

    response = client.post("/referrals/new/child-details/", new_child_answers())
    assert response.status_code == 302 and response["Location"] == "/referrals/new/household/"

    response = client.post(
        "/referrals/new/household/",
        {
            "action": "add",
            "name": "Morgan Newchild",
            "relationship": "Mother",
            **date_parts("date_of_birth", date(1990, 4, 14)),
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/referrals/new/household/",
        {
            "action": "add",
            "name": "Alex Newchild",
            "relationship": "Brother",
            "is_child": "on",
            **date_parts("date_of_birth", None),
        },
    )
    household_page = text_of(client.get("/referrals/new/household/"))
    assert "Morgan Newchild" in household_page and "Alex Newchild" in household_page
    response = client.post("/referrals/new/household/", {"action": "continue"})
    assert response["Location"] == "/referrals/new/concerns/"

    response = client.post(
        "/referrals/new/concerns/",
        {"concerns": "Often arrives hungry and tired.", "categories": ["neglect", "emotional"], "referrer_level": "3"},
    )
    assert response["Location"] == "/referrals/new/consent/"
    response = client.post("/referrals/new/consent/", {"consent": "given", "consent_reason": ""})
    assert response["Location"] == "/referrals/new/your-details/"

    details_page = text_of(client.get("/referrals/new/your-details/"))
    assert 'value="Terry Teacher"' in details_page  # prefilled from the signed-in user
    assert 'value="Designated safeguarding lead"' in details_page
    response = client.post("/referrals/new/your-details/", referrer_answers())
    assert response["Location"] == "/referrals/new/check/"

    check = text_of(client.get("/referrals/new/check/"))
    assert "Check your answers before sending your referral" in check
    for expected in (
        "Robin Newchild",
        "4 May 2016",
        "Morgan Newchild",
        "Alex Newchild",
        "Often arrives hungry",
        "Neglect",
        "Emotional abuse",
        "Level 3",
        "Yes, consent was given",
        "Terry Teacher",
    ):
        assert expected in check
    assert check.count(">Change<") == 5
    assert 'href="/referrals/new/consent/?change=1"' in check

    assert Contact.objects.count() == 0
    response = client.post("/referrals/new/check/")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert response["Location"] == f"/referrals/{contact.pk}/sent/"
    assert contact.child.full_name == "Robin Newchild" and contact.child.date_of_birth == date(2016, 5, 4)
    assert contact.referrer_user == world.teacher and contact.referrer_name == "Terry Teacher"
    assert contact.categories == ["emotional", "neglect"] and contact.referrer_level == 3
    assert [m["name"] for m in contact.household] == ["Morgan Newchild", "Alex Newchild"]
    assert contact.household[1]["is_child"] is True
    assert contact.agency == world.mash and contact.status == Contact.Status.OPEN

    deadline = Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(Contact), subject_id=contact.pk, rule_code="referral_decision"
    )
    assert deadline.status == Deadline.Status.OPEN
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert "Referral sent" in text_of(sent)
    assert f"Decision due {due_text(deadline)}" in text_of(sent)

    # The answers are gone from the session: a new referral starts afresh.
    assert client.get("/referrals/new/check/")["Location"] == "/referrals/new/"


def test_missing_name_is_shown_with_an_error_summary_and_nothing_is_saved(world):
    client = client_for(world.teacher)
    children = Child.objects.count()
    response = client.post("/referrals/new/child-details/", new_child_answers(first_name="", last_name=""))
    page = text_of(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert "Enter the child&#x27;s first name" in page and 'href="#id_first_name"' in page
    assert "govuk-form-group--error" in page
    assert Child.objects.count() == children and Contact.objects.count() == 0


def test_could_not_contact_the_family_needs_how_you_tried(world):
    """000 L2601: where consent was not obtained, say why (e.g. unable to contact the family)."""
    client = client_for(world.teacher)
    client.post("/referrals/new/child-details/", new_child_answers())
    client.post("/referrals/new/household/", {"action": "continue"})
    client.post(
        "/referrals/new/concerns/",
        {"concerns": "Often arrives hungry and tired.", "categories": ["neglect"], "referrer_level": "2"},
    )
    page = text_of(client.get("/referrals/new/consent/"))
    assert "We could not contact the family" in page and 'data-aria-controls="conditional-uncontactable-reason"' in page

    response = client.post("/referrals/new/consent/", {"consent": "uncontactable", "uncontactable_reason": " "})
    page = text_of(response)
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Say how you tried to contact the family" in page and 'id="id_uncontactable_reason-error"' in page
    assert re.search(r'value="uncontactable" checked', page)

    # A reason typed under "not asked for" does not count for "could not contact".
    response = client.post(
        "/referrals/new/consent/", {"consent": "uncontactable", "consent_reason": "Would put the child at risk"}
    )
    assert response.status_code == 200 and "Say how you tried to contact the family" in text_of(response)

    response = client.post(
        "/referrals/new/consent/", {"consent": "uncontactable", "uncontactable_reason": "Phoned twice on Monday"}
    )
    assert response["Location"] == "/referrals/new/your-details/"
    client.post("/referrals/new/your-details/", referrer_answers())
    check = text_of(client.get("/referrals/new/check/"))
    assert "How you tried to contact the family" in check and "Phoned twice on Monday" in check
    # Changing the answer shows the reason in its own box.
    again = text_of(client.get("/referrals/new/consent/?change=1"))
    assert re.search(r'id="id_uncontactable_reason"[^>]*>\s*Phoned twice on Monday', again)
    assert client.post("/referrals/new/check/").status_code == 302
    contact = Contact.objects.get()
    assert contact.consent == Contact.Consent.UNCONTACTABLE and contact.consent_reason == "Phoned twice on Monday"


def test_consent_not_sought_without_a_reason_is_refused_by_the_service_and_nothing_is_lost(world):
    client = client_for(world.teacher)
    client.post("/referrals/new/child-details/", new_child_answers())
    answer_after_child(client, consent="not_sought", consent_reason="")
    children = Child.objects.count()

    response = client.post("/referrals/new/check/")
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and "Your referral has not been sent" in page
    assert "Say why seeking consent would put the child at risk" in page
    assert 'href="/referrals/new/consent/?change=1#id_consent_reason"' in page
    assert Contact.objects.count() == 0 and Child.objects.count() == children

    # The consent page shows the service's message on its field, with the answer kept.
    consent = text_of(client.get("/referrals/new/consent/?change=1"))
    assert "govuk-error-summary" in consent and 'id="id_consent_reason-error"' in consent
    assert re.search(r'value="not_sought" checked', consent)
    # Nothing else was lost either.
    assert "Often arrives hungry" in text_of(client.get("/referrals/new/check/"))

    response = client.post(
        "/referrals/new/consent/?change=1",
        {"consent": "not_sought", "consent_reason": "Asking the parents would put the child at risk."},
    )
    assert response["Location"] == "/referrals/new/check/"
    response = client.post("/referrals/new/check/")
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.consent == Contact.Consent.NOT_SOUGHT
    assert contact.consent_reason == "Asking the parents would put the child at risk."


def test_a_service_error_about_the_new_child_is_shown_on_the_child_page(world):
    client = client_for(world.teacher)
    client.post("/referrals/new/child-details/", new_child_answers(nhs_number="1234567890"))
    answer_after_child(client)
    response = client.post("/referrals/new/check/")
    page = text_of(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="/referrals/new/child-details/?change=1#id_nhs_number"' in page
    assert Contact.objects.count() == 0
    details = text_of(client.get("/referrals/new/child-details/?change=1"))
    assert 'id="id_nhs_number-error"' in details and 'value="Robin"' in details
    response = client.post("/referrals/new/child-details/?change=1", new_child_answers(nhs_number=""))
    assert response["Location"] == "/referrals/new/check/"
    assert "There is a problem" not in text_of(client.get("/referrals/new/check/"))
    assert client.post("/referrals/new/check/").status_code == 302
    assert Contact.objects.get().child.nhs_number is None


def test_possible_match_is_offered_and_choosing_it_links_the_contact_to_that_child(world):
    existing = ChildFactory(first_name="Jayden", last_name="Example", date_of_birth=date(2014, 2, 3))
    InvolvementFactory(child=existing, agency=world.csc)
    # The same birthday and name, in a record this worker cannot see: never offered.
    other_csc, _, _ = authority_with_agencies()
    hidden = ChildFactory(first_name="Jaydon", last_name="Example", date_of_birth=date(2014, 2, 3))
    InvolvementFactory(child=hidden, agency=other_csc)
    client = client_for(world.csc_worker)
    children = Child.objects.count()

    response = client.post(
        "/referrals/new/child-details/",
        new_child_answers(first_name="Jaiden", last_name="Example", **date_parts("date_of_birth", date(2014, 2, 3))),
    )
    assert response.status_code == 302 and response["Location"] == "/referrals/new/possible-matches/"
    page = text_of(client.get(response["Location"]))
    assert "Is this a child already recorded?" in page
    assert f"Yes, it is {existing.full_name}" in page and "No, this is a different child" in page
    assert "Jaydon" not in page

    response = client.post("/referrals/new/possible-matches/", {"choice": str(existing.pk)})
    assert response["Location"] == "/referrals/new/household/"
    answer_after_child(client)
    check = text_of(client.get("/referrals/new/check/"))
    assert "Jayden Example" in check and "New record" not in check
    assert client.post("/referrals/new/check/").status_code == 302
    contact = Contact.objects.get()
    assert contact.child == existing
    assert Child.objects.count() == children


def test_choosing_a_different_child_records_a_new_one(world):
    existing = ChildFactory(first_name="Jayden", last_name="Example", date_of_birth=date(2014, 2, 3))
    InvolvementFactory(child=existing, agency=world.csc)
    client = client_for(world.csc_worker)
    client.post(
        "/referrals/new/child-details/",
        new_child_answers(first_name="Jaiden", last_name="Example", **date_parts("date_of_birth", date(2014, 2, 3))),
    )
    missing = client.post("/referrals/new/possible-matches/", {})
    assert "Choose the same child, or say this is a different child" in text_of(missing)
    client.post("/referrals/new/possible-matches/", {"choice": "new"})
    answer_after_child(client)
    client.post("/referrals/new/check/")
    contact = Contact.objects.get()
    assert contact.child != existing and contact.child.first_name == "Jaiden"
    assert existing in contact.child.possible_duplicates.all()


# --- Triage ----------------------------------------------------------------------


def test_triage_queue_is_for_mash_roles_only(world):
    assert client_for(world.csc_worker).get("/mash/").status_code == 403
    assert client_for(world.teacher).get("/mash/").status_code == 403
    assert client_for(world.mash_worker).get("/mash/").status_code == 200
    assert client_for(world.mash_manager).get("/mash/").status_code == 200


def test_triage_queue_sorts_red_then_amber_then_green_and_filters(world):
    worker = world.mash_worker
    make_contact(worker, first_name="Greenchild", rag="green")
    make_contact(worker, first_name="Redchild", rag="red")
    make_contact(worker, first_name="Amberchild", rag="amber", dob=timezone.localdate() - timedelta(days=3 * 365))
    make_contact(worker, first_name="Latechild", received_at=timezone.now() - timedelta(days=10))
    client = client_for(worker)

    page = text_of(client.get("/mash/"))
    red, amber, green = page.index("Redchild"), page.index("Amberchild"), page.index("Greenchild")
    assert red < amber < green
    assert "1 contact is past the time for a decision" in page
    assert "Unallocated" in page and "Overdue" in page

    only_red = text_of(client.get("/mash/", {"rag": "red"}))
    assert "Redchild" in only_red and "Amberchild" not in only_red and "Greenchild" not in only_red
    overdue = text_of(client.get("/mash/", {"due": "overdue"}))
    assert "Latechild" in overdue and "Redchild" not in overdue
    young = text_of(client.get("/mash/", {"age_band": "0-4"}))
    assert "Amberchild" in young and "Redchild" not in young

    contact = Contact.objects.get(child__first_name="Redchild")
    response = client.post(f"/contacts/{contact.pk}/allocate/", {"next": "/mash/?rag=red"})
    assert response.status_code == 302 and response["Location"] == "/mash/?rag=red"
    contact.refresh_from_db()
    assert contact.allocated_to == worker
    mine = text_of(client.get("/mash/", {"allocation": "me"}))
    assert "Redchild" in mine and worker.display_name in mine and "Greenchild" not in mine
    unallocated = text_of(client.get("/mash/", {"allocation": "unallocated"}))
    assert "Redchild" not in unallocated and "Greenchild" in unallocated


def test_triage_queue_uses_the_same_number_of_queries_for_5_or_40_contacts(world, django_assert_max_num_queries):
    worker = world.mash_worker
    for n in range(5):
        make_contact(
            worker, first_name=f"Queue{n}", dob=date(2010 + n % 7, 1, 1 + n), rag=["red", "amber", "green"][n % 3]
        )
    client = client_for(worker)
    client.get("/mash/")  # warm the content-type cache
    with CaptureQueriesContext(connection) as small:
        assert client.get("/mash/").status_code == 200
    for n in range(5, 40):
        make_contact(
            worker,
            first_name=f"Queue{n}",
            dob=date(2005 + n % 12, 1 + n % 12, 1 + n % 28),
            rag=["red", "amber", "green", None][n % 4],
        )
    Contact.objects.filter(child__first_name="Queue7").update(allocated_to=world.mash_manager)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get("/mash/")
    assert response.status_code == 200
    assert text_of(response).count('action="/contacts/') == 40  # every row offers "Allocate to me"
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The contact page -----------------------------------------------------------------


def test_each_read_of_the_contact_page_writes_one_access_log_row(world):
    contact = make_contact(world.mash_worker, rag="red")
    before = AccessEvent.objects.count()
    response = client_for(world.mash_worker).get(f"/contacts/{contact.pk}/")
    assert response.status_code == 200
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.order_by("-id").first()
    assert event.what == "page:contact" and event.child_id == contact.child_id
    assert event.outcome == AccessEvent.Outcome.ALLOWED


def test_changing_the_rating_without_a_reason_is_refused_on_the_page(world):
    contact = make_contact(world.mash_worker, rag="red")
    client = client_for(world.mash_worker)
    response = client.post(f"/contacts/{contact.pk}/rating/", {"rag-rag": "green", "rag-rationale": ""})
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and "Give the reason for changing the rating" in page
    assert 'href="#id_rag-rationale"' in page
    contact.refresh_from_db()
    assert contact.rag == "red" and RagChange.objects.filter(contact=contact).count() == 1

    response = client.post(
        f"/contacts/{contact.pk}/rating/",
        {"rag-rag": "green", "rag-rationale": "School confirms the child is safe today."},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.rag == "green"
    history = text_of(client.get(f"/contacts/{contact.pk}/"))
    assert "Rating changed from red to green" in history and "School confirms the child is safe today." in history


def test_checks_can_be_requested_and_answered(world):
    contact = make_contact(world.mash_worker)
    client = client_for(world.mash_worker)
    assert client.post(f"/contacts/{contact.pk}/checks/", {"check-kind": "police"}).status_code == 302
    assert client.post(f"/contacts/{contact.pk}/checks/", {"check-kind": "cyjs"}).status_code == 302
    cyjs = AgencyCheck.objects.get(contact=contact, kind="cyjs")
    assert cyjs.result == AgencyCheck.Result.NOT_KNOWN
    police = AgencyCheck.objects.get(contact=contact, kind="police")
    page = text_of(client.get(f"/contacts/{contact.pk}/"))
    assert "Not known" in page and 'govuk-tag--yellow">Waiting<' in page
    empty = client.post(f"/contacts/{contact.pk}/checks/{police.pk}/", {f"check-{police.pk}-response": ""})
    assert "Enter what your agency knows" in text_of(empty)
    client.post(
        f"/contacts/{contact.pk}/checks/{police.pk}/", {f"check-{police.pk}-response": "One call-out last year."}
    )
    police.refresh_from_db()
    assert police.result == AgencyCheck.Result.ANSWERED and police.response == "One call-out last year."


def test_worker_decision_then_manager_authorises_stops_the_clock_and_starts_the_assessment(world):
    contact = make_contact(world.mash_worker, rag="amber")
    worker = client_for(world.mash_worker)
    page = text_of(worker.get(f"/contacts/{contact.pk}/decision/"))
    assert "Decide what happens next" in page and "Assessment under section 17" in page

    missing = worker.post(f"/contacts/{contact.pk}/decision/", {"outcome": "assessment", "rationale": ""})
    assert "Explain the decision" in text_of(missing) and not Decision.objects.exists()
    response = worker.post(
        f"/contacts/{contact.pk}/decision/", {"outcome": "assessment", "rationale": "Needs are unclear and rising."}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    decision = Decision.objects.get(contact=contact)
    assert decision.authorised_at is None and contact.is_open
    clock = Deadline.objects.get(
        subject_id=contact.pk, rule_code="referral_decision", subject_type=ContentType.objects.get_for_model(Contact)
    )
    assert clock.status == Deadline.Status.OPEN
    assert worker.post(f"/contacts/{contact.pk}/authorise/").status_code == 403

    manager = client_for(world.mash_manager)
    page = text_of(manager.get(f"/contacts/{contact.pk}/"))
    assert (
        "A manager needs to authorise this decision" in page and f'action="/contacts/{contact.pk}/authorise/"' in page
    )
    response = manager.post(f"/contacts/{contact.pk}/authorise/")
    assert response.status_code == 302
    contact.refresh_from_db()
    decision.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED and decision.authorised_by == world.mash_manager
    clock.refresh_from_db()
    assert clock.status in (Deadline.Status.MET, Deadline.Status.MET_LATE)
    assessment = Deadline.objects.get(
        subject_id=contact.pk, rule_code="assessment", subject_type=ContentType.objects.get_for_model(Contact)
    )
    assert assessment.status == Deadline.Status.OPEN
    assert "Authorised" in text_of(manager.get(f"/contacts/{contact.pk}/"))


def test_a_managers_decision_is_final(world):
    contact = make_contact(world.mash_worker)
    response = client_for(world.mash_manager).post(
        f"/contacts/{contact.pk}/decision/", {"outcome": "early_help", "rationale": "Family want support."}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == Contact.Status.DECIDED and contact.decision.authorised_at is not None


def test_referrer_sees_the_outcome_but_not_the_rating_reason_or_checks(world):
    contact = make_contact(world.teacher, rag=None)
    services.set_rag(contact=contact, by=world.mash_worker, rag="amber")
    services.set_rag(contact=contact, by=world.mash_worker, rag="red", rationale="Secret MASH rationale")
    check = services.request_check(contact=contact, by=world.mash_worker, kind="police")
    services.respond_to_check(check=check, by=world.mash_worker, response="Police know the father")
    services.record_decision(
        contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Internal reasoning"
    )
    contact = Contact.objects.get(pk=contact.pk)
    services.send_feedback(contact=contact, by=world.mash_worker, reasons="The school can offer a mentor.")

    response = client_for(world.teacher).get(f"/contacts/{contact.pk}/")
    page = text_of(response)
    assert response.status_code == 200
    assert "No further action, with signposting" in page
    assert "The school can offer a mentor." in page
    assert "Challenge this decision" in page
    for hidden in ("Secret MASH rationale", "Agency checks", "Police know the father", "Internal reasoning", "History"):
        assert hidden not in page
    # The pages behind the contact are MASH's.
    assert client_for(world.teacher).get(f"/contacts/{contact.pk}/decision/").status_code == 404


def test_referrer_sees_no_outcome_until_it_is_authorised(world):
    contact = make_contact(world.teacher)
    services.record_decision(contact=contact, by=world.mash_worker, outcome="assessment", rationale="Worker view")
    page = text_of(client_for(world.teacher).get(f"/contacts/{contact.pk}/"))
    assert "Not decided yet" in page and "Assessment under section 17" not in page


def test_someone_who_cannot_see_the_child_gets_no_contact_content(world):
    contact = make_contact(world.mash_worker, concerns="A very particular fictional worry.")
    outsider_csc, _, _ = authority_with_agencies()
    outsider = UserFactory(agency=outsider_csc)
    before = AccessEvent.objects.filter(outcome=AccessEvent.Outcome.DENIED).count()
    for url in (f"/contacts/{contact.pk}/", f"/contacts/{contact.pk}/decision/", f"/contacts/{contact.pk}/feedback/"):
        response = client_for(outsider).get(url)
        assert response.status_code in (403, 404)
        assert "A very particular fictional worry." not in text_of(response)
    assert client_for(outsider).post(f"/contacts/{contact.pk}/rating/", {"rag-rag": "red"}).status_code in (403, 404)
    contact.refresh_from_db()
    assert contact.rag == ""
    assert AccessEvent.objects.filter(outcome=AccessEvent.Outcome.DENIED).count() == before + 4


def test_feedback_and_a_challenge_escalated_one_stage(world):
    contact = make_contact(world.teacher)
    services.record_decision(
        contact=contact, by=world.mash_manager, outcome="early_help", rationale="Family want help."
    )
    mash = client_for(world.mash_worker)

    page = text_of(mash.get(f"/contacts/{contact.pk}/feedback/"))
    assert services.FEEDBACK_WORDS[Decision.Outcome.EARLY_HELP] in page
    blank = mash.post(f"/contacts/{contact.pk}/feedback/", {"reasons": ""})
    assert "Explain the reasons in plain words" in text_of(blank)
    response = mash.post(f"/contacts/{contact.pk}/feedback/", {"reasons": "A family worker will call this week."})
    assert response.status_code == 302
    feedback = Feedback.objects.get(contact=contact)
    assert feedback.reasons == "A family worker will call this week."
    assert Notification.objects.filter(recipient=world.teacher, subject="The outcome of your referral").exists()

    teacher = client_for(world.teacher)
    assert "A family worker will call this week." in text_of(teacher.get(f"/contacts/{contact.pk}/"))
    assert "Why do you disagree" in text_of(teacher.get(f"/contacts/{contact.pk}/challenge/"))
    blank = teacher.post(f"/contacts/{contact.pk}/challenge/", {"reason": ""})
    assert "Say why you disagree with the decision" in text_of(blank)
    response = teacher.post(f"/contacts/{contact.pk}/challenge/", {"reason": "The child needs an assessment."})
    assert response.status_code == 302
    disagreement = Disagreement.objects.get(contact=contact)
    assert disagreement.stage == Disagreement.Stage.PRACTITIONER

    # The MASH worker holds the first stage and responds.
    response = mash.post(
        f"/contacts/{contact.pk}/challenges/{disagreement.pk}/respond/",
        {f"respond-{disagreement.pk}-response": "Early help can assess needs first."},
    )
    assert response.status_code == 302
    # The referrer is not satisfied and escalates.
    page = text_of(teacher.get(f"/contacts/{contact.pk}/"))
    assert "Early help can assess needs first." in page and "Escalate to the next stage" in page
    response = teacher.post(f"/contacts/{contact.pk}/challenges/{disagreement.pk}/escalate/")
    assert response.status_code == 302
    disagreement.refresh_from_db()
    assert disagreement.stage == Disagreement.Stage.TEAM_MANAGER
    page = text_of(client_for(world.mash_manager).get(f"/contacts/{contact.pk}/"))
    for stage in ("Practitioner", "Team manager", "Senior manager", "Head of service"):
        assert stage in page
    assert re.search(
        r"<strong>Team manager</strong>\s*<strong class=\"govuk-tag govuk-tag--yellow\">Current stage", page
    )
    # The worker no longer holds the stage.
    assert f'action="/contacts/{contact.pk}/challenges/{disagreement.pk}/respond/"' not in text_of(
        mash.get(f"/contacts/{contact.pk}/")
    )

    response = teacher.post(
        f"/contacts/{contact.pk}/challenges/{disagreement.pk}/resolve/",
        {f"resolve-{disagreement.pk}-resolution": "Agreed early help with a review in 4 weeks."},
    )
    assert response.status_code == 302
    disagreement.refresh_from_db()
    assert disagreement.status == Disagreement.Status.RESOLVED


def test_only_the_referrer_may_challenge(world):
    contact = make_contact(world.teacher)
    services.record_decision(
        contact=contact, by=world.mash_manager, outcome="early_help", rationale="Family want help."
    )
    assert client_for(world.mash_worker).get(f"/contacts/{contact.pk}/challenge/").status_code == 403


def test_my_referrals_lists_status_and_outcome(world):
    open_one = make_contact(world.teacher, first_name="Openchild")
    decided = make_contact(world.teacher, first_name="Decidedchild")
    services.record_decision(
        contact=decided, by=world.mash_manager, outcome="early_help", rationale="Family want help."
    )
    make_contact(world.mash_worker, first_name="Someoneelse")
    page = text_of(client_for(world.teacher).get("/referrals/"))
    assert "Openchild" in page and "Decidedchild" in page and "Someoneelse" not in page
    assert "Not decided yet" in page and "Early help" in page
    assert f'href="/contacts/{open_one.pk}/"' in page


def test_navigation_links(world):
    mash_page = text_of(client_for(world.mash_worker).get("/"))
    assert 'href="/referrals/new/"' in mash_page and 'href="/mash/"' in mash_page
    teacher_page = text_of(client_for(world.teacher).get("/"))
    assert 'href="/referrals/new/"' in teacher_page and 'href="/mash/"' not in teacher_page
    auditor = UserFactory(agency=world.csc, role=Role.AUDITOR)
    assert 'href="/referrals/new/"' not in text_of(client_for(auditor).get("/"))

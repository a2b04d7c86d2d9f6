"""The census items of the front door: who made the referral (chosen, or filled in by the service from
the sender's agency or the contact's route) and the child's main need recorded with the decision."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AccessEvent, Agency
from referrals import services
from referrals.models import Contact, Decision
from tests.factories import AgencyFactory, UserFactory, front_door_world
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"


@pytest.fixture
def world():
    return front_door_world()


def body(**changes):
    """A partner system's contact about a new child, received an hour ago."""
    data = {
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "referrer": {"name": "A Teacher", "agency": "Example Primary School"},
        "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01"},
        "concerns": "Fictional concern for a test.",
        "categories": ["neglect"],
        "consent": "given",
    }
    data.update(changes)
    return data


def details(**changes):
    values = dict(
        received_at=timezone.now() - timedelta(minutes=30),
        referrer={"name": "Pat Caller", "agency": "", "role": "", "contact": ""},
        child={"first_name": "Jo", "last_name": "Examplechild", "date_of_birth": date(2013, 1, 2)},
        concerns="Fictional concern for a test.",
        categories=["neglect"],
        consent=Contact.Consent.GIVEN,
    )
    values.update(changes)
    return services.ContactDetails(**values)


class TestReferralSourceRule:
    def test_a_chosen_source_wins(self, world):
        assert services.referral_source_for(chosen="3A", sent_by=world.teacher, route="professional") == "3A"

    @pytest.mark.parametrize(
        "kind, code",
        [(Agency.Kind.EDUCATION, "2A"), (Agency.Kind.POLICE, "6"), (Agency.Kind.CSC, "5A"), (Agency.Kind.MASH, "5B")],
    )
    def test_otherwise_the_senders_agency(self, world, kind, code):
        sender = UserFactory(agency=AgencyFactory(authority=world.authority, kind=kind))
        assert services.referral_source_for(chosen="", sent_by=sender, route="professional") == code

    @pytest.mark.parametrize("route, code", [("police_custody", "6"), ("public", "1D"), ("partner_api", "")])
    def test_otherwise_the_route_or_nothing(self, world, route, code):
        sender = UserFactory(agency=None)
        assert services.referral_source_for(chosen="", sent_by=sender, route=route) == code


class TestContactService:
    def test_the_service_fills_it_in_when_left_blank(self, world):
        contact = services.receive_contact(received_by=world.mash_worker, details=details())
        assert contact.referral_source == "5B"  # the MASH's own council services

    def test_a_code_not_in_the_list_is_refused(self, world):
        with pytest.raises(ValidationError) as refused:
            services.receive_contact(received_by=world.teacher, details=details(referral_source="ZZ"))
        assert "referral_source" in refused.value.message_dict


class TestContactApi:
    def test_left_out_it_is_filled_in_from_the_partner_systems_agency(self, world):
        response = api_for(world.service).post(CONTACTS, body(), format="json")
        assert response.status_code == 201, response.content
        assert Contact.objects.get(pk=response.json()["id"]).referral_source == "2A"  # the school's system

    def test_a_chosen_source_is_kept_and_read_back(self, world):
        response = api_for(world.service).post(CONTACTS, body(referral_source="1A"), format="json")
        assert response.status_code == 201, response.content
        contact = Contact.objects.get(pk=response.json()["id"])
        assert contact.referral_source == "1A"
        read = api_for(world.mash_worker).get(f"{CONTACTS}{contact.pk}/")
        assert read.status_code == 200 and read.json()["referral_source"] == "1A"

    def test_a_bad_code_is_400_on_the_field(self, world):
        response = api_for(world.service).post(CONTACTS, body(referral_source="99"), format="json")
        assert response.status_code == 400
        assert "referral_source" in response.json()
        assert not Contact.objects.exists()


def referral_through_the_pages(client, **referrer):
    when = timezone.localtime() - timedelta(minutes=10)
    client.post(
        "/referrals/new/child-details/",
        {
            "first_name": "Robin",
            "last_name": "Newchild",
            "is_born": "yes",
            **date_parts("date_of_birth", date(2016, 5, 4)),
            **date_parts("expected_date_of_birth", None),
            "gender": "0",
            "nhs_number": "",
            "address": "",
            "postcode": "",
        },
    )
    client.post("/referrals/new/household/", {"action": "continue"})
    client.post("/referrals/new/concerns/", {"concerns": "Often arrives hungry.", "categories": ["neglect"]})
    client.post("/referrals/new/consent/", {"consent": "given", "consent_reason": ""})
    response = client.post(
        "/referrals/new/your-details/",
        {
            "name": "Terry Teacher",
            "agency": "Example Primary School",
            "role": "",
            "contact": "",
            **date_parts("received_date", when.date()),
            "received_time": when.strftime("%H:%M"),
            **referrer,
        },
    )
    assert response["Location"] == "/referrals/new/check/"
    return client.get("/referrals/new/check/").content.decode(), client.post("/referrals/new/check/")


class TestReferralPages:
    def test_a_chosen_source_is_shown_before_sending_and_saved(self, world):
        client = client_for(world.teacher)
        check, sent = referral_through_the_pages(client, referral_source="3A")
        assert "Who is making the referral" in check and "GP" in check
        assert sent.status_code == 302
        contact = Contact.objects.get(referrer_user=world.teacher)
        assert contact.referral_source == "3A"
        page = client_for(world.mash_worker).get(f"/contacts/{contact.pk}/").content.decode()
        assert "Who made the referral" in page and "GP" in page

    def test_left_blank_it_is_filled_in_from_the_referrers_organisation(self, world):
        _check, sent = referral_through_the_pages(client_for(world.teacher))
        assert sent.status_code == 302
        assert Contact.objects.get(referrer_user=world.teacher).referral_source == "2A"


@pytest.fixture
def contact(world):
    return services.receive_contact(received_by=world.teacher, details=details())


def decide(user, contact, **fields):
    return api_for(user).post(
        f"{CONTACTS}{contact.pk}/decide/", {"rationale": "Threshold met for an assessment", **fields}, format="json"
    )


class TestDecisionApi:
    def test_the_main_need_is_saved_with_the_decision_and_read_back(self, world, contact):
        response = decide(world.mash_manager, contact, outcome="assessment", primary_need="N1")
        assert response.status_code == 200, response.content
        assert Decision.objects.get(contact=contact).primary_need == "N1"
        assert api_for(world.mash_manager).get(f"{CONTACTS}{contact.pk}/").json()["primary_need"] == "N1"

    def test_a_body_without_it_still_decides(self, world, contact):
        response = decide(world.mash_manager, contact, outcome="assessment")
        assert response.status_code == 200, response.content
        assert Decision.objects.get(contact=contact).primary_need == ""

    def test_given_with_another_outcome_it_is_kept(self, world, contact):
        response = decide(world.mash_manager, contact, outcome="nfa_signpost", primary_need="N9")
        assert response.status_code == 200
        assert Decision.objects.get(contact=contact).primary_need == "N9"

    def test_a_bad_code_is_400_on_the_field(self, world, contact):
        response = decide(world.mash_manager, contact, outcome="assessment", primary_need="N10")
        assert response.status_code == 400 and "primary_need" in response.json()
        assert not Decision.objects.filter(contact=contact).exists()

    def test_a_proposal_without_it_keeps_an_earlier_one(self, world, contact):
        assert decide(world.mash_worker, contact, outcome="assessment", primary_need="N4").status_code == 200
        assert decide(world.mash_worker, contact, outcome="strategy_discussion").status_code == 200
        assert Decision.objects.get(contact=contact).primary_need == "N4"

    def test_the_service_checks_the_code(self, world, contact):
        with pytest.raises(ValidationError) as refused:
            services.record_decision(
                contact=contact, by=world.mash_manager, outcome="assessment", rationale="Met", primary_need="X"
            )
        assert "primary_need" in refused.value.message_dict


class TestDecisionPage:
    def test_the_main_need_is_offered_saved_and_shown(self, world, contact):
        client = client_for(world.mash_worker)
        page = client.get(f"/contacts/{contact.pk}/decision/").content.decode()
        assert "Main need (optional)" in page and "Family in acute stress" in page
        response = client.post(
            f"/contacts/{contact.pk}/decision/",
            {"outcome": "assessment", "rationale": "Needs an assessment", "primary_need": "N4"},
        )
        assert response.status_code == 302
        decision = Decision.objects.get(contact=contact)
        assert decision.primary_need == "N4"
        shown = client.get(f"/contacts/{contact.pk}/").content.decode()
        assert "Main need" in shown and "Family in acute stress" in shown
        again = client.get(f"/contacts/{contact.pk}/decision/")
        assert again.context["form"]["primary_need"].value() == "N4"

    def test_the_page_still_decides_without_it(self, world, contact):
        response = client_for(world.mash_manager).post(
            f"/contacts/{contact.pk}/decision/", {"outcome": "early_help", "rationale": "Early help fits"}
        )
        assert response.status_code == 302
        assert Decision.objects.get(contact=contact).primary_need == ""

    def test_the_decision_is_logged_as_before(self, world, contact):
        client_for(world.mash_worker).post(
            f"/contacts/{contact.pk}/decision/",
            {"outcome": "assessment", "rationale": "Needs an assessment", "primary_need": "N1"},
        )
        assert AccessEvent.objects.filter(user=world.mash_worker, what="contact:decision").count() == 1

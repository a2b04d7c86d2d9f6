"""The census items on the child's own record: sex, disabilities, former UPN, why there is no UPN and
date of death, recorded on the add and change pages, shown with their labels, and in the API."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.access import AccessDecision
from accounts.models import AccessEvent
from casework import services
from casework.models import Child, Involvement
from tests.factories import ChildFactory, InvolvementFactory, authority_with_agencies, worker_in_new_team
from tests.pathway_builders import api_for, client_for, date_parts

pytestmark = pytest.mark.django_db

BORN = date(2015, 6, 1)


@pytest.fixture
def world():
    csc, _mash, _cyjs = authority_with_agencies()
    practitioner, team, _manager = worker_in_new_team(csc)
    child = ChildFactory(first_name="Robin", last_name="Examplechild", date_of_birth=BORN)
    InvolvementFactory(child=child, agency=csc, allocated_worker=practitioner, team=team)
    return SimpleNamespace(csc=csc, practitioner=practitioner, team=team, child=child)


def page_form(child=None, **overrides):
    """What the add or change page posts: the existing fields, then the census items in `overrides`."""
    data = {
        "first_name": child.first_name if child else "Robin",
        "middle_names": "",
        "last_name": child.last_name if child else "Newchild",
        "also_known_as": "",
        "is_born": "yes",
        **date_parts("date_of_birth", child.date_of_birth if child else BORN),
        **date_parts("expected_date_of_birth", None),
        **date_parts("date_of_death", overrides.pop("date_of_death", None)),
        "gender": "0",
        "ethnicity": "NOBT",
        "nhs_number": "",
        "upn": "",
        "yot_reference": "",
        "pnc_reference": "",
        "address": "",
        "postcode": "",
    }
    if child:
        data["version"] = str(child.version)
    else:
        data["involvement_kind"] = Involvement.Kind.CIN
    data.update(overrides)
    return data


def form_errors(response, field):
    return response.context["form"].errors.get(field, [])


class TestChangePage:
    def test_the_items_are_saved_and_shown_with_their_labels(self, world):
        client = client_for(world.practitioner)
        response = client.post(
            f"/children/{world.child.pk}/edit/",
            page_form(
                world.child,
                sex="F",
                disabilities=["MOB", "COMM"],
                former_upn="a123456789012",
                upn_unknown_reason="UN2",
                date_of_death=BORN + timedelta(days=400),
            ),
        )
        assert response.status_code == 302, response.context["form"].errors
        child = Child.objects.get(pk=world.child.pk)
        assert child.sex == "F"
        assert child.disabilities == ["MOB", "COMM"]
        assert child.former_upn == "A123456789012"
        assert child.upn_unknown_reason == "UN2"
        assert child.date_of_death == BORN + timedelta(days=400)

        page = client.get(f"/children/{child.pk}/").content.decode()
        assert "Female" in page
        assert "Getting about" in page and "Communication" in page
        assert "Has never been to a state school in England" in page
        assert "A123456789012" in page
        assert "Date of death" in page and (BORN + timedelta(days=400)).strftime("%-d %B %Y") in page
        assert "Reference in statutory returns" in page and child.return_reference in page

    def test_the_change_is_logged_by_the_service(self, world):
        client_for(world.practitioner).post(f"/children/{world.child.pk}/edit/", page_form(world.child, sex="M"))
        event = AccessEvent.objects.filter(user=world.practitioner, what="child:update").get()
        assert "sex" in event.detail

    def test_an_old_post_without_the_items_still_saves(self, world):
        data = page_form(world.child, postcode="ZZ99 9ZZ")
        response = client_for(world.practitioner).post(f"/children/{world.child.pk}/edit/", data)
        assert response.status_code == 302
        child = Child.objects.get(pk=world.child.pk)
        assert (child.postcode, child.sex, child.disabilities, child.date_of_death) == ("ZZ99 9ZZ", "", [], None)

    def test_the_page_offers_the_items_but_not_the_returns_reference(self, world):
        response = client_for(world.practitioner).get(f"/children/{world.child.pk}/edit/")
        form = response.context["form"]
        for field in ("sex", "disabilities", "former_upn", "upn_unknown_reason", "date_of_death"):
            assert field in form.fields
        assert "return_reference" not in form.fields
        page = response.content.decode()
        assert 'value="NONE" data-behaviour="exclusive"' in page
        assert "Not of school age and not yet at school" in page
        assert 'name="date_of_death_day"' in page

    def test_no_disability_with_a_disability_is_refused_on_the_field(self, world):
        response = client_for(world.practitioner).post(
            f"/children/{world.child.pk}/edit/", page_form(world.child, disabilities=["NONE", "HEAR"])
        )
        assert response.status_code == 200
        assert form_errors(response, "disabilities") == ["Choose either no disability or the disabilities"]
        assert Child.objects.get(pk=world.child.pk).disabilities == []

    @pytest.mark.parametrize(
        "died, message",
        [
            (BORN - timedelta(days=1), "The date of death must be on or after the date of birth"),
            (timezone.localdate() + timedelta(days=1), "The date of death cannot be in the future"),
        ],
    )
    def test_an_impossible_date_of_death_is_refused(self, world, died, message):
        response = client_for(world.practitioner).post(
            f"/children/{world.child.pk}/edit/", page_form(world.child, date_of_death=died)
        )
        assert form_errors(response, "date_of_death") == [message]

    def test_a_reason_for_no_upn_beside_a_upn_is_refused(self, world):
        response = client_for(world.practitioner).post(
            f"/children/{world.child.pk}/edit/",
            page_form(world.child, upn="A123456789012", upn_unknown_reason="UN1"),
        )
        assert form_errors(response, "upn_unknown_reason") == ["Leave this empty: the child has a unique pupil number"]

    def test_a_code_not_in_the_list_is_refused(self, world):
        response = client_for(world.practitioner).post(
            f"/children/{world.child.pk}/edit/", page_form(world.child, sex="X", upn_unknown_reason="UN99")
        )
        assert form_errors(response, "sex") and form_errors(response, "upn_unknown_reason")


class TestAddPage:
    def test_a_new_child_is_recorded_with_the_items(self, world):
        response = client_for(world.practitioner).post(
            "/children/new/", page_form(sex="U", disabilities=["NONE"], upn_unknown_reason="UN1")
        )
        assert response.status_code == 302
        child = Child.objects.get(last_name="Newchild")
        assert (child.sex, child.disabilities, child.upn_unknown_reason) == ("U", ["NONE"], "UN1")
        page = client_for(world.practitioner).get(f"/children/{child.pk}/").content.decode()
        assert "No disability" in page and "Not known or not recorded" in page


class TestService:
    def test_the_service_checks_the_codes_whoever_calls_it(self, world):
        with pytest.raises(ValidationError) as refused:
            services.update_child(
                child=world.child,
                updated_by=world.practitioner,
                decision=AccessDecision(True, AccessEvent.Purpose.NORMAL),
                expected_version=world.child.version,
                data={"disabilities": ["MOB", "WINGS"], "sex": "Q"},
            )
        assert set(refused.value.message_dict) == {"disabilities", "sex"}

    def test_the_returns_reference_cannot_be_changed_through_the_service(self, world):
        before = world.child.return_reference
        services.update_child(
            child=world.child,
            updated_by=world.practitioner,
            decision=AccessDecision(True, AccessEvent.Purpose.NORMAL),
            expected_version=world.child.version,
            data={"return_reference": "CHANGED", "sex": "M"},
        )
        assert Child.objects.get(pk=world.child.pk).return_reference == before


class TestApi:
    def test_the_child_answers_with_the_items_and_the_returns_reference(self, world):
        Child.objects.filter(pk=world.child.pk).update(sex="M", disabilities=["AUT"], upn_unknown_reason="UN1")
        data = api_for(world.practitioner).get(f"/api/v1/children/{world.child.pk}/").json()
        assert data["sex"] == "M"
        assert data["disabilities"] == ["AUT"]
        assert data["upn_unknown_reason"] == "UN1"
        assert data["former_upn"] == "" and data["date_of_death"] is None
        assert data["return_reference"] == world.child.return_reference

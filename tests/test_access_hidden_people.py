"""Other children named around a child, and NHS numbers already in use, never reveal a child the
user may not see.

A sibling the viewer may not open is "Another child in the household": the relationship is kept,
not who they are. An NHS number another child has is refused in words that do not confirm a hidden
child exists, and the attempt is written to the access log.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessEvent
from casework import selectors, services
from casework.models import Child, Involvement, Relationship
from tests.factories import (
    ChildFactory,
    ContactFactory,
    InvolvementFactory,
    PersonFactory,
    RelationshipFactory,
    front_door_world,
)
from tests.pathway_builders import api_for as api_client
from tests.pathway_builders import client_for as page_client

pytestmark = pytest.mark.django_db

VALID_NHS = "9434765919"  # the NHS Data Dictionary's example
HIDDEN = selectors.HIDDEN_HOUSEHOLD_MEMBER


@pytest.fixture
def w():
    return front_door_world()


def sibling_of(child, sibling, *, first_name, last_name, date_of_birth=date(2015, 6, 7)):
    person = PersonFactory(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, child_record=sibling
    )
    return RelationshipFactory(child=child, person=person, kind=Relationship.Kind.SIBLING)


def rows_for(child_id):
    return list(AccessEvent.objects.filter(child_id=child_id))


# --- household and relationships -------------------------------------------------------------------


@pytest.fixture
def household(w):
    """A child open to CSC and CYJS, with a mother, a restricted sister (allocated to another CSC worker),
    a brother known only to CSC, and a sister known to CYJS."""
    h = type("Household", (), {})()
    h.child = ChildFactory(first_name="Jordan", last_name="Examplechild")
    InvolvementFactory(child=h.child, agency=w.csc, allocated_worker=w.csc_worker, team=w.csc_team)
    InvolvementFactory(
        child=h.child, agency=w.cyjs, kind=Involvement.Kind.YJ_PREVENTION, allocated_worker=w.cyjs_worker
    )
    h.restricted = ChildFactory(
        first_name="Rowan", last_name="Hiddenchild", restricted=True, date_of_birth=date(2016, 1, 2)
    )
    InvolvementFactory(child=h.restricted, agency=w.csc, allocated_worker=w.csc_manager)
    h.csc_only = ChildFactory(first_name="Casey", last_name="Cscchild", date_of_birth=date(2013, 2, 3))
    InvolvementFactory(child=h.csc_only, agency=w.csc)
    h.cyjs_known = ChildFactory(first_name="Jesse", last_name="Bothchild")
    InvolvementFactory(child=h.cyjs_known, agency=w.cyjs)
    InvolvementFactory(child=h.cyjs_known, agency=w.csc)
    RelationshipFactory(
        child=h.child,
        kind=Relationship.Kind.PARENT,
        person=PersonFactory(first_name="Morgan", last_name="Parentadult", date_of_birth=date(1985, 4, 5)),
    )
    sibling_of(h.child, h.restricted, first_name="Rowan", last_name="Hiddenchild", date_of_birth=date(2016, 1, 2))
    sibling_of(h.child, h.csc_only, first_name="Casey", last_name="Cscchild", date_of_birth=date(2013, 2, 3))
    sibling_of(h.child, h.cyjs_known, first_name="Jesse", last_name="Bothchild")
    return h


def test_a_restricted_sibling_is_another_child_in_the_household_on_the_record_page(w, household):
    before = AccessEvent.objects.count()
    page = page_client(w.csc_worker).get(f"/children/{household.child.pk}/").content.decode()
    assert "Rowan" not in page and "Hiddenchild" not in page and "2 Jan 2016" not in page
    assert f"/children/{household.restricted.pk}/" not in page
    assert page.count(HIDDEN) == 1
    # Adults and the children the worker may see are shown as before, the children linked.
    assert "Morgan Parentadult" in page and "5 Apr 1985" in page
    assert f'href="/children/{household.csc_only.pk}/">Casey Cscchild</a>' in page
    # One row for the page, about the child opened; nothing about the hidden sister.
    assert AccessEvent.objects.count() == before + 1
    assert rows_for(household.restricted.pk) == []


def test_a_sibling_known_only_to_csc_is_hidden_from_cyjs_on_the_page_and_api(w, household):
    page = page_client(w.cyjs_worker).get(f"/children/{household.child.pk}/").content.decode()
    assert "Casey" not in page and "Cscchild" not in page and "3 Feb 2013" not in page
    assert "Rowan" not in page
    assert page.count(HIDDEN) == 2
    assert f'href="/children/{household.cyjs_known.pk}/">Jesse Bothchild</a>' in page

    answer = api_client(w.cyjs_worker).get(f"/api/v1/children/{household.child.pk}/")
    assert answer.status_code == 200
    rows = answer.json()["household"]
    hidden = [r for r in rows if r["hidden"]]
    assert (
        hidden
        == [
            {"kind": "sibling", "name": None, "lives_with_child": True, "child_id": None, "hidden": True},
        ]
        * 2
    )
    shown = {r["name"]: r for r in rows if not r["hidden"]}
    assert shown["Jesse Bothchild"]["child_id"] == household.cyjs_known.pk
    assert shown["Morgan Parentadult"] == {
        "kind": "parent",
        "name": "Morgan Parentadult",
        "lives_with_child": True,
        "child_id": None,
        "hidden": False,
    }
    for text in ("Casey", "Cscchild", "Rowan", "Hiddenchild", "2013-02-03", "2016-01-02"):
        assert text not in answer.content.decode()
    assert {r["child_id"] for r in rows} == {None, household.cyjs_known.pk}
    assert rows_for(household.csc_only.pk) == [] and rows_for(household.restricted.pk) == []


def test_whoever_may_open_the_sibling_sees_them_in_full(w, household):
    rows = api_client(w.csc_manager).get(f"/api/v1/children/{household.child.pk}/").json()["household"]
    assert not any(r["hidden"] for r in rows)
    assert {r["name"]: r["child_id"] for r in rows}["Rowan Hiddenchild"] == household.restricted.pk


def test_the_household_asks_who_is_visible_once_whatever_its_size(w, household):
    # The viewer's authority's agencies are looked up once per request and kept on the user.
    selectors.household(child=household.child, viewer=w.cyjs_worker)
    with CaptureQueriesContext(connection) as few:
        selectors.household(child=household.child, viewer=w.cyjs_worker)
    for n in range(5):
        other = ChildFactory(first_name=f"Extra{n}")
        InvolvementFactory(child=other, agency=w.csc)
        sibling_of(household.child, other, first_name=f"Extra{n}", last_name="Cscchild")
    with CaptureQueriesContext(connection) as many:
        members = selectors.household(child=household.child, viewer=w.cyjs_worker)
    assert len(many) == len(few) == 2
    assert sum(m.hidden for m in members) == 7


def test_the_schema_says_a_household_member_may_be_hidden(w):
    schema = api_client(w.csc_worker).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    member = schema["components"]["schemas"]["Relationship"]
    assert member["properties"]["hidden"]["type"] == "boolean"
    assert member["properties"]["child_id"].get("nullable") is True
    assert member["properties"]["name"].get("nullable") is True


# --- an NHS number already in use ------------------------------------------------------------------


def child_form(**changes):
    data = {
        "first_name": "Sasha",
        "last_name": "Newchild",
        "is_born": "yes",
        "date_of_birth_0": "4",
        "date_of_birth_1": "3",
        "date_of_birth_2": "2014",
        "gender": "0",
        "ethnicity": "NOBT",
        "nhs_number": VALID_NHS,
        "involvement_kind": Involvement.Kind.CIN,
    }
    data.update(changes)
    return data


def nhs_refusals(child):
    return list(AccessEvent.objects.filter(child=child, what="duplicate-nhs-number"))


def test_adding_a_child_with_a_hidden_childs_nhs_number_confirms_nothing_and_is_logged(w):
    hidden = ChildFactory(first_name="Rowan", last_name="Hiddenchild", nhs_number=VALID_NHS)
    InvolvementFactory(child=hidden, agency=w.cyjs)
    response = page_client(w.csc_worker).post("/children/new/", child_form())
    assert response.status_code == 200
    assert response.context["form"].errors["nhs_number"] == [services.NHS_NUMBER_REFUSED]
    page = response.content.decode()
    assert "already recorded" not in page and "Rowan" not in page and f"/children/{hidden.pk}/" not in page
    assert Child.objects.count() == 1
    [row] = nhs_refusals(hidden)
    assert (row.user, row.outcome, row.action) == (w.csc_worker, AccessEvent.Outcome.DENIED, AccessEvent.Action.WRITE)


def test_adding_a_child_with_a_visible_childs_nhs_number_links_to_them(w):
    known = ChildFactory(first_name="Casey", last_name="Knownchild", nhs_number=VALID_NHS)
    InvolvementFactory(child=known, agency=w.csc)
    response = page_client(w.csc_worker).post("/children/new/", child_form())
    assert response.context["form"].errors["nhs_number"] == [services.NHS_NUMBER_IN_USE]
    assert f'href="/children/{known.pk}/">Open the record of Casey Knownchild</a>' in response.content.decode()
    assert nhs_refusals(known) == []


def test_changing_to_a_hidden_childs_nhs_number_is_refused_the_same_way(w):
    hidden = ChildFactory(nhs_number=VALID_NHS, restricted=True)
    InvolvementFactory(child=hidden, agency=w.csc)
    mine = ChildFactory()
    InvolvementFactory(child=mine, agency=w.csc, allocated_worker=w.csc_worker)
    with pytest.raises(services.NhsNumberInUse) as refused:
        services.update_child(
            child=mine,
            updated_by=w.csc_worker,
            decision=services.AccessDecision(True, "normal"),
            expected_version=1,
            data={"nhs_number": VALID_NHS},
        )
    assert refused.value.message_dict == {"nhs_number": [services.NHS_NUMBER_REFUSED]}
    assert refused.value.existing is None
    assert len(nhs_refusals(hidden)) == 1
    mine.refresh_from_db()
    assert mine.nhs_number is None


def contact_body(nhs_number):
    return {
        "received_at": "2026-01-05T10:00:00Z",
        "referrer": {"name": "A Teacher", "agency": "education"},
        "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01", "nhs_number": nhs_number},
        "concerns": "free text",
        "consent": "given",
    }


def test_a_partner_sending_a_hidden_childs_nhs_number_is_refused_without_confirming_it(w):
    hidden = ChildFactory(first_name="Rowan", last_name="Hiddenchild", nhs_number=VALID_NHS)
    InvolvementFactory(child=hidden, agency=w.csc)
    answer = api_client(w.teacher).post("/api/v1/contacts/", contact_body(VALID_NHS), format="json")
    assert answer.status_code == 400
    assert answer.json() == {"child.nhs_number": [services.NHS_NUMBER_REFUSED]}
    assert Child.objects.count() == 1
    # Kept although the contact was not: auditors see who tries numbers.
    [row] = nhs_refusals(hidden)
    assert (row.user, row.outcome) == (w.teacher, AccessEvent.Outcome.DENIED)


def test_mash_sending_a_visible_childs_nhs_number_is_told_to_search(w):
    known = ChildFactory(nhs_number=VALID_NHS)
    ContactFactory(child=known, agency=w.mash)  # open at the front door: MASH sees the child
    answer = api_client(w.mash_worker).post("/api/v1/contacts/", contact_body(VALID_NHS), format="json")
    assert answer.status_code == 400
    assert answer.json() == {"child.nhs_number": [services.NHS_NUMBER_IN_USE]}
    assert nhs_refusals(known) == []


def test_the_referral_journey_refuses_a_hidden_childs_nhs_number_the_same_way(w):
    from tests.test_front_door_pages import answer_after_child, new_child_answers

    hidden = ChildFactory(first_name="Rowan", last_name="Hiddenchild", nhs_number=VALID_NHS)
    InvolvementFactory(child=hidden, agency=w.cyjs)
    client = page_client(w.teacher)
    client.post("/referrals/new/child-details/", new_child_answers(nhs_number=VALID_NHS))
    answer_after_child(client)
    response = client.post("/referrals/new/check/")
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert services.NHS_NUMBER_REFUSED in page
    assert "Rowan" not in page and "Hiddenchild" not in page
    assert Child.objects.count() == 1
    [row] = nhs_refusals(hidden)
    assert (row.user, row.outcome) == (w.teacher, AccessEvent.Outcome.DENIED)

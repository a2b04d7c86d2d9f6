"""The API answers bad input with a 4xx and a JSON body, never a 500; lists take one `?child=`
filter; answers match the schema; implausible input is refused with field errors."""

import copy
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from casework import limits
from referrals.forms import ReferrerForm
from tests.court_builders import court_world, hearing
from tests.factories import ChildFactory, InvolvementFactory, front_door_world
from tests.pathway_builders import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def w():
    return front_door_world()


def assert_json(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- Ids in URLs ---------------------------------------------------------------------------


def _id_paths():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(path for path in paths if "{id}" in path)


def test_every_id_route_is_documented_as_a_bounded_integer(schema):
    id_paths = [path for path in schema["paths"] if "{id}" in path]
    assert len(id_paths) > 40
    for path in id_paths:
        for operation in schema["paths"][path].values():
            (param,) = [p for p in operation["parameters"] if p["in"] == "path"]
            assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}, path


@pytest.mark.parametrize("bad", ["abc", "1.5", "-1", "9" * 19, "%00", "1e3"])
def test_an_id_that_is_not_a_record_id_is_a_json_404_on_every_route(w, bad):
    api = api_for(w.csc_worker)
    for path in _id_paths():
        url = path.replace("{id}", bad)
        for method in ("get", "post", "patch"):
            response = getattr(api, method)(url, {}, format="json")
            assert response.status_code in (404, 405), (method, url, response.status_code)
            assert response["Content-Type"].startswith("application/json"), (method, url)


def test_a_huge_id_that_fits_the_pattern_is_404(w):
    assert_json(api_for(w.csc_worker).get(f"/api/v1/children/{'9' * 18}/"), 404)


# --- ?child= -----------------------------------------------------------------------------

PATHWAY_LISTS = [
    "assessments",
    "cin-plans",
    "strategy-discussions",
    "section-47-enquiries",
    "conferences",
    "child-protection-plans",
    "case-notes",
    "custody-episodes",
    "court-appearances",
    "remands",
    "orders",
    "prevention-referrals",
    "hsb-consultations",
    "serious-incidents",
    "lead-agency-decisions",
    "joint-disagreements",
    "looked-after-reviews",
    "custody-visits",
    "bail-package-reviews",
    "custody-planning-meetings",
]


@pytest.mark.parametrize("value", ["abc", "-3", "1.0", "9" * 19, "٣"])
@pytest.mark.parametrize("name", PATHWAY_LISTS)
def test_a_child_filter_that_is_not_an_id_is_a_400_naming_child(w, name, value):
    body = assert_json(api_for(w.cyjs_worker).get(f"/api/v1/{name}/", {"child": value}), 400)
    assert list(body) == ["child"] and body["child"]


def test_every_pathway_list_documents_the_child_filter(schema):
    for name in PATHWAY_LISTS:
        params = schema["paths"][f"/api/v1/{name}/"]["get"]["parameters"]
        assert [p for p in params if p["name"] == "child"], name


def test_the_child_filter_narrows_court_appearances_and_stays_within_the_children_the_caller_sees():
    w = court_world()
    other = ChildFactory(first_name="Kit", last_name="Otherchild")
    InvolvementFactory(
        child=other, agency=w.cyjs, kind="yj_court_order", allocated_worker=w.cyjs_worker, team=w.cyjs_team
    )
    elsewhere = court_world()  # another authority: its child is hidden from the caller
    hidden = elsewhere.child
    mine, theirs = hearing(w), hearing(w, child=other)
    hearing(elsewhere)
    api = api_for(w.cyjs_worker)

    def ids(**params):
        return [row["id"] for row in assert_json(api.get("/api/v1/court-appearances/", params), 200)["results"]]

    assert sorted(ids()) == sorted([mine.pk, theirs.pk])
    assert ids(child=w.child.pk) == [mine.pk]
    assert ids(child=other.pk) == [theirs.pk]
    assert ids(child=hidden.pk) == []  # a hidden child's records never show, filter or not


# --- Pages, JSON, NUL bytes, idempotency keys ------------------------------------------------


@pytest.mark.parametrize("page", ["99999999999999999999", "1000001", "0", "-1", "false"])
def test_a_contacts_page_that_is_not_a_page_number_is_a_json_404(w, page):
    assert_json(api_for(w.mash_worker).get("/api/v1/contacts/", {"page": page}), 404)


def _deep(levels):
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("url", ["/api/v1/contacts/", "/api/v1/auth/token/", "/api/v1/assessments/"])
def test_json_nested_a_thousand_deep_is_a_400(w, url):
    response = api_for(w.service).post(url, _deep(1000), content_type="application/json")
    assert "detail" in assert_json(response, 400)


def test_json_nested_a_little_past_the_limit_is_a_400_and_within_it_is_read(w):
    api = api_for(w.service)
    too_deep = '{"concerns": ' + _deep(40) + "}"
    assert (
        "nested" in assert_json(api.post("/api/v1/contacts/", too_deep, content_type="application/json"), 400)["detail"]
    )
    shallow = assert_json(api.post("/api/v1/contacts/", '{"concerns": [[1]]}', content_type="application/json"), 400)
    assert "concerns" in shallow and "detail" not in shallow


def test_a_nul_byte_in_a_query_parameter_is_a_400_naming_it(w):
    body = assert_json(api_for(w.mash_worker).get("/api/v1/contacts/?rag=re%00d"), 400)
    assert list(body) == ["rag"]
    assert assert_json(api_for(w.csc_worker).get("/api/v1/assessments/?status=%00"), 400) == {
        "status": [body["rag"][0]]
    }


def _contact_body():
    return {
        "received_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "referrer": {"name": "A Teacher", "agency": "education"},
        "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01"},
        "concerns": "free text",
        "categories": ["neglect"],
        "consent": "given",
    }


@pytest.mark.parametrize("key", ["abc\x00def", "k" * 201])
def test_an_idempotency_key_the_database_cannot_hold_is_a_400(w, key):
    response = api_for(w.service).post("/api/v1/contacts/", _contact_body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert list(assert_json(response, 400)) == ["Idempotency-Key"]


def test_an_idempotency_key_of_200_characters_is_used(w):
    api = api_for(w.service)
    first = api.post("/api/v1/contacts/", _contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 200)
    assert first.status_code == 201, first.content


# --- Limits ------------------------------------------------------------------------------


def _refused(w, field_path, **changes):
    data = copy.deepcopy(_contact_body())
    for key, value in changes.items():
        target = data
        *parents, last = key.split("__")
        for parent in parents:
            target = target[parent]
        target[last] = value
    body = assert_json(api_for(w.service).post("/api/v1/contacts/", data, format="json"), 400)
    node = body
    for part in field_path.split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


def test_a_contact_received_in_1204_is_refused(w):
    assert "1900" in str(_refused(w, "received_at", received_at="1204-03-01T10:00:00Z"))


def test_a_contact_received_tomorrow_is_refused_but_a_clock_a_minute_ahead_is_not(w):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    assert "future" in str(_refused(w, "received_at", received_at=tomorrow))
    body = _contact_body() | {"received_at": (timezone.now() + timedelta(minutes=1)).isoformat()}
    assert api_for(w.service).post("/api/v1/contacts/", body, format="json").status_code == 201


def test_a_child_born_in_the_future_or_an_unborn_child_due_in_a_century_is_refused(w):
    assert "past" in str(_refused(w, "child.date_of_birth", child__date_of_birth="2999-01-01"))
    assert "years" in str(
        _refused(
            w, "child.expected_date_of_birth", child__date_of_birth=None, child__expected_date_of_birth="2126-01-01"
        )
    )


def test_two_megabytes_of_concerns_are_refused(w):
    assert "20,000" in str(_refused(w, "concerns", concerns="x" * 2_000_000))


def test_twenty_thousand_household_members_and_fifty_thousand_categories_are_refused(w):
    assert _refused(w, "household", household=[{"name": "A Person"}] * 20_000)
    assert _refused(w, "categories", categories=["neglect"] * 50_000)


def test_limits_are_in_the_schema(schema):
    contact = schema["components"]["schemas"][
        "ContactCreateRequest" if "ContactCreateRequest" in schema["components"]["schemas"] else "ContactCreate"
    ]
    props = contact["properties"]
    assert props["concerns"]["maxLength"] == limits.MAX_TEXT
    assert props["household"]["maxItems"] == limits.MAX_ITEMS
    assert props["categories"]["maxItems"] == limits.MAX_ITEMS


def test_the_referral_page_refuses_a_received_date_before_1900_or_in_the_future():
    def errors(day):
        form = ReferrerForm(
            data={
                "name": "A Teacher",
                "received_date_day": day.day,
                "received_date_month": day.month,
                "received_date_year": day.year,
                "received_time": "10:00",
            }
        )
        return form.errors.get("received_date", [])

    assert errors(timezone.localdate()) == []
    assert "1900" in str(errors(timezone.localdate().replace(year=1204)))
    assert "future" in str(errors(timezone.localdate() + timedelta(days=2)))


# --- The schema ----------------------------------------------------------------------------


def test_blank_choices_are_in_the_schema_where_the_answer_can_be_blank(schema):
    components = schema["components"]["schemas"]
    blank = {"$ref": "#/components/schemas/BlankEnum"}
    for component, field in [
        ("Section47Enquiry", "outcome"),
        ("Section47Enquiry", "next_step"),
        ("Assessment", "outcome"),
        ("CourtAppearance", "outcome"),
        ("Remand", "establishment"),
        ("Involvement", "legal_basis"),
    ]:
        assert blank in components[component]["properties"][field].get("oneOf", []), (component, field)


def test_conference_requests_are_documented_as_the_plain_list_they_are(schema):
    answer = schema["paths"]["/api/v1/section-47-enquiries/{id}/conference-requests/"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["type"] == "array"


def test_every_operation_documents_its_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch"):
                assert {"409", "415"} <= codes, (method, path)
            for code in codes - {"200", "201", "204"}:
                assert operation["responses"][code].get("content"), (method, path, code)


def test_error_bodies_keep_their_shapes(w):
    api = api_for(w.service)
    assert set(assert_json(api.post("/api/v1/contacts/", {}, format="json"), 400)) >= {"received_at", "concerns"}
    assert re.search("not found", assert_json(api.get("/api/v1/children/abc/"), 404)["detail"], re.I)

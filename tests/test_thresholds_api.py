"""API: GET /api/v1/thresholds/frameworks/ and POST /api/v1/thresholds/assessments/."""

import pytest

from accounts.models import AccessEvent
from tests.factories import ChildFactory, InvolvementFactory, UserFactory
from tests.pathway_builders import api_for
from thresholds.models import ThresholdAssessment

pytestmark = pytest.mark.django_db
URL = "/api/v1/thresholds/assessments/"


def test_frameworks_list_levels_domains_and_indicators():
    response = api_for(UserFactory()).get("/api/v1/thresholds/frameworks/")
    assert response.status_code == 200
    by_code = {fw["code"]: fw for fw in response.json()}
    assert len(by_code["LAN"]["indicators"]) == 184 and len(by_code["CBC"]["indicators"]) == 117
    assert [lv["number"] for lv in by_code["CBC"]["levels"]] == [1, 2, 3, 4]
    assert {d["triangle_side"] for d in by_code["CBC"]["domains"]} == {"CDN", "PC", "FEF"}
    baby = next(i for i in by_code["LAN"]["indicators"] if i["code"] == "LAN-L4-HEA-11")
    assert baby["flags"] == ["significant_harm"] and baby["source_line"] == "633" and baby["level"] == 4


def test_an_assessment_without_a_child_answers_the_level_and_stores_nothing():
    response = api_for(UserFactory()).post(
        URL, {"framework": "LAN", "indicators": ["LAN-L3-BCS-03", "LAN-L3-BCS-04"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["suggested_level"] == 3 and body["id"] is None and body["reasons"]
    assert not ThresholdAssessment.objects.exists()


def test_an_assessment_for_a_child_is_stored_with_the_version_and_logged():
    user = UserFactory()
    child = ChildFactory()
    InvolvementFactory(child=child, agency=user.agency)
    response = api_for(user).post(
        URL, {"framework": "LAN", "indicators": ["LAN-L4-HEA-11"], "child": child.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["suggested_level"] == 4 and response.json()["urgency"] == "immediate"
    stored = ThresholdAssessment.objects.get()
    assert stored.framework.version == response.json()["framework_version"]
    assert AccessEvent.objects.filter(
        child=child, user=user, what="api:threshold-assessments-create", action="write"
    ).exists()


def test_a_child_the_caller_may_not_see_is_404():
    response = api_for(UserFactory()).post(
        URL, {"framework": "LAN", "indicators": [], "child": ChildFactory().pk}, format="json"
    )
    assert response.status_code == 404


def test_bad_input_is_400_with_field_errors():
    client = api_for(UserFactory())
    assert "indicators" in client.post(URL, {"framework": "LAN", "indicators": ["NOPE-1"]}, format="json").json()
    assert "framework" in client.post(URL, {"framework": "XYZ", "indicators": []}, format="json").json()
    assert "indicators" in client.post(URL, {"framework": "LAN"}, format="json").json()
    assert (
        client.post(URL, {"framework": "LAN", "indicators": [], "missing_episodes_90d": -1}, format="json").status_code
        == 400
    )


def test_the_checklist_uses_the_framework_of_the_users_authority():
    from accounts.models import Authority
    from thresholds.selectors import active_framework

    lancashire = Authority(name="Lancashire", la_code="888")
    assert active_framework(authority=lancashire).code == "LAN"
    assert active_framework("CBC", authority=lancashire).code == "CBC"

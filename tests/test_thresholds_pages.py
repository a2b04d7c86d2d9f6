"""Threshold checklist pages: for a child, for a new contact, the decision, consent, the MASH
prefill, and the public /thresholds/check/ that stores nothing."""

import pytest
from django.test import Client

from accounts.models import AccessEvent
from referrals.models import Contact
from tests.factories import ChildFactory, InvolvementFactory, UserFactory
from tests.pathway_builders import client_for
from thresholds.models import Framework, ThresholdAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_and_child():
    user = UserFactory()
    child = ChildFactory(first_name="Ada", last_name="Example")
    InvolvementFactory(child=child, agency=user.agency)
    return user, child


def _post_checklist(client, url, codes, **extra):
    return client.post(
        url,
        {
            "framework": extra.pop("framework", "LAN"),
            "significant_harm": extra.pop("significant_harm", "no"),
            "indicators": codes,
            **extra,
        },
    )


def test_checklist_for_a_child_groups_by_domain_and_is_logged(worker_and_child):
    user, child = worker_and_child
    page = client_for(user).get(f"/children/{child.pk}/thresholds/new/?framework=LAN")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Child&#x27;s developmental needs" in html and "Parenting capacity" in html and "Strengths" in html
    assert 'id="ind-LAN-L4-HEA-11"' in html and "Unexplained injury or bruising in a non-mobile baby" in html
    assert html.count('name="indicators"') == 184
    assert AccessEvent.objects.filter(child=child, user=user, what="page:threshold-new").exists()


def test_a_child_the_user_may_not_see_is_refused():
    page = client_for(UserFactory()).get(f"/children/{ChildFactory().pk}/thresholds/new/")
    assert page.status_code in (403, 404)


def test_submitting_shows_the_suggestion_with_reasons_and_keeps_the_version(worker_and_child):
    user, child = worker_and_child
    client = client_for(user)
    response = _post_checklist(
        client, f"/children/{child.pk}/thresholds/new/", ["LAN-L3-BCS-03", "LAN-L3-BCS-04", "LAN-L1-HEA-01"]
    )
    assessment = ThresholdAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/thresholds/assessments/{assessment.pk}/"
    assert assessment.framework == Framework.objects.get(code="LAN", active=True) and assessment.child == child
    assert AccessEvent.objects.filter(child=child, what="page:threshold-new", action="write").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Suggested level 3 because:" in html
    assert "early help assessment" in html  # the step-up warning
    assert "Physically well" in html  # the strength, shown apart


def test_nothing_selected_is_an_error_summary(worker_and_child):
    user, child = worker_and_child
    html = client_for(user).post(f"/children/{child.pk}/thresholds/new/", {"framework": "LAN"}).content.decode()
    assert "There is a problem" in html and "#id_significant_harm_0" in html
    html = _post_checklist(client_for(user), f"/children/{child.pk}/thresholds/new/", []).content.decode()
    assert (
        "Select at least one need or strength" in html
        and 'href="#id_indicators_0"' in html
        and 'id="id_indicators_0"' in html
    )
    assert not ThresholdAssessment.objects.exists()


def test_a_different_level_needs_a_rationale_and_early_help_needs_consent(worker_and_child):
    user, child = worker_and_child
    client = client_for(user)
    url = _post_checklist(client, f"/children/{child.pk}/thresholds/new/", ["LAN-L3-BCS-03", "LAN-L3-BCS-04"])[
        "Location"
    ]
    html = client.post(url, {"final_level": "2", "consent": "given"}).content.decode()
    assert "There is a problem" in html and "Explain why you chose level 2" in html
    html = client.post(url, {"final_level": "3", "consent": "refused"}).content.decode()
    assert "advice without naming the family" in html
    html = client.post(url, {"final_level": "3", "consent": "not_sought"}).content.decode()
    assert "Say how asking for consent would put the child at risk" in html
    assert (
        client.post(
            url, {"final_level": "3", "consent": "not_sought", "consent_reason": "Asking would alert the abuser"}
        ).status_code
        == 302
    )
    html = client.get(url).content.decode()
    assert "Start the early help route" in html and "Start a contact to MASH" not in html
    assert ThresholdAssessment.objects.get().final_level == 3


def test_level_4_starts_a_contact_to_mash_prefilled(worker_and_child):
    user, child = worker_and_child
    client = client_for(user)
    url = _post_checklist(client, f"/children/{child.pk}/thresholds/new/", ["LAN-L4-HEA-11", "LAN-L2-LRN-04"])[
        "Location"
    ]
    assert client.post(url, {"final_level": "4"}).status_code == 302
    html = client.get(url).content.decode()
    assert "Start a contact to MASH" in html and "your local front door" in html.lower()
    pk = ThresholdAssessment.objects.get().pk
    response = client.post(f"/thresholds/assessments/{pk}/contact/")
    assert response.status_code == 302 and response["Location"] == "/referrals/new/concerns/"
    referral = client.session["referral"]
    assert referral["child"] == {"id": child.pk}
    assert referral["concerns"]["referrer_level"] == "4"
    page = client.get("/referrals/new/concerns/").content.decode()
    assert "Unexplained injury or bruising in a non-mobile baby (level 4, LAN-L4-HEA-11)" in page
    assert not Contact.objects.exists()  # the practitioner checks and sends it


def test_a_contact_cannot_start_before_a_top_level_decision(worker_and_child):
    user, child = worker_and_child
    client = client_for(user)
    _post_checklist(client, f"/children/{child.pk}/thresholds/new/", ["LAN-L2-LRN-04"])
    pk = ThresholdAssessment.objects.get().pk
    assert client.post(f"/thresholds/assessments/{pk}/contact/").status_code == 404
    assert "referral" not in client.session


def test_someone_else_cannot_open_the_assessment(worker_and_child):
    user, child = worker_and_child
    url = _post_checklist(client_for(user), f"/children/{child.pk}/thresholds/new/", ["LAN-L2-LRN-04"])["Location"]
    assert client_for(UserFactory()).get(url).status_code == 404


def test_a_new_contact_checklist_has_no_child():
    user = UserFactory()
    client = client_for(user)
    response = _post_checklist(client, "/thresholds/new/?framework=CBC", ["CBC-L4-DEV-15"], framework="CBC")
    assessment = ThresholdAssessment.objects.get()
    assert assessment.child is None and assessment.framework.code == "CBC" and assessment.suggested_level == 4
    client.post(response["Location"], {"final_level": "4"})
    assert client.post(f"/thresholds/assessments/{assessment.pk}/contact/")["Location"] == "/referrals/new/"
    assert "child" not in client.session["referral"]


def test_the_public_check_needs_no_sign_in_and_stores_nothing():
    client = Client()
    page = client.get("/thresholds/check/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "nothing you select here is saved" in html and "first_name" not in html
    response = _post_checklist(client, "/thresholds/check/", ["CBC-L3-PAR-09", "CBC-L3-FEF-01"], framework="CBC")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Suggested level 3 because:" in html and "Your local front door (placeholder)" in html
    assert "Level 3 is consent led" in html
    assert not ThresholdAssessment.objects.exists() and not AccessEvent.objects.exists()
    assert "Start a contact to MASH" not in html

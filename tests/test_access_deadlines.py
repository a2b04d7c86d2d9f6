"""Deadlines follow the sharing policy of the record they run on.

A child serving a detention and training order, looked after by CSC and known to CYJS, with an open
MASH contact: the order has a resettlement planning countdown (its release date) and the first
statutory visit in custody (its placement). Whoever may not read the order's section (or, for the
visit, the custody care section) sees neither the deadline nor its explanation, on the record page,
through the API or on their own work page; the lists say nothing of them.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AccessEvent
from casework.models import JointWorkingProtocol
from notifications.clocks import start_clock
from notifications.models import Deadline
from notifications.selectors import deadlines_visible_to
from tests.custody_care_builders import sentence_world
from tests.factories import ContactFactory, grant

pytestmark = pytest.mark.django_db

RESETTLEMENT = "resettlement_planning"
FIRST_VISIT = "custody_first_statutory_visit"
DECISION = "referral_decision"
YOUTH_JUSTICE_CLOCKS = {RESETTLEMENT, FIRST_VISIT}


@pytest.fixture
def w():
    w = sentence_world()
    w.contact = ContactFactory(child=w.child, agency=w.mash)  # open: MASH sees the child (rule 3)
    start_clock(DECISION, w.contact, child=w.child, agency=w.mash)
    w.youth_justice = list(
        Deadline.objects.filter(child=w.child, rule_code__in=YOUTH_JUSTICE_CLOCKS).select_related("rule")
    )
    assert {d.rule_code for d in w.youth_justice} == YOUTH_JUSTICE_CLOCKS
    return w


def share_with_csc(w, sections):
    JointWorkingProtocol.objects.update_or_create(authority=w.authority, defaults={"csc_reads": list(sections)})


def page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def api_codes(user, child):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/children/{child.pk}/deadlines/")
    assert response.status_code == 200
    return {row["rule"] for row in response.json()}, response.content.decode()


def assert_says_nothing_of_youth_justice(w, text):
    for deadline in w.youth_justice:
        assert deadline.rule.title not in text
        assert deadline.explanation not in text
    assert "Placement in custody" not in text and "Release date" not in text


@pytest.mark.parametrize("who", ["mash_worker", "mash_manager", "teacher"])
def test_mash_and_partners_see_the_child_but_no_youth_justice_deadline(w, who):
    user = getattr(w, who)
    if who == "teacher":
        grant(user=user, child=w.child)
    codes, body = api_codes(user, w.child)
    assert codes == {DECISION}
    assert_says_nothing_of_youth_justice(w, body)
    record = page(user, f"/children/{w.child.pk}/")
    assert_says_nothing_of_youth_justice(w, record)
    # Leaving them out is not logged as reading anything more than the record.
    assert not AccessEvent.objects.filter(user=user, outcome=AccessEvent.Outcome.DENIED).exists()


@pytest.mark.parametrize(
    "sections, expected",
    [
        # Lancashire's defaults share orders and custody care with CSC.
        (None, {RESETTLEMENT, FIRST_VISIT, DECISION}),
        (["orders"], {RESETTLEMENT, DECISION}),
        (["custody_care"], {DECISION}),
        (["custody", "court", "remand"], {DECISION}),
    ],
)
def test_csc_sees_exactly_what_the_protocol_shares(w, sections, expected):
    if sections is not None:
        share_with_csc(w, sections)
    codes, body = api_codes(w.csc_worker, w.child)
    assert codes == expected
    record = page(w.csc_worker, f"/children/{w.child.pk}/")
    for deadline in w.youth_justice:
        assert (deadline.explanation in record) == (deadline.rule_code in expected)
        assert (deadline.explanation in body) == (deadline.rule_code in expected)


def test_cyjs_sees_every_deadline(w):
    codes, _body = api_codes(w.cyjs_worker, w.child)
    assert codes == YOUTH_JUSTICE_CLOCKS | {DECISION}
    record = page(w.cyjs_worker, f"/children/{w.child.pk}/")
    for deadline in w.youth_justice:
        assert deadline.explanation in record


def test_my_work_leaves_out_a_deadline_the_protocol_does_not_share(w):
    [visit] = [d for d in w.youth_justice if d.rule_code == FIRST_VISIT]
    assert visit.responsible == w.csc_worker
    assert visit.rule.title in page(w.csc_worker, "/")
    share_with_csc(w, ["orders"])
    assert visit.rule.title not in page(w.csc_worker, "/")
    assert not deadlines_visible_to(w.csc_worker).filter(pk=visit.pk).exists()


def test_deadlines_of_a_child_the_user_may_not_see_are_left_out(w):
    w.contact.delete()
    assert not deadlines_visible_to(w.mash_worker).filter(child=w.child).exists()
    assert deadlines_visible_to(w.cyjs_worker).filter(child=w.child).count() == 3


def test_the_order_page_and_api_keep_custody_care_clocks_to_those_who_read_custody_care(w):
    share_with_csc(w, ["orders"])
    [visit] = [d for d in w.youth_justice if d.rule_code == FIRST_VISIT]
    record = page(w.csc_worker, f"/orders/{w.order.pk}/")
    assert "Resettlement plan" in record
    assert visit.rule.title not in record
    client = APIClient()
    client.force_authenticate(w.csc_worker)
    clocks = client.get(f"/api/v1/orders/{w.order.pk}/").json()["deadlines"]
    assert {c["rule_code"] for c in clocks} == {RESETTLEMENT}

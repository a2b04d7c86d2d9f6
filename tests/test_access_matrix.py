"""The access matrix: every role, in every access scenario, through every channel.

Each case builds one child for the user under test, asks for it once through
one channel (record page, API detail, API search) and checks both the answer
and the single access-log row the request wrote.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import access
from accounts.models import MANAGER_ROLES, MASH_ROLES, AccessEvent, BreakGlassAccess, Role
from referrals import services as front_door
from referrals.models import Contact, Disagreement
from tests.factories import (
    ChildFactory,
    ContactFactory,
    InvolvementFactory,
    TeamFactory,
    UserFactory,
    authority_with_agencies,
    break_glass,
    grant,
    worker_in_new_team,
)

pytestmark = pytest.mark.django_db


SCENARIOS = (
    "own_agency",
    "other_agency",
    "recently_closed",
    "restricted",
    "granted",
    "expired_grant",
    "break_glass",
    "expired_break_glass",
)
CHANNELS = ("page", "api_detail", "api_list")

N = None  # refused: the log records purpose "none"

# What each role gets in each scenario: the purpose logged when access is allowed, or N when refused.
# fmt: off
EXPECTED = {
    #                      own_agency  other_agency  recently_closed  restricted  granted  expired_grant  break_glass    expired_break_glass
    Role.PRACTITIONER:     ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.TEAM_MANAGER:     ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.SENIOR_MANAGER:   ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.HEAD_OF_SERVICE:  ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.MASH_WORKER:      ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.MASH_MANAGER:     ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.CONFERENCE_CHAIR: ("normal",  N,            "normal",        N,          "grant", N,             "break_glass", N),
    Role.AUDITOR:          (N,         N,            N,               N,          N,       N,             N,             N),
    Role.ADMINISTRATOR:    ("admin",   "admin",      "admin",         "admin",    "admin", "admin",       "admin",       "admin"),
    Role.SERVICE_ACCOUNT:  ("normal",  N,            "normal",        N,          "grant", N,             N,             N),
}
# fmt: on


def expected_purpose(role, scenario):
    return EXPECTED[role][SCENARIOS.index(scenario)]


# --- building the world -----------------------------------------------------------------


@pytest.fixture
def world():
    csc, mash, cyjs = authority_with_agencies()
    return SimpleNamespace(csc=csc, mash=mash, cyjs=cyjs)


def make_user(world, role):
    """A user of this role in a team of their agency (MASH roles in MASH, others in CSC)."""
    agency = world.mash if role in MASH_ROLES else world.csc
    team = TeamFactory(agency=agency)
    user = UserFactory(role=role, agency=agency, team=team)
    if role in MANAGER_ROLES:
        team.manager = user
        team.save(update_fields=["manager"])
    return user


def someone_else(agency):
    """Another worker in another team of the agency, with another manager."""
    worker, team, _manager = worker_in_new_team(agency)
    return worker, team


def involve(child, agency, **fields):
    worker, team = someone_else(agency)
    return InvolvementFactory(child=child, agency=agency, allocated_worker=worker, team=team, **fields)


def work_with(child, user):
    """The user's agency works with the child now: MASH holds a contact, others have an involvement."""
    if user.role in MASH_ROLES:
        return mash_contact(child, "open", user.agency)
    return involve(child, user.agency)


def build_child(world, user, scenario):
    now = timezone.now()
    today = timezone.localdate()
    child = ChildFactory(restricted=scenario == "restricted")
    if user.role in MASH_ROLES and scenario in ("own_agency", "restricted", "recently_closed"):
        # MASH works with a child through the contacts it holds (rule 3), not through involvements.
        mash_contact(child, "open" if scenario != "recently_closed" else "decided_20_days_ago", user.agency)
    elif scenario in ("own_agency", "restricted"):
        involve(child, user.agency)
    elif scenario == "recently_closed":
        involve(child, user.agency, start=today - relativedelta(years=2), end=today - relativedelta(months=3))
    else:
        involve(child, world.cyjs)
    if scenario == "granted":
        grant(user=user, child=child, expires_at=now + timedelta(days=7))
    elif scenario == "expired_grant":
        grant(user=user, child=child, expires_at=now - timedelta(days=1))
    elif scenario == "break_glass":
        break_glass(user=user, child=child)
    elif scenario == "expired_break_glass":
        break_glass(user=user, child=child, expires_at=now - timedelta(hours=1))
    return child


# --- asking -------------------------------------------------------------------------------


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def last_event_id():
    return AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(event_id):
    return list(AccessEvent.objects.filter(id__gt=event_id).order_by("id"))


def returned_ids(search_event):
    """The child ids a search row says came back ("query: ...\\nreturned: 1,2,3")."""
    lines = search_event.detail.splitlines()
    returned = [line for line in lines if line.startswith("returned:")]
    assert len(returned) == 1, "a search row names what it returned"
    ids = returned[0].removeprefix("returned:").strip()
    return [int(i) for i in ids.split(",")] if ids else []


def refused_page_status(user, child):
    """A restricted child, or any child for someone without case content, looks missing."""
    return 404 if child.restricted or user.role == Role.AUDITOR else 403


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_matrix(world, role, scenario, channel):
    user = make_user(world, role)
    child = build_child(world, user, scenario)
    purpose = expected_purpose(role, scenario)
    allowed = purpose is not None
    before = last_event_id()

    if channel == "page":
        response = page_client(user).get(f"/children/{child.pk}/")
        if allowed:
            assert response.status_code == 200
            assert response.context["child"] == child
        else:
            assert response.status_code == refused_page_status(user, child)
            assert child.first_name not in response.content.decode()
    elif channel == "api_detail":
        response = api_client(user).get(f"/api/v1/children/{child.pk}/")
        if allowed:
            assert response.status_code == 200
            assert response.data["id"] == child.pk
        else:
            assert response.status_code == 404  # never 403: the API does not confirm the child exists
            assert child.first_name not in response.content.decode()
    else:
        response = api_client(user).get("/api/v1/children/", {"search": child.first_name})
        assert response.status_code == 200
        listed = [row["id"] for row in response.data["results"]]
        assert (child.pk in listed) is allowed

    events = events_since(before)
    assert len(events) == 1, f"expected exactly one access-log row, got {len(events)}"
    event = events[0]
    assert event.user_id == user.pk
    assert event.username == user.username
    if channel == "api_list":
        assert event.action == AccessEvent.Action.SEARCH
        assert event.what == "api:children-list"
        assert event.child_id is None
        # The search itself is allowed; what it may return is the access policy's business.
        assert event.outcome == AccessEvent.Outcome.ALLOWED
        assert event.purpose == ("admin" if role == Role.ADMINISTRATOR else "normal")
        assert returned_ids(event) == listed
        assert (child.pk in returned_ids(event)) is allowed
    else:
        assert event.action == AccessEvent.Action.READ
        assert event.what == ("page:child-record" if channel == "page" else "api:children-detail")
        assert event.child_id == child.pk
        assert event.outcome == (AccessEvent.Outcome.ALLOWED if allowed else AccessEvent.Outcome.DENIED)
        assert event.purpose == (purpose if allowed else AccessEvent.Purpose.NONE)


def test_matrix_covers_every_role_and_scenario():
    roles = {
        Role.PRACTITIONER,
        Role.TEAM_MANAGER,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.MASH_WORKER,
        Role.MASH_MANAGER,
        Role.CONFERENCE_CHAIR,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
        Role.SERVICE_ACCOUNT,
    }
    assert set(EXPECTED) == roles
    assert all(len(row) == len(SCENARIOS) for row in EXPECTED.values())


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_WORKER])
def test_involvement_closed_seven_months_ago_is_refused(world, role):
    user = make_user(world, role)
    today = timezone.localdate()
    child = ChildFactory()
    involve(child, user.agency, start=today - relativedelta(years=2), end=today - relativedelta(months=7))

    before = last_event_id()
    response = page_client(user).get(f"/children/{child.pk}/")
    assert response.status_code == 403
    [event] = events_since(before)
    assert (event.outcome, event.purpose) == ("denied", "none")

    assert api_client(user).get(f"/api/v1/children/{child.pk}/").status_code == 404
    listed = api_client(user).get("/api/v1/children/", {"search": child.first_name}).data["results"]
    assert child.pk not in [row["id"] for row in listed]


# --- MASH (rule 3) ---------------------------------------------------------------------------


def mash_contact(child, state, agency):
    if state == "open":
        return ContactFactory(child=child, agency=agency)
    days = {"decided_20_days_ago": 20, "decided_40_days_ago": 40}[state]
    decided_at = timezone.now() - timedelta(days=days)
    return ContactFactory(
        child=child,
        agency=agency,
        received_at=decided_at - timedelta(days=1),
        status=Contact.Status.DECIDED,
        decided_at=decided_at,
    )


@pytest.mark.parametrize(
    "role, contact, allowed",
    [
        (Role.MASH_WORKER, "open", True),
        (Role.MASH_WORKER, "decided_20_days_ago", True),
        (Role.MASH_WORKER, "decided_40_days_ago", False),
        (Role.MASH_MANAGER, "open", True),
        (Role.MASH_MANAGER, "decided_40_days_ago", False),
        (Role.PRACTITIONER, "open", False),
        (Role.TEAM_MANAGER, "decided_20_days_ago", False),
    ],
)
def test_mash_roles_see_children_with_a_current_contact_without_any_involvement(world, role, contact, allowed):
    user = make_user(world, role)
    child = ChildFactory()
    mash_contact(child, contact, world.mash)
    assert not child.involvements.exists()

    before = last_event_id()
    response = page_client(user).get(f"/children/{child.pk}/")
    assert response.status_code == (200 if allowed else 403)
    [event] = events_since(before)
    assert (event.outcome, event.purpose) == (("allowed", "normal") if allowed else ("denied", "none"))

    assert api_client(user).get(f"/api/v1/children/{child.pk}/").status_code == (200 if allowed else 404)
    listed = api_client(user).get("/api/v1/children/", {"search": child.first_name}).data["results"]
    assert (child.pk in [row["id"] for row in listed]) is allowed


def test_mash_contact_does_not_open_a_restricted_child(world):
    user = make_user(world, Role.MASH_WORKER)
    child = ChildFactory(restricted=True)
    ContactFactory(child=child, agency=world.mash)
    assert page_client(user).get(f"/children/{child.pk}/").status_code == 404


def test_another_authoritys_mash_does_not_see_the_child(world):
    _csc, other_mash, _cyjs = authority_with_agencies()
    outsider = make_user(SimpleNamespace(mash=other_mash, csc=None), Role.MASH_WORKER)
    child = ChildFactory()
    mash_contact(child, "open", world.mash)
    assert page_client(outsider).get(f"/children/{child.pk}/").status_code == 403
    assert page_client(make_user(world, Role.MASH_WORKER)).get(f"/children/{child.pk}/").status_code == 200


# --- restricted children ----------------------------------------------------------------------


@pytest.fixture
def restricted(world):
    """A restricted CSC child allocated to a worker whose line manager is not the team's manager."""
    team_manager = UserFactory(role=Role.TEAM_MANAGER, agency=world.csc)
    team = TeamFactory(agency=world.csc, manager=team_manager)
    line_manager = UserFactory(role=Role.SENIOR_MANAGER, agency=world.csc)
    worker = UserFactory(agency=world.csc, team=team, line_manager=line_manager)
    colleague, _team, _manager = worker_in_new_team(world.csc)
    child = ChildFactory(restricted=True)
    InvolvementFactory(child=child, agency=world.csc, allocated_worker=worker, team=team)
    return SimpleNamespace(
        child=child, worker=worker, line_manager=line_manager, team_manager=team_manager, colleague=colleague
    )


@pytest.mark.parametrize("who", ["worker", "line_manager", "team_manager"])
def test_restricted_child_is_seen_by_the_allocated_worker_and_their_managers(restricted, who):
    user = getattr(restricted, who)
    child = restricted.child
    before = last_event_id()
    response = page_client(user).get(f"/children/{child.pk}/")
    assert response.status_code == 200
    assert "This is a restricted record" in response.content.decode()
    [event] = events_since(before)
    assert (event.outcome, event.purpose) == ("allowed", "normal")
    assert api_client(user).get(f"/api/v1/children/{child.pk}/").status_code == 200
    listed = api_client(user).get("/api/v1/children/", {"search": child.first_name}).data["results"]
    assert child.pk in [row["id"] for row in listed]


def test_restricted_child_is_hidden_from_a_colleague_in_the_same_agency(restricted):
    child = restricted.child
    response = page_client(restricted.colleague).get(f"/children/{child.pk}/")
    assert response.status_code == 404
    assert child.first_name not in response.content.decode()
    assert api_client(restricted.colleague).get(f"/api/v1/children/{child.pk}/").status_code == 404


def test_restricted_child_opens_with_an_explicit_grant(world, restricted):
    cyjs_practitioner = UserFactory(agency=world.cyjs)
    child = restricted.child
    assert page_client(cyjs_practitioner).get(f"/children/{child.pk}/").status_code == 404

    grant(user=cyjs_practitioner, child=child, expires_at=timezone.now() + timedelta(days=7))
    before = last_event_id()
    assert page_client(cyjs_practitioner).get(f"/children/{child.pk}/").status_code == 200
    [event] = events_since(before)
    assert (event.outcome, event.purpose) == ("allowed", "grant")


def test_break_glass_does_not_open_a_restricted_child(restricted):
    colleague, child = restricted.colleague, restricted.child
    break_glass(user=colleague, child=child)
    client = page_client(colleague)

    before = last_event_id()
    response = client.get(f"/children/{child.pk}/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Get emergency access" not in content
    assert "break-glass" not in content
    [event] = events_since(before)
    assert (event.outcome, event.purpose) == ("denied", "none")
    assert api_client(colleague).get(f"/api/v1/children/{child.pk}/").status_code == 404
    listed = api_client(colleague).get("/api/v1/children/", {"search": child.first_name}).data["results"]
    assert child.pk not in [row["id"] for row in listed]

    # Nor can they start new emergency access to it, and the attempt is logged as refused.
    before = last_event_id()
    response = client.post(
        f"/children/{child.pk}/break-glass/", {"reason": "A police officer rang about this child just now"}
    )
    assert response.status_code == 404
    assert BreakGlassAccess.objects.filter(child=child).count() == 1  # only the one built above
    [event] = events_since(before)
    assert (event.what, event.child_id, event.outcome, event.purpose) == (
        "break-glass:refused",
        child.pk,
        "denied",
        "none",
    )


# --- the refusal page ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_WORKER, Role.CONFERENCE_CHAIR])
def test_refused_page_explains_and_offers_break_glass(world, role):
    user = make_user(world, role)
    child = ChildFactory()
    involve(child, world.cyjs)
    response = page_client(user).get(f"/children/{child.pk}/")
    assert response.status_code == 403
    content = response.content.decode()
    assert "You do not have access to this record" in content
    assert f'action="/children/{child.pk}/break-glass/"' in content
    assert 'name="reason"' in content
    assert child.first_name not in content


@pytest.mark.parametrize("role, status", [(Role.SERVICE_ACCOUNT, 403), (Role.AUDITOR, 404)])
def test_refused_page_offers_no_break_glass_to_auditors_or_service_accounts(world, role, status):
    user = make_user(world, role)
    child = ChildFactory()
    involve(child, world.cyjs)
    response = page_client(user).get(f"/children/{child.pk}/")
    assert response.status_code == status
    content = response.content.decode()
    if status == 403:
        assert "You do not have access to this record" in content
    assert "break-glass" not in content
    assert 'name="reason"' not in content
    # And a hand-made request cannot start it either; the attempt is logged as refused.
    before = last_event_id()
    response = page_client(user).post(
        f"/children/{child.pk}/break-glass/", {"reason": "A police officer rang about this child just now"}
    )
    assert response.status_code == status
    assert not BreakGlassAccess.objects.filter(child=child).exists()
    [event] = events_since(before)
    assert (event.what, event.child_id, event.outcome, event.purpose) == (
        "break-glass:refused",
        child.pk,
        "denied",
        "none",
    )


# --- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.MASH_WORKER])
def test_search_never_shows_restricted_or_other_agency_children(world, role):
    user = make_user(world, role)
    surname = "Searchable"
    own = ChildFactory(first_name="Ownagency", last_name=surname)
    work_with(own, user)
    hidden_restricted = ChildFactory(first_name="Restrictedone", last_name=surname, restricted=True)
    work_with(hidden_restricted, user)
    other = ChildFactory(first_name="Otheragency", last_name=surname)
    involve(other, world.cyjs)

    before = last_event_id()
    response = page_client(user).get("/children/", {"q": surname})
    assert response.status_code == 200
    assert [c.pk for c in response.context["results"]] == [own.pk]
    content = response.content.decode()
    assert "Ownagency" in content
    assert "Restrictedone" not in content
    assert "Otheragency" not in content
    [event] = events_since(before)
    assert event.action == "search" and event.what == "page:child-search"
    assert returned_ids(event) == [own.pk]

    listed = api_client(user).get("/api/v1/children/", {"search": surname}).data["results"]
    assert [row["id"] for row in listed] == [own.pk]


# --- contacts go through the access policy ------------------------------------------------------


def contact_routed_to_csc(world, child):
    """A contact that went straight to the allocated social worker's team (000 ¶8.4), not to MASH."""
    worker, team = someone_else(world.csc)
    InvolvementFactory(child=child, agency=world.csc, allocated_worker=worker, team=team)
    return ContactFactory(child=child, agency=world.csc, team=team), worker


def contact_answers(user, contact):
    """(page status, API detail status, in the MASH queue page, in the contacts API list)."""
    page = page_client(user).get(f"/contacts/{contact.pk}/")
    api = api_client(user).get(f"/api/v1/contacts/{contact.pk}/")
    queue = page_client(user).get("/mash/")
    listed = api_client(user).get("/api/v1/contacts/")
    queue_ids = [c.pk for c in queue.context["page"]] if queue.status_code == 200 else []
    list_ids = [row["id"] for row in listed.data["results"]] if listed.status_code == 200 else []
    return page, api, contact.pk in queue_ids, contact.pk in list_ids


@pytest.mark.parametrize("role", [Role.MASH_WORKER, Role.MASH_MANAGER])
def test_mash_cannot_open_a_restricted_childs_contact_that_went_to_csc(world, role):
    user = make_user(world, role)
    child = ChildFactory(restricted=True)
    contact, social_worker = contact_routed_to_csc(world, child)

    before = last_event_id()
    page, api, in_queue, in_list = contact_answers(user, contact)
    assert page.status_code == 404
    assert child.first_name not in page.content.decode()
    assert api.status_code == 404
    assert child.first_name not in api.content.decode()
    assert not in_queue and not in_list
    refused = [e for e in events_since(before) if e.child_id == child.pk]
    assert refused and all((e.outcome, e.purpose) == ("denied", "none") for e in refused)

    assert page_client(social_worker).get(f"/contacts/{contact.pk}/").status_code == 200
    assert api_client(social_worker).get(f"/api/v1/contacts/{contact.pk}/").status_code == 200


def test_a_contact_that_went_to_csc_does_not_open_the_child_to_mash(world):
    """MASH's 30-day rule is about contacts MASH holds: a referral for an allocated child is CSC's."""
    user = make_user(world, Role.MASH_WORKER)
    child = ChildFactory()
    contact, _worker = contact_routed_to_csc(world, child)
    assert page_client(user).get(f"/children/{child.pk}/").status_code == 403
    assert api_client(user).get(f"/api/v1/children/{child.pk}/").status_code == 404
    page, api, in_queue, in_list = contact_answers(user, contact)
    assert page.status_code == 403 and api.status_code == 404
    assert child.first_name not in page.content.decode()
    assert not in_queue and not in_list


@pytest.mark.parametrize("role", [Role.MASH_WORKER, Role.MASH_MANAGER])
def test_mash_cannot_open_a_contact_decided_more_than_30_days_ago(world, role):
    user = make_user(world, role)
    child = ChildFactory()
    contact = mash_contact(child, "decided_40_days_ago", world.mash)
    # The MASH contact involvement closed with the decision; it does not stretch MASH's access to 6 months.
    InvolvementFactory(
        child=child,
        agency=world.mash,
        start=timezone.localdate() - timedelta(days=41),
        end=timezone.localdate() - timedelta(days=40),
        team=user.team,
    )
    page, api, _in_queue, _in_list = contact_answers(user, contact)
    assert page.status_code == 403
    assert child.first_name not in page.content.decode()
    assert contact.concerns not in page.content.decode() or not contact.concerns
    assert api.status_code == 404
    assert page_client(user).get(f"/children/{child.pk}/").status_code == 403


def test_an_open_challenge_keeps_the_contact_open_to_mash(world):
    user = make_user(world, Role.MASH_WORKER)
    child = ChildFactory()
    contact = mash_contact(child, "decided_40_days_ago", world.mash)
    referrer = UserFactory(agency=world.csc)
    Disagreement.objects.create(contact=contact, raised_by=referrer, raised_at=timezone.now(), reason="Not agreed")
    assert page_client(user).get(f"/contacts/{contact.pk}/").status_code == 200
    assert api_client(user).get(f"/api/v1/contacts/{contact.pk}/").status_code == 200


def test_mash_cannot_triage_a_contact_held_by_a_csc_team(world):
    user = make_user(world, Role.MASH_MANAGER)
    child = ChildFactory()
    contact, _worker = contact_routed_to_csc(world, child)
    grant(user=user, child=child, expires_at=timezone.now() + timedelta(days=1))  # sees the child, still not MASH's
    assert not front_door.holds_contact(user, contact)
    response = page_client(user).post(f"/contacts/{contact.pk}/allocate/")
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.allocated_to_id is None


def test_the_referrer_sees_status_only_of_a_contact_about_a_child_they_cannot_see(world):
    referrer = UserFactory(agency=world.cyjs)
    child = ChildFactory()
    contact = ContactFactory(child=child, agency=world.mash, referrer_user=referrer, concerns="Bruises seen at school")
    response = api_client(referrer).get(f"/api/v1/contacts/{contact.pk}/")
    assert response.status_code == 200
    assert "concerns" not in response.data
    assert api_client(referrer).get(f"/api/v1/children/{child.pk}/").status_code == 404


def test_a_restricted_childs_contact_goes_to_the_allocated_workers_team(world):
    cyjs_worker, cyjs_team = someone_else(world.cyjs)
    child = ChildFactory(restricted=True)
    InvolvementFactory(child=child, agency=world.cyjs, allocated_worker=cyjs_worker, team=cyjs_team)
    assert front_door._allocated_involvement(child, world.csc.authority).team == cyjs_team
    unrestricted = ChildFactory()
    InvolvementFactory(child=unrestricted, agency=world.cyjs, allocated_worker=cyjs_worker, team=cyjs_team)
    assert front_door._allocated_involvement(unrestricted, world.csc.authority) is None


# --- break-glass stays within the user's authority -------------------------------------------------


def test_break_glass_is_not_offered_for_another_authoritys_child(world):
    _csc, _mash, other_cyjs = authority_with_agencies()
    user = make_user(world, Role.PRACTITIONER)
    child = ChildFactory()
    involve(child, other_cyjs)

    response = page_client(user).get(f"/children/{child.pk}/")
    assert response.status_code == 403
    assert 'name="reason"' not in response.content.decode()
    before = last_event_id()
    response = page_client(user).post(
        f"/children/{child.pk}/break-glass/", {"reason": "A police officer rang about this child just now"}
    )
    assert response.status_code in (403, 404)
    assert not BreakGlassAccess.objects.filter(child=child).exists()
    [event] = events_since(before)
    assert (event.what, event.outcome) == ("break-glass:refused", "denied")


def test_break_glass_to_another_authoritys_child_opens_nothing(world):
    _csc, _mash, other_cyjs = authority_with_agencies()
    user = make_user(world, Role.PRACTITIONER)
    child = ChildFactory()
    involve(child, other_cyjs)
    break_glass(user=user, child=child)  # a row made before the rule, or by hand
    assert page_client(user).get(f"/children/{child.pk}/").status_code == 403
    assert api_client(user).get(f"/api/v1/children/{child.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.MASH_WORKER, Role.MASH_MANAGER])
def test_the_triage_queues_short_cut_gives_the_policys_answer(world, role):
    user = make_user(world, role)
    open_contacts = []
    for restricted, link in [
        (False, None),
        (True, None),
        (True, "grant"),
        (True, "expired_grant"),
        (True, "allocated"),
        (True, "break_glass"),
    ]:
        child = ChildFactory(restricted=restricted)
        open_contacts.append(mash_contact(child, "open", world.mash))
        if link == "grant":
            grant(user=user, child=child, expires_at=timezone.now() + timedelta(days=1))
        elif link == "expired_grant":
            grant(user=user, child=child, expires_at=timezone.now() - timedelta(days=1))
        elif link == "allocated":
            InvolvementFactory(child=child, agency=world.csc, allocated_worker=user)
        elif link == "break_glass":
            break_glass(user=user, child=child)
    held = Contact.objects.filter(pk__in=[c.pk for c in open_contacts])
    expected = set(access.visible_contacts(user, held).values_list("pk", flat=True))
    assert set(access.mash_queue_contacts(user, held).values_list("pk", flat=True)) == expected
    assert len(expected) == 3  # the unrestricted child, the grant and the allocation

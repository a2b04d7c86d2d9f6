"""Oversight of access: who is offered break-glass, that every refused attempt is logged,
that nobody reviews their own emergency access, and that administrators' searches are
logged as administration. Each test here failed before its fix in the application."""

from types import SimpleNamespace

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AccessEvent, BreakGlassAccess, Role
from notifications.models import Notification
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies, worker_in_new_team

pytestmark = pytest.mark.django_db

GOOD_REASON = "Police called out of hours about this child and I need the address now"


@pytest.fixture
def world():
    csc, _mash, cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    child = ChildFactory()
    InvolvementFactory(child=child, agency=cyjs)  # known to youth justice only
    return SimpleNamespace(csc=csc, cyjs=cyjs, worker=worker, team=team, manager=manager, child=child)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def break_glass_url(child):
    return f"/children/{child.pk}/break-glass/"


@pytest.mark.parametrize("reason", [GOOD_REASON, "", "Urgent"])
@pytest.mark.parametrize("role, status", [(Role.AUDITOR, 404), (Role.SERVICE_ACCOUNT, 403)])
def test_roles_without_break_glass_are_never_shown_the_form_and_their_attempts_are_logged(world, role, status, reason):
    user = UserFactory(role=role, agency=world.csc)
    response = client_for(user).post(break_glass_url(world.child), {"reason": reason})
    assert response.status_code == status
    content = response.content.decode()
    assert "Get emergency access" not in content
    assert 'name="reason"' not in content
    assert not BreakGlassAccess.objects.exists()
    [refused] = AccessEvent.objects.filter(what="break-glass:refused")
    assert (refused.user_id, refused.child_id, refused.outcome, refused.purpose) == (
        user.pk,
        world.child.pk,
        "denied",
        "none",
    )


@pytest.mark.parametrize("reason", [GOOD_REASON, "", "Urgent"])
def test_break_glass_on_a_restricted_child_looks_missing_and_is_logged(world, reason):
    world.child.restricted = True
    world.child.save(update_fields=["restricted"])
    InvolvementFactory(child=world.child, agency=world.csc)  # the worker's agency, but restricted to others
    response = client_for(world.worker).post(break_glass_url(world.child), {"reason": reason})
    assert response.status_code == 404
    assert 'name="reason"' not in response.content.decode()
    assert not BreakGlassAccess.objects.exists()
    assert not Notification.objects.exists()
    [refused] = AccessEvent.objects.filter(what="break-glass:refused")
    assert (refused.user_id, refused.child_id, refused.outcome, refused.purpose) == (
        world.worker.pk,
        world.child.pk,
        "denied",
        "none",
    )


def test_nobody_reviews_their_own_break_glass(world):
    """A team manager (a member of their own team) and a senior manager of the agency both used it."""
    team_manager = world.manager
    senior = UserFactory(role=Role.SENIOR_MANAGER, agency=world.csc)
    own = {}
    for manager in (team_manager, senior):
        assert client_for(manager).post(break_glass_url(world.child), {"reason": GOOD_REASON}).status_code == 302
        own[manager] = BreakGlassAccess.objects.get(user=manager)

    for manager, access in own.items():
        client = client_for(manager)
        listed = client.get("/break-glass/", {"show": "all"}).context["page"].object_list
        assert access.pk not in [bg.pk for bg in listed]
        assert client.get(f"/break-glass/{access.pk}/").status_code == 404
        assert client.post(f"/break-glass/{access.pk}/", {"comment": "I was right to do this"}).status_code == 404
        access.refresh_from_db()
        assert (access.reviewed_at, access.reviewed_by) == (None, None)

    # The senior manager still reviews the team manager's, in their agency.
    client = client_for(senior)
    assert [bg.pk for bg in client.get("/break-glass/").context["page"].object_list] == [own[team_manager].pk]
    assert client.post(f"/break-glass/{own[team_manager].pk}/", {"comment": "Checked, justified"}).status_code == 302
    own[team_manager].refresh_from_db()
    assert own[team_manager].reviewed_by == senior


@pytest.mark.parametrize("channel", ["page", "api"])
@pytest.mark.parametrize("role, purpose", [(Role.ADMINISTRATOR, "admin"), (Role.PRACTITIONER, "normal")])
def test_a_search_is_logged_with_the_searchers_basis(world, channel, role, purpose):
    user = UserFactory(role=role, agency=world.csc)
    if channel == "page":
        response = client_for(user).get("/children/", {"q": world.child.first_name})
        found = [c.pk for c in response.context["results"]]
    else:
        api = APIClient()
        api.force_authenticate(user)
        response = api.get("/api/v1/children/", {"search": world.child.first_name})
        found = [row["id"] for row in response.data["results"]]
    assert response.status_code == 200
    assert (world.child.pk in found) is (role == Role.ADMINISTRATOR)
    [event] = AccessEvent.objects.filter(action="search")
    assert (event.user_id, event.outcome, event.purpose) == (user.pk, "allowed", purpose)

"""People named by user id in pathway API bodies must work for the caller's own authority."""

import pytest

from accounts.models import Role
from casework.models import Capacity, Involvement
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, front_door_world
from tests.pathway_builders import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = front_door_world()
    world.child = ChildFactory()
    InvolvementFactory(
        child=world.child, agency=world.csc, kind=Involvement.Kind.CIN, allocated_worker=world.csc_worker
    )
    return world


def discussion_body(child, user):
    return {
        "child": child.pk,
        "held_at": "2026-11-30T10:00:00Z",
        "initiates_section_47": False,
        "attendees": [{"name": "Someone", "capacity": Capacity.POLICE, "user": user.pk}],
    }


def test_an_attendee_from_another_authority_is_refused_with_a_field_error(world):
    elsewhere = front_door_world()
    response = api_for(world.csc_worker).post(
        "/api/v1/strategy-discussions/", discussion_body(world.child, elsewhere.csc_worker), format="json"
    )
    assert response.status_code == 400
    assert "attendees" in response.json()
    assert not world.child.strategy_discussions.exists()


def test_an_attendee_from_the_callers_authority_is_linked(world):
    colleague = UserFactory(agency=world.cyjs, role=Role.PRACTITIONER)
    response = api_for(world.csc_worker).post(
        "/api/v1/strategy-discussions/", discussion_body(world.child, colleague), format="json"
    )
    assert response.status_code == 201, response.content
    assert world.child.strategy_discussions.get().participants.get().user == colleague

"""Allocating an involvement: who may, to whom, and what moves with the work (casework.involvements.allocation)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.line_management import leads_team, teams_led_by
from accounts.models import AccessEvent, Role
from casework.involvements.allocation import allocate_involvement
from casework.models import Allocation
from casework.services import ConcurrentEditError
from tests.factories import InvolvementFactory, TeamFactory, UserFactory, authority_with_agencies, worker_in_new_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_world():
    csc, mash, cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    senior = UserFactory(role=Role.SENIOR_MANAGER, agency=csc)
    manager.line_manager = senior
    manager.save(update_fields=["line_manager"])
    colleague = UserFactory(agency=csc, team=team, line_manager=manager)
    involvement = InvolvementFactory(agency=csc, team=team, allocated_worker=worker)
    return dict(
        csc=csc,
        cyjs=cyjs,
        team=team,
        manager=manager,
        senior=senior,
        worker=worker,
        colleague=colleague,
        involvement=involvement,
    )


def test_a_team_is_led_by_its_manager_and_the_line_above_but_not_by_another_agency(team_world):
    w = team_world
    other_agency_head = UserFactory(role=Role.HEAD_OF_SERVICE, agency=w["cyjs"])
    assert list(teams_led_by(w["manager"])) == [w["team"]]
    assert leads_team(w["senior"], w["team"])
    assert not leads_team(w["worker"], w["team"])
    assert not leads_team(other_agency_head, w["team"])
    assert not leads_team(w["manager"], TeamFactory(agency=w["csc"]))


def test_a_manager_moves_the_work_and_its_clocks_and_both_workers_are_told(team_world):
    w = team_world
    result = allocate_involvement(
        involvement=w["involvement"], to=w["colleague"], by=w["manager"], reason="Leave cover"
    )
    w["involvement"].refresh_from_db()
    assert w["involvement"].allocated_worker == w["colleague"]
    allocation = Allocation.objects.get()
    assert (allocation.from_worker, allocation.to_worker, allocation.reason) == (
        w["worker"],
        w["colleague"],
        "Leave cover",
    )
    assert result.allocation == allocation
    assert w["colleague"].notifications.count() == 1
    assert w["worker"].notifications.count() == 1
    assert AccessEvent.objects.filter(
        what="involvement:allocate", action="write", child=w["involvement"].child
    ).exists()


def test_a_practitioner_may_not_allocate(team_world):
    w = team_world
    with pytest.raises(PermissionDenied):
        allocate_involvement(involvement=w["involvement"], to=w["colleague"], by=w["worker"], reason="Swap")
    assert not Allocation.objects.exists()


def test_a_worker_outside_the_team_and_a_blank_reason_are_refused_by_field(team_world):
    w = team_world
    outsider = UserFactory(agency=w["csc"], team=TeamFactory(agency=w["csc"]))
    with pytest.raises(ValidationError) as refused:
        allocate_involvement(involvement=w["involvement"], to=outsider, by=w["manager"], reason=" ")
    assert set(refused.value.message_dict) == {"to", "reason"}
    w["involvement"].refresh_from_db()
    assert w["involvement"].allocated_worker == w["worker"]


def test_a_stale_page_does_not_overwrite_an_allocation_made_meanwhile(team_world):
    w = team_world
    seen = w["involvement"].version
    allocate_involvement(involvement=w["involvement"], to=w["colleague"], by=w["manager"], reason="Leave cover")
    with pytest.raises(ConcurrentEditError):
        allocate_involvement(
            involvement=w["involvement"], to=w["worker"], by=w["senior"], reason="Back", expected_version=seen
        )
    assert Allocation.objects.count() == 1

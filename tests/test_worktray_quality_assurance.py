"""Quality assurance waiting on My work: a serious incident briefing for its agency's team or senior
managers (never whoever completed it), and an AIM assessment for one manager of each service."""

import pytest

from casework.hsb import services as hsb_services
from casework.incidents import services as incident_services
from tests import hsb_builders, incidents_builders
from workload.worktray.selectors import worktray

pytestmark = pytest.mark.django_db


def children(user, kind):
    return [item.child_id for item in worktray(user=user, kind=kind).items]


def test_a_checked_briefing_waits_for_a_manager_of_its_agency_until_quality_assured():
    w = incidents_builders.incidents_world()
    incident = incidents_builders.start(w)
    assert children(w.cyjs_senior, "incident_qa") == []  # criteria not checked yet
    incident_services.verify_criteria(incident=incident, by=w.cyjs_manager)
    assert children(w.cyjs_senior, "incident_qa") == [w.child.pk]
    assert children(w.cyjs_manager, "incident_qa") == [w.child.pk]
    assert children(w.cyjs_worker, "incident_qa") == []
    assert children(w.csc_senior, "incident_qa") == []
    incident_services.quality_assure(incident=incident, by=w.cyjs_senior)
    assert children(w.cyjs_manager, "incident_qa") == []


def test_an_aim_assessment_waits_for_one_manager_of_each_service():
    w = hsb_builders.hsb_world()
    consultation = hsb_builders.aim_done(w)
    assert children(w.cyjs_manager, "hsb_qa") == [w.child.pk]
    assert children(w.csc_manager, "hsb_qa") == [w.child.pk]
    assert children(w.cyjs_worker, "hsb_qa") == []
    consultation = hsb_services.record_quality_assurance(consultation=consultation, by=w.cyjs_manager)
    assert children(w.cyjs_manager, "hsb_qa") == [] and children(w.cyjs_manager_2, "hsb_qa") == []
    assert children(w.csc_manager, "hsb_qa") == [w.child.pk]
    hsb_services.record_quality_assurance(consultation=consultation, by=w.csc_manager)
    assert children(w.csc_manager, "hsb_qa") == []

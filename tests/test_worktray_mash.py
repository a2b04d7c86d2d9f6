"""My work for MASH and chairs: a MASH decision asks its managers once, the authorisation waits on
their tray, the worker's home shows their contacts and the queue's counts, disagreements reach the
stage that answers them, and a chair sees the conferences they chair, soonest first."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from casework.models import ChildProtectionConference
from notifications.models import Notification
from referrals import services
from tests.conference_builders import arranged_initial, conference_world, substantiated_enquiry
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, front_door_world
from tests.test_front_door_services import details
from workload.worktray.selectors import mash_queue_counts, worktray

pytestmark = pytest.mark.django_db

AUTHORISE = "A MASH decision is waiting for your authorisation"


@pytest.fixture
def world():
    return front_door_world()


@pytest.fixture
def contact(world):
    return services.receive_contact(received_by=world.csc_worker, details=details())


def notices(user):
    return Notification.objects.filter(recipient=user, subject=AUTHORISE)


def test_a_workers_decision_tells_each_mash_manager_once_and_not_the_decider(world, contact):
    second = UserFactory(role=Role.MASH_MANAGER, agency=world.mash)
    elsewhere = UserFactory(role=Role.MASH_MANAGER)
    services.record_decision(contact=contact, by=world.mash_worker, outcome="early_help", rationale="Level 2")
    services.record_decision(contact=contact, by=world.mash_worker, outcome="assessment", rationale="Level 3")
    assert notices(world.mash_manager).count() == 1 and notices(second).count() == 1
    assert notices(world.mash_manager).get().link == reverse("contact-authorise", args=[contact.pk])
    assert not notices(world.mash_worker).exists() and not notices(elsewhere).exists()
    assert not notices(world.csc_manager).exists()


def test_a_managers_own_decision_needs_no_authorisation_and_tells_no_one(world, contact):
    second = UserFactory(role=Role.MASH_MANAGER, agency=world.mash)
    services.record_decision(contact=contact, by=world.mash_manager, outcome="assessment", rationale="Level 3")
    assert not Notification.objects.filter(subject=AUTHORISE).exists()
    assert worktray(user=second, kind="authorisation").items == []


def test_the_authorisation_waits_on_the_mash_managers_tray_until_authorised(world, contact):
    services.record_decision(contact=contact, by=world.mash_worker, outcome="assessment", rationale="Level 3")
    items = worktray(user=world.mash_manager, kind="authorisation").items
    assert [(i.child_id, i.url) for i in items] == [(contact.child_id, reverse("contact-authorise", args=[contact.pk]))]
    assert worktray(user=world.mash_worker, kind="authorisation").items == []
    assert worktray(user=world.csc_manager, kind="authorisation").items == []
    services.authorise_decision(contact=contact, by=world.mash_manager)
    assert worktray(user=world.mash_manager, kind="authorisation").items == []


def test_the_mash_workers_home_lists_their_contacts_and_the_queues_counts(world, contact):
    services.allocate(contact=contact, by=world.mash_worker, to=world.mash_worker)
    services.receive_contact(received_by=world.csc_worker, details=details())
    items = worktray(user=world.mash_worker, kind="contact").items
    assert [i.url for i in items] == [reverse("contact-detail", args=[contact.pk])]
    assert worktray(user=world.mash_manager, kind="contact").items == []
    counts = {q.label: q.count for q in mash_queue_counts(user=world.mash_worker)}
    assert counts["Not rated yet"] == 2
    assert mash_queue_counts(user=world.csc_worker) == []
    client = Client()
    client.force_login(world.mash_worker)
    html = client.get(reverse("home")).content.decode()
    assert "MASH queue" in html and "/mash/?rag=unrated" in html and "1 contact allocated to you" in html


def test_a_disagreement_reaches_the_stage_that_answers_it(world, contact):
    services.record_decision(contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Level 1")
    contact.refresh_from_db()
    disagreement = services.raise_disagreement(contact=contact, by=world.csc_worker, reason="Needs an assessment")
    assert [i.kind for i in worktray(user=world.mash_worker, kind="disagreement").items] == ["disagreement"]
    assert worktray(user=world.mash_manager, kind="disagreement").items == []
    services.escalate_disagreement(disagreement=disagreement, by=world.csc_worker)
    assert worktray(user=world.mash_worker, kind="disagreement").items == []
    items = worktray(user=world.mash_manager, kind="disagreement").items
    assert len(items) == 1 and items[0].due_at is not None


def test_a_chair_sees_the_conferences_they_chair_soonest_first_and_no_one_elses():
    w = conference_world()
    now = timezone.now()
    later = arranged_initial(w, scheduled_for=now + timedelta(days=9))
    other = ChildFactory(first_name="Sooner")
    InvolvementFactory(child=other, agency=w.csc, allocated_worker=w.csc_worker, team=w.csc_team)
    sooner = arranged_initial(w, enquiry=substantiated_enquiry(w, child=other), scheduled_for=now + timedelta(days=2))
    third = ChildFactory(first_name="Undated")
    InvolvementFactory(child=third, agency=w.csc, allocated_worker=w.csc_worker, team=w.csc_team)
    undated = arranged_initial(w, enquiry=substantiated_enquiry(w, child=third), scheduled_for=now + timedelta(days=30))
    ChildProtectionConference.objects.filter(pk=undated.pk).update(scheduled_for=None)
    another_chair = UserFactory(role=Role.CONFERENCE_CHAIR, agency=w.csc)
    items = worktray(user=w.chair, kind="conference").items
    assert [i.url for i in items] == [reverse("conference-detail", args=[c.pk]) for c in (sooner, later, undated)]
    assert "No date set yet; due by" in items[2].detail and items[2].due_at is not None
    assert worktray(user=another_chair, kind="conference").items == []
    assert worktray(user=w.csc_worker, kind="conference").items == []

"""Hand-made records for the performance measures: clocks, contacts, decisions, plans. All names fictional."""

from datetime import date, datetime, time
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Role
from casework.models import AbuseCategory, ChildProtectionConference, ChildProtectionPlan
from notifications.models import Deadline, TimescaleRule
from referrals.models import Decision
from tests.factories import ChildFactory, ContactFactory, UserFactory, authority_with_agencies, worker_in_new_team


def at(day: date, hour=12, minute=0, second=0, micro=0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second, micro)))


def end_of(day: date) -> datetime:
    """A day rule's due moment: the end of the due day."""
    return at(day, 23, 59, 59, 999999)


def world():
    csc, mash, cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    head = UserFactory(role=Role.HEAD_OF_SERVICE, agency=csc)
    manager.line_manager = head
    manager.save(update_fields=["line_manager"])
    colleague = UserFactory(agency=csc, team=team, line_manager=manager)
    other_csc, _, _ = authority_with_agencies()
    return SimpleNamespace(
        authority=csc.authority,
        csc=csc,
        mash=mash,
        cyjs=cyjs,
        worker=worker,
        colleague=colleague,
        team=team,
        manager=manager,
        head=head,
        other_csc=other_csc,
    )


def clock(code, *, child, responsible, due_at, status=Deadline.Status.OPEN, met_at=None, agency=None, started_at=None):
    rule = TimescaleRule.objects.filter(code=code, is_current=True, authority__isnull=True).get()
    started_at = started_at or due_at.replace(day=1)
    return Deadline.objects.create(
        rule=rule,
        rule_code=code,
        rule_version=rule.version,
        child=child,
        subject_type=ContentType.objects.get_for_model(child),
        subject_id=child.pk,
        responsible=responsible,
        agency=agency or responsible.agency,
        started_at=started_at,
        anchor_at=started_at,
        due_at=due_at,
        due_date=timezone.localdate(due_at),
        calendar_used="England and Wales",
        explanation="Made by hand for a test",
        status=status,
        met_at=met_at,
    )


def referral(*, child, agency, decided_at, outcome=Decision.Outcome.ASSESSMENT, by):
    contact = ContactFactory(
        child=child, agency=agency, received_at=decided_at, status="decided", decided_at=decided_at
    )
    Decision.objects.create(contact=contact, outcome=outcome, rationale="Test", decided_by=by, decided_at=decided_at)
    return contact


def cp_plan(*, child, started_on, lead, ended_on=None):
    conference = ChildProtectionConference.objects.create(
        child=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        status=ChildProtectionConference.Status.HELD,
        held_at=at(started_on),
        plan_needed=True,
        category=AbuseCategory.NEGLECT,
        created_by=lead,
    )
    fields = {}
    if ended_on:
        fields = {"status": "ended", "ended_on": ended_on, "end_reason": "no_longer_at_risk"}
    return ChildProtectionPlan.objects.create(
        child=child,
        initial_conference=conference,
        started_on=started_on,
        category=AbuseCategory.NEGLECT,
        lead_social_worker=lead,
        created_by=lead,
        **fields,
    )


def new_child():
    return ChildFactory()

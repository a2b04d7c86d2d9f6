"""The year of generated demo history: every month has work, every timed step shows clocks met
in time, met late and still open, and loading again adds nothing."""

from collections import defaultdict
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import BooleanField, F
from django.utils import timezone

from casework.models import (
    Assessment,
    ChildProtectionConference,
    ChildProtectionPlan,
    Involvement,
    Section47Enquiry,
)
from notifications.models import Deadline
from referrals.models import Contact
from workload.models import OpenWorkItem

pytestmark = pytest.mark.django_db

# One statutory step each; the MASH ratings are one step with three targets.
STEPS = {
    "referral_decision": ["referral_decision"],
    "mash screening": ["mash_rag_red", "mash_rag_amber", "mash_rag_green"],
    "assessment": ["assessment"],
    "icpc": ["icpc"],
    "core_group_first": ["core_group_first"],
    "cp_review": ["cp_review_first", "cp_review_next"],
    "placement_planning_meeting": ["placement_planning_meeting"],
    "resettlement_planning": ["resettlement_planning"],
    "yjb_serious_incident_notification": ["yjb_serious_incident_notification"],
    "aim_assessment": ["aim_assessment"],
}


def month(moment):
    return timezone.localtime(moment).strftime("%Y-%m")


def counts():
    models = (Contact, Assessment, Section47Enquiry, ChildProtectionConference, ChildProtectionPlan, Deadline)
    return {model.__name__: model.objects.count() for model in models} | {"Involvement": Involvement.objects.count()}


def test_a_year_of_history_with_every_kind_of_clock_loaded_once():
    call_command("load_demo", quiet=True, allow_without_debug=True)
    today = timezone.localdate()

    received = {month(at) for at in Contact.objects.values_list("received_at", flat=True)}
    for n in range(12):
        assert (today.replace(day=1) - timedelta(days=31 * n)).strftime("%Y-%m") in received

    seen = defaultdict(set)
    months = defaultdict(set)
    rule_codes = [code for codes in STEPS.values() for code in codes]
    for code, status, started_at in Deadline.objects.filter(rule_code__in=rule_codes).values_list(
        "rule_code", "status", "started_at"
    ):
        step = next(name for name, codes in STEPS.items() if code in codes)
        seen[step].add("open" if status in Deadline.OPEN_STATUSES else status)
        months[step].add(month(started_at))
    for step in STEPS:
        assert {"met", "met_late", "open"} <= seen[step], step
        assert len(months[step]) >= 10, step
    assert "cancelled" in seen["icpc"] and "cancelled" in seen["mash screening"]

    plans = ChildProtectionPlan.objects.all()
    assert plans.filter(status="active", started_on__lte=today - timedelta(days=730)).exists()
    assert any(plans.filter(child=plan.child, started_on__lt=plan.started_on).exists() for plan in plans)
    # Some children were referred again within twelve months.
    children_referred = list(Contact.objects.values_list("child_id", flat=True))
    assert len(children_referred) > len(set(children_referred))
    # Work waiting to be allocated, for Team work to put first.
    assert Involvement.objects.filter(
        end__isnull=True, allocated_worker__isnull=True, kind=Involvement.Kind.CIN
    ).exists()

    # The rows pass the models' own validation, as those written by the services do.
    for model in (Contact, Assessment, Section47Enquiry, ChildProtectionConference, ChildProtectionPlan, Involvement):
        # Yes/no answers not yet given are empty in rows the services write too.
        unanswered = [f.name for f in model._meta.fields if isinstance(f, BooleanField) and f.null]
        for row in model.objects.order_by("-id")[:40]:
            row.full_clean(exclude=unanswered, validate_unique=False)

    before = counts()
    call_command("load_demo", quiet=True, allow_without_debug=True)
    assert counts() == before


def test_loaded_just_after_midnight_each_contacts_work_starts_the_day_it_came_in():
    # Contacts meant for today are moved into the last few hours, which just after midnight are yesterday.
    just_after_midnight = timezone.make_aware(datetime(2026, 12, 8, 0, 10))
    with time_machine.travel(just_after_midnight, tick=True):
        call_command("load_demo", quiet=True, allow_without_debug=True)
    mash = Involvement.objects.filter(kind=Involvement.Kind.MASH_CONTACT)
    assert mash.exists() and not mash.filter(end__lt=F("start")).exists()
    history = Contact.objects.filter(child__postcode__startswith="ZZ9 ")  # the generated year (POSTCODE_DISTRICT)
    recent = history.filter(received_at__gte=just_after_midnight - timedelta(hours=6))
    assert recent.exists()
    for contact in recent:
        assert mash.filter(child=contact.child, start=timezone.localdate(contact.received_at)).exists()
    # The history is written in bulk; Team work's copy of the open work is written after it.
    assert (
        OpenWorkItem.objects.filter(kind="involvement").count()
        == Involvement.objects.filter(end__isnull=True, team__isnull=False).count()
    )

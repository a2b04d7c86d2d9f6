"""The front door through the API: partner contacts, idempotency, validation, the MASH list,
what each caller sees of a contact, the decision and what follows from it."""

import copy
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AccessEvent, Role
from casework.models import Child, Involvement, StrategyDiscussion
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for
from notifications.models import Deadline, Notification
from referrals import services
from referrals.models import Contact, Decision, IdempotencyKey
from tests.factories import (
    ChildFactory,
    InvolvementFactory,
    UserFactory,
    authority_with_agencies,
    front_door_world,
)

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"
VALID_NHS = "9434765919"  # the NHS Data Dictionary's example

# A complete contact as a partner system sends it.
EXAMPLE_BODY = {
    "received_at": "2026-12-24T10:00:00Z",
    "referrer": {
        "name": "A Teacher",
        "agency": "education",
        "role": "designated safeguarding lead",
        "contact": "01234 000000",
    },
    "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01"},
    "concerns": "free text",
    "categories": ["neglect"],
    "consent": "given",
}
CHRISTMAS_EVE_NOON = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def world():
    return front_door_world()


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**changes):
    """The example body, received an hour ago (so tests need not travel in time), with changes."""
    data = copy.deepcopy(EXAMPLE_BODY)
    data["received_at"] = (timezone.now() - timedelta(hours=1)).isoformat()
    data.update(changes)
    return data


def post_contact(user, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_for(user).post(CONTACTS, data, format="json", **headers)


def deadlines(contact, rule_code):
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(Contact), subject_id=contact.pk, rule_code=rule_code
    )


def received_day(contact):
    return timezone.localtime(contact.received_at).date()


# --- creating a contact ----------------------------------------------------------------------


class TestCreate:
    def test_the_issue_body_creates_an_open_contact_due_one_working_day_later_over_christmas(self, world):
        with time_machine.travel(CHRISTMAS_EVE_NOON, tick=False):
            response = post_contact(world.service, EXAMPLE_BODY)

        assert response.status_code == 201, response.content
        data = response.json()
        assert data["status"] == "open"
        assert data["decision_due"] == "2026-12-29"  # Fri 25 and Mon 28 (substitute Boxing Day) are not working days
        assert data["rag"] == "amber"  # due by the end of the next working day
        assert data["outcome"] is None

        contact = Contact.objects.get(pk=data["id"])
        assert contact.source == Contact.Source.PARTNER_API
        assert contact.referrer_user is None  # a system, not a person, sent it
        assert (contact.referrer_name, contact.referrer_agency, contact.referrer_role, contact.referrer_contact) == (
            "A Teacher",
            "education",
            "designated safeguarding lead",
            "01234 000000",
        )
        assert contact.categories == ["neglect"]
        assert contact.concerns == "free text"
        assert contact.consent == Contact.Consent.GIVEN
        assert (contact.agency, contact.team) == (world.mash, world.mash_team)
        assert (contact.child.first_name, contact.child.last_name, str(contact.child.date_of_birth)) == (
            "Sam",
            "Example",
            "2014-05-01",
        )
        assert contact.child.involvements.filter(
            agency=world.mash, kind=Involvement.Kind.MASH_CONTACT, end__isnull=True
        ).exists()
        [deadline] = deadlines(contact, "referral_decision")
        assert deadline.is_open and deadline.due_date.isoformat() == "2026-12-29"
        assert AccessEvent.objects.filter(
            user=world.service, child=contact.child, what="contact:create", action="write"
        ).exists()

    def test_an_existing_child_the_caller_can_see_is_used_by_id(self, world):
        child = ChildFactory()
        InvolvementFactory(child=child, agency=world.school)  # the school knows the child
        children_before = Child.objects.count()

        response = post_contact(world.service, body(child={"id": child.pk}))

        assert response.status_code == 201, response.content
        assert Contact.objects.get(pk=response.json()["id"]).child == child
        assert Child.objects.count() == children_before

    @pytest.mark.parametrize("which", ["not_visible", "does_not_exist", "restricted_elsewhere"])
    def test_a_child_the_caller_cannot_see_is_a_field_error_that_reveals_nothing(self, world, which):
        hidden = ChildFactory(first_name="Hiddenname", last_name="Secretfamily", nhs_number=VALID_NHS)
        InvolvementFactory(child=hidden, agency=world.csc, allocated_worker=world.csc_worker)
        if which == "restricted_elsewhere":
            hidden.restricted = True
            hidden.save()
        child_id = hidden.pk + 1000 if which == "does_not_exist" else hidden.pk
        contacts_before, children_before = Contact.objects.count(), Child.objects.count()

        response = post_contact(world.service, body(child={"id": child_id}))

        assert response.status_code == 400
        errors = response.json()
        assert list(errors) == ["child"]
        text = response.content.decode()
        for secret in ("Hiddenname", "Secretfamily", VALID_NHS, "csc", world.csc_worker.username):
            assert secret not in text
        assert (Contact.objects.count(), Child.objects.count()) == (contacts_before, children_before)

    def test_the_answer_for_a_hidden_child_is_the_same_as_for_no_child(self, world):
        hidden = ChildFactory()
        InvolvementFactory(child=hidden, agency=world.csc)
        hidden_answer = post_contact(world.service, body(child={"id": hidden.pk})).json()
        missing_answer = post_contact(world.service, body(child={"id": hidden.pk + 1000})).json()
        assert hidden_answer == missing_answer

    def test_an_auditor_cannot_make_a_referral(self, world):
        auditor = UserFactory(role=Role.AUDITOR, agency=world.csc)
        assert post_contact(auditor, body()).status_code == 403
        assert not Contact.objects.exists()


# --- idempotency -------------------------------------------------------------------------------


class TestIdempotency:
    def test_same_key_and_body_return_the_first_contact(self, world):
        data = body()
        first = post_contact(world.service, data, key="mis-123")
        again = post_contact(world.service, data, key="mis-123")

        assert first.status_code == 201
        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]
        assert Contact.objects.count() == 1
        assert Child.objects.count() == 1
        assert IdempotencyKey.objects.count() == 1

    def test_same_key_with_a_different_body_is_refused(self, world):
        data = body()
        first = post_contact(world.service, data, key="mis-123")
        changed = post_contact(world.service, {**data, "concerns": "something else"}, key="mis-123")

        assert first.status_code == 201
        assert changed.status_code == 422
        assert "Idempotency-Key" in changed.json()
        assert Contact.objects.count() == 1

    def test_without_a_key_each_post_is_a_new_contact(self, world):
        data = body()
        assert post_contact(world.service, data).status_code == 201
        assert post_contact(world.service, data).status_code == 201
        assert Contact.objects.count() == 2

    def test_keys_belong_to_the_caller(self, world):
        other_system = UserFactory(role=Role.SERVICE_ACCOUNT, agency=world.school)
        data = body()
        first = post_contact(world.service, data, key="shared-key")
        second = post_contact(other_system, data, key="shared-key")
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["id"] != second.json()["id"]

    def test_a_refused_body_does_not_use_up_the_key(self, world):
        bad = body(consent="not_sought")  # no reason given
        assert post_contact(world.service, bad, key="retry-me").status_code == 400
        fixed = {**bad, "consent_reason": "Asking the parents would put Sam at risk"}
        assert post_contact(world.service, fixed, key="retry-me").status_code == 201


def _post_in_threads(user, data, key, count, *, before=None):
    """POST the same body with the same key from `count` threads at once."""
    results, errors = [None] * count, []
    start = threading.Barrier(count, timeout=30)

    def run(i):
        try:
            start.wait()
            response = post_contact(user, data, key=key)
            results[i] = (response.status_code, response.json())
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
class TestIdempotencyUnderConcurrency:
    def test_two_requests_that_both_miss_the_replay_check_make_one_contact(self, world, monkeypatch):
        """Both requests get past the 'have I seen this key?' check before either commits:
        the unique key decides, and the loser answers with the winner's contact."""
        both_inside = threading.Barrier(2, timeout=30)
        receive = services.receive_contact

        def receive_after_both_arrive(**kwargs):
            both_inside.wait()
            return receive(**kwargs)

        monkeypatch.setattr(services, "receive_contact", receive_after_both_arrive)

        results = _post_in_threads(world.service, body(), "same-key", 2)

        assert sorted(status for status, _ in results) == [200, 201]
        assert results[0][1]["id"] == results[1][1]["id"]
        assert Contact.objects.count() == 1
        assert IdempotencyKey.objects.count() == 1
        assert Child.objects.count() == 1  # the loser's new child was rolled back with its contact
        assert Deadline.objects.filter(rule_code="referral_decision").count() == 1

    def test_many_requests_with_one_key_make_one_contact(self, world):
        results = _post_in_threads(world.service, body(), "burst-key", 6)

        assert [status for status, _ in results].count(201) == 1
        assert {status for status, _ in results} <= {200, 201}
        assert len({data["id"] for _, data in results}) == 1
        assert Contact.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_managers_decision_and_a_read_at_the_same_moment_in_one_process_both_finish(world, monkeypatch):
    """A manager's decision writes two access-log rows in one transaction, which holds the log's lock
    in between. A read in another thread of the same process must wait for it, not deadlock (as it did
    while accounts/audit.py also took an in-process lock before the database one)."""
    to_decide, to_read = _contact(world, 0), _contact(world, 1)
    first_row_written = threading.Event()
    authorise = services.authorise_decision

    def authorise_a_moment_later(**kwargs):
        first_row_written.set()  # record_decision has logged; its transaction holds the chain lock
        time.sleep(1)
        return authorise(**kwargs)

    monkeypatch.setattr(services, "authorise_decision", authorise_a_moment_later)
    results = {}

    def decide_it():
        try:
            decide(world.mash_manager, to_decide, "nfa_signpost")
        except Exception:  # Django's test client re-raises any thread's request error; judged from the database
            pass
        finally:
            connection.close()

    def read_the_other():
        try:
            first_row_written.wait(10)
            time.sleep(0.2)
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '4s'")  # without it the two threads wait for ever
            results["read"] = api_for(world.mash_worker).get(f"{CONTACTS}{to_read.pk}/").status_code
        except Exception as exc:
            results["read"] = repr(exc)[:200]
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_it), threading.Thread(target=read_the_other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {"read": 200}
    to_decide.refresh_from_db()
    assert to_decide.status == Contact.Status.DECIDED


# --- validation --------------------------------------------------------------------------------


def _without(key):
    def change(data):
        del data[key]

    return change


def _set(**values):
    def change(data):
        data.update(values)

    return change


def _child(**values):
    def change(data):
        data["child"] = {k: v for k, v in {**data["child"], **values}.items() if v is not None}

    return change


def _future(data):
    data["received_at"] = (timezone.now() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    "change, field",
    [
        (_without("received_at"), "received_at"),
        (_set(categories=["neglect", "witchcraft"]), "categories"),
        (_set(consent="not_sought"), "consent_reason"),
        (_set(consent="not_sought", consent_reason="   "), "consent_reason"),
        (_set(consent="maybe"), "consent"),
        (_set(consent="uncontactable"), "consent_reason"),
        (_child(last_name=None), "child"),
        (_child(nhs_number="1234567890"), "child.nhs_number"),
        (_future, "received_at"),
        (_set(referrer={"name": "", "agency": "education"}), "referrer"),
        (_set(referrer_level=7), "referrer_level"),
    ],
    ids=[
        "missing_received_at",
        "unknown_category",
        "not_sought_without_reason",
        "not_sought_blank_reason",
        "unknown_consent",
        "uncontactable_without_reason",
        "child_without_last_name",
        "invalid_nhs_number",
        "future_received_at",
        "referrer_without_name",
        "level_out_of_range",
    ],
)
def test_invalid_bodies_are_refused_with_field_errors(world, change, field):
    data = body()
    change(data)

    response = post_contact(world.service, data, key="bad-body")

    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert not Contact.objects.exists()
    assert not Child.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_child_without_last_name_is_reported_on_that_field(world):
    data = body()
    del data["child"]["last_name"]
    errors = post_contact(world.service, data).json()
    assert "last_name" in errors["child"]


def test_a_valid_nhs_number_is_accepted_with_spaces(world):
    response = post_contact(world.service, body(child={**EXAMPLE_BODY["child"], "nhs_number": "943 476 5919"}))
    assert response.status_code == 201, response.content
    assert Contact.objects.get().child.nhs_number == VALID_NHS


# --- the MASH list -------------------------------------------------------------------------------


def _received(days_ago, **fields):
    return services.ContactDetails(
        received_at=timezone.now() - timedelta(days=days_ago),
        referrer={"name": "A Teacher", "agency": "education"},
        child={"first_name": "Sam", "last_name": f"Example{days_ago}", "date_of_birth": date(2014, 5, 1)},
        concerns="free text",
        categories=["neglect"],
        consent="given",
        **fields,
    )


def _contact(world, days_ago, rag=""):
    contact = services.receive_contact(received_by=world.service, details=_received(days_ago))
    if rag:
        contact = services.set_rag(contact=contact, by=world.mash_worker, rag=rag)
    return contact


class TestList:
    def test_mash_sees_open_mash_contacts_sorted_by_rating_then_due(self, world):
        unrated_later = _contact(world, 1)
        unrated_sooner = _contact(world, 8)
        green = _contact(world, 2, "green")
        red_later = _contact(world, 1, "red")
        red_sooner = _contact(world, 8, "red")
        amber = _contact(world, 3, "amber")
        no_target = _contact(world, 9, "none")
        decided = _contact(world, 4)
        services.record_decision(
            contact=decided, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )

        for user in (world.mash_worker, world.mash_manager):
            response = api_for(user).get(CONTACTS)
            assert response.status_code == 200
            ids = [row["id"] for row in response.json()["results"]]
            assert ids == [
                red_sooner.pk,
                red_later.pk,
                amber.pk,
                green.pk,
                no_target.pk,
                unrated_sooner.pk,
                unrated_later.pk,
            ]
        rows = {row["id"]: row for row in response.json()["results"]}
        assert rows[red_later.pk]["rag"] == "red"
        assert rows[unrated_sooner.pk]["rag"] == "red"  # unrated and overdue: the clock's own traffic light
        assert (
            rows[unrated_later.pk]["decision_due"]
            == Deadline.objects.get(subject_id=unrated_later.pk, rule_code="referral_decision").due_date.isoformat()
        )
        assert "concerns" not in rows[red_later.pk]

    def test_the_number_of_queries_does_not_grow_with_the_rows_on_the_page(self, world):
        def queries_for_list():
            api = api_for(world.mash_worker)
            api.get(CONTACTS)  # content types and the like are cached after the first request
            with CaptureQueriesContext(connection) as queries:
                assert api.get(CONTACTS).status_code == 200
            return len(queries)

        _contact(world, 1, "red")
        _contact(world, 2)
        few = queries_for_list()
        for days_ago in range(3, 23):
            contact = _contact(world, days_ago % 9, ["red", "amber", "green", "none", ""][days_ago % 5])
            if days_ago % 4 == 0:
                services.record_decision(
                    contact=contact, by=world.mash_worker, outcome="early_help", rationale="Level 2"
                )
        many = queries_for_list()
        assert many == few, f"{few} queries for 2 rows, {many} for 22"

    def test_the_rating_filter(self, world):
        red = _contact(world, 1, "red")
        _contact(world, 1, "green")
        ids = [row["id"] for row in api_for(world.mash_worker).get(CONTACTS, {"rag": "red"}).json()["results"]]
        assert ids == [red.pk]

    def test_listing_is_logged_with_the_children_returned(self, world):
        contact = _contact(world, 1)
        api_for(world.mash_worker).get(CONTACTS)
        event = AccessEvent.objects.filter(user=world.mash_worker, what="api:contacts-list").get()
        assert str(contact.child_id) in event.detail

    @pytest.mark.parametrize("who", ["csc_worker", "csc_manager", "cyjs_worker", "service"])
    def test_anyone_outside_mash_is_refused(self, world, who):
        _contact(world, 1)
        response = api_for(getattr(world, who)).get(CONTACTS)
        assert response.status_code == 403
        assert "Example" not in response.content.decode()

    def test_another_authoritys_mash_sees_nothing_of_ours(self, world):
        _contact(world, 1)
        _, other_mash, _ = authority_with_agencies()
        other_worker = UserFactory(role=Role.MASH_WORKER, agency=other_mash)
        response = api_for(other_worker).get(CONTACTS)
        assert response.status_code == 200
        assert response.json()["results"] == []


# --- one contact: what each caller sees ---------------------------------------------------------


REFERRER_FIELDS = {"id", "status", "decision_due", "rag", "outcome"}


class TestDetail:
    @pytest.fixture
    def contact(self, world):
        response = post_contact(world.csc_worker, body(concerns="Sam came to school hungry again"))
        assert response.status_code == 201, response.content
        return Contact.objects.get(pk=response.json()["id"])

    def test_mash_sees_everything(self, world, contact):
        response = api_for(world.mash_worker).get(f"{CONTACTS}{contact.pk}/")
        assert response.status_code == 200
        data = response.json()
        assert data["concerns"] == "Sam came to school hungry again"
        assert data["referrer_name"] == "A Teacher"
        assert data["categories"] == ["neglect"]
        assert data["consent"] == "given"
        assert data["child"] == contact.child_id
        assert data["status"] == "open"

    def test_the_referrer_sees_only_status_and_outcome(self, world, contact):
        assert contact.referrer_user == world.csc_worker

        response = api_for(world.csc_worker).get(f"{CONTACTS}{contact.pk}/")

        assert response.status_code == 200
        data = response.json()
        assert set(data) == REFERRER_FIELDS
        assert data["id"] == contact.pk and data["status"] == "open" and data["outcome"] is None
        assert "hungry" not in response.content.decode()
        event = AccessEvent.objects.filter(user=world.csc_worker, what="api:contacts-detail").get()
        assert event.outcome == AccessEvent.Outcome.ALLOWED

    def test_the_referrer_sees_the_outcome_once_decided(self, world, contact):
        services.record_decision(
            contact=contact, by=world.mash_manager, outcome="nfa_signpost", rationale="Universal services"
        )
        data = api_for(world.csc_worker).get(f"{CONTACTS}{contact.pk}/").json()
        assert set(data) == REFERRER_FIELDS
        assert (data["status"], data["outcome"]) == ("decided", "nfa_signpost")

    def test_someone_who_cannot_see_the_child_gets_404_and_a_denied_log_row(self, world, contact):
        response = api_for(world.cyjs_worker).get(f"{CONTACTS}{contact.pk}/")

        assert response.status_code == 404
        assert "hungry" not in response.content.decode()
        event = AccessEvent.objects.filter(user=world.cyjs_worker, what="api:contacts-detail").get()
        assert event.outcome == AccessEvent.Outcome.DENIED
        assert event.child_id == contact.child_id

    def test_an_agency_that_knows_the_child_sees_the_contact(self, world, contact):
        InvolvementFactory(child=contact.child, agency=world.cyjs, allocated_worker=world.cyjs_worker)
        response = api_for(world.cyjs_worker).get(f"{CONTACTS}{contact.pk}/")
        assert response.status_code == 200
        assert response.json()["concerns"] == "Sam came to school hungry again"

    def test_a_missing_contact_is_404(self, world):
        assert api_for(world.mash_worker).get(f"{CONTACTS}999999/").status_code == 404


# --- the decision and what follows -------------------------------------------------------------------


def decide(user, contact, outcome, rationale="Threshold met for a child and family assessment"):
    return api_for(user).post(
        f"{CONTACTS}{contact.pk}/decide/", {"outcome": outcome, "rationale": rationale}, format="json"
    )


class TestDecision:
    def test_full_path_from_partner_contact_to_assessment(self, world):
        created = post_contact(world.service, body())
        assert created.status_code == 201
        contact = Contact.objects.get(pk=created.json()["id"])

        response = decide(world.mash_manager, contact, "assessment")

        assert response.status_code == 200, response.content
        assert response.json()["status"] == "decided"
        assert response.json()["outcome"] == "assessment"
        contact.refresh_from_db()
        assert contact.status == Contact.Status.DECIDED and contact.decided_at is not None
        decision = Decision.objects.get(contact=contact)
        assert decision.authorised_by == world.mash_manager

        [referral] = deadlines(contact, "referral_decision")
        assert referral.status == Deadline.Status.MET
        [assessment] = deadlines(contact, "assessment")
        assert assessment.status == Deadline.Status.OPEN
        expected_due = add_working_days(received_day(contact), 45, calendar=calendar_for(world.authority))
        assert assessment.due_date == expected_due  # 45 working days from the referral, not from the decision
        assert assessment.agency == world.csc

        child = contact.child
        assert child.involvements.filter(agency=world.csc, kind=Involvement.Kind.CIN, end__isnull=True).exists()
        assert not child.involvements.filter(kind=Involvement.Kind.MASH_CONTACT, end__isnull=True).exists()

        listed = api_for(world.mash_manager).get(f"/api/v1/children/{child.pk}/deadlines/")
        assert listed.status_code == 200
        by_rule = {row["rule"]: row for row in listed.json()}
        assert by_rule["referral_decision"]["status"] == "met"
        assert by_rule["assessment"]["status"] == "open"
        assert by_rule["assessment"]["due"] == expected_due.isoformat()

    def test_issue_example_assessment_is_due_45_working_days_after_christmas_eve(self, world):
        with time_machine.travel(CHRISTMAS_EVE_NOON, tick=False):
            contact = Contact.objects.get(pk=post_contact(world.service, EXAMPLE_BODY).json()["id"])
            assert decide(world.mash_manager, contact, "assessment").status_code == 200
        [assessment] = deadlines(contact, "assessment")
        calendar = calendar_for(world.authority)
        assert assessment.due_date == add_working_days(date(2026, 12, 24), 45, calendar=calendar)
        assert assessment.due_date.isoformat() == "2027-03-02"

    def test_a_mash_workers_decision_waits_for_a_manager(self, world):
        contact = _contact(world, 0)

        response = decide(world.mash_worker, contact, "assessment")

        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["outcome"]) == ("open", None)
        decision = Decision.objects.get(contact=contact)
        assert decision.decided_by == world.mash_worker and decision.authorised_at is None
        [referral] = deadlines(contact, "referral_decision")
        assert referral.is_open
        assert not deadlines(contact, "assessment").exists()
        assert not contact.child.involvements.filter(agency=world.csc).exists()

        services.authorise_decision(contact=contact, by=world.mash_manager)

        data = api_for(world.mash_worker).get(f"{CONTACTS}{contact.pk}/").json()
        assert (data["status"], data["outcome"]) == ("decided", "assessment")
        assert deadlines(contact, "assessment").get().is_open
        referral.refresh_from_db()
        assert referral.status == Deadline.Status.MET

    def test_strategy_discussion_is_set_up(self, world):
        contact = _contact(world, 0)
        response = decide(
            world.mash_manager, contact, "strategy_discussion", "Reasonable cause to suspect significant harm"
        )
        assert response.status_code == 200
        discussion = StrategyDiscussion.objects.get(contact=contact)
        assert discussion.status == StrategyDiscussion.Status.PENDING
        assert discussion.child == contact.child
        assert contact.child.involvements.filter(agency=world.csc, kind=Involvement.Kind.CP, end__isnull=True).exists()

    def test_a_decision_needs_a_rationale(self, world):
        contact = _contact(world, 0)
        response = decide(world.mash_manager, contact, "assessment", rationale="   ")
        assert response.status_code == 400
        assert "rationale" in response.json()
        assert not Decision.objects.exists()

    def test_an_unknown_outcome_is_refused(self, world):
        contact = _contact(world, 0)
        response = decide(world.mash_manager, contact, "send_a_letter")
        assert response.status_code == 400
        assert "outcome" in response.json()

    def test_deciding_twice_is_refused(self, world):
        contact = _contact(world, 0)
        assert decide(world.mash_manager, contact, "nfa_signpost").status_code == 200
        again = decide(world.mash_manager, contact, "assessment")
        assert again.status_code == 400
        assert Decision.objects.get(contact=contact).outcome == "nfa_signpost"

    def test_someone_who_cannot_see_the_contact_cannot_decide(self, world):
        contact = _contact(world, 0)
        response = decide(world.cyjs_worker, contact, "nfa_signpost")
        assert response.status_code == 404
        assert not Decision.objects.exists()
        assert AccessEvent.objects.filter(user=world.cyjs_worker, what="api:contacts-decide", outcome="denied").exists()

    def test_another_authoritys_mash_manager_cannot_decide(self, world):
        contact = _contact(world, 0)
        _, their_mash, _ = authority_with_agencies()
        outsider = UserFactory(role=Role.MASH_MANAGER, agency=their_mash)
        assert decide(outsider, contact, "nfa_signpost").status_code in (403, 404)
        assert not Decision.objects.exists()
        contact.refresh_from_db()
        assert contact.is_open

    def test_a_practitioner_who_can_see_the_child_still_cannot_decide(self, world):
        contact = _contact(world, 0)
        InvolvementFactory(child=contact.child, agency=world.cyjs)
        response = decide(world.cyjs_worker, contact, "nfa_signpost")
        assert response.status_code == 403
        assert not Decision.objects.exists()


# --- routing and the CYJS outcome clock -------------------------------------------------------------


def test_a_child_open_to_csc_goes_to_the_allocated_workers_team(world):
    child = ChildFactory()
    InvolvementFactory(child=child, agency=world.csc, team=world.csc_team, allocated_worker=world.csc_worker)
    InvolvementFactory(child=child, agency=world.school, kind=Involvement.Kind.OTHER)  # so the school may name them

    response = post_contact(world.service, body(child={"id": child.pk}))

    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert (contact.agency, contact.team) == (world.csc, world.csc_team)
    notice = Notification.objects.get(recipient=world.csc_worker)
    assert notice.link == reverse("contact-detail", args=[contact.pk])
    assert not child.involvements.filter(kind=Involvement.Kind.MASH_CONTACT).exists()
    assert deadlines(contact, "referral_decision").get().agency == world.csc
    # It is the team's to decide, not MASH's queue.
    assert api_for(world.mash_worker).get(CONTACTS).json()["results"] == []


def test_a_contact_from_cyjs_starts_the_outcome_clock_and_feedback_stops_it(world):
    response = post_contact(world.cyjs_worker, body(referrer={"name": "Youth Worker", "agency": "cyjs"}))
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.referrer_user == world.cyjs_worker

    [clock] = deadlines(contact, "mash_outcome_to_cyjs")
    assert clock.is_open
    assert clock.responsible == world.cyjs_worker
    assert clock.due_date == add_working_days(received_day(contact), 3, calendar=calendar_for(world.authority))

    assert decide(world.mash_manager, contact, "early_help", "Needs met by early help").status_code == 200
    contact.refresh_from_db()
    services.send_feedback(contact=contact, by=world.mash_manager, reasons="The family agreed to support.")

    clock.refresh_from_db()
    assert clock.status == Deadline.Status.MET
    notice = Notification.objects.get(recipient=world.cyjs_worker)
    assert notice.subject == "The outcome of your referral"
    assert "The family agreed to support." in notice.body
    assert notice.link == reverse("contact-detail", args=[contact.pk])


def test_a_partner_contact_does_not_start_the_cyjs_clock(world):
    contact = Contact.objects.get(pk=post_contact(world.service, body()).json()["id"])
    assert not deadlines(contact, "mash_outcome_to_cyjs").exists()


def test_the_schema_documents_contacts(world):
    response = api_for(world.mash_worker).get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/contacts/:" in text or "/api/v1/contacts/" in text
    assert "/api/v1/contacts/{id}/decide/" in text


class TestConsentCouldNotContact:
    """ "Could not contact the family" (000 L2601: say why consent was not obtained): a reason is
    needed, as for "not sought"."""

    def test_without_a_reason_is_a_400_on_the_reason(self, world):
        response = post_contact(world.service, body(consent="uncontactable", consent_reason="  "))
        assert response.status_code == 400
        assert response.json()["consent_reason"] == [
            "Say how you tried to contact the family and why the referral cannot wait"
        ]
        assert not Contact.objects.exists()

    def test_with_a_reason_is_received(self, world):
        response = post_contact(
            world.service, body(consent="uncontactable", consent_reason="Two calls and a visit, no answer")
        )
        assert response.status_code == 201, response.content
        contact = Contact.objects.get()
        assert contact.consent == Contact.Consent.UNCONTACTABLE
        assert contact.consent_reason == "Two calls and a visit, no answer"
        assert contact.get_consent_display() == "Could not contact the family"

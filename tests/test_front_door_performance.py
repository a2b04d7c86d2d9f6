"""What the front-door performance work changed, and what it must not have changed:

- access-log rows recorded inside `access_log_last()` are appended at the end of
  the block, in the same transaction, still one unbroken, verifiable chain, and
  dropped with a savepoint that rolls back;
- timescale rules and closure days are cached per process and reloaded when
  they change (here, in another process, or through the rules file);
- the triage queue filters on the contact's own agency and counts no further
  than 1,000 rows past the page.
"""

import re
import threading
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.access import AccessDecision
from accounts.audit import access_log_last, record_access, verify_chain
from accounts.models import AccessEvent, Authority
from casework.models import Child, Involvement
from notifications import caches
from notifications.clocks import calendar_for, start_clock
from notifications.models import ClosureDay, Deadline, TimescaleRule
from notifications.rules import rule_in_force, sync_rules
from referrals import selectors, services
from referrals.models import Contact, IdempotencyKey
from referrals.pagination import CappedPageNumberPagination, CappedPaginator
from tests.factories import ChildFactory, UserFactory, front_door_world

ALLOWED = AccessDecision(True, AccessEvent.Purpose.NORMAL)
CONTACTS = "/api/v1/contacts/"


def log(user, child, what):
    return record_access(user=user, child=child, what=what, decision=ALLOWED)


# --- The access log, appended last -------------------------------------------------------


@pytest.mark.django_db
class TestAccessLogLast:
    def test_rows_are_appended_at_the_end_of_the_block_and_chain(self):
        user, child = UserFactory(), ChildFactory()
        log(user, child, "before")
        with CaptureQueriesContext(connection) as queries:
            with access_log_last():
                first = log(user, child, "one")
                assert first.pk is None  # not yet written
                ChildFactory()  # other work after the first row was recorded
                log(user, child, "two")
        assert first.pk is not None
        statements = [q["sql"] for q in queries.captured_queries]
        last_other_write = max(
            i for i, sql in enumerate(statements) if "casework_child" in sql and sql.startswith("INSERT")
        )
        log_insert = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "accounts_accessevent"'))
        assert log_insert > last_other_write
        assert (
            sum(sql.startswith('INSERT INTO "accounts_accessevent"') for sql in statements) == 1
        )  # one INSERT, two rows
        if connection.vendor == "postgresql":
            lock = next(i for i, sql in enumerate(statements) if "pg_advisory_xact_lock" in sql)
            assert last_other_write < lock < log_insert
        rows = list(AccessEvent.objects.order_by("id").values_list("what", flat=True))
        assert rows[-3:] == ["before", "one", "two"]
        report = verify_chain()
        assert report.intact and report.rows_checked == AccessEvent.objects.count()

    def test_nested_blocks_append_once_at_the_outermost_end(self):
        user, child = UserFactory(), ChildFactory()
        with access_log_last():
            with access_log_last():
                inner = log(user, child, "inner")
            assert inner.pk is None  # the outer block appends
            log(user, child, "outer")
        assert list(AccessEvent.objects.order_by("id").values_list("what", flat=True)) == ["inner", "outer"]
        assert verify_chain().intact

    def test_a_row_in_a_rolled_back_savepoint_is_dropped_with_it(self):
        user, child = UserFactory(), ChildFactory()
        with access_log_last():
            log(user, child, "kept")
            try:
                with transaction.atomic():
                    log(user, child, "rolled back")
                    raise RuntimeError
            except RuntimeError:
                pass
            log(user, child, "also kept")
        assert list(AccessEvent.objects.values_list("what", flat=True).order_by("id")) == ["kept", "also kept"]
        assert verify_chain().intact

    def test_an_error_in_the_block_writes_nothing(self):
        user, child = UserFactory(), ChildFactory()
        with pytest.raises(ValueError):
            with access_log_last():
                log(user, child, "never")
                raise ValueError
        assert not AccessEvent.objects.exists()

    def test_outside_a_block_a_row_is_written_straight_away(self):
        event = log(UserFactory(), ChildFactory(), "read")
        assert event.pk is not None and AccessEvent.objects.get().hash == event.hash

    def test_a_contact_from_the_api_logs_its_write_after_the_idempotency_key(self):
        world = front_door_world()
        api = APIClient()
        api.force_authenticate(world.service)
        body = {
            "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
            "referrer": {"name": "A Teacher", "agency": "education"},
            "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01"},
            "concerns": "free text",
            "categories": ["neglect"],
            "consent": "given",
        }
        with CaptureQueriesContext(connection) as queries:
            assert api.post(CONTACTS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
        # A write inside a request carries the change history's context as a leading set_config (pghistory).
        statements = [
            re.sub(r"^SELECT set_config\('pghistory\.context_id'.*?; ", "", q["sql"]) for q in queries.captured_queries
        ]
        key = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "referrals_idempotencykey"'))
        row = next(i for i, sql in enumerate(statements) if sql.startswith('INSERT INTO "accounts_accessevent"'))
        assert key < row
        event = AccessEvent.objects.get(what="contact:create")
        assert event.child_id == Contact.objects.get().child_id and event.action == AccessEvent.Action.WRITE
        assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_concurrent_blocks_build_one_unbroken_chain():
    user, child = UserFactory(), ChildFactory()
    threads_count, rows_each = 6, 5
    start = threading.Barrier(threads_count, timeout=30)
    errors = []

    def work():
        try:
            start.wait()
            for _ in range(rows_each):
                with access_log_last():
                    log(user, child, "a")
                    log(user, child, "b")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = verify_chain()
    assert report.intact and report.rows_checked == threads_count * rows_each * 2
    # Each block's two rows are next to each other in the chain.
    whats = list(AccessEvent.objects.order_by("id").values_list("what", flat=True))
    assert whats == ["a", "b"] * (threads_count * rows_each)


# --- Timescale rules and closure days, cached ------------------------------------------------


@pytest.mark.django_db
class TestRulesCache:
    @pytest.fixture(autouse=True)
    def _nothing_changed_yet(self):
        # The suite's fixture may have just loaded the rules in this test's transaction, which
        # (rightly) keeps this transaction off the cache; start as a transaction that changed nothing.
        connection._timescales_changed = False

    def test_a_rule_is_read_once_then_from_the_cache(self):
        rule_in_force("referral_decision")
        with CaptureQueriesContext(connection) as queries:
            assert rule_in_force("referral_decision").code == "referral_decision"
        assert len(queries) == 0

    def test_an_override_is_found_and_cached_per_authority(self):
        authority = Authority.objects.create(la_code="933", name="Somewhere")
        default = rule_in_force("referral_decision")
        override = TimescaleRule.objects.create(
            **{f: getattr(default, f) for f in TimescaleRule.VERSIONED_FIELDS},
            code="referral_decision",
            authority=authority,
            version=1,
        )
        assert rule_in_force("referral_decision", authority).pk == override.pk
        assert rule_in_force("referral_decision").pk == default.pk

    def test_a_new_version_is_used_at_once(self):
        old = rule_in_force("referral_decision")
        TimescaleRule.objects.filter(pk=old.pk).update(is_current=False)  # as the admin does
        new = TimescaleRule.objects.create(
            **{f: getattr(old, f) for f in TimescaleRule.VERSIONED_FIELDS},
            code=old.code,
            version=old.version + 1,
        )
        assert rule_in_force("referral_decision").pk == new.pk

    def test_another_process_changing_a_rule_makes_this_one_reload(self):
        rule = rule_in_force("referral_decision")
        # Another process's change commits and sets a new generation; simulate the new row.
        TimescaleRule.objects.filter(pk=rule.pk).update(title="Changed elsewhere")  # no signal here
        assert rule_in_force("referral_decision").title == rule.title  # still the cached row
        cache.set(caches.GENERATION_KEY, "another-process")
        assert rule_in_force("referral_decision").title == "Changed elsewhere"

    def test_a_closure_day_is_in_the_next_calendar(self):
        authority = Authority.objects.create(la_code="934", name="Closedshire")
        assert calendar_for(authority).is_working_day(date(2026, 12, 29))
        ClosureDay.objects.create(authority=authority, date=date(2026, 12, 29), reason="Closed")
        assert not calendar_for(authority).is_working_day(date(2026, 12, 29))
        ClosureDay.objects.filter(authority=authority).delete()
        assert calendar_for(authority).is_working_day(date(2026, 12, 29))

    def test_loading_the_rules_file_with_a_change_reloads(self):
        before = rule_in_force("referral_decision")
        rules = {("referral_decision", None): {f: getattr(before, f) for f in TimescaleRule.VERSIONED_FIELDS}}
        rules[("referral_decision", None)]["title"] = "Retitled in the file"
        sync_rules(TimescaleRule, Authority, rules)
        after = rule_in_force("referral_decision")
        assert after.version == before.version + 1 and after.title == "Retitled in the file"

    def test_without_the_shared_cache_the_database_is_asked(self, monkeypatch):
        def down(*args, **kwargs):
            raise ConnectionError("redis is down")

        monkeypatch.setattr(caches.cache, "get", down)
        with CaptureQueriesContext(connection) as queries:
            assert rule_in_force("referral_decision").code == "referral_decision"
        assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_reaches_a_thread_that_had_the_old_rule():
    sync_rules(TimescaleRule, Authority)
    old = rule_in_force("referral_decision")
    seen = {}

    def other_thread():
        try:
            seen["rule"] = rule_in_force("referral_decision")
        finally:
            connection.close()

    with transaction.atomic():
        TimescaleRule.objects.filter(pk=old.pk).update(is_current=False)
        new = TimescaleRule.objects.create(
            **{f: getattr(old, f) for f in TimescaleRule.VERSIONED_FIELDS},
            code=old.code,
            version=old.version + 1,
        )
        assert rule_in_force("referral_decision").pk == new.pk  # this transaction sees its own change
    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["rule"].pk == new.pk


@pytest.mark.django_db
def test_a_clock_started_after_a_rule_change_uses_the_new_version():
    world = front_door_world()
    contact = services.receive_contact(
        received_by=world.service,
        details=services.ContactDetails(
            received_at=timezone.now() - timedelta(minutes=5),
            referrer={"name": "A Teacher", "agency": "education"},
            child={"first_name": "Sam", "last_name": "Example", "date_of_birth": date(2014, 5, 1)},
            concerns="free text",
            categories=["neglect"],
            consent="given",
        ),
    )
    old = rule_in_force("assessment")
    TimescaleRule.objects.filter(pk=old.pk).update(is_current=False)
    TimescaleRule.objects.create(
        **{**{f: getattr(old, f) for f in TimescaleRule.VERSIONED_FIELDS}, "amount": old.amount + 5},
        code=old.code,
        version=old.version + 1,
    )
    deadline = start_clock("assessment", contact, child=contact.child, agency=world.csc)
    assert deadline.rule_version == old.version + 1


# --- The triage queue ------------------------------------------------------------------------


def _contacts(world, n, *, overdue=False):
    received = timezone.now() - (timedelta(days=10) if overdue else timedelta(minutes=30))
    for i in range(n):
        services.receive_contact(
            received_by=world.service,
            details=services.ContactDetails(
                received_at=received,
                referrer={"name": "A Teacher", "agency": "education"},
                child={"first_name": f"Queue{i}", "last_name": "Example", "date_of_birth": date(2014, 5, 1)},
                concerns="free text",
                categories=["neglect"],
                consent="given",
            ),
        )


@pytest.mark.django_db
class TestTriageQueue:
    def test_the_queue_filters_on_the_contacts_own_agency(self):
        world = front_door_world()
        sql = str(selectors.triage_queue(user=world.mash_worker).query)
        assert '"referrals_contact"."agency_id" = ' in sql and "accounts_agency" not in sql

    def test_above_the_cap_the_page_says_more_than(self, monkeypatch):
        world = front_door_world()
        monkeypatch.setattr(selectors, "COUNT_CAP", 3)
        _contacts(world, 6, overdue=True)
        client = Client()
        client.force_login(world.mash_worker)
        page = client.get("/mash/").content.decode()
        assert "More than 3 contacts are past the time for a decision" in page
        assert "6 open contacts" in page  # the list counts to 1 page + the cap: exact here

    def test_the_paginator_counts_to_the_cap_past_the_page(self):
        world = front_door_world()
        _contacts(world, 9)
        queue = selectors.triage_queue(user=world.mash_worker)
        first = CappedPaginator(queue, 2, number=1, cap=3)
        assert first.count == 6 and first.capped and first.shown_count == 3  # "more than 3"
        page = first.page(1)
        assert page.has_next()
        deep = CappedPaginator(queue, 2, number=4, cap=3)  # the 4th page: counts to 2 x 4 + 3
        assert deep.count == 9 and not deep.capped and deep.num_pages == 5
        with CaptureQueriesContext(connection) as queries:
            assert CappedPaginator(queue, 2, cap=3).count == 6
        assert "LIMIT 6" in queries.captured_queries[0]["sql"]

    def test_below_the_cap_counts_are_exact(self, monkeypatch):
        world = front_door_world()
        monkeypatch.setattr(selectors, "COUNT_CAP", 10)
        _contacts(world, 2, overdue=True)
        _contacts(world, 1)
        client = Client()
        client.force_login(world.mash_worker)
        page = client.get("/mash/").content.decode()
        assert "2 contacts are past the time for a decision" in page and "3 open contacts" in page

    def test_the_api_count_is_a_lower_bound_above_the_cap_and_paging_goes_on(self, monkeypatch):
        world = front_door_world()
        monkeypatch.setattr(selectors, "COUNT_CAP", 2)
        monkeypatch.setattr(CappedPageNumberPagination, "page_size", 2)
        _contacts(world, 7)
        api = APIClient()
        api.force_authenticate(world.mash_worker)
        seen, url, first = [], CONTACTS, None
        while url:
            data = api.get(url).json()
            first = first or data
            seen += [row["id"] for row in data["results"]]
            url = data["next"]
        assert first["count_is_lower_bound"] is True and first["count"] == 2
        assert sorted(seen) == sorted(Contact.objects.values_list("id", flat=True))  # every page reachable
        monkeypatch.setattr(selectors, "COUNT_CAP", 100)
        data = api.get(CONTACTS).json()
        assert data["count"] == 7 and data["count_is_lower_bound"] is False


# --- One contact POST: one transaction, few statements -----------------------------------------


def _contact_body(**child):
    return {
        "received_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "referrer": {"name": "A Teacher", "agency": "education"},
        "child": {"first_name": "Sam", "last_name": "Example", "date_of_birth": "2014-05-01", **child},
        "concerns": "free text",
        "categories": ["neglect"],
        "consent": "given",
    }


@pytest.mark.django_db(transaction=True)
class TestOneContactWrite:
    def test_a_new_childs_contact_is_one_transaction_without_savepoints(self):
        world = front_door_world()
        api = APIClient()
        api.force_authenticate(world.service)
        # The first contact loads the rule and closure days into the process's cache.
        assert (
            api.post(
                CONTACTS, _contact_body(first_name="Wes", last_name="Warmup", date_of_birth="2010-01-01"), format="json"
            ).status_code
            == 201
        )
        Contact.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            response = api.post(CONTACTS, _contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert response.status_code == 201
        captured = [q["sql"] for q in queries.captured_queries]
        committed = captured.index("COMMIT") + 1
        statements, afterwards = captured[:committed], captured[committed:]
        assert [s for s in statements if s in ("BEGIN", "COMMIT")] == ["BEGIN", "COMMIT"]
        # Once the contact is committed, Team work's copy of the child's open work is written in a
        # transaction of its own (workload.team_work.ledger), which writes nothing but its rows and tallies.
        assert [s for s in afterwards if s in ("BEGIN", "COMMIT")] == ["BEGIN", "COMMIT"]
        ledger_writes = [s for s in afterwards if re.search(r"\b(INSERT INTO|UPDATE|DELETE FROM) ", s)]
        assert ledger_writes
        assert all(re.search(r"\bworkload_(openworkitem|teamworktally)\b", s) for s in ledger_writes)
        assert not [s for s in captured if "SAVEPOINT" in s]
        assert not [s for s in statements if s.startswith('UPDATE "referrals_contact"')]  # due moment set on INSERT
        assert len(statements) <= 13, statements  # 24 before the write path was trimmed (and 1 more with a token)
        contact = Contact.objects.get()
        deadline = Deadline.objects.get(rule_code="referral_decision", subject_id=contact.pk)
        assert contact.decision_due_at == deadline.due_at
        assert response.json()["decision_due"] == deadline.due_date.isoformat()
        assert contact.team_id == world.mash_team.pk
        assert contact.child.involvements.get().team_id == world.mash_team.pk
        assert verify_chain().intact

    def test_a_failure_late_in_the_write_leaves_nothing_behind(self, monkeypatch):
        world = front_door_world()
        api = APIClient(raise_request_exception=False)
        api.force_authenticate(world.service)

        def broken(*args, **kwargs):
            raise RuntimeError("the database went away")

        monkeypatch.setattr("accounts.audit._append_many", broken)
        assert api.post(CONTACTS, _contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code == 500
        assert not Child.objects.exists() and not Contact.objects.exists() and not Involvement.objects.exists()
        assert not Deadline.objects.exists() and not IdempotencyKey.objects.exists()
        assert not AccessEvent.objects.exists()

    def test_the_rule_and_calendar_for_a_clock_cost_one_look_at_the_shared_cache(self, monkeypatch):
        world = front_door_world()
        connection._timescales_changed = False
        calls = []
        real_get = caches.cache.get
        monkeypatch.setattr(caches.cache, "get", lambda *a, **k: calls.append(a) or real_get(*a, **k))
        api = APIClient()
        api.force_authenticate(world.service)
        assert api.post(CONTACTS, _contact_body(), format="json").status_code == 201
        assert len(calls) == 1  # was three: the rule, the calendar, and the answer's traffic light


@pytest.mark.django_db
class TestTokenAuthentication:
    def test_the_token_brings_the_user_agency_and_authority_in_one_query(self):
        from accounts.authentication import TokenAuthentication
        from accounts.models import ApiToken
        from accounts.tokens import issue_sign_in_token

        world = front_door_world()
        issued = issue_sign_in_token(user=world.teacher)
        TokenAuthentication().authenticate_credentials(issued.key)  # the first use records when it was used
        with CaptureQueriesContext(connection) as queries:
            user, found = TokenAuthentication().authenticate_credentials(issued.key)
            assert (user.agency.pk, user.authority.pk) == (world.school.pk, world.authority.pk)
            assert user.agency.authority.la_code == world.authority.la_code
        assert len(queries) == 1
        assert found.pk == issued.token.pk and found.user is user
        orm = ApiToken.objects.select_related("user__agency__authority").get(pk=issued.token.pk)
        assert {f.attname: getattr(found, f.attname) for f in found._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in found._meta.concrete_fields
        }
        assert {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields} == {
            f.attname: getattr(orm.user, f.attname) for f in user._meta.concrete_fields
        }

    def test_a_user_without_an_agency(self):
        from accounts.authentication import TokenAuthentication
        from accounts.tokens import issue_sign_in_token

        issued = issue_sign_in_token(user=UserFactory(agency=None))
        user, _ = TokenAuthentication().authenticate_credentials(issued.key)
        assert user.agency is None and user.authority is None

    def test_unknown_tokens_and_inactive_users_are_refused(self):
        from accounts.tokens import create_service_token

        world = front_door_world()
        issued = create_service_token(user=world.service, name="School system", scopes=["contacts:write"])
        assert (
            APIClient().post(CONTACTS, _contact_body(), format="json", HTTP_AUTHORIZATION="Token nope").status_code
            == 401
        )
        world.service.is_active = False
        world.service.save()
        response = APIClient().post(CONTACTS, _contact_body(), format="json", HTTP_AUTHORIZATION=f"Token {issued.key}")
        assert response.status_code == 401
        assert not Contact.objects.exists()

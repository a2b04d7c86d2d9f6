"""The access log is append-only and hash-chained.

The database refuses UPDATE, DELETE and TRUNCATE (migrations accounts 0003 and 0005), `audit_verify`
finds a row changed or removed behind the triggers' back, the unique prev_hash
stops the chain forking, and concurrent writers still build one unbroken chain.
"""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.access import AccessDecision
from accounts.audit import record_access, record_search, verify_chain
from accounts.models import AccessEvent
from tests.factories import ChildFactory, UserFactory

TABLE = "accounts_accessevent"
TRIGGER = "accessevent_append_only"


ALLOWED = AccessDecision(True, AccessEvent.Purpose.NORMAL)


def append_events(count, *, user=None, child=None):
    user = user or UserFactory()
    child = child or ChildFactory()
    return [record_access(user=user, child=child, what="page:child-record", decision=ALLOWED) for _ in range(count)]


def verify_output():
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def behind_the_triggers_back(sql, params=()):
    """Run SQL with the append-only trigger switched off, as someone with table-owner rights could."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")


@pytest.mark.django_db
class TestAppendOnly:
    def test_update_is_refused_by_the_database(self):
        event = append_events(1)[0]
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE {TABLE} SET what = %s WHERE id = %s", ["page:something-else", event.pk])
        event.refresh_from_db()
        assert event.what == "page:child-record"

    def test_update_of_every_row_is_refused(self):
        append_events(3)
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE {TABLE} SET outcome = 'denied'")
        assert not AccessEvent.objects.filter(outcome="denied").exists()

    def test_delete_is_refused_by_the_database(self):
        event = append_events(1)[0]
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
        assert AccessEvent.objects.filter(pk=event.pk).exists()

    def test_orm_update_and_delete_are_refused_too(self):
        event = append_events(1)[0]
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic():
                AccessEvent.objects.filter(pk=event.pk).update(purpose="admin")
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic():
                AccessEvent.objects.filter(pk=event.pk).delete()
        event.refresh_from_db()
        assert event.purpose == "normal"

    def test_truncate_is_refused_by_the_database(self):
        """As Django's flush and `TRUNCATE ... CASCADE` would do it; tests' own flush gets past (conftest)."""
        append_events(2)
        for sql in (f"TRUNCATE {TABLE}", f"TRUNCATE {TABLE} RESTART IDENTITY CASCADE"):
            with pytest.raises(DatabaseError, match="append-only"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
        assert AccessEvent.objects.count() == 2

    def test_the_truncate_trigger_is_installed_and_enabled(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgname = 'accessevent_no_truncate' AND tgrelid = %s::regclass",
                [TABLE],
            )
            assert cursor.fetchall() == [("O",)]

    def test_the_trigger_is_installed_and_enabled(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass", [TRIGGER, TABLE]
            )
            rows = cursor.fetchall()
        assert rows == [("O",)]  # O = fires in the normal (origin) replication role


@pytest.mark.django_db
class TestHashChain:
    def test_each_row_links_to_the_one_before(self):
        assert not AccessEvent.objects.exists()
        events = append_events(3)
        assert events[0].prev_hash == AccessEvent.GENESIS_HASH
        assert events[1].prev_hash == events[0].hash
        assert events[2].prev_hash == events[1].hash
        assert all(e.hash == e.compute_hash() for e in AccessEvent.objects.all())

    def test_audit_verify_reports_an_intact_chain(self):
        user = UserFactory()
        append_events(4, user=user)
        record_search(user=user, what="page:child-search", query="Fictional", child_ids=[1, 2])
        total = AccessEvent.objects.count()
        assert total >= 5
        output = verify_output()
        assert f"{total} rows checked" in output
        assert "intact" in output

    def test_audit_verify_on_an_empty_log(self):
        assert not AccessEvent.objects.exists()
        assert "0 rows checked" in verify_output()

    def test_an_altered_row_is_found_and_named(self):
        events = append_events(5)
        altered = events[2]
        behind_the_triggers_back(f"UPDATE {TABLE} SET what = %s WHERE id = %s", ["page:innocent-looking", altered.pk])
        assert AccessEvent.objects.get(pk=altered.pk).what == "page:innocent-looking"

        with pytest.raises(CommandError) as error:
            call_command("audit_verify")
        message = str(error.value)
        assert f"row {altered.pk} " in message
        assert "content does not match its hash" in message
        report = verify_chain()
        assert (report.intact, report.first_bad_id) == (False, altered.pk)

    def test_an_altered_outcome_is_found(self):
        """Turning a refusal into an allowed read (or back) is caught like any other change."""
        events = append_events(3)
        behind_the_triggers_back(f"UPDATE {TABLE} SET outcome = 'denied' WHERE id = %s", [events[0].pk])
        with pytest.raises(CommandError, match=rf"row {events[0].pk} "):
            call_command("audit_verify")

    def test_a_rehashed_row_still_breaks_the_link_to_the_next(self):
        """Recomputing the altered row's own hash does not help: the next row still names the old one."""
        events = append_events(3)
        middle = AccessEvent.objects.get(pk=events[1].pk)
        middle.what = "page:innocent-looking"
        new_hash = middle.compute_hash()
        behind_the_triggers_back(
            f"UPDATE {TABLE} SET what = %s, hash = %s WHERE id = %s", [middle.what, new_hash, middle.pk]
        )
        with pytest.raises(CommandError) as error:
            call_command("audit_verify")
        assert f"row {events[2].pk} does not link to the row before it" in str(error.value)

    def test_a_deleted_middle_row_is_found(self):
        events = append_events(5)
        deleted, following = events[2], events[3]
        behind_the_triggers_back(f"DELETE FROM {TABLE} WHERE id = %s", [deleted.pk])
        assert not AccessEvent.objects.filter(pk=deleted.pk).exists()

        with pytest.raises(CommandError) as error:
            call_command("audit_verify")
        message = str(error.value)
        assert f"row {following.pk} does not link to the row before it" in message

    def test_the_chain_cannot_fork(self):
        events = append_events(2)
        fork = AccessEvent(
            occurred_at=events[1].occurred_at,
            user=events[1].user,
            username=events[1].username,
            child=events[1].child,
            action=AccessEvent.Action.READ,
            what="page:child-record",
            purpose=AccessEvent.Purpose.NORMAL,
            outcome=AccessEvent.Outcome.ALLOWED,
            detail="a second successor to the same row",
            prev_hash=events[1].prev_hash,  # already claimed by events[1]
        )
        fork.hash = fork.compute_hash()
        with pytest.raises(IntegrityError):
            with transaction.atomic():
                fork.save(force_insert=True)
        assert AccessEvent.objects.filter(prev_hash=events[1].prev_hash).count() == 1

    def test_the_chain_cannot_fork_by_raw_sql_either(self):
        events = append_events(2)
        with pytest.raises(IntegrityError):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} (occurred_at, user_id, username, child_id, action, what, purpose, outcome,"
                    " detail, prev_hash, hash) VALUES (now(), NULL, '', NULL, 'read', 'x', 'none', 'denied', '', %s, %s)",
                    [events[0].hash, "f" * 64],
                )
        assert verify_chain().intact


WRITERS = 4
EVENTS_PER_WRITER = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_unbroken_chain():
    users = [UserFactory() for _ in range(WRITERS)]
    child = ChildFactory()
    start = threading.Barrier(WRITERS)
    errors = []

    def write(user):
        try:
            start.wait(timeout=10)
            for _ in range(EVENTS_PER_WRITER):
                record_access(user=user, child=child, what="api:children-detail", decision=ALLOWED)
        except Exception as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    assert AccessEvent.objects.count() == WRITERS * EVENTS_PER_WRITER
    for user in users:
        assert AccessEvent.objects.filter(user=user).count() == EVENTS_PER_WRITER
    assert AccessEvent.objects.values("prev_hash").distinct().count() == WRITERS * EVENTS_PER_WRITER
    report = verify_chain()
    assert report.intact, report
    assert report.rows_checked == WRITERS * EVENTS_PER_WRITER
    assert f"{WRITERS * EVENTS_PER_WRITER} rows checked" in verify_output()

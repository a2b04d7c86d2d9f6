"""Signed anchors pin the access log's end, so a rewritten or shortened log is found.

Someone behind the triggers can rewrite the last rows and recompute every hash, or
cut rows off the end, and the chain still links. An anchor made before that names
a row and hash that are gone. What happens after the latest anchor stays unseen.
"""

import json
from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.access import AccessDecision
from accounts.anchors import anchor_access_log, sign
from accounts.audit import record_access, verify_chain
from accounts.models import AccessEvent, AccessLogAnchor
from accounts.tasks import anchor_access_log_task
from tests.factories import ChildFactory, UserFactory

EVENTS = "accounts_accessevent"
ANCHORS = "accounts_accessloganchor"
ALLOWED = AccessDecision(True, AccessEvent.Purpose.NORMAL)

pytestmark = pytest.mark.django_db


def append_events(count):
    user, child = UserFactory(), ChildFactory()
    return [record_access(user=user, child=child, what="page:child-record", decision=ALLOWED) for _ in range(count)]


def behind_the_triggers_back(table, sql, params=()):
    """As someone with owner rights on the table could: every trigger off, then on again."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def rewrite_from(first_id, what="page:innocent-looking"):
    """Change one row and recompute its hash and every later row's, so the chain links again."""
    prev = AccessEvent.objects.filter(id__lt=first_id).order_by("-id").values_list("hash", flat=True).first()
    prev = prev or AccessEvent.GENESIS_HASH
    for event in AccessEvent.objects.filter(id__gte=first_id).order_by("id"):
        if event.id == first_id:
            event.what = what
        event.prev_hash = prev
        event.hash = prev = event.compute_hash()
        behind_the_triggers_back(
            EVENTS,
            f"UPDATE {EVENTS} SET what = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [event.what, event.prev_hash, event.hash, event.id],
        )


def cut_from(first_id):
    behind_the_triggers_back(EVENTS, f"DELETE FROM {EVENTS} WHERE id >= %s", [first_id])


def verify():
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def verify_fails():
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", stdout=StringIO())
    return str(error.value)


def file_lines():
    path = settings.AUDIT_ANCHOR_PATH
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


class TestAnchoring:
    def test_an_anchor_signs_the_last_row_and_the_count_in_the_table_and_the_file(self):
        events = append_events(4)
        anchor = anchor_access_log()
        assert (anchor.last_event_id, anchor.last_hash, anchor.event_count) == (events[-1].pk, events[-1].hash, 4)
        assert anchor.signature == sign(anchor)
        assert list(AccessLogAnchor.objects.values_list("pk", flat=True)) == [anchor.pk]
        [line] = file_lines()
        assert line == {
            "anchored_at": anchor.anchored_at.astimezone(UTC).isoformat(),
            "last_event_id": events[-1].pk,
            "last_hash": events[-1].hash,
            "event_count": 4,
            "signature": anchor.signature,
        }

    def test_anchoring_again_without_new_rows_writes_nothing(self):
        append_events(2)
        assert anchor_access_log() is not None
        assert anchor_access_log() is None
        assert AccessLogAnchor.objects.count() == 1
        assert len(file_lines()) == 1

        later = append_events(1)[0]
        assert anchor_access_log().last_event_id == later.pk
        assert AccessLogAnchor.objects.count() == 2
        assert len(file_lines()) == 2

    def test_an_empty_log_is_not_anchored(self):
        assert anchor_access_log() is None
        assert not AccessLogAnchor.objects.exists()
        assert not settings.AUDIT_ANCHOR_PATH.exists()

    def test_the_beat_task_anchors_once_per_end_of_the_log(self):
        events = append_events(3)
        assert anchor_access_log_task.apply().get() == {"anchored_row": events[-1].pk}
        assert anchor_access_log_task.apply().get() == {"anchored_row": None}
        assert AccessLogAnchor.objects.count() == 1
        assert len(file_lines()) == 1

    def test_beat_runs_the_task_every_5_to_15_minutes(self):
        entry = settings.CELERY_BEAT_SCHEDULE["anchor-access-log"]
        assert entry["task"] == anchor_access_log_task.name
        assert 5 * 60 <= entry["schedule"] <= 15 * 60

    def test_the_anchors_table_is_append_only_too(self):
        append_events(1)
        anchor_access_log()
        for sql in (
            f"UPDATE {ANCHORS} SET event_count = 0",
            f"DELETE FROM {ANCHORS}",
            f"TRUNCATE {ANCHORS}",
        ):
            with pytest.raises(DatabaseError, match="append-only"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
        assert AccessLogAnchor.objects.get().event_count == 1


class TestVerifyWithAnchors:
    def test_an_intact_anchored_log_passes(self):
        append_events(3)
        anchor = anchor_access_log()
        append_events(2)
        output = verify()
        assert "Access log intact: 5 rows checked." in output
        assert f"covers rows up to {anchor.last_event_id}, 2 rows after it are not anchored yet" in output

    def test_a_log_with_no_anchor_passes_but_says_its_end_is_unprotected(self):
        append_events(2)
        assert "No anchors yet" in verify()

    def test_a_tail_rewritten_with_recomputed_hashes_is_found(self):
        events = append_events(6)
        anchor_access_log()
        rewrite_from(events[3].pk)
        assert verify_chain().intact  # the chain alone cannot tell
        message = verify_fails()
        assert f"Row {events[-1].pk} is not the row the anchor of" in message
        assert "rewritten" in message

    def test_rows_cut_off_the_end_are_found(self):
        events = append_events(6)
        anchor_access_log()
        cut_from(events[4].pk)
        assert verify_chain().intact
        message = verify_fails()
        assert f"Row {events[-1].pk}, named by the anchor of" in message
        assert "missing" in message

    def test_an_emptied_log_is_found(self):
        append_events(3)
        anchor_access_log()
        behind_the_triggers_back(EVENTS, f"TRUNCATE {EVENTS}")
        assert "missing" in verify_fails()

    def test_an_earlier_anchor_catches_a_rewrite_before_the_latest_one(self):
        events = append_events(3)
        anchor_access_log()
        append_events(3)
        anchor_access_log()
        rewrite_from(events[1].pk)
        message = verify_fails()
        assert f"Row {events[-1].pk} is not the row" in message

    def test_fewer_rows_than_anchored_is_found(self):
        events = append_events(3)
        anchor = AccessLogAnchor(
            anchored_at=timezone.now(), last_event_id=events[-1].pk, last_hash=events[-1].hash, event_count=5
        )
        anchor.signature = sign(anchor)
        anchor.save()
        assert f"2 rows up to row {events[-1].pk} are missing" in verify_fails()

    def test_a_forged_anchor_is_found(self):
        events = append_events(2)
        forged = AccessLogAnchor(
            anchored_at=timezone.now(), last_event_id=events[-1].pk, last_hash=events[-1].hash, event_count=2
        )
        forged.signature = "0" * 64
        forged.save()
        assert "The signature of the anchor of" in verify_fails()

    def test_an_anchor_signed_with_another_key_is_found(self, settings):
        append_events(2)
        settings.AUDIT_ANCHOR_KEY = "a key someone else holds"
        anchor_access_log()
        settings.AUDIT_ANCHOR_KEY = "the deployment's key"
        assert "is not valid" in verify_fails()

    def test_an_altered_line_in_the_anchor_file_is_found(self):
        append_events(2)
        anchor_access_log()
        line = file_lines()[0] | {"event_count": 1}
        settings.AUDIT_ANCHOR_PATH.write_text(json.dumps(line) + "\n")
        assert "is not valid" in verify_fails()
        settings.AUDIT_ANCHOR_PATH.write_text("not an anchor\n")
        assert "Line 1 of the anchor file is not an anchor." in verify_fails()

    def test_the_file_still_finds_a_rewrite_when_the_table_anchors_are_removed(self):
        events = append_events(4)
        anchor_access_log()
        behind_the_triggers_back(ANCHORS, f"DELETE FROM {ANCHORS}")
        rewrite_from(events[2].pk)
        assert f"Row {events[-1].pk} is not the row" in verify_fails()

    def test_the_table_still_finds_a_rewrite_when_the_file_is_removed(self):
        events = append_events(4)
        anchor_access_log()
        settings.AUDIT_ANCHOR_PATH.unlink()
        rewrite_from(events[2].pk)
        assert f"Row {events[-1].pk} is not the row" in verify_fails()

    def test_a_rewrite_after_the_latest_anchor_is_not_seen(self):
        """The documented limit: rows after the latest anchor are protected only by the chain."""
        append_events(3)
        anchor_access_log()
        later = append_events(2)
        rewrite_from(later[0].pk)
        cut_from(later[1].pk)
        assert "Access log intact: 4 rows checked." in verify()


class TestAnchorKey:
    def test_check_deploy_refuses_a_derived_key(self, settings):
        settings.AUDIT_ANCHOR_KEY_IS_DERIVED = True
        assert "accounts.E001" in [m.id for m in run_checks(include_deployment_checks=True)]

    def test_check_deploy_accepts_a_key_from_the_environment(self, settings):
        settings.AUDIT_ANCHOR_KEY_IS_DERIVED = False
        assert "accounts.E001" not in [m.id for m in run_checks(include_deployment_checks=True)]

    def test_the_key_signs_what_the_anchor_says(self):
        anchor = AccessLogAnchor(anchored_at=timezone.now(), last_event_id=7, last_hash="a" * 64, event_count=7)
        signature = sign(anchor)
        anchor.anchored_at += timedelta(seconds=1)
        assert sign(anchor) != signature

"""The deadline sweep: reminders, breach notices, escalation, exactly once."""

import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Role
from notifications import sweep as sweep_module
from notifications.clocks import start_clock, stop_clock
from notifications.models import Deadline, DeadlineNotice, Notification
from notifications.sweep import sweep_deadlines
from tests.factories import AgencyFactory, ChildFactory, UserFactory


def at(*args):
    return timezone.make_aware(datetime(*args))


def line(agency):
    """A worker with the whole management chain above them."""
    head = UserFactory(agency=agency, role=Role.HEAD_OF_SERVICE, username=f"head{agency.pk}")
    senior = UserFactory(agency=agency, role=Role.SENIOR_MANAGER, line_manager=head, username=f"senior{agency.pk}")
    manager = UserFactory(agency=agency, role=Role.TEAM_MANAGER, line_manager=senior, username=f"tm{agency.pk}")
    worker = UserFactory(agency=agency, line_manager=manager, username=f"sw{agency.pk}")
    return worker, manager, senior, head


def notices():
    return sorted(DeadlineNotice.objects.values_list("kind", "recipient__username"))


@pytest.mark.django_db
def test_reminder_breach_and_escalation_in_order():
    worker, manager, senior, head = line(AgencyFactory())
    child = ChildFactory()
    # ICPC: 15 working days from Tue 1 Dec 2026 → due Tue 22 Dec; reminder on Mon 21 Dec at 08:45.
    deadline = start_clock("icpc", child, child=child, started_at=at(2026, 12, 1, 10), responsible=worker)
    assert sweep_deadlines(now=at(2026, 12, 21, 8, 0)).notices == 0
    assert sweep_deadlines(now=at(2026, 12, 21, 9, 0)).notices == 1
    assert notices() == [("reminder-1", worker.username)]
    sweep_deadlines(now=at(2026, 12, 22, 23, 0))  # still the due day: not missed yet
    assert len(notices()) == 1
    result = sweep_deadlines(now=at(2026, 12, 23, 0, 1))
    assert result.by_kind == {"breach": 2}
    deadline.refresh_from_db()
    assert deadline.status == Deadline.Status.BREACHED
    # One working day after the due day (Wed 23 Dec, office opening): the senior manager.
    sweep_deadlines(now=at(2026, 12, 23, 9, 0))
    # Two working days after (Thu 24 Dec): the head of service; then nothing more.
    sweep_deadlines(now=at(2026, 12, 24, 9, 0))
    sweep_deadlines(now=at(2027, 2, 1, 9, 0))
    assert notices() == sorted(
        [
            ("reminder-1", worker.username),
            ("breach", worker.username),
            ("breach", manager.username),
            ("escalation-1", senior.username),
            ("escalation-2", head.username),
        ]
    )
    deadline.refresh_from_db()
    assert deadline.next_action_at is None
    assert Notification.objects.filter(recipient=head, subject__startswith="Still overdue").count() == 1
    # Email carries no details of the child.
    assert all(child.first_name not in m.body + m.subject for m in mail.outbox)


@pytest.mark.django_db
def test_sweeping_again_sends_nothing_twice():
    worker, *_ = line(AgencyFactory())
    child = ChildFactory()
    start_clock("referral_decision", child, child=child, started_at=at(2026, 11, 2, 10), responsible=worker)
    first = sweep_deadlines(now=at(2026, 12, 1, 9))
    assert first.notices == 4
    assert sweep_deadlines(now=at(2026, 12, 1, 9)).notices == 0
    assert sweep_deadlines(now=at(2027, 1, 1, 9)).notices == 0
    assert DeadlineNotice.objects.count() == Notification.objects.count() == 4


@pytest.mark.django_db
def test_a_stopped_clock_is_left_alone():
    worker, *_ = line(AgencyFactory())
    child = ChildFactory()
    start_clock("icpc", child, child=child, started_at=at(2026, 12, 1, 10), responsible=worker)
    stop_clock("icpc", child, stopped_at=at(2026, 12, 10, 10))
    assert sweep_deadlines(now=at(2027, 1, 10, 9)).notices == 0


@pytest.mark.django_db
def test_unallocated_deadline_goes_to_the_first_in_the_chain():
    mash = AgencyFactory(kind="mash")
    mash_manager = UserFactory(agency=mash, role=Role.MASH_MANAGER)
    child = ChildFactory()
    start_clock("referral_decision", child, child=child, started_at=at(2026, 11, 2, 10), agency=mash)
    sweep_deadlines(now=at(2026, 11, 4, 9))
    assert ("breach", mash_manager.username) in notices()


@pytest.mark.django_db
def test_sweep_reads_only_rows_due_for_action():
    worker, *_ = line(AgencyFactory())
    child = ChildFactory()
    for _ in range(30):  # due far in the future
        start_clock("cp_review_next", child, child=child, started_at=at(2026, 11, 2, 10), responsible=worker)
    start_clock("referral_decision", child, child=child, started_at=at(2026, 11, 2, 10), responsible=worker)
    result = sweep_deadlines(now=at(2026, 11, 4, 1))
    assert result.deadlines == 1 and result.by_kind == {"breach": 2}


@pytest.mark.django_db
def test_a_worker_dying_mid_batch_leaves_nothing_half_done(monkeypatch):
    worker, *_ = line(AgencyFactory())
    child = ChildFactory()
    start_clock("referral_decision", child, child=child, started_at=at(2026, 11, 2, 10), responsible=worker)
    real_send = sweep_module._send

    def die_after_writing(*args, **kwargs):
        real_send(*args, **kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(sweep_module, "_send", die_after_writing)
    with pytest.raises(SystemExit):
        sweep_deadlines(now=at(2026, 12, 1, 9))
    assert DeadlineNotice.objects.count() == 0 and Notification.objects.count() == 0
    monkeypatch.setattr(sweep_module, "_send", real_send)
    assert sweep_deadlines(now=at(2026, 12, 1, 9)).notices == 4


def _due_now_deadlines(count):
    """`count` deadlines long overdue, each owed breach (2) and escalation (2) notices."""
    worker, *_ = line(AgencyFactory())
    long_ago = timezone.now() - timedelta(days=60)
    for _ in range(count):
        child = ChildFactory()
        start_clock("referral_decision", child, child=child, started_at=long_ago, responsible=worker)
    return count * 4


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notice_once():
    expected = _due_now_deadlines(60)
    errors = []

    def run():
        try:
            sweep_deadlines(batch_size=7)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert DeadlineNotice.objects.count() == expected == Notification.objects.count()


@pytest.mark.django_db(transaction=True)
def test_two_real_celery_workers_on_redis_send_each_notice_once(tmp_path):
    from django.conf import settings

    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (make test sets it)")
    from notifications.tasks import sweep_deadlines_task

    expected = _due_now_deadlines(120)
    queue = f"sweep-test-{os.getpid()}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DEADLINE_SWEEP_BATCH": "5",
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "-n",
                f"w{i}-{queue}@%h",
                "--concurrency=2",
                "--pool=prefork",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"worker{i}.log", "w"),
        )
        for i in range(2)
    ]
    try:
        for _ in range(8):
            sweep_deadlines_task.apply_async(queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            waiting = Deadline.objects.filter(
                status__in=Deadline.OPEN_STATUSES, next_action_at__lte=timezone.now()
            ).count()
            if waiting == 0 and DeadlineNotice.objects.count() >= expected:
                break
            time.sleep(0.5)
        time.sleep(2)  # let any straggling task finish: it must find nothing to send
        assert DeadlineNotice.objects.count() == expected
        assert Notification.objects.count() == expected
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=20)

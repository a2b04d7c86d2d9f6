"""Benchmark: one deadline sweep over 1,000,000 open deadlines in PostgreSQL.

    .venv/bin/python bench/sweep.py [--rows 1000000] [--due-share 0.02]

Uses its own database (safeguarding_bench on the machine's PostgreSQL unless
BENCH_DATABASE_URL says otherwise), bulk-loads the deadlines with COPY, then
times one full sweep and prints rows per second and the queries it issued.
Goal: the full sweep in 30 s or less on a 2-core machine, so a sweep every 5 minutes
never overlaps the next one.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from measuring import ensure_database  # bench/, the folder of this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench"
)
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due-share", type=float, default=0.02, help="share of deadlines with an action due now")
    parser.add_argument("--profile", action="store_true", help="print where the sweep spends its time")
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accounts.models import Agency, Authority, Role, User
    from casework.models import Child
    from notifications.models import Deadline, DeadlineNotice, Notification
    from notifications.rules import rule_in_force
    from notifications.sweep import sweep_deadlines

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_deadlinenotice, notifications_notification, notifications_deadline")

    authority, _ = Authority.objects.get_or_create(la_code="888", defaults={"name": "Bench authority"})
    agency, _ = Agency.objects.get_or_create(authority=authority, name="Bench CSC", defaults={"kind": "csc"})
    head, _ = User.objects.get_or_create(
        username="bench.head", defaults={"agency": agency, "role": Role.HEAD_OF_SERVICE}
    )
    senior, _ = User.objects.get_or_create(
        username="bench.senior", defaults={"agency": agency, "role": Role.SENIOR_MANAGER, "line_manager": head}
    )
    managers = [
        User.objects.get_or_create(
            username=f"bench.tm{i}", defaults={"agency": agency, "role": Role.TEAM_MANAGER, "line_manager": senior}
        )[0]
        for i in range(20)
    ]
    workers = [
        User.objects.get_or_create(
            username=f"bench.sw{i}", defaults={"agency": agency, "line_manager": managers[i % 20]}
        )[0]
        for i in range(400)
    ]
    if Child.objects.count() < 5000:
        Child.objects.bulk_create(
            [Child(first_name=f"Bench{i}", last_name="Fictional", date_of_birth="2015-01-01") for i in range(5000)]
        )
    child_ids = list(Child.objects.values_list("id", flat=True)[:5000])
    rule = rule_in_force("icpc")
    child_type = ContentType.objects.get_for_model(Child).pk

    now = timezone.now()
    rng = random.Random(7)
    due = int(args.rows * args.due_share)
    started = time.perf_counter()
    columns = (
        "rule_id, rule_code, rule_version, child_id, subject_type_id, subject_id, responsible_id, agency_id, "
        "started_at, anchor_at, due_at, due_date, calendar_used, explanation, status, lateness_reason, "
        "next_action_at, reminders_sent, escalation_level"
    )
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY notifications_deadline ({columns}) FROM STDIN") as copy,
    ):
        for i in range(args.rows):
            child_id = child_ids[i % len(child_ids)]
            worker = workers[i % len(workers)].pk
            if i < due:
                kind = i % 4  # a mix of reminders, breaches and escalations due now
                if kind == 0:  # reminder due, deadline tomorrow
                    due_at, status, nxt, level = now + timedelta(days=1), "open", now - timedelta(minutes=1), 0
                elif kind in (1, 2):  # just missed
                    due_at, status, nxt, level = now - timedelta(minutes=5), "open", now - timedelta(minutes=5), 0
                else:  # missed a while ago: escalation due
                    due_at, status, nxt, level = now - timedelta(days=2), "breached", now - timedelta(hours=1), 0
                reminders = 0 if kind == 0 else 1
            else:
                due_at = now + timedelta(days=rng.randint(3, 60))
                status, nxt, level, reminders = "open", due_at - timedelta(days=1), 0, 0
            start = due_at - timedelta(days=21)
            copy.write_row(
                (
                    rule.pk,
                    rule.code,
                    rule.version,
                    child_id,
                    child_type,
                    child_id,
                    worker,
                    agency.pk,
                    start,
                    start,
                    due_at,
                    timezone.localtime(due_at).date(),
                    "ENG bank holidays",
                    "Bench deadline.",
                    status,
                    "",
                    nxt,
                    reminders,
                    level,
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE notifications_deadline")
    load_seconds = time.perf_counter() - started
    print(f"loaded {args.rows:,} open deadlines ({due:,} with an action due) in {load_seconds:.1f} s")

    with CaptureQueriesContext(connection) as queries:
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        result = sweep_deadlines()
        seconds = time.perf_counter() - started
        if profiler:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    print(f"sweep: {seconds:.2f} s, {result.deadlines:,} deadlines acted on in {result.batches} batches")
    print(f"       {result.deadlines / seconds:,.0f} due rows/s, {args.rows / seconds:,.0f} open rows/s overall")
    print(f"       {result.notices:,} notices {result.by_kind}, {len(queries.captured_queries)} queries")
    print(f"check: notices {DeadlineNotice.objects.count():,}, notifications {Notification.objects.count():,}")
    again = time.perf_counter()
    second = sweep_deadlines()
    print(
        f"second sweep straight after: {time.perf_counter() - again:.3f} s, {second.deadlines} rows, {second.notices} notices"
    )
    goal = "MET" if seconds <= 30 else "MISSED"
    print(f"goal (full sweep <= 30 s): {goal}")
    assert Deadline.objects.filter(status__in=["open", "breached"], next_action_at__lte=now).count() == 0


if __name__ == "__main__":
    main()

"""Benchmark: the front door under load, through a real gunicorn on loopback.

    .venv/bin/python bench/front_door.py [--contacts 2000] [--clients 16] [--queue 100000]
                                         [--requests 200] [--workers 2] [--threads 4]
                                         [--conn-max-age 60] [--profile]

1. Writes: a partner system (service account + API token) POSTs --contacts new
   contacts to /api/v1/contacts/ from --clients concurrent clients, each with
   its own Idempotency-Key; prints writes/second and p50/p95/p99 latency, then
   replays some keys to check nothing is created twice.
2. Triage: bulk-loads open contacts in MASH (1,000, then up to --queue) with
   referral_decision deadlines for most of them, counts the SQL queries one
   triage page makes in-process at each size, then times --requests GETs of
   the triage screen over HTTP as a MASH manager: the HTML page /mash/ when the
   app has one (signed in with a session), and the API list /api/v1/contacts/
   (with a token).

Uses its own database (safeguarding_bench_fd on the machine's PostgreSQL
unless BENCH_DATABASE_URL says otherwise; created if missing, migrated, its
front-door tables emptied at the start) and Redis database 10. gunicorn listens
on 127.0.0.1 only and is always stopped at the end.

gunicorn runs as deployed (docker-compose.yml): persistent database connections
(CONN_MAX_AGE=60, the app's default on PostgreSQL; 0 opens a connection per
request) and, for this 2-core machine, 2 workers x 4 threads: one process per
core, threads to overlap each write's ~27 database round trips (3 workers x 2
threads measured slower here: 70 vs 89 contacts/s on the same busy machine).
Goals: >= 300 contacts/s; triage p95 <= 150 ms; query count independent of queue size.
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from datetime import time as dtime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from measuring import ensure_database, percentiles  # bench/, the folder of this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_fd")
REDIS_URL = "redis://127.0.0.1:6379/10"
SECRET_KEY = "bench-only-not-a-secret"
HOST = "127.0.0.1"
PASSWORD = "bench-password-1"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["SECRET_KEY"] = SECRET_KEY
os.environ["DEBUG"] = "0"
# Plain http on loopback, as gunicorn is behind the TLS-terminating proxy in production.
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

GOAL_WRITES_PER_SECOND = 300
GOAL_TRIAGE_P95_MS = 150


def latency_line(samples_ms):
    p50, p95, p99 = percentiles(samples_ms)
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms (max {max(samples_ms):.1f}, n={len(samples_ms)})"


# --- gunicorn -----------------------------------------------------------------------------


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, conn_max_age, workers=2, threads=4):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-front-door-gunicorn-", suffix=".log", delete=False)
        env = {
            **os.environ,
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "CONN_MAX_AGE": str(conn_max_age),
        }
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi",
                "-b",
                f"{HOST}:{self.port}",
                "-w",
                str(workers),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/sign-in/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds} s; see {self.log.name}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its own workers
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the process group we started
                self.process.wait(timeout=10)
        self.log.close()


def _proc_cpu(pid):
    """User + system CPU seconds a process has used (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def _database_backends():
    """{pid: CPU seconds} of the PostgreSQL backends serving this benchmark's database (local server only)."""
    name = DATABASE_URL.rsplit("/", 1)[1]
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {name} " in title:
                found[int(entry.name)] = _proc_cpu(int(entry.name))
    return found


def _machine_cpu():
    """(busy, total) jiffies over all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """Where CPU went during a phase: gunicorn's workers, this client, and the whole machine."""

    def __init__(self, server):
        self.server = server

    def __enter__(self):
        self.pids = [self.server.process.pid, *_children(self.server.process.pid)]
        self.server_cpu = sum(_proc_cpu(p) for p in self.pids)
        self.database = _database_backends()
        self.client_cpu = time.process_time()
        self.machine = _machine_cpu()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.server_cpu = sum(_proc_cpu(p) for p in self.pids) - self.server_cpu
        self.client_cpu = time.process_time() - self.client_cpu
        self.database_cpu = sum(cpu - self.database.get(pid, 0.0) for pid, cpu in _database_backends().items())
        busy, total = _machine_cpu()
        self.busy_share = (busy - self.machine[0]) / max(1, total - self.machine[1])
        self.wall = time.perf_counter() - self.wall

    def line(self, requests):
        cores = os.cpu_count() or 1
        return (
            f"CPU per request: gunicorn {self.server_cpu / requests * 1000:.1f} ms, PostgreSQL backends "
            f"{self.database_cpu / requests * 1000:.1f} ms, this client "
            f"{self.client_cpu / requests * 1000:.1f} ms; machine {self.busy_share:.0%} busy of {cores} cores "
            f"(PostgreSQL and anything else running here make up the rest; load average "
            f"{os.getloadavg()[0]:.1f})"
        )


class Http:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, port, headers=None):
        self.port, self.headers, self.cookies = port, dict(headers or {}), {}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def request(self, method, path, body=None, headers=None):
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def close(self):
        self.conn.close()


# --- set-up ---------------------------------------------------------------------------------


def set_up():
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Agency, ApiToken, Authority, Role, Team, User
    from accounts.tokens import create_service_token, issue_sign_in_token

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        # Start every run from an empty front door (this database is the benchmark's own).
        cursor.execute("TRUNCATE casework_child, notifications_deadline, notifications_notification CASCADE")
    authority, _ = Authority.objects.get_or_create(la_code="801", defaults={"name": "Front door bench"})
    agencies = {
        kind: Agency.objects.get_or_create(authority=authority, kind=kind, defaults={"name": f"Bench {kind}"})[0]
        for kind in (Agency.Kind.CSC, Agency.Kind.MASH, Agency.Kind.CYJS, Agency.Kind.EDUCATION)
    }
    mash = agencies[Agency.Kind.MASH]
    team, _ = Team.objects.get_or_create(agency=mash, name="Bench MASH team")

    def user(username, role, agency):
        person, _ = User.objects.get_or_create(username=username, defaults={"role": role, "agency": agency})
        person.role, person.agency, person.team = role, agency, team if agency == mash else None
        person.set_password(PASSWORD)
        person.save()
        return person

    manager = user("bench.mash.manager", Role.MASH_MANAGER, mash)
    workers = [user(f"bench.mash.worker{i}", Role.MASH_WORKER, mash) for i in range(10)]
    service = user("bench.school.system", Role.SERVICE_ACCOUNT, agencies[Agency.Kind.EDUCATION])
    ApiToken.objects.filter(user__in=[service, manager]).delete()  # tokens of earlier runs
    return {
        "authority": authority,
        "mash": mash,
        "team": team,
        "manager": manager,
        "workers": workers,
        "service": service,
        "service_token": create_service_token(user=service, name="Bench school system", scopes=["contacts:write"]).key,
        "manager_token": issue_sign_in_token(user=manager).key,
    }


# --- 1. writes ------------------------------------------------------------------------------


CATEGORIES = ["neglect", "emotional", "physical", "domestic_abuse", "cse", "mental_health", "missing"]


def contact_body(i, now):
    return {
        "received_at": (now - timedelta(minutes=i % 600)).isoformat(),
        "referrer": {
            "name": f"Teacher {i % 50}",
            "agency": "education",
            "role": "designated safeguarding lead",
            "contact": "01234 000000",
        },
        "child": {
            "first_name": f"Bench{i}",
            "last_name": f"Family{i % 997}",
            "date_of_birth": (date(2008, 1, 1) + timedelta(days=(i * 37) % 6500)).isoformat(),
        },
        "concerns": "Fictional benchmark concern: attendance has dropped and the child seems hungry.",
        "categories": [CATEGORIES[i % len(CATEGORIES)]],
        "consent": "given",
    }


def bench_writes(server, token, count, clients):
    from referrals.models import Contact

    port = server.port
    now = datetime.now().astimezone() - timedelta(minutes=1)
    bodies = [(str(uuid.uuid4()), json.dumps(contact_body(i, now))) for i in range(count)]
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    local = threading.local()
    connections = []
    lock = threading.Lock()

    def post(item):
        key, payload = item
        if not hasattr(local, "http"):
            local.http = Http(port, headers)
            with lock:
                connections.append(local.http)
        started = time.perf_counter()
        status, _, data = local.http.request("POST", "/api/v1/contacts/", payload, {"Idempotency-Key": key})
        return status, (time.perf_counter() - started) * 1000, data

    started = time.perf_counter()
    with CpuMeter(server) as cpu, ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(post, bodies))
    seconds = time.perf_counter() - started
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    failures = [data[:300] for status, _, data in results if status != 201][:3]

    # Replay a sample: the same key and body must return the first contact and create nothing.
    before = Contact.objects.count()
    sample = random.Random(3).sample(range(count), min(200, count))
    with ThreadPoolExecutor(max_workers=clients) as pool:
        replays = list(pool.map(post, [bodies[i] for i in sample]))
    replay_ok = all(status == 200 for status, _, _ in replays) and Contact.objects.count() == before
    ids_match = all(
        json.loads(replay[2])["id"] == json.loads(results[i][2])["id"]
        for i, replay in zip(sample, replays, strict=True)
        if replay[0] == 200 and results[i][0] == 201
    )
    for conn in connections:
        conn.close()

    rate = statuses.get(201, 0) / seconds
    print(
        f"writes: {count:,} POST /api/v1/contacts/ from {clients} clients in {seconds:.2f} s "
        f"→ {rate:,.0f} contacts/s; statuses {statuses}"
    )
    print(f"        latency {latency_line([ms for _, ms, _ in results])}")
    print(f"        {cpu.line(count)}")
    print(
        f"        contacts in the database: {Contact.objects.count():,}; "
        f"replaying {len(sample)} keys: {'all 200, same ids, nothing new' if replay_ok and ids_match else 'WRONG'}"
    )
    if failures:
        print(f"        first failures: {failures}")
    return rate


def profile_one_write(world):
    """Where one contact's time goes, in-process: queries and the hottest functions."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {world['service_token']}")
    now = datetime.now().astimezone() - timedelta(minutes=1)
    for i in range(20):  # warm up
        client.post("/api/v1/contacts/", contact_body(10_000_000 + i, now), content_type="application/json")
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profiler.enable()
        response = client.post("/api/v1/contacts/", contact_body(10_000_100, now), content_type="application/json")
        profiler.disable()
        ms = (time.perf_counter() - started) * 1000
    sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(
        f"one write in-process: {response.status_code}, {ms:.1f} ms, {len(queries.captured_queries)} queries "
        f"({sql_ms:.1f} ms in SQL as measured by Django)"
    )
    for q in queries.captured_queries:
        print(f"      {q['sql'][:120]}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


# --- 2. the triage screen ----------------------------------------------------------------------


def load_queue(world, target, deadline_share, rng):
    """Bulk-load open contacts in MASH until there are `target`, most with a decision clock."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from casework.models import Child
    from notifications.models import Deadline
    from notifications.rules import rule_in_force
    from referrals.models import Contact

    have = Contact.objects.filter(agency=world["mash"], status="open").count()
    needed = target - have
    if needed <= 0:
        return 0.0
    started = time.perf_counter()
    now = timezone.now()
    rule = rule_in_force("referral_decision", world["authority"])
    contact_type = ContentType.objects.get_for_model(Contact)
    rags = ["red"] * 10 + ["amber"] * 20 + ["green"] * 30 + ["none"] * 5 + [""] * 35
    workers = world["workers"]
    batch = 5000
    with transaction.atomic():
        for offset in range(0, needed, batch):
            size = min(batch, needed - offset)
            children = Child.objects.bulk_create(
                [
                    Child(
                        first_name=f"Queue{have + offset + i}",
                        last_name=f"Family{(have + offset + i) % 997}",
                        date_of_birth=date(2008, 1, 1) + timedelta(days=rng.randrange(6500)),
                    )
                    for i in range(size)
                ]
            )

            def due_for(received_at):
                received = timezone.localtime(received_at)
                due_day = received.date() + timedelta(days=1 if received.weekday() < 4 else 7 - received.weekday())
                return due_day, timezone.make_aware(datetime.combine(due_day + timedelta(days=1), dtime.min))

            rows = []
            for child in children:
                received_at = now - timedelta(minutes=rng.randrange(5 * 24 * 60))
                rag = rng.choice(rags)
                rows.append(
                    Contact(
                        child=child,
                        received_at=received_at,
                        source=Contact.Source.PARTNER_API,
                        referrer_name="A Teacher",
                        referrer_agency="education",
                        concerns="Fictional queued concern.",
                        categories=[rng.choice(CATEGORIES)],
                        consent="given",
                        rag=rag,
                        rag_rank=Contact.RAG_RANKS[rag],
                        decision_due_at=due_for(received_at)[1],
                        agency=world["mash"],
                        team=world["team"],
                        allocated_to=rng.choice(workers) if rng.random() < 0.4 else None,
                    )
                )
            contacts = Contact.objects.bulk_create(rows)
            deadlines = []
            for contact in contacts:
                if rng.random() >= deadline_share:
                    continue
                due_day, due_at = due_for(contact.received_at)
                deadlines.append(
                    Deadline(
                        rule=rule,
                        rule_code=rule.code,
                        rule_version=rule.version,
                        child_id=contact.child_id,
                        subject_type=contact_type,
                        subject_id=contact.pk,
                        agency=world["mash"],
                        started_at=contact.received_at,
                        anchor_at=contact.received_at,
                        due_at=due_at,
                        due_date=due_day,
                        calendar_used="ENG bank holidays",
                        explanation="Bench deadline.",
                        status="breached" if due_at <= now else "open",
                        next_action_at=due_at,
                    )
                )
            Deadline.objects.bulk_create(deadlines)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_contact; ANALYZE notifications_deadline; ANALYZE casework_child")
    return time.perf_counter() - started


def triage_paths():
    from django.urls import Resolver404, resolve

    paths = []
    try:
        resolve("/mash/")
        paths.append(("html", "/mash/"))
    except Resolver404:
        pass
    paths.append(("api", "/api/v1/contacts/"))
    return paths


def count_queries(world, kind, path, profile=False):
    """One triage page in-process: its status, SQL queries, time in SQL and wall time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if kind == "html":
        client = Client(HTTP_HOST=HOST)
        client.force_login(world["manager"])
    else:
        client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {world['manager_token']}")
    client.get(path)  # warm caches (content types, rules)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(path)
        if profiler:
            profiler.disable()
        ms = (time.perf_counter() - started) * 1000
    timed = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    sql_ms = sum(float(q["time"]) for q in timed) * 1000
    return response.status_code, len(timed), sql_ms, ms, timed, profiler


def time_triage(server, world, kind, path, requests):
    port = server.port
    if kind == "html":
        client = Http(port)
        _, _, page = client.request("GET", "/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, headers, _ = client.request(
            "POST",
            "/sign-in/",
            urlencode({"username": world["manager"].username, "password": PASSWORD, "csrfmiddlewaretoken": token}),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{port}/sign-in/"},
        )
        if status != 302 or "sessionid" not in client.cookies:
            raise RuntimeError(f"signing in as the MASH manager failed: {status}")
    else:
        client = Http(port, {"Authorization": f"Token {world['manager_token']}"})
    samples, statuses = [], {}
    for _ in range(5):  # warm up both workers
        client.request("GET", path)
    with CpuMeter(server) as cpu:
        for _ in range(requests):
            started = time.perf_counter()
            status, _, _ = client.request("GET", path)
            samples.append((time.perf_counter() - started) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
    client.close()
    return samples, statuses, cpu


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=2000, help="contacts to POST (bounded at 20,000)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--queue", type=int, default=100_000, help="open contacts in MASH for the triage test")
    parser.add_argument("--small-queue", type=int, default=1000)
    parser.add_argument(
        "--deadline-share", type=float, default=0.9, help="share of queued contacts with a decision clock"
    )
    parser.add_argument("--requests", type=int, default=200, help="triage GETs at each size (bounded at 2,000)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="gunicorn's CONN_MAX_AGE (the app's default on PostgreSQL, and docker-compose's, is 60)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--profile", action="store_true", help="print where a write and a triage page spend time")
    args = parser.parse_args()
    args.contacts = min(args.contacts, 20_000)
    args.requests = min(args.requests, 2000)
    args.queue = min(args.queue, 500_000)

    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.cache import cache

    world = set_up()
    cache.clear()  # Redis db 10 is the benchmark's own: no throttles or lockouts from a last run
    rng = random.Random(11)
    server = Gunicorn(args.conn_max_age, args.workers, args.threads)
    results = {}
    try:
        server.wait_ready()
        print(
            f"gunicorn on {HOST}:{server.port}, {args.workers} workers x {args.threads} threads, "
            f"CONN_MAX_AGE={args.conn_max_age} "
            f"(log {server.log.name})"
        )
        results["writes"] = bench_writes(server, world["service_token"], args.contacts, args.clients)
        if args.profile:
            profile_one_write(world)

        from django.db import connection

        with connection.cursor() as cursor:  # the triage test starts from exactly --small-queue contacts
            cursor.execute("TRUNCATE casework_child, notifications_deadline, notifications_notification CASCADE")
        paths = triage_paths()
        if len(paths) == 1:
            print("triage: no /mash/ page in this build; timing the API list")
        counts = {}
        for size in (args.small_queue, args.queue):
            seconds = load_queue(world, size, args.deadline_share, rng)
            print(f"queue: {size:,} open contacts in MASH (loaded in {seconds:.1f} s)")
            for kind, path in paths:
                profile = args.profile and size == args.queue
                status, n, sql_ms, ms, timed, profiler = count_queries(world, kind, path, profile)
                counts.setdefault(path, []).append(n)
                print(f"  {path}: in-process {status}, {n} queries, {sql_ms:.1f} ms SQL of {ms:.1f} ms")
                if size == args.queue:
                    for q in timed[:3]:
                        print(f"      {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
                if profiler:
                    import pstats

                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
                samples, statuses, cpu = time_triage(server, world, kind, path, args.requests)
                p95 = percentiles(samples)[1]
                results[(path, size)] = p95
                print(f"  {path}: HTTP {latency_line(samples)}; statuses {statuses}")
                print(f"      {cpu.line(args.requests)}")
        if args.profile:
            from django.utils import timezone

            from referrals import selectors

            query = selectors.triage_queue(user=world["manager"])[:50].query
            print("EXPLAIN ANALYZE of the triage query at the full queue:")
            print(explain(*query.sql_with_params()))
            overdue = selectors.queue_for(world["manager"]).filter(decision_due_at__lte=timezone.now()).values("id")
            print("EXPLAIN ANALYZE of the overdue count (selectors.breach_count) at the full queue:")
            print(explain(*overdue.query.sql_with_params()))
    finally:
        server.stop()
        print("gunicorn stopped")

    print("\ngoals:")
    writes = results.get("writes", 0)
    print(
        f"  >= {GOAL_WRITES_PER_SECOND} contacts/s: {writes:,.0f}/s → {'MET' if writes >= GOAL_WRITES_PER_SECOND else 'MISSED'}"
    )
    for path, (small, large) in counts.items():
        same = small == large
        print(
            f"  {path} queries at {args.small_queue:,} vs {args.queue:,}: {small} vs {large} → "
            f"{'MET (independent of queue size)' if same else 'MISSED'}"
        )
        p95 = results.get((path, args.queue))
        if p95 is not None:
            print(f"  {path} p95 at {args.queue:,}: {p95:.1f} ms → {'MET' if p95 <= GOAL_TRIAGE_P95_MS else 'MISSED'}")


if __name__ == "__main__":
    main()

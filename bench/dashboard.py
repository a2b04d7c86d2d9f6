"""Benchmark: Team work, the performance dashboard and the measures API at national scale.

    .venv/bin/python bench/dashboard.py [--children 1000000] [--contacts 3000000] [--deadlines 5000000]
                                        [--scale 1.0] [--reload] [--requests 200] [--budget 60]
                                        [--no-refresh] [--profile] [--only team-work|dashboard]

1. Load: one Lancashire-like authority (CSC, CYJS and MASH; 50 teams of 3 to 16 practitioners
   with team managers, senior managers, heads of service and a director above them) and, in
   set-based SQL (INSERT ... SELECT ... FROM generate_series), --children children, their
   involvements (one or two each, open and closed, mostly allocated), --contacts contacts at
   MASH over the last 13 months with their decisions, the assessments, strategy discussions,
   section 47 enquiries, initial conferences, child protection and child in need plans those
   decisions lead to, remands, youth justice orders, serious incidents and HSB consultations,
   and --deadlines statutory clocks across the rules the dashboard measures (referral_decision,
   mash_rag_*, assessment, icpc, core_group_first, cp_review_*, placement_planning_meeting,
   resettlement_planning, yjb_serious_incident_notification, aim_assessment), met, met late,
   overdue, cancelled and open. --scale multiplies the three sizes (0.01 for a quick run).
   A run with the sizes already loaded skips the load (--reload forces it).
   While loading, the session sets `session_replication_role = replica`: the change-history
   (pghistory) triggers and the foreign-key triggers do not fire for the bulk rows, so the
   generator writes only valid references itself; check constraints still apply. The big
   tables' secondary indexes are dropped for the load and rebuilt after it. Working days
   skip weekends only (no bank holidays), and working-hour RAG targets are approximated in
   days: the rows look like what the services write, not a replay of them.
   Then Team work's ledger (workload.team_work.ledger.reconcile) is written for every child, as
   the hourly reconcile task would, since the load goes round the services that keep it.
2. Refresh: if the dashboard keeps monthly figures (performance.services.refresh_monthly_figures),
   times one refresh of all 13 months over the loaded data.
3. Time: signed in as a team manager of a typical team, a senior manager and a head of
   service, --requests GETs each of Team work (/team-work/, unfiltered and filtered, page 1
   and a later page), the dashboard (/performance/) and the measures API (with and without
   &team=), printing p50/p95/p99 and the SQL queries of one request; also a month's drill-down,
   My work and the MASH queue for comparison. Team work is timed again with the team's work
   changed before every GET (its generation renewed, so no count is reused): for the typical
   team, the largest youth justice team (whose manager may see every child of its work, so the
   count of what they may not see reads every row) and the largest MASH team; and the teams side
   by side with every team changed. A page that misses the goal gets the plan
   (EXPLAIN ANALYZE) of its slowest query, and fewer GETs once it has used --budget seconds.
   Pages this build does not have are reported as missing. Query counts are compared between the smallest and the
   largest team, and with the last run at another data size (var/bench-dashboard-queries.json).

Requests run in-process through Django's test Client on the benchmark database, not through
gunicorn: the figure wanted is the application's own time (view, templates, SQL) for one
request, with the SQL counted on that same request, and on this shared 2-core machine an
HTTP server and its client would compete for the same cores as PostgreSQL (bench/front_door.py
measures the loopback HTTP overhead at a millisecond or two). Persistent connections are kept
as deployed (one connection for the whole run).

Uses its own database (safeguarding_bench_dash on the machine's PostgreSQL unless
BENCH_DATABASE_URL says otherwise; created if missing, migrated) and Redis database 11. To compare
query counts at two sizes without reloading the big copy, give the small run its own database:
BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeguarding_bench_dash_small ... --scale 0.01.
Goals: p95 <= 150 ms for each page and API call; query count independent of data size.
"""

import argparse
import json
import logging
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from measuring import ensure_database, insert_select, percentiles  # bench/, the folder of this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_dash")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/11"
os.environ["SECRET_KEY"] = "bench-only-not-a-secret"
os.environ["DEBUG"] = "0"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

HOST = "127.0.0.1"
PASSWORD = "bench-password-1"
GOAL_P95_MS = 150
QUERY_LOG = ROOT / "var" / "bench-dashboard-queries.json"
BIG_TABLES = (
    "casework_child",
    "casework_involvement",
    "referrals_contact",
    "referrals_decision",
    "notifications_deadline",
)
# Team sizes (practitioners): one small and one large team, the rest typical.
CSC_TEAMS = [3, 16] + [10] * 34
CYJS_TEAMS = [4, 14] + [10] * 8
MASH_TEAMS = [10, 12, 8, 10]
TYPICAL_TEAM = 5  # index among the CSC teams
# Share of --deadlines per rule (what the dashboard measures); they add up to 1.
DEADLINE_MIX = {
    "referral_decision": 0.50,
    "mash_rag": 0.20,
    "assessment": 0.13,
    "icpc": 0.03,
    "core_group_first": 0.02,
    "cp_review_first": 0.02,
    "cp_review_next": 0.03,
    "placement_planning_meeting": 0.02,
    "resettlement_planning": 0.02,
    "yjb_serious_incident_notification": 0.015,
    "aim_assessment": 0.015,
}


# --- the organisation ---------------------------------------------------------------------------


def set_up_organisation():
    """The authority, its agencies, 50 teams and the line above them (idempotent)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Agency, Authority, Role, Team, User

    authority, _ = Authority.objects.get_or_create(la_code="888", defaults={"name": "Lancashire (bench)"})
    agency = {
        kind: Agency.objects.get_or_create(authority=authority, kind=kind, defaults={"name": f"Bench {kind}"})[0]
        for kind in (Agency.Kind.CSC, Agency.Kind.CYJS, Agency.Kind.MASH)
    }
    password = make_password(PASSWORD)

    def person(username, role, agency_kind, line_manager=None, team=None):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "agency": agency[agency_kind],
                "line_manager": line_manager,
                "team": team,
                "first_name": "Bench",
                "last_name": username.split(".", 1)[1].replace(".", " ").title(),
                "password": password,
                "is_active": True,
            },
        )
        return user

    director = person("bench.director", Role.DIRECTOR, Agency.Kind.CSC)
    world = {"authority": authority, "agency": agency, "director": director, "teams": {}, "chairs": []}
    for kind, sizes, seniors_count in (
        (Agency.Kind.CSC, CSC_TEAMS, 6),
        (Agency.Kind.CYJS, CYJS_TEAMS, 2),
        (Agency.Kind.MASH, MASH_TEAMS, 1),
    ):
        head = person(f"bench.{kind}.head", Role.HEAD_OF_SERVICE, kind, director)
        seniors = [person(f"bench.{kind}.senior{i}", Role.SENIOR_MANAGER, kind, head) for i in range(seniors_count)]
        world[f"{kind}_head"], world[f"{kind}_seniors"] = head, seniors
        worker_role = Role.MASH_WORKER if kind == Agency.Kind.MASH else Role.PRACTITIONER
        manager_role = Role.MASH_MANAGER if kind == Agency.Kind.MASH else Role.TEAM_MANAGER
        teams = []
        for t, size in enumerate(sizes):
            team, _ = Team.objects.get_or_create(agency=agency[kind], name=f"Bench {kind} team {t + 1:02d}")
            senior = seniors[t * len(seniors) // len(sizes)]
            manager = person(f"bench.{kind}.t{t + 1:02d}.manager", manager_role, kind, senior, team)
            team.manager = manager
            team.save(update_fields=["manager"])
            members = [
                person(f"bench.{kind}.t{t + 1:02d}.worker{w + 1:02d}", worker_role, kind, manager, team)
                for w in range(size)
            ]
            teams.append({"team": team, "manager": manager, "senior": senior, "members": members})
        world["teams"][kind] = teams
    world["chairs"] = [person(f"bench.chair{i}", Role.CONFERENCE_CHAIR, Agency.Kind.CSC) for i in range(6)]
    return world


def fill_lookup_tables(cursor, world):
    """Temporary tables the generator joins to: team slots (weighted by size) and team members."""
    cursor.execute(
        "CREATE TEMP TABLE bench_team (team_id bigint, agency_id bigint, kind text, size int, manager_id bigint)"
        " ON COMMIT PRESERVE ROWS;"
        "CREATE TEMP TABLE bench_slot (kind text, slot int, team_id bigint);"
        "CREATE TEMP TABLE bench_member (team_id bigint, k int, user_id bigint);"
    )
    for kind, teams in world["teams"].items():
        weights = [len(t["members"]) for t in teams]
        total, slot, rows = sum(weights), 0, []
        for t, entry in enumerate(teams):
            share = round(1000 * sum(weights[: t + 1]) / total) - slot
            rows += [(kind, slot + s, entry["team"].pk) for s in range(share)]
            slot += share
            cursor.execute(
                "INSERT INTO bench_team VALUES (%s, %s, %s, %s, %s)",
                [entry["team"].pk, entry["team"].agency_id, kind, len(entry["members"]), entry["manager"].pk],
            )
            for k, member in enumerate(entry["members"]):
                cursor.execute("INSERT INTO bench_member VALUES (%s, %s, %s)", [entry["team"].pk, k, member.pk])
        cursor.executemany("INSERT INTO bench_slot VALUES (%s, %s, %s)", rows)
    cursor.execute(
        "CREATE INDEX ON bench_slot (kind, slot); CREATE INDEX ON bench_member (team_id, k);"
        "ANALYZE bench_team; ANALYZE bench_slot; ANALYZE bench_member;"
        # Weekends only; a working-day count from a weekend day counts from the Friday before.
        "CREATE FUNCTION pg_temp.add_wd(d date, n int) RETURNS date LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT (d - greatest(extract(isodow FROM d)::int - 5, 0)) + n"
        "   + 2 * ((least(extract(isodow FROM d)::int, 5) - 1 + n) / 5) $$;"
        # The end of a day in the service's time zone: the moment a day rule is missed.
        "CREATE FUNCTION pg_temp.day_end(d date) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT ((d + 1)::timestamp AT TIME ZONE 'Europe/London') $$;"
        "CREATE FUNCTION pg_temp.local_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT (t AT TIME ZONE 'Europe/London')::date $$;"
    )


# --- set-based inserts ---------------------------------------------------------------------------


def secondary_indexes(cursor, tables):
    """(name, definition) of the indexes that no constraint needs, to drop for a load and rebuild."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s)"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)",
        [list(tables)],
    )
    return cursor.fetchall()


def load_people_and_work(cursor, world, n_children, n_contacts):
    cursor.execute("SELECT id FROM accounts_user WHERE username = 'bench.director'")
    system_user = cursor.fetchone()[0]
    insert_select(
        cursor,
        "casework_child",
        {
            "first_name": "'Bench' || x",
            "last_name": "'Family' || (x % 9973)",
            "date_of_birth": "date '2008-06-01' + (x * 37 % 6500)::int",
            "gender": "((x % 2) + 1)::text",
            "ethnicity": "'NOBT'",
            # One child in 500 is restricted: only their workers and managers open them.
            "restricted": "x % 500 = 0",
            "created_at": "now() - interval '3 years'",
            "created_by_id": str(system_user),
        },
        f"generate_series(0::bigint, {n_children - 1}) x",
    )
    cursor.execute("SELECT min(id) FROM casework_child")
    c0 = cursor.fetchone()[0]
    # Most children have one involvement and half have a second; about 12% are open.
    kinds = (
        "CASE WHEN b < 35 THEN 'cin' WHEN b < 45 THEN 'cp' WHEN b < 55 THEN 'cla' WHEN b < 70 THEN 'early_help'"
        " WHEN b < 80 THEN 'yj_prevention' WHEN b < 85 THEN 'yj_diversion' WHEN b < 90 THEN 'yj_court_order'"
        " WHEN b < 92 THEN 'yj_remand' WHEN b < 93 THEN 'yj_custody' ELSE 'mash_contact' END"
    )
    insert_select(
        cursor,
        "casework_involvement",
        {
            "child_id": f"{c0} + x",
            "agency_id": "t.agency_id",
            "kind": "g.kind",
            "start": "g.start",
            "end": "CASE WHEN g.open THEN NULL ELSE g.start + floor(g.r3 * (current_date - g.start))::int END",
            "allocated_worker_id": "CASE WHEN g.open AND g.r4 < 0.08 THEN NULL ELSE m.user_id END",
            "team_id": "t.team_id",
            "is_lead_agency": "true",
            "legal_basis": "CASE WHEN g.kind = 'cla' THEN CASE WHEN g.r4 < 0.5 THEN 'care_order'"
            " ELSE 'section_20' END ELSE '' END",
        },
        f"""(SELECT x, kind, r3, r4, r5, r1 < CASE WHEN n = 1 THEN 0.14 ELSE 0.08 END AS open,
                   current_date - floor(r2 * 1095)::int AS start,
                   CASE WHEN kind LIKE 'yj_%%' THEN 'cyjs' WHEN kind = 'mash_contact' THEN 'mash' ELSE 'csc' END
                     AS area
              FROM (SELECT x, n, {kinds} AS kind, random() r1, random() r2, random() r3, random() r4, random() r5
                      FROM (SELECT x, n, CASE WHEN n = 1 THEN (x * 31) % 100 ELSE (x * 31 + 50) % 100 END b
                              FROM generate_series(0::bigint, {n_children - 1}) x, generate_series(1, 2) n
                             WHERE n = 1 OR x % 2 = 0) s) k) g
           JOIN bench_slot sl ON sl.kind = g.area
                AND sl.slot = (g.x * CASE g.area WHEN 'csc' THEN 7919 WHEN 'cyjs' THEN 104729 ELSE 15485863 END)
                              % 1000
           JOIN bench_team t ON t.team_id = sl.team_id
           JOIN bench_member m ON m.team_id = t.team_id AND m.k = floor(g.r5 * t.size)::int""",
    )
    load_front_door(cursor, c0, n_children, n_contacts)
    return c0


def load_front_door(cursor, c0, n_children, n_contacts):
    """Contacts over the last 13 months (open ones from the last three days) and their decisions."""
    insert_select(
        cursor,
        "referrals_contact",
        {
            "child_id": f"{c0} + (g.j % {n_children})",
            "received_at": "g.received_at",
            "status": "CASE WHEN g.open THEN 'open' ELSE 'decided' END",
            "decided_at": "CASE WHEN g.open THEN NULL ELSE least(now(), g.received_at + g.r3 * interval '40 hours') END",
            "source": "'partner_api'",
            "referrer_name": "'A Teacher'",
            "referrer_agency": "'education'",
            "concerns": "'Fictional benchmark concern.'",
            "categories": """'["neglect"]'::jsonb""",
            "consent": "'given'",
            "household": "'[]'::jsonb",
            "rag": "g.rag",
            "rag_rank": "CASE g.rag WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 WHEN 'none' THEN 3"
            " ELSE 4 END",
            # Contacts about a child open to CSC go to the social worker's team (000 ¶8.4): 1 in 20 here.
            "agency_id": "t.agency_id",
            "team_id": "t.team_id",
            "allocated_to_id": "CASE WHEN g.open AND g.r4 < 0.6 THEN NULL ELSE m.user_id END",
            "decision_due_at": "pg_temp.day_end(pg_temp.add_wd(pg_temp.local_day(g.received_at), 1))",
        },
        f"""(SELECT j, received_at, r3, r4, r5, area,
                   received_at > now() - interval '3 days' AND r2 < 0.9 AS open,
                   CASE WHEN r1 < 0.1 THEN 'red' WHEN r1 < 0.3 THEN 'amber' WHEN r1 < 0.6 THEN 'green'
                        WHEN r1 < 0.65 THEN 'none' ELSE '' END AS rag
              FROM (SELECT j, now() - random() * interval '395 days' AS received_at, random() r1, random() r2,
                           random() r3, random() r4, random() r5,
                           CASE WHEN j % 20 = 7 THEN 'csc' ELSE 'mash' END AS area
                      FROM generate_series(0::bigint, {n_contacts - 1}) j) s) g
           JOIN bench_slot sl ON sl.kind = g.area AND sl.slot = (g.j * 7919) % 1000
           JOIN bench_team t ON t.team_id = sl.team_id
           JOIN bench_member m ON m.team_id = t.team_id AND m.k = floor(g.r5 * t.size)::int""",
    )
    outcome = (
        "CASE WHEN r < 0.40 THEN 'nfa_signpost' WHEN r < 0.60 THEN 'early_help' WHEN r < 0.85 THEN 'assessment'"
        " WHEN r < 0.93 THEN 'strategy_discussion' WHEN r < 0.95 THEN 'immediate_protection'"
        " ELSE 'cyjs_prevention' END"
    )
    insert_select(
        cursor,
        "referrals_decision",
        {
            "contact_id": "c.id",
            "outcome": outcome,
            "rationale": "'Fictional benchmark decision.'",
            "decided_by_id": "coalesce(c.allocated_to_id, t.manager_id)",
            "decided_at": "c.decided_at",
            # The last day's decisions wait for a manager's authorisation.
            "authorised_by_id": "CASE WHEN c.decided_at > now() - interval '1 day' THEN NULL ELSE t.manager_id END",
            "authorised_at": "CASE WHEN c.decided_at > now() - interval '1 day' THEN NULL"
            " ELSE c.decided_at + interval '1 hour' END",
        },
        "(SELECT c.*, random() r FROM referrals_contact c WHERE c.status = 'decided') c"
        " JOIN bench_team t ON t.team_id = c.team_id",
    )


def csc_worker_of(child_expr, c0):
    """SQL joins giving `t` (the child's CSC team) and `m` (a member of it) for a child id expression."""
    return (
        f" JOIN bench_slot sl ON sl.kind = 'csc' AND sl.slot = (({child_expr} - {c0}) * 7919) % 1000"
        " JOIN bench_team t ON t.team_id = sl.team_id"
        f" JOIN bench_member m ON m.team_id = t.team_id AND m.k = ({child_expr} % t.size)::int"
    )


def load_casework(cursor, c0):
    """What MASH's decisions lead to: assessments and strategy discussions, then child protection."""
    insert_select(
        cursor,
        "casework_assessment",
        {
            "child_id": "c.child_id",
            "contact_id": "c.id",
            "referral_received_at": "c.received_at",
            "started_on": "pg_temp.local_day(d.decided_at)",
            "social_worker_id": "m.user_id",
            "created_by_id": "m.user_id",
            # Completed within ~80 days of the decision; recent ones in progress or awaiting sign-off.
            "status": "CASE WHEN d.decided_at + c.r * interval '80 days' < now() THEN 'completed'"
            " WHEN c.r < 0.3 THEN 'awaiting_sign_off' ELSE 'in_progress' END",
            "completed_at": "CASE WHEN d.decided_at + c.r * interval '80 days' < now()"
            " THEN d.decided_at + c.r * interval '80 days' END",
            "completed_by_id": "CASE WHEN d.decided_at + c.r * interval '80 days' < now() THEN m.user_id END",
            "signed_off_at": "CASE WHEN d.decided_at + c.r * interval '80 days' < now()"
            " THEN d.decided_at + c.r * interval '80 days' + interval '1 day' END",
            "signed_off_by_id": "CASE WHEN d.decided_at + c.r * interval '80 days' < now() THEN t.manager_id END",
            "outcome": "CASE WHEN d.decided_at + c.r * interval '80 days' >= now() THEN ''"
            " WHEN c.r2 < 0.45 THEN 'nfa' WHEN c.r2 < 0.8 THEN 'cin_plan' WHEN c.r2 < 0.9 THEN 'strategy_discussion'"
            " ELSE 'early_help' END",
        },
        "(SELECT c.*, random() r, random() r2 FROM referrals_contact c) c"
        " JOIN referrals_decision d ON d.contact_id = c.id AND d.outcome = 'assessment'"
        + csc_worker_of("c.child_id", c0),
    )
    insert_select(
        cursor,
        "casework_strategydiscussion",
        {
            "child_id": "c.child_id",
            "contact_id": "c.id",
            "status": "'held'",
            "held_at": "d.decided_at + interval '20 hours'",
            "format": "'meeting'",
            "initiates_section_47": "c.r < 0.85",
            "decision_rationale": "'Fictional benchmark rationale.'",
            "recorded_by_id": "m.user_id",
            "created_by_id": "m.user_id",
            "created_at": "d.decided_at",
        },
        "(SELECT c.*, random() r FROM referrals_contact c) c JOIN referrals_decision d ON d.contact_id = c.id"
        " AND d.outcome IN ('strategy_discussion', 'immediate_protection')" + csc_worker_of("c.child_id", c0),
    )
    load_child_protection(cursor)


def load_child_protection(cursor):
    """Section 47 enquiries, initial conferences, and the child protection and child in need plans after them."""
    concluded = "s.held_at < now() - interval '20 days'"
    insert_select(
        cursor,
        "casework_section47enquiry",
        {
            "child_id": "s.child_id",
            "strategy_discussion_id": "s.id",
            "status": f"CASE WHEN {concluded} THEN 'concluded' ELSE 'open' END",
            "started_on": "pg_temp.local_day(s.held_at)",
            "lead_social_worker_id": "s.recorded_by_id",
            "created_by_id": "s.recorded_by_id",
            "outcome": f"CASE WHEN NOT {concluded} THEN '' WHEN s.r < 0.55 THEN 'substantiated'"
            " ELSE 'not_substantiated' END",
            "outcome_rationale": f"CASE WHEN {concluded} THEN 'Fictional benchmark outcome.' ELSE '' END",
            "next_step": f"CASE WHEN {concluded} AND s.r >= 0.55 THEN 'cin_plan' ELSE '' END",
            "outcome_recorded_at": f"CASE WHEN {concluded} THEN s.held_at + interval '15 days' END",
        },
        "(SELECT s.*, random() r FROM casework_strategydiscussion s WHERE s.initiates_section_47) s",
    )
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM accounts_user WHERE role = 'conference_chair'")
    chairs = cursor.fetchone()[0]
    insert_select(
        cursor,
        "casework_childprotectionconference",
        {
            "child_id": "e.child_id",
            "kind": "'initial'",
            "status": "'held'",
            "enquiry_id": "e.id",
            "held_at": "pg_temp.day_end(pg_temp.add_wd(e.started_on, 13 + floor(e.r * 4)::int)) - interval '14 hours'",
            "chair_id": f"(ARRAY{chairs}::bigint[])[1 + e.id % {len(chairs)}]",
            "plan_needed": "e.r2 < 0.8",
            "category": "CASE WHEN e.r2 < 0.8 THEN 'neglect' ELSE '' END",
            "lead_social_worker_id": "e.lead_social_worker_id",
            "created_by_id": "e.lead_social_worker_id",
        },
        "(SELECT e.*, random() r, random() r2 FROM casework_section47enquiry e WHERE e.outcome = 'substantiated') e",
    )
    # One active plan per child (the latest); older plans of the same child have ended.
    insert_select(
        cursor,
        "casework_childprotectionplan",
        {
            "child_id": "p.child_id",
            "initial_conference_id": "p.id",
            "status": "CASE WHEN p.latest AND p.r < 0.7 THEN 'active' ELSE 'ended' END",
            "started_on": "pg_temp.local_day(p.held_at)",
            "category": "'neglect'",
            "lead_social_worker_id": "p.lead_social_worker_id",
            "created_by_id": "p.lead_social_worker_id",
            "ended_on": "CASE WHEN p.latest AND p.r < 0.7 THEN NULL"
            " ELSE least(current_date, pg_temp.local_day(p.held_at) + 120 + floor(p.r * 200)::int) END",
            "end_reason": "CASE WHEN p.latest AND p.r < 0.7 THEN '' ELSE 'no_longer_at_risk' END",
        },
        "(SELECT c.*, random() r, row_number() OVER (PARTITION BY c.child_id ORDER BY c.held_at DESC) = 1 latest"
        " FROM casework_childprotectionconference c WHERE c.plan_needed) p",
    )
    insert_select(
        cursor,
        "casework_childinneedplan",
        {
            "child_id": "a.child_id",
            "assessment_id": "a.id",
            "status": "CASE WHEN a.latest AND a.r < 0.6 THEN 'active' ELSE 'ended' END",
            "started_on": "pg_temp.local_day(a.completed_at)",
            "lead_social_worker_id": "a.social_worker_id",
            "created_by_id": "a.social_worker_id",
            "review_every_weeks": "12",
            "ended_on": "CASE WHEN a.latest AND a.r < 0.6 THEN NULL"
            " ELSE least(current_date, pg_temp.local_day(a.completed_at) + 90 + floor(a.r * 200)::int) END",
        },
        "(SELECT a.*, random() r, row_number() OVER (PARTITION BY a.child_id ORDER BY a.completed_at DESC) = 1 latest"
        " FROM casework_assessment a WHERE a.outcome = 'cin_plan') a",
    )


def load_youth_justice(cursor, quotas):
    """Remands, custodial orders, serious incidents and HSB consultations, as many as their clocks need,
    for children with a youth justice involvement (cycling through them)."""
    cursor.execute(
        "CREATE TEMP TABLE bench_yj AS SELECT row_number() OVER (ORDER BY i.id) - 1 AS rn, i.id, i.child_id,"
        " i.agency_id, i.team_id, coalesce(i.allocated_worker_id, t.manager_id) AS worker_id, t.manager_id,"
        " i.start FROM casework_involvement i JOIN bench_team t ON t.team_id = i.team_id WHERE i.kind LIKE 'yj_%%';"
        "CREATE INDEX ON bench_yj (rn); ANALYZE bench_yj;"
    )
    cursor.execute("SELECT count(*) FROM bench_yj")
    yj = cursor.fetchone()[0]
    moment = "now() - (k::float / {n}) * interval '395 days'"
    source = "generate_series(0::bigint, {n} - 1) k JOIN bench_yj y ON y.rn = k % " + str(yj)
    n = quotas["placement_planning_meeting"]
    insert_select(
        cursor,
        "casework_remand",
        {
            "child_id": "y.child_id",
            "kind": "'local_authority'",
            "started_on": f"pg_temp.local_day({moment.format(n=n)})",
            "ended_on": f"CASE WHEN k % 3 = 0 THEN NULL ELSE pg_temp.local_day({moment.format(n=n)}) + 30 END",
            "looked_after": "true",
            "placement": "'foster_care'",
            "created_by_id": "y.worker_id",
        },
        source.format(n=n),
    )
    n = quotas["resettlement_planning"]
    insert_select(
        cursor,
        "casework_youthjusticeorder",
        {
            "child_id": "y.child_id",
            "agency_id": "y.agency_id",
            "involvement_id": "y.id",
            "kind": "'dto'",
            "made_on": f"pg_temp.local_day({moment.format(n=n)}) - 60",
            "expected_release_on": f"pg_temp.local_day({moment.format(n=n)}) + 21",
            "created_by_id": "y.worker_id",
        },
        source.format(n=n),
    )
    n = quotas["yjb_serious_incident_notification"]
    insert_select(
        cursor,
        "casework_seriousincident",
        {
            "child_id": "y.child_id",
            "agency_id": "y.agency_id",
            "occurred_at": f"{moment.format(n=n)} - interval '2 hours'",
            "aware_at": moment.format(n=n),
            "category": "'assaulted'",
            "summary": "'Fictional benchmark incident.'",
            "known_to": "'cyjs_only'",
            "status": "CASE WHEN k % 10 = 0 THEN 'draft' ELSE 'submitted' END",
            "completed_by_id": "y.worker_id",
            "yjb_notifiable": "true",
        },
        source.format(n=n),
    )
    n = quotas["aim_assessment"]
    insert_select(
        cursor,
        "casework_hsbconsultation",
        {
            "child_id": "y.child_id",
            "requested_by_id": "y.worker_id",
            "requested_on": f"pg_temp.local_day({moment.format(n=n)}) - 10",
            "behaviour_last_on": f"pg_temp.local_day({moment.format(n=n)}) - 20",
            "lives_in_authority": "true",
            "concerns": "'Fictional benchmark concern.'",
            "status": "CASE WHEN k % 4 = 0 THEN 'closed' ELSE 'aim_assessment' END",
            "consultation_on": f"pg_temp.local_day({moment.format(n=n)})",
            "aim_practitioner_id": "y.worker_id",
        },
        source.format(n=n),
    )


# --- clocks ---------------------------------------------------------------------------------------

# Each rule's clocks come from its subject records. A subject query gives: subject_id, child_id,
# responsible_id, agency_id, started_at, due_date (NULL for hour rules), due_at, done_at (when the
# work was done, if the record says), known (whether the record says at all) and cancel.
# `step`: later clocks of the same subject (a plan's next reviews) fall due this much later;
# without it a second clock on a subject is a cancelled-and-restarted one.
CLOCK_SOURCES = {
    "referral_decision": (
        "referrals.contact",
        "SELECT c.id AS subject_id, c.child_id, c.allocated_to_id AS responsible_id, c.agency_id,"
        " c.received_at AS started_at, pg_temp.local_day(c.decision_due_at - interval '1 second') AS due_date,"
        " c.decision_due_at AS due_at, c.decided_at AS done_at, true AS known, false AS cancel,"
        " 'referral_decision' AS code FROM referrals_contact c",
        None,
    ),
    "mash_rag": (
        "referrals.contact",
        "SELECT c.id AS subject_id, c.child_id, c.allocated_to_id AS responsible_id, c.agency_id,"
        " c.received_at AS started_at, NULL::date AS due_date,"
        " CASE c.rag WHEN 'red' THEN c.received_at + interval '4 hours'"
        " ELSE c.received_at + (pg_temp.add_wd(pg_temp.local_day(c.received_at),"
        "   CASE c.rag WHEN 'amber' THEN 3 ELSE 9 END) - pg_temp.local_day(c.received_at)) * interval '1 day' END"
        " AS due_at, NULL::timestamptz AS done_at, false AS known, false AS cancel, 'mash_rag_' || c.rag AS code"
        " FROM referrals_contact c WHERE c.rag IN ('red', 'amber', 'green')",
        None,
    ),
    "assessment": (
        "referrals.contact",
        "SELECT a.contact_id AS subject_id, a.child_id, a.social_worker_id AS responsible_id, {csc} AS agency_id,"
        " a.referral_received_at AS started_at,"
        " pg_temp.add_wd(pg_temp.local_day(a.referral_received_at), 45) AS due_date,"
        " pg_temp.day_end(pg_temp.add_wd(pg_temp.local_day(a.referral_received_at), 45)) AS due_at,"
        " a.completed_at AS done_at, true AS known, false AS cancel, 'assessment' AS code"
        " FROM casework_assessment a",
        None,
    ),
    "icpc": (
        "casework.section47enquiry",
        "SELECT e.id AS subject_id, e.child_id, e.lead_social_worker_id AS responsible_id, {csc} AS agency_id,"
        " s.held_at AS started_at, pg_temp.add_wd(pg_temp.local_day(s.held_at), 15) AS due_date,"
        " pg_temp.day_end(pg_temp.add_wd(pg_temp.local_day(s.held_at), 15)) AS due_at, c.held_at AS done_at,"
        " true AS known, e.outcome = 'not_substantiated' AS cancel, 'icpc' AS code"
        " FROM casework_section47enquiry e JOIN casework_strategydiscussion s ON s.id = e.strategy_discussion_id"
        " LEFT JOIN casework_childprotectionconference c ON c.enquiry_id = e.id",
        None,
    ),
    "core_group_first": (
        "casework.childprotectionplan",
        "SELECT p.id AS subject_id, p.child_id, p.lead_social_worker_id AS responsible_id, {csc} AS agency_id,"
        " pg_temp.day_end(p.started_on) - interval '10 hours' AS started_at,"
        " pg_temp.add_wd(p.started_on, 10) AS due_date, pg_temp.day_end(pg_temp.add_wd(p.started_on, 10)) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known, false AS cancel, 'core_group_first' AS code"
        " FROM casework_childprotectionplan p",
        None,
    ),
    "cp_review_first": (
        "casework.childprotectionplan",
        "SELECT p.id AS subject_id, p.child_id, p.lead_social_worker_id AS responsible_id, {csc} AS agency_id,"
        " pg_temp.day_end(p.started_on) - interval '10 hours' AS started_at,"
        " (p.started_on + interval '3 months')::date AS due_date,"
        " pg_temp.day_end((p.started_on + interval '3 months')::date) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known,"
        " coalesce(p.ended_on < (p.started_on + interval '3 months')::date, false) AS cancel,"
        " 'cp_review_first' AS code FROM casework_childprotectionplan p",
        None,
    ),
    "cp_review_next": (
        "casework.childprotectionplan",
        "SELECT p.id AS subject_id, p.child_id, p.lead_social_worker_id AS responsible_id, {csc} AS agency_id,"
        " pg_temp.day_end(p.started_on) + interval '3 months' AS started_at,"
        " (p.started_on + interval '9 months')::date AS due_date,"
        " pg_temp.day_end((p.started_on + interval '9 months')::date) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known, false AS cancel, 'cp_review_next' AS code"
        " FROM casework_childprotectionplan p",
        "6 months",
    ),
    "placement_planning_meeting": (
        "casework.remand",
        "SELECT r.id AS subject_id, r.child_id, r.created_by_id AS responsible_id, {csc} AS agency_id,"
        " pg_temp.day_end(r.started_on) - interval '12 hours' AS started_at,"
        " pg_temp.add_wd(r.started_on, 5) AS due_date, pg_temp.day_end(pg_temp.add_wd(r.started_on, 5)) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known, false AS cancel, 'placement_planning_meeting' AS code"
        " FROM casework_remand r",
        None,
    ),
    "resettlement_planning": (
        "casework.youthjusticeorder",
        "SELECT o.id AS subject_id, o.child_id, o.created_by_id AS responsible_id, o.agency_id,"
        " pg_temp.day_end(o.made_on) - interval '12 hours' AS started_at,"
        " o.expected_release_on - 21 AS due_date, pg_temp.day_end(o.expected_release_on - 21) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known, false AS cancel, 'resettlement_planning' AS code"
        " FROM casework_youthjusticeorder o",
        None,
    ),
    "yjb_serious_incident_notification": (
        "casework.seriousincident",
        "SELECT i.id AS subject_id, i.child_id, i.completed_by_id AS responsible_id, i.agency_id,"
        " i.aware_at AS started_at, pg_temp.local_day(i.aware_at) AS due_date,"
        " pg_temp.day_end(pg_temp.local_day(i.aware_at)) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known, false AS cancel,"
        " 'yjb_serious_incident_notification' AS code FROM casework_seriousincident i",
        None,
    ),
    "aim_assessment": (
        "casework.hsbconsultation",
        "SELECT h.id AS subject_id, h.child_id, h.aim_practitioner_id AS responsible_id, {cyjs} AS agency_id,"
        " pg_temp.day_end(h.consultation_on) - interval '12 hours' AS started_at,"
        " pg_temp.add_wd(h.consultation_on, 45) AS due_date,"
        " pg_temp.day_end(pg_temp.add_wd(h.consultation_on, 45)) AS due_at,"
        " NULL::timestamptz AS done_at, false AS known, false AS cancel, 'aim_assessment' AS code"
        " FROM casework_hsbconsultation h",
        None,
    ),
}


def load_clocks(cursor, world, quotas):
    """Each rule's share of the clocks, from its subject records; about 80% of the clocks whose
    records do not say when the work was done were met in time, 12% late, the rest overdue."""
    from django.contrib.contenttypes.models import ContentType

    cursor.execute(
        "CREATE TEMP TABLE bench_rule AS SELECT code, id, version FROM notifications_timescalerule"
        " WHERE is_current AND authority_id IS NULL"
    )
    agencies = {"csc": world["agency"]["csc"].pk, "cyjs": world["agency"]["cyjs"].pk}
    for rule, (model, subjects, step) in CLOCK_SOURCES.items():
        quota = quotas[rule]
        content_type = ContentType.objects.get_by_natural_key(*model.split(".")).pk
        cursor.execute(
            "DROP TABLE IF EXISTS bench_subject;"
            "CREATE TEMP TABLE bench_subject AS SELECT row_number() OVER (ORDER BY subject_id) - 1 AS rn, s.*"
            f" FROM ({subjects.format(**agencies)}) s; CREATE INDEX ON bench_subject (rn); ANALYZE bench_subject"
        )
        cursor.execute("SELECT count(*) FROM bench_subject")
        count = cursor.fetchone()[0]
        if not quota or not count:
            print(f"  notifications_deadline {rule}: no subjects, no clocks")
            continue
        shift = f"g.lap * interval '{step}'" if step else "interval '0'"
        again = "false" if step else "g.lap > 0"
        level1 = (
            "SELECT s.subject_id, s.child_id, s.responsible_id, s.agency_id, s.code, s.known,"
            f" s.started_at + {shift} AS started_at, (s.due_date + {shift})::date AS due_date,"
            f" s.due_at + {shift} AS due_at, s.done_at + {shift} AS done_at,"
            f" (s.cancel OR {again} OR random() < 0.015) AS cancelled, random() r2, random() r3"
            f" FROM (SELECT k, k / {count} AS lap FROM generate_series(0::bigint, {quota - 1}) k) g"
            f" JOIN bench_subject s ON s.rn = g.k % {count}"
        )
        level2 = (
            "SELECT d.*, CASE WHEN d.cancelled THEN NULL"
            " WHEN d.known THEN CASE WHEN d.done_at <= now() THEN d.done_at END"
            " WHEN d.r2 < 0.80 AND d.started_at + d.r3 * (d.due_at - d.started_at) <= now()"
            "  THEN d.started_at + d.r3 * (d.due_at - d.started_at)"
            " WHEN d.r2 >= 0.80 AND d.r2 < 0.92 AND d.due_at + d.r3 * interval '12 days' <= now()"
            "  THEN d.due_at + d.r3 * interval '12 days' END AS met_at"
            f" FROM ({level1}) d"
        )
        level3 = (
            "SELECT d.*, CASE WHEN d.cancelled THEN 'cancelled'"
            " WHEN d.met_at IS NULL THEN CASE WHEN d.due_at > now() THEN 'open' ELSE 'breached' END"
            " WHEN d.met_at <= d.due_at THEN 'met' ELSE 'met_late' END AS status"
            f" FROM ({level2}) d"
        )
        insert_select(
            cursor,
            "notifications_deadline",
            {
                "rule_id": "r.id",
                "rule_code": "d.code",
                "rule_version": "r.version",
                "child_id": "d.child_id",
                "subject_type_id": str(content_type),
                "subject_id": "d.subject_id",
                "responsible_id": "d.responsible_id",
                "agency_id": "d.agency_id",
                "started_at": "d.started_at",
                "anchor_at": "d.started_at",
                "due_at": "d.due_at",
                "due_date": "d.due_date",
                "calendar_used": "'ENG bank holidays'",
                "explanation": "'Benchmark clock.'",
                "status": "d.status",
                "met_at": "d.met_at",
                "lateness_reason": "CASE WHEN d.status = 'met_late' THEN 'Fictional benchmark reason.' ELSE '' END",
                "next_action_at": "CASE WHEN d.status = 'open' THEN d.due_at - interval '1 day' END",
                "reminders_sent": "CASE WHEN d.status = 'breached' THEN 1 ELSE 0 END",
                "escalation_level": "CASE WHEN d.status = 'breached' THEN 1 ELSE 0 END",
            },
            f"({level3}) d JOIN bench_rule r ON r.code = d.code",
            label=f" ({rule})",
        )


# --- loading ---------------------------------------------------------------------------------------


def loaded_sizes(cursor):
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_dashboard_load (children int, contacts int, deadlines int,"
        " seconds float, loaded_at timestamptz)"
    )
    cursor.execute("SELECT children, contacts, deadlines, seconds, loaded_at FROM bench_dashboard_load")
    return cursor.fetchone()


def load(world, sizes, reload):
    """Bulk-load the data unless exactly these sizes are already there; returns (seconds, loaded now?)."""
    from django.db import connection, transaction

    children, contacts, deadlines = sizes
    with connection.cursor() as cursor:
        have = loaded_sizes(cursor)
        if have and tuple(have[:3]) == sizes and not reload:
            print(
                f"data: {children:,} children, {contacts:,} contacts, {deadlines:,} clocks already loaded"
                f" ({have[4]:%d %b %H:%M}, took {have[3]:.0f} s); --reload to load again"
            )
            return have[3], False
    quotas = {rule: round(deadlines * share) for rule, share in DEADLINE_MIX.items()}
    quotas["referral_decision"] += deadlines - sum(quotas.values())
    print(f"loading {children:,} children, {contacts:,} contacts, {deadlines:,} clocks ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Everything the generator writes hangs off children, contacts and clocks: empty them all.
        cursor.execute(
            "TRUNCATE casework_child, referrals_contact, notifications_deadline, notifications_notification,"
            " bench_dashboard_load CASCADE"
        )
        cursor.execute(
            "SET LOCAL session_replication_role = replica; SET LOCAL max_parallel_workers_per_gather = 0;"
            "SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '512MB'; SELECT setseed(0.11)"
        )
        indexes = secondary_indexes(cursor, BIG_TABLES)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        fill_lookup_tables(cursor, world)
        c0 = load_people_and_work(cursor, world, children, contacts)
        load_casework(cursor, c0)
        load_youth_justice(cursor, quotas)
        load_clocks(cursor, world, quotas)
        rebuild = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        print(f"  {len(indexes)} indexes rebuilt in {time.perf_counter() - rebuild:.1f} s", flush=True)
        cursor.execute(
            "DROP TABLE bench_team, bench_slot, bench_member, bench_yj, bench_subject, bench_rule;"
            "INSERT INTO bench_dashboard_load VALUES (%s, %s, %s, %s, now())",
            [children, contacts, deadlines, time.perf_counter() - started],
        )
    with connection.cursor() as cursor:
        analyze = time.perf_counter()
        # As autovacuum would in service: without the visibility map every index-only scan
        # (the access policy's involvement lookups) reads the table too.
        cursor.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM (ANALYZE) in {time.perf_counter() - analyze:.1f} s")
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_dashboard_load SET seconds = %s", [seconds])
    return seconds, True


def print_data_summary():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM casework_involvement), (SELECT count(*) FROM casework_involvement"
            " WHERE \"end\" IS NULL), (SELECT count(*) FROM referrals_contact WHERE status = 'open'),"
            " (SELECT count(*) FROM casework_assessment), (SELECT count(*) FROM casework_section47enquiry),"
            " (SELECT count(*) FROM casework_childprotectionplan), (SELECT count(*) FROM casework_childinneedplan)"
        )
        inv, open_inv, open_contacts, assessments, enquiries, cp, cin = cursor.fetchone()
        cursor.execute("SELECT status, count(*) FROM notifications_deadline GROUP BY 1 ORDER BY 2 DESC")
        statuses = ", ".join(f"{status} {n:,}" for status, n in cursor.fetchall())
    print(
        f"  involvements {inv:,} ({open_inv:,} open), open contacts {open_contacts:,}, assessments {assessments:,},"
        f" s47 enquiries {enquiries:,}, CP plans {cp:,}, CIN plans {cin:,}\n  clocks: {statuses}"
    )


# --- the Team work ledger ----------------------------------------------------------------------


def time_ledger(loaded_now):
    """Writes every child's rows of Team work's ledger (workload.team_work.ledger.reconcile) after a
    load, or when the ledger is empty: the bulk load goes round the services that keep it."""
    try:
        from workload.models import OpenWorkItem, TeamWorkTally
        from workload.team_work.ledger import reconcile
    except ImportError:
        print("ledger: this build keeps no copy of the teams' open work")
        return None
    if not loaded_now and OpenWorkItem.objects.exists() and TeamWorkTally.objects.exists():
        print(f"ledger: {OpenWorkItem.objects.count():,} rows already written")
        return None
    result = reconcile()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) workload_openworkitem, workload_teamworktally")
    print(f"ledger: reconcile() wrote {result['rows']:,} rows in {result['seconds']:.1f} s")
    return result["seconds"]


# --- refresh of the monthly figures ------------------------------------------------------------


def time_refresh(world):
    """One refresh of the monthly figures over the loaded data, if the dashboard keeps them."""
    import inspect

    try:
        from performance import services
    except ImportError:
        services = None
    refresh = getattr(services, "refresh_monthly_figures", None)
    if refresh is None:
        print("refresh: this build keeps no monthly figures (no performance.services.refresh_monthly_figures)")
        return None
    parameters = inspect.signature(refresh).parameters
    kwargs = {}
    if "authority" in parameters:
        kwargs["authority"] = world["authority"]
    if "months" in parameters:
        if parameters["months"].annotation in (int, "int"):
            kwargs["months"] = 13
        else:  # the first days of this month and the 12 before it
            starts, month = [], date.today().replace(day=1)
            for _ in range(13):
                starts.append(month)
                month = (month - timedelta(days=1)).replace(day=1)
            kwargs["months"] = starts
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = refresh(**kwargs)
        seconds = time.perf_counter() - started
    print(f"refresh: refresh_monthly_figures({', '.join(kwargs)}) over 13 months in {seconds:.1f} s → {result!r}")
    with connection.cursor() as cursor:
        # As autovacuum would soon after a refresh's inserts: without statistics the planner takes
        # the fresh summary rows for one row and sorts them on disk.
        cursor.execute("ANALYZE")
    timed = sorted(queries.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    sql = sum(float(q["time"]) for q in timed)
    print(f"  {len(timed)} queries, {sql:.1f} s in SQL; the slowest:")
    for q in timed[:3]:
        print(f"    {float(q['time']):.2f} s  {q['sql'][:400]}")
    return seconds


# --- timing ----------------------------------------------------------------------------------------


def one_request(client, path):
    """Status, SQL queries, SQL ms and wall ms of one GET, in-process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(path)
        ms = (time.perf_counter() - started) * 1000
    captured = queries.captured_queries
    return response, len(captured), sum(float(q["time"]) for q in captured) * 1000, ms, captured


def signed_in(user):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def time_path(client, path, requests, budget_seconds, prepare=None):
    """--requests GETs, or fewer if they take longer than budget_seconds in all (a page far off the goal).

    `prepare`, if given, runs before each GET, untimed (a change to the teams' work, say)."""
    for _ in range(3):  # warm the rule, closure-day and content-type caches
        client.get(path)
    samples, until = [], time.perf_counter() + budget_seconds
    for _ in range(requests):
        if prepare:
            prepare()
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        if started > until:
            break
    return samples


def shown_total(response):
    """The "of N" a paginated page or API answer says, if any."""
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(response.content)
        return body.get("count") if isinstance(body, dict) else len(body)
    match = re.search(rb"Showing[^.]{0,200}?of\s*(?:<[^>]+>\s*)*([\d,]+)", response.content)
    return int(match.group(1).replace(b",", b"")) if match else None


def bench_paths(world):
    """(who, user, label, path) of each request to time."""
    today = date.today()
    start = (today.replace(day=1) - timedelta(days=365)).replace(day=1)
    period = f"from={start.isoformat()}&to={today.isoformat()}"
    csc = world["teams"]["csc"]
    typical, small, large = csc[TYPICAL_TEAM], csc[0], csc[1]
    worker = typical["members"][0].pk
    senior, head = typical["senior"], world["csc_head"]
    api = "/api/v1/performance/measures/"
    paths = []
    for who, user, own in (("team manager", typical["manager"], True), ("senior manager", senior, False)):
        team_work = "/team-work/" if own else f"/team-work/{typical['team'].pk}/"
        paths += [
            (who, user, "Team work", team_work),
            (who, user, "Team work page 10", f"{team_work}?page=10"),
            (who, user, "Team work overdue", f"{team_work}?state=overdue"),
            (who, user, "Team work worker+overdue p2", f"{team_work}?worker={worker}&state=overdue&page=2"),
        ]
    paths += [
        ("senior manager", senior, "Teams side by side", "/team-work/"),
        ("head of service", head, "Teams side by side", "/team-work/"),
    ]
    # The same pages straight after each team's work changed, so nothing is kept from the request before.
    from workload.team_work.ledger import new_generation

    every_team = [entry["team"].pk for teams in world["teams"].values() for entry in teams]
    paths += [
        (
            "team manager",
            typical["manager"],
            "Team work, just changed",
            "/team-work/",
            lambda: new_generation([typical["team"].pk]),
        ),
        (
            "team manager",
            typical["manager"],
            "Team work overdue, changed",
            "/team-work/?state=overdue",
            lambda: new_generation([typical["team"].pk]),
        ),
        ("head of service", head, "Teams side by side, changed", "/team-work/", lambda: new_generation(every_team)),
    ]
    # Teams whose manager may see every child of the team's work: the count of work they cannot see
    # then asks the access policy of every row; and the MASH team, whose contacts are many.
    largest = {kind: max(world["teams"][kind], key=lambda entry: len(entry["members"])) for kind in ("cyjs", "mash")}
    for who, entry in (("YJ manager", largest["cyjs"]), ("MASH manager", largest["mash"])):
        paths.append(
            (
                who,
                entry["manager"],
                "Team work, just changed",
                f"/team-work/{entry['team'].pk}/",
                lambda team=entry["team"].pk: new_generation([team]),
            )
        )
    for who, user in (("team manager", typical["manager"]), ("senior manager", senior), ("head of service", head)):
        paths += [
            (who, user, "Dashboard", "/performance/"),
            (who, user, "Measures API", f"{api}?{period}"),
            (who, user, "Measures API team", f"{api}?{period}&team={typical['team'].pk}"),
        ]
    # Not asked for, but where a head of service's authority-wide figure meets the access policy.
    last_month = f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"
    for who, user in (("team manager", typical["manager"]), ("head of service", head)):
        paths.append((who, user, "Drill-down", f"/performance/assessment_in_time/{last_month}/"))
    mash = world["teams"]["mash"][0]["manager"]
    paths += [
        ("team manager", typical["manager"], "My work", "/"),
        ("MASH manager", mash, "MASH triage", "/mash/"),
    ]
    # The same requests for the smallest and the largest team: the query count must not differ.
    pairs = [
        ("Team work", "/team-work/"),
        ("Team work overdue", "/team-work/?state=overdue"),
        ("Dashboard", "/performance/"),
        ("Measures API team", f"{api}?{period}&team={{team}}"),
    ]
    return paths, pairs, small, large


def explain(sql, lines=45):
    from django.db import DatabaseError, connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
    except DatabaseError as error:  # e.g. a statement that is not a SELECT
        return f"        (no plan: {error})"
    cut = plan[:lines] + ([f"... {len(plan) - lines} more lines"] if len(plan) > lines else [])
    return "\n".join("        " + line for line in cut)


def landing_page(client, path):
    """Where a GET ends up: a team manager's /team-work/ sends them to their own team's page."""
    response = client.get(path)
    if response.status_code in (301, 302) and response["Location"].startswith("/"):
        landing = response["Location"]
        if "?" in path and "?" not in landing:
            landing += "?" + path.split("?", 1)[1]
        return landing
    return path


def exists(path):
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


# --only: the pages of one part, to time a change to it without waiting for the others.
ONLY = {
    "team-work": lambda label: label.startswith("Team"),
    "dashboard": lambda label: label in ("Dashboard", "Measures API", "Measures API team", "Drill-down"),
}


def bench_requests(world, requests, profile, budget_seconds, only=None):
    paths, pairs, small, large = bench_paths(world)
    if only:
        paths = [path for path in paths if ONLY[only](path[2])]
        pairs = [pair for pair in pairs if ONLY[only](pair[0])]
    clients, results = {}, []
    print(f"\ntiming in-process (Django test Client), {requests} GETs each:")
    for who, user, label, path, *prepare in paths:
        if not exists(path):
            print(f"  {who:15} {label:28} not in this build ({path})")
            continue
        client = clients.setdefault(user.pk, signed_in(user))
        landing = landing_page(client, path)
        if landing != path:
            print(f"  {who:15} {label:28} {path} redirects to {landing}")
            path = landing
        response, n, sql_ms, ms, captured = one_request(client, path)
        total = shown_total(response) if response.status_code == 200 else None
        samples = time_path(client, path, requests, budget_seconds, *prepare)
        p50, p95, p99 = percentiles(samples)
        results.append({"who": who, "label": label, "path": path, "queries": n, "p95": p95})
        print(
            f"  {who:15} {label:28} {response.status_code} p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f} ms,"
            f" {n:3} queries ({sql_ms:.0f} ms SQL of {ms:.0f} ms){f', {total:,} rows' if total else ''}"
            f"{f' (n={len(samples)})' if len(samples) < requests else ''}"
            f" {'MET' if p95 <= GOAL_P95_MS else 'MISSED'}  {path}"
        )
        if p95 > GOAL_P95_MS or profile:
            slowest = sorted(captured, key=lambda q: float(q["time"]), reverse=True)
            for q in slowest[:2]:
                print(f"      slowest: {float(q['time']) * 1000:.1f} ms  {q['sql'][:300]}")
            if slowest and p95 > GOAL_P95_MS:
                print("      EXPLAIN (ANALYZE, BUFFERS) of the slowest:")
                print(explain(slowest[0]["sql"]))
    counts = {}
    print("\nquery counts, smallest team vs largest team:")
    for label, template in pairs:
        if not exists(template):
            print(f"  {label:28} not in this build")
            continue
        row = []
        for entry in (small, large):
            path = template.format(team=entry["team"].pk)
            client = signed_in(entry["manager"])
            response, n, _, _, _ = one_request(client, landing_page(client, path))
            row.append((response.status_code, n))
        counts[label] = row[1][1]
        same = row[0][1] == row[1][1]
        print(
            f"  {label:28} {len(small['members'])} workers: {row[0][1]} queries, {len(large['members'])} workers:"
            f" {row[1][1]} queries → {'independent of data size' if same else 'DIFFERS'}"
        )
    return results, counts


def compare_with_last_run(sizes, counts):
    """Query counts against the last run at another data size (kept in var/)."""
    runs = json.loads(QUERY_LOG.read_text()) if QUERY_LOG.exists() else {}
    key = f"{sizes[0]}/{sizes[1]}/{sizes[2]}"
    runs[key] = counts
    QUERY_LOG.parent.mkdir(exist_ok=True)
    QUERY_LOG.write_text(json.dumps(runs, indent=1))
    others = {k: v for k, v in runs.items() if k != key}
    if not others:
        print("  (no run at another data size yet: run again with another --scale to compare)")
        return None
    other_key, other = next(iter(others.items()))
    same = None
    for label, n in counts.items():
        if label in other:
            same = (same is not False) and other[label] == n
            print(
                f"  {label:28} {n} queries at {key} children/contacts/clocks, {other[label]} at {other_key}"
                f" → {'independent of data size' if other[label] == n else 'DIFFERS'}"
            )
    return same


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=3_000_000)
    parser.add_argument("--deadlines", type=int, default=5_000_000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the three sizes (0.01: a quick run)")
    parser.add_argument("--reload", action="store_true", help="load again even if these sizes are loaded")
    parser.add_argument("--requests", type=int, default=200, help="GETs of each page (bounded at 2,000)")
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds of GETs per page at most (fewer GETs for a slow page)"
    )
    parser.add_argument("--no-refresh", action="store_true", help="skip timing the monthly figures' refresh")
    parser.add_argument("--profile", action="store_true", help="print the slowest SQL of every request")
    parser.add_argument("--only", choices=sorted(ONLY), help="time only the pages of one part")
    args = parser.parse_args()
    sizes = tuple(max(100, round(n * args.scale)) for n in (args.children, args.contacts, args.deadlines))
    requests = max(1, min(args.requests, 2000))

    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database {DATABASE_URL.rsplit('/', 1)[1]} migrated in {time.perf_counter() - started:.1f} s")
    cache.clear()  # Redis db 11 is the benchmark's own
    logging.getLogger("django.request").setLevel(logging.ERROR)  # no "Not Found" lines among the figures
    world = set_up_organisation()
    seconds, loaded = load(world, sizes, args.reload)
    if loaded:
        print(f"load: {seconds:.1f} s")
    print_data_summary()
    ledger_seconds = time_ledger(loaded)
    refresh_seconds = None
    if not args.no_refresh:
        refresh_seconds = time_refresh(world)
    results, counts = bench_requests(world, requests, args.profile, args.budget, args.only)
    print("\nquery counts against the last run at another size:")
    independent = compare_with_last_run(sizes, counts)

    print(f"\ngoals ({sizes[0]:,} children, {sizes[1]:,} contacts, {sizes[2]:,} clocks):")
    print(f"  load: {seconds:.0f} s" + (f"; refresh of 13 months: {refresh_seconds:.1f} s" if refresh_seconds else ""))
    if ledger_seconds:
        print(f"  Team work ledger written for every child: {ledger_seconds:.0f} s")
    for r in results:
        verdict = "MET" if r["p95"] <= GOAL_P95_MS else "MISSED"
        print(f"  p95 <= {GOAL_P95_MS} ms  {r['who']:15} {r['label']:28} {r['p95']:6.1f} ms → {verdict}")
    if independent is not None:
        print(f"  query count independent of data size (across runs): {'MET' if independent else 'MISSED'}")


if __name__ == "__main__":
    main()

"""Benchmark: the children in need (CIN) census export for a year of 50,000 children in need.

    .venv/bin/python bench/returns.py [--children 50000] [--reload] [--validate] [--profile]

1. Load: two authorities, each with the agencies the demo has for the census (children's social
   care and the MASH, a team of each, a social worker, a MASH worker, their managers and a
   conference chair): Lancashire (888) with --children children in need in the 2026-27 year, and
   Somerset (933) with a fifth as many, so the export can be timed at two sizes over one database.
   In set-based SQL (INSERT ... SELECT ... FROM generate_series): the children with their census
   items (sex, ethnicity, disabilities, a valid UPN or the reason there is none; a few unborn),
   and one or two children in need episodes each: the contact and its MASH decision that make the
   referral (assessment or strategy discussion, with referral source and primary need), the social
   care involvement (child in need, child protection or looked after; about half closed, with a
   reason), the assessment (most signed off with factors), child in need plans, and on the
   strategy discussion route section 47 enquiries with their `icpc` clocks, initial conferences,
   child protection plans and their review conferences. Also what the export must leave out:
   a tenth more children whose social care ended before the year, early help involvements, and
   contacts that did not become referrals. Dates run to today (or the year's end, if sooner).
   While loading, the session sets `session_replication_role = replica`: the change-history
   (pghistory) triggers and the foreign-key triggers do not fire for the bulk rows, so the
   generator writes only valid references itself; check and unique constraints still apply.
   A run with the size already loaded skips the load (--reload forces it).
2. Export: the 2026-27 census of each authority written to a file (var/bench-returns-<la>.xml)
   through returns.cin_census.services.census, as `manage.py export_cin_census` does, each in a
   fresh process so its peak resident memory is its own: wall time, SQL queries and their time,
   file size, children written, and the peak resident memory (ru_maxrss, its high-water mark reset
   just before the export) against the resident memory before it ("RSS +": what the export added);
   then again with tracemalloc on for the peak of Python's allocations (tracing slows it down, so
   the wall time is taken from the untraced run). Queries are counted by an execute wrapper that
   keeps no SQL text, so counting them does not add to the memory measured.
   --profile prints where the larger export spends its time (cProfile, cumulative).
3. --validate: times the DfE validation (returns.cin_census.validation.validate_census) of the
   smaller file (a fifth of --children) and prints what it found; not part of the goal. The
   validator's pandas rules grow faster than the file: at 50,000 children it had not finished
   after 21 minutes on a shared 2-core machine, so the larger file is not validated here.

Uses its own database (safeguarding_bench_returns on the machine's PostgreSQL unless
BENCH_DATABASE_URL says otherwise; created if missing, migrated) and Redis database 12.
Goals: the export of 50,000 children in <= 60 s, with memory that does not grow with the number
of children (peak at --children within 1.5x of the peak at a fifth of it).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import measuring  # bench/, the folder of this script
from measuring import ensure_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench_returns")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/12"
os.environ["SECRET_KEY"] = "bench-only-not-a-secret"
os.environ["DEBUG"] = "0"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

YEAR = "2026-27"
LARGE, SMALL = ("888", "Lancashire"), ("933", "Somerset")
GOAL_SECONDS = 60
GOAL_MEMORY_RATIO = 1.5
GOAL_CHILDREN = 50_000
OUT = ROOT / "var"

# DfE codes with rough national shares (weights), for the census items and the episodes.
ETHNICITY = {
    "WBRI": 60,
    "WOTH": 5,
    "WIRI": 1,
    "WIRT": 1,
    "WROM": 1,
    "MWBC": 2,
    "MWBA": 1,
    "MWAS": 2,
    "MOTH": 3,
    "AIND": 2,
    "APKN": 4,
    "ABAN": 2,
    "AOTH": 2,
    "BCRB": 1,
    "BAFR": 4,
    "BOTH": 1,
    "CHNE": 1,
    "OOTH": 3,
    "REFU": 1,
    "NOBT": 3,
}
DISABILITIES = {'["NONE"]': 78, '["LD"]': 8, '["AUT", "COMM"]': 5, '["BEH"]': 3, '["MOB", "HAND", "PC"]': 1, "[]": 5}
UPN_UNKNOWN = {"UN2": 3, "UN3": 1, "UN4": 2, "UN5": 1, "UN6": 3}
REFERRAL_SOURCE = {
    "6": 28,
    "2A": 18,
    "3A": 3,
    "3B": 3,
    "3E": 3,
    "3F": 7,
    "1A": 5,
    "1C": 1,
    "1D": 2,
    "4": 2,
    "5A": 4,
    "5D": 5,
    "5C": 2,
    "7": 2,
    "8": 7,
    "9": 1,
    "10": 5,
}
PRIMARY_NEED = {"N1": 55, "N2": 8, "N3": 3, "N4": 9, "N5": 12, "N6": 2, "N7": 1, "N8": 3, "N9": 6, "N0": 1}
CLOSURE = {"RC7": 10, "RC1": 1, "RC3": 1, "RC4": 1, "RC5": 1, "RC6": 1}
CLOSURE_AFTER_ASSESSMENT = {"RC8": 2, "RC9": 1}
FACTORS = {
    '["16A", "3B"]': 4,
    '["4B"]': 3,
    '["3A", "3B", "2B"]': 3,
    '["17A"]': 2,
    '["1B", "4B", "16A"]': 2,
    '["24A", "10A"]': 1,
    '["11A", "10A", "15A"]': 1,
    '["5A", "6A", "7A"]': 1,
}
CATEGORY = {"neglect": 5, "emotional": 4, "physical": 1, "sexual": 1, "multiple": 1}


def pick(weights, u):
    """SQL choosing one of `weights` (value: weight) with the uniform random column `u`."""
    values = [value for value, weight in weights.items() for _ in range(weight)]
    array = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"(ARRAY[{array}])[1 + floor({u} * {len(values)})::int]"


# --- the organisation ---------------------------------------------------------------------------


def set_up_organisation():
    """Both authorities, their CSC and MASH agencies, a team of each and the people (idempotent)."""
    from accounts.models import Agency, Authority, Role, Team, User

    def person(username, role, agency, team=None):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "agency": agency,
                "team": team,
                "first_name": "Bench",
                "last_name": username.split(".", 2)[2].replace(".", " ").title(),
                "is_active": True,
            },
        )
        return user

    world = {}
    for la_code, name in (LARGE, SMALL):
        authority, _ = Authority.objects.get_or_create(la_code=la_code, defaults={"name": f"{name} (bench)"})
        here, agencies = {"authority": authority}, {}
        for kind, worker_role, manager_role in (
            (Agency.Kind.CSC, Role.PRACTITIONER, Role.TEAM_MANAGER),
            (Agency.Kind.MASH, Role.MASH_WORKER, Role.MASH_MANAGER),
        ):
            agency, _ = Agency.objects.get_or_create(
                authority=authority, kind=kind, defaults={"name": f"{name} bench {kind}"}
            )
            team, _ = Team.objects.get_or_create(agency=agency, name=f"Bench {kind} team")
            manager = person(f"bench.{la_code}.{kind}.manager", manager_role, agency, team)
            team.manager = manager
            team.save(update_fields=["manager"])
            worker = person(f"bench.{la_code}.{kind}.worker", worker_role, agency, team)
            agencies[kind] = agency
            here[kind] = {"agency": agency.pk, "team": team.pk, "manager": manager.pk, "worker": worker.pk}
        here["chair"] = person(f"bench.{la_code}.chair", Role.CONFERENCE_CHAIR, agencies[Agency.Kind.CSC]).pk
        world[la_code] = here
    return world


# --- set-based inserts ---------------------------------------------------------------------------


def insert_select(cursor, table, columns, source, label=""):
    return measuring.insert_select(cursor, table, columns, source, label, indent="    ")


def id_base(cursor, table):
    """The ids the generator gives a table's new rows start after this one (see sync_sequences)."""
    cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
    return cursor.fetchone()[0]


def sync_sequences(cursor, tables):
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
        )


def sql_functions(cursor):
    cursor.execute(
        # Weekends only; a working-day count from a weekend day counts from the Friday before.
        "CREATE OR REPLACE FUNCTION pg_temp.add_wd(d date, n int) RETURNS date LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT (d - greatest(extract(isodow FROM d)::int - 5, 0)) + n"
        "   + 2 * ((least(extract(isodow FROM d)::int, 5) - 1 + n) / 5) $$;"
        # A moment on a day in the service's time zone, and the day of a moment.
        "CREATE OR REPLACE FUNCTION pg_temp.at(d date, h interval) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT ((d + h) AT TIME ZONE 'Europe/London') $$;"
        "CREATE OR REPLACE FUNCTION pg_temp.local_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT (t AT TIME ZONE 'Europe/London')::date $$;"
        # A permanent UPN from its 12 digits: the check letter (casework.validators.upn_check_letter) first.
        "CREATE OR REPLACE FUNCTION pg_temp.upn(rest text) RETURNS text LANGUAGE sql IMMUTABLE AS $$"
        "  SELECT substr('ABCDEFGHJKLMNPQRTUVWXYZ',"
        "   (SELECT sum(substr(rest, i, 1)::int * (i + 1)) FROM generate_series(1, 12) i)::int % 23 + 1, 1)"
        "   || rest $$;"
    )


# --- one authority's year ------------------------------------------------------------------------


def load_authority(cursor, la_code, here, n_children, as_of):
    """--children children in need in the year (and a tenth more from before it) for one authority."""
    year_start = date(int(YEAR[:4]), 4, 1)
    y, a = f"date '{year_start}'", f"date '{as_of}'"
    csc, mash = here["csc"], here["mash"]
    total = n_children + n_children // 10
    prefix = f"B{la_code}X"
    print(f"  {la_code}: {n_children:,} children in need in {YEAR}, {total - n_children:,} from before it", flush=True)
    # Born before their first referral (the DfE checks a referral is at most 40 weeks before birth).
    born = f"{y} - 760 - floor(g.u0 * 5800)::int"
    has_upn = f"g.u1 >= 0.01 AND {born} < {a} - 1461 AND g.u5 < 0.85"
    insert_select(
        cursor,
        "casework_child",
        {
            "first_name": "'Bench' || g.x",
            "last_name": "'Family' || (g.x % 9973)",
            "date_of_birth": f"CASE WHEN g.u1 < 0.01 THEN NULL ELSE {born} END",
            "expected_date_of_birth": f"CASE WHEN g.u1 < 0.01 THEN {a} + 10 + floor(g.u2 * 150)::int END",
            "sex": "CASE WHEN g.u1 < 0.01 THEN 'U' WHEN g.u2 < 0.495 THEN 'M' WHEN g.u2 < 0.99 THEN 'F' ELSE 'U' END",
            "ethnicity": pick(ETHNICITY, "g.u3"),
            "disabilities": pick(DISABILITIES, "g.u4") + "::jsonb",
            "upn": f"CASE WHEN {has_upn} THEN pg_temp.upn('{la_code}' || lpad(((g.x / 1000) % 10000)::text, 4, '0')"
            f" || to_char({born} + 1461, 'YY') || lpad((g.x % 1000)::text, 3, '0')) ELSE '' END",
            "upn_unknown_reason": f"CASE WHEN {has_upn} THEN '' WHEN g.u1 < 0.01 THEN 'UN8'"
            f" WHEN {born} >= {a} - 1461 THEN 'UN1' ELSE {pick(UPN_UNKNOWN, 'g.u6')} END",
            "return_reference": f"'{prefix}' || lpad(g.x::text, 8, '0')",
            "gender": "'0'",
            "created_at": "now() - interval '2 years'",
        },
        "(SELECT x, random() u0, random() u1, random() u2, random() u3, random() u4, random() u5, random() u6"
        f" FROM generate_series(0, {total - 1}) x) g",
    )
    cursor.execute(
        "DROP TABLE IF EXISTS bench_child, bench_episode;"
        "CREATE TEMP TABLE bench_child AS SELECT id, substr(return_reference, 6)::int AS x FROM casework_child"
        f" WHERE return_reference LIKE '{prefix}%';"
        # One row per children in need episode, with the random numbers its records are made from.
        "CREATE TEMP TABLE bench_episode (rn serial, child_id bigint, n int, old bool, s date, route text,"
        ' kind text, legal text, closed bool, "end" date, closure text, k int, received_at timestamptz,'
        " assessed bool, assess_on date, completed bool, signed_off_on date, outcome text, cin_plan bool,"
        " sd bool, s47 bool, s47_on date, concluded bool, substantiated bool, held_on date, held bool,"
        " plan bool, plan_active bool, plan_ended_on date, cin_active bool, cin_ended_on date,"
        + ", ".join(f"u{i} float8 DEFAULT random()" for i in range(1, 31))
        + ")"
    )
    # First episodes: those of the year started up to 400 days before it, the others' ended before it.
    cursor.execute(
        "INSERT INTO bench_episode (child_id, n, old, s) SELECT id, 1, x >= %s,"
        f" CASE WHEN x >= %s THEN {y} - 760 + floor(random() * 400)::int"
        f"  ELSE {y} - 400 + floor(random() * ({a} - 30 - ({y} - 400)))::int END FROM bench_child",
        [n_children, n_children],
    )
    episode_shape(cursor, y, a, "n = 1")
    # Half the children whose first episode closed early enough were referred again.
    cursor.execute(
        "INSERT INTO bench_episode (child_id, n, old, s) SELECT child_id, 2, false,"
        f' "end" + 8 + floor(u30 * ({a} - 38 - "end"))::int FROM bench_episode'
        f' WHERE n = 1 AND NOT old AND closed AND u29 < 0.5 AND "end" + 40 < {a}'
    )
    episode_shape(cursor, y, a, "n = 2")
    cursor.execute("CREATE INDEX ON bench_episode (rn); ANALYZE bench_episode")
    bases = {
        table: id_base(cursor, table)
        for table in (
            "referrals_contact",
            "casework_assessment",
            "casework_strategydiscussion",
            "casework_section47enquiry",
            "casework_childprotectionconference",
            "casework_childprotectionplan",
        )
    }
    insert_select(
        cursor,
        "casework_involvement",
        {
            "child_id": "e.child_id",
            "agency_id": str(csc["agency"]),
            "kind": "e.kind",
            "start": "e.s",
            "end": 'e."end"',
            "allocated_worker_id": f'CASE WHEN e."end" IS NULL THEN {csc["worker"]} END',
            "team_id": str(csc["team"]),
            "is_lead_agency": "true",
            "legal_basis": "e.legal",
            "closed_by_id": f'CASE WHEN e."end" IS NOT NULL THEN {csc["manager"]} END',
            "closure_reason": "CASE WHEN e.\"end\" IS NOT NULL THEN 'Fictional benchmark closure.' ELSE '' END",
            "closure_code": "e.closure",
        },
        "bench_episode e",
        " (social care)",
    )
    # Early help before the first referral of one child in ten: not social care, not in the census.
    insert_select(
        cursor,
        "casework_involvement",
        {
            "child_id": "e.child_id",
            "agency_id": str(csc["agency"]),
            "kind": "'early_help'",
            "start": "e.s - 200",
            "end": "e.s - 60",
            "team_id": str(csc["team"]),
        },
        "bench_episode e WHERE e.n = 1 AND e.u28 < 0.1",
        " (early help)",
    )
    referral_source = pick(REFERRAL_SOURCE, "e.u10")
    contact = {
        "child_id": "e.child_id",
        "received_at": "e.received_at",
        "status": "'decided'",
        "decided_at": "e.received_at + interval '20 hours'",
        "source": "CASE WHEN e.u11 < 0.5 THEN 'partner_api' ELSE 'professional' END",
        "referrer_name": "'A Referrer'",
        "referrer_agency": "'education'",
        "referral_source": f"CASE WHEN e.u11 < 0.02 THEN '' ELSE {referral_source} END",
        "concerns": "'Fictional benchmark concern.'",
        "categories": """'["neglect"]'::jsonb""",
        "consent": "'given'",
        "household": "'[]'::jsonb",
        "rag": "'green'",
        "rag_rank": "2",
        "agency_id": str(mash["agency"]),
        "team_id": str(mash["team"]),
        "allocated_to_id": str(mash["worker"]),
        "decision_due_at": "pg_temp.at(pg_temp.add_wd(pg_temp.local_day(e.received_at), 1), interval '1 day')",
    }
    insert_select(
        cursor, "referrals_contact", {"id": f"{bases['referrals_contact']} + e.rn", **contact}, "bench_episode e"
    )
    decision = {
        "rationale": "'Fictional benchmark decision.'",
        "decided_by_id": str(mash["worker"]),
        "decided_at": "c.decided_at",
        "authorised_by_id": str(mash["manager"]),
        "authorised_at": "c.decided_at + interval '1 hour'",
    }
    insert_select(
        cursor,
        "referrals_decision",
        {
            "contact_id": "c.id",
            "outcome": "CASE WHEN e.route = 'assessment' THEN 'assessment'"
            " WHEN e.u12 < 0.1 THEN 'immediate_protection' ELSE 'strategy_discussion' END",
            "primary_need": f"CASE WHEN e.u12 > 0.98 THEN '' ELSE {pick(PRIMARY_NEED, 'e.u13')} END",
            **decision,
        },
        f"bench_episode e JOIN referrals_contact c ON c.id = {bases['referrals_contact']} + e.rn",
    )
    # Contacts that did not become referrals (one child in three): left out of the census.
    cursor.execute("SELECT coalesce(max(id), 0) FROM referrals_contact")
    noise = cursor.fetchone()[0]
    insert_select(
        cursor,
        "referrals_contact",
        {
            **contact,
            "id": f"{noise} + e.rn",
            "received_at": f"pg_temp.at({y} - 200 + floor(e.u27 * ({a} - {y} + 199))::int, interval '11 hours')",
            "decided_at": f"pg_temp.at({y} - 200 + floor(e.u27 * ({a} - {y} + 199))::int, interval '15 hours')",
        },
        "bench_episode e WHERE e.n = 1 AND e.u26 < 0.33",
        " (not referrals)",
    )
    insert_select(
        cursor,
        "referrals_decision",
        {
            "contact_id": "c.id",
            "outcome": "CASE WHEN c.id % 3 = 0 THEN 'early_help' ELSE 'nfa_signpost' END",
            **decision,
        },
        f"referrals_contact c WHERE c.id > {noise} AND c.agency_id = {mash['agency']}",
        " (not referrals)",
    )
    load_casework(cursor, here, bases, a)


def episode_shape(cursor, y, a, which):
    """The route, kind, dates and outcomes of the episodes `which` selects, from their random numbers."""
    min_days = "CASE route WHEN 'strategy' THEN 150 ELSE 45 END"
    cursor.execute(
        "UPDATE bench_episode SET route = CASE WHEN u1 < 0.15 THEN 'strategy' ELSE 'assessment' END,"
        " closed = old OR u4 < CASE n WHEN 1 THEN 0.55 ELSE 0.35 END, k = floor(u5 * 4)::int"
        f" WHERE {which};"
        "UPDATE bench_episode SET kind = CASE WHEN route = 'strategy' THEN CASE WHEN u2 < 0.7 THEN 'cp' ELSE 'cin' END"
        "  WHEN u2 < 0.15 THEN 'cla' ELSE 'cin' END,"
        # Long enough for what the route leads to: a plan after a conference, or after an assessment.
        f' "end" = CASE WHEN old THEN least({y} - 20, s + 150 + floor(u6 * 200)::int)'
        f"  WHEN closed THEN least({a}, greatest(s + {min_days}, {y})"
        f"   + floor(u6 * greatest(0, {a} - greatest(s + {min_days}, {y})))::int)"
        "  END,"
        " received_at = pg_temp.at(s - floor(u5 * 4)::int, interval '9 hours' + u9 * interval '8 hours')"
        f" WHERE {which};"
        "UPDATE bench_episode SET legal = CASE WHEN kind = 'cla' THEN CASE WHEN u3 < 0.5 THEN 'section_20'"
        "  ELSE 'care_order' END ELSE '' END,"
        " assessed = true, assess_on = pg_temp.local_day(received_at + interval '20 hours'),"
        " sd = route = 'strategy', s47 = route = 'strategy' AND u20 < 0.85,"
        " s47_on = pg_temp.local_day(received_at + interval '24 hours')"
        f" WHERE {which};"
        # Assessments take 10 to 45 days; a few started nine weeks ago or more are still open.
        f' UPDATE bench_episode SET completed = "end" IS NOT NULL OR assess_on + 63 <= {a} AND u14 < 0.97'
        f"  OR assess_on + 10 <= {a} AND u14 < 0.4,"
        f' signed_off_on = least(coalesce("end", {a}), assess_on + 10 + floor(u15 * 35)::int),'
        f' concluded = s47 AND s47_on + 15 <= {a} AND (u21 < 0.9 OR "end" IS NOT NULL),'
        " substantiated = u22 < 0.6, held_on = pg_temp.add_wd(s47_on, 9 + floor(u23 * 9)::int)"
        f" WHERE {which};"
        # On the strategy discussion route a plan is the conference's to make, not the assessment's.
        "UPDATE bench_episode SET outcome = CASE WHEN NOT completed THEN ''"
        "  WHEN route = 'strategy' THEN CASE WHEN u16 < 0.6 THEN 'nfa' ELSE 'early_help' END"
        "  WHEN u16 < 0.45 THEN 'cin_plan' WHEN u16 < 0.80 THEN 'nfa' WHEN u16 < 0.95 THEN 'early_help'"
        "  ELSE 'strategy_discussion' END,"
        f" held = concluded AND substantiated AND held_on <= {a},"
        f' plan_active = "end" IS NULL AND u26 < 0.85, cin_active = "end" IS NULL AND u18 < 0.85'
        f" WHERE {which};"
        'UPDATE bench_episode SET cin_plan = outcome = \'cin_plan\' AND ("end" IS NULL OR signed_off_on + 7 < "end"),'
        " plan = held AND u24 < 0.85,"
        f' cin_ended_on = CASE WHEN NOT cin_active THEN coalesce("end", least({a}, signed_off_on + 60'
        "  + floor(u19 * 120)::int)) END,"
        f' plan_ended_on = CASE WHEN NOT plan_active THEN coalesce("end", least({a}, held_on + 90'
        "  + floor(u27 * 200)::int)) END"
        f" WHERE {which};"
        # Closed after assessment (RC8, RC9) only where nothing followed the assessment.
        "UPDATE bench_episode SET closure = CASE WHEN \"end\" IS NULL OR u7 < 0.01 THEN ''"
        f"  WHEN NOT sd AND NOT cin_plan AND u8 < 0.4 THEN {pick(CLOSURE_AFTER_ASSESSMENT, 'u12')}"
        f"  ELSE {pick(CLOSURE, 'u8')} END"
        f" WHERE {which}"
    )


def load_casework(cursor, here, bases, a):
    """Assessments, CIN plans, strategy discussions, section 47 enquiries with their icpc clocks,
    initial and review conferences and child protection plans, each from its episode's row."""
    from django.contrib.contenttypes.models import ContentType

    csc, chair = here["csc"], here["chair"]
    a_base, sd_base = bases["casework_assessment"], bases["casework_strategydiscussion"]
    e_base, c_base = bases["casework_section47enquiry"], bases["casework_childprotectionconference"]
    p_base, contact_base = bases["casework_childprotectionplan"], bases["referrals_contact"]
    signed_off = "pg_temp.at(e.signed_off_on, interval '16 hours')"
    insert_select(
        cursor,
        "casework_assessment",
        {
            "id": f"{a_base} + e.rn",
            "child_id": "e.child_id",
            "contact_id": f"{contact_base} + e.rn",
            "referral_received_at": "e.received_at",
            "started_on": "e.assess_on",
            "social_worker_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
            "status": "CASE WHEN e.completed THEN 'completed' WHEN e.u14 < 0.93 THEN 'in_progress'"
            " ELSE 'awaiting_sign_off' END",
            "completed_at": f"CASE WHEN e.completed THEN {signed_off} - interval '3 hours' END",
            "completed_by_id": f"CASE WHEN e.completed THEN {csc['worker']} END",
            "signed_off_at": f"CASE WHEN e.completed THEN {signed_off} END",
            "signed_off_by_id": f"CASE WHEN e.completed THEN {csc['manager']} END",
            "outcome": "e.outcome",
            "outcome_rationale": "CASE WHEN e.completed THEN 'Fictional benchmark outcome.' ELSE '' END",
            "factors": f"CASE WHEN e.completed THEN {pick(FACTORS, 'e.u17')}::jsonb ELSE '[]'::jsonb END",
        },
        "bench_episode e WHERE e.assessed",
    )
    insert_select(
        cursor,
        "casework_childinneedplan",
        {
            "child_id": "e.child_id",
            "assessment_id": f"{a_base} + e.rn",
            "status": "CASE WHEN e.cin_active THEN 'active' ELSE 'ended' END",
            "started_on": "e.signed_off_on",
            "lead_social_worker_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
            "review_every_weeks": "12",
            "ended_on": "e.cin_ended_on",
            "end_reason": "CASE WHEN e.cin_active THEN '' ELSE 'Fictional benchmark ending.' END",
        },
        "bench_episode e WHERE e.cin_plan",
    )
    insert_select(
        cursor,
        "casework_strategydiscussion",
        {
            "id": f"{sd_base} + e.rn",
            "child_id": "e.child_id",
            "contact_id": f"{contact_base} + e.rn",
            "status": "'held'",
            "held_at": "e.received_at + interval '24 hours'",
            "format": "'meeting'",
            "initiates_section_47": "e.s47",
            "decision_rationale": "'Fictional benchmark rationale.'",
            "recorded_by_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
            "created_at": "e.received_at + interval '20 hours'",
        },
        "bench_episode e WHERE e.sd",
    )
    insert_select(
        cursor,
        "casework_section47enquiry",
        {
            "id": f"{e_base} + e.rn",
            "child_id": "e.child_id",
            "strategy_discussion_id": f"{sd_base} + e.rn",
            "status": "CASE WHEN e.concluded THEN 'concluded' ELSE 'open' END",
            "started_on": "e.s47_on",
            "lead_social_worker_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
            "outcome": "CASE WHEN NOT e.concluded THEN '' WHEN e.substantiated THEN 'substantiated'"
            " ELSE 'not_substantiated' END",
            "outcome_rationale": "CASE WHEN e.concluded THEN 'Fictional benchmark outcome.' ELSE '' END",
            "next_step": "CASE WHEN e.concluded AND NOT e.substantiated THEN 'support' ELSE '' END",
            "outcome_recorded_at": "CASE WHEN e.concluded THEN pg_temp.at(e.s47_on + 12, interval '15 hours') END",
            "outcome_recorded_by_id": f"CASE WHEN e.concluded THEN {csc['worker']} END",
        },
        "bench_episode e WHERE e.s47",
    )
    held_at = "pg_temp.at(e.held_on, interval '10 hours')"
    insert_select(
        cursor,
        "casework_childprotectionconference",
        {
            "id": f"{c_base} + e.rn",
            "child_id": "e.child_id",
            "kind": "'initial'",
            "status": "CASE WHEN e.held THEN 'held' ELSE 'scheduled' END",
            "enquiry_id": f"{e_base} + e.rn",
            "scheduled_for": held_at,
            "held_at": f"CASE WHEN e.held THEN {held_at} END",
            "chair_id": str(chair),
            "plan_needed": "CASE WHEN e.held THEN e.plan END",
            "category": f"CASE WHEN e.plan THEN {pick(CATEGORY, 'e.u25')} ELSE '' END",
            "lead_social_worker_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
        },
        "bench_episode e WHERE e.concluded AND e.substantiated",
        " (initial)",
    )
    insert_select(
        cursor,
        "casework_childprotectionplan",
        {
            "id": f"{p_base} + e.rn",
            "child_id": "e.child_id",
            "initial_conference_id": "c.id",
            "status": "CASE WHEN e.plan_active THEN 'active' ELSE 'ended' END",
            "started_on": "e.held_on",
            "initial_category": "c.category",
            "category": f"CASE WHEN e.u28 < 0.2 THEN {pick(CATEGORY, 'e.u29')} ELSE c.category END",
            "lead_social_worker_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
            "ended_on": "e.plan_ended_on",
            "end_reason": "CASE WHEN e.plan_active THEN '' ELSE 'no_longer_at_risk' END",
        },
        f"bench_episode e JOIN casework_childprotectionconference c ON c.id = {c_base} + e.rn WHERE e.plan",
    )
    # Reviews three months after the plan started, then every six, while it lasts (numbered by the table's own ids).
    sync_sequences(cursor, ("casework_childprotectionconference",))
    review_on = "p.started_on + 90 + 180 * j"
    insert_select(
        cursor,
        "casework_childprotectionconference",
        {
            "child_id": "p.child_id",
            "kind": "'review'",
            "status": "'held'",
            "plan_id": "p.id",
            "scheduled_for": f"pg_temp.at({review_on}, interval '10 hours')",
            "held_at": f"pg_temp.at({review_on}, interval '10 hours')",
            "chair_id": str(chair),
            "plan_needed": "true",
            "category": "p.category",
            "lead_social_worker_id": str(csc["worker"]),
            "created_by_id": str(csc["worker"]),
        },
        f"casework_childprotectionplan p, generate_series(0, 2) j WHERE p.id > {p_base}"
        f" AND {review_on} <= coalesce(p.ended_on, {a})",
        " (reviews)",
    )
    # The icpc clock of every enquiry: met by the initial conference, cancelled when the concerns
    # were not substantiated (as casework.enquiry.services does), otherwise open or missed.
    cursor.execute("SELECT id, version FROM notifications_timescalerule WHERE code = 'icpc' AND is_current LIMIT 1")
    rule_id, rule_version = cursor.fetchone()
    subject_type = ContentType.objects.get_by_natural_key("casework", "section47enquiry").pk
    due = "pg_temp.add_wd(e.s47_on, 15)"
    status = (
        f"CASE WHEN e.held THEN CASE WHEN e.held_on <= {due} THEN 'met' ELSE 'met_late' END"
        " WHEN e.concluded AND NOT e.substantiated THEN 'cancelled'"
        f" WHEN {due} < {a} THEN 'breached' ELSE 'open' END"
    )
    insert_select(
        cursor,
        "notifications_deadline",
        {
            "rule_id": str(rule_id),
            "rule_code": "'icpc'",
            "rule_version": str(rule_version),
            "child_id": "e.child_id",
            "subject_type_id": str(subject_type),
            "subject_id": f"{e_base} + e.rn",
            "responsible_id": str(csc["worker"]),
            "agency_id": str(csc["agency"]),
            "started_at": "e.received_at + interval '24 hours'",
            "anchor_at": "e.received_at + interval '24 hours'",
            "due_at": f"pg_temp.at({due} + 1, interval '0 hours')",
            "due_date": due,
            "calendar_used": "'ENG bank holidays'",
            "explanation": "'Benchmark clock.'",
            "status": status,
            "met_at": f"CASE WHEN e.held THEN {held_at} END",
        },
        "bench_episode e WHERE e.s47",
        " (icpc)",
    )


# --- loading ---------------------------------------------------------------------------------------


def as_of_day():
    """Records run to today, or to the year's end if that has passed (and at least into the year)."""
    start, end = date(int(YEAR[:4]), 4, 1), date(int(YEAR[:4]) + 1, 3, 31)
    return max(start + timedelta(days=120), min(date.today(), end))


def load(world, n_children, reload):
    """Bulk-load both authorities unless this size is already there; returns (seconds, loaded now?)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_returns_load (children int, seconds float, loaded_at timestamptz)"
        )
        cursor.execute("SELECT children, seconds, loaded_at FROM bench_returns_load")
        have = cursor.fetchone()
    if have and have[0] == n_children and not reload:
        print(
            f"data: {n_children:,} children in need already loaded ({have[2]:%d %b %H:%M}, took {have[1]:.0f} s);"
            " --reload to load again"
        )
        return have[1], False
    as_of = as_of_day()
    print(f"loading {n_children:,} + {n_children // 5:,} children in need, records up to {as_of} ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE casework_child, referrals_contact, notifications_deadline, notifications_notification,"
            " bench_returns_load CASCADE"
        )
        cursor.execute(
            "SET LOCAL session_replication_role = replica; SET LOCAL work_mem = '256MB'; SELECT setseed(0.27)"
        )
        sql_functions(cursor)
        for (la_code, _), size in ((LARGE, n_children), (SMALL, n_children // 5)):
            load_authority(cursor, la_code, world[la_code], size, as_of)
        sync_sequences(
            cursor,
            (
                "referrals_contact",
                "casework_assessment",
                "casework_strategydiscussion",
                "casework_section47enquiry",
                "casework_childprotectionconference",
                "casework_childprotectionplan",
            ),
        )
        cursor.execute(
            "DROP TABLE bench_child, bench_episode; INSERT INTO bench_returns_load VALUES (%s, %s, now())",
            [n_children, time.perf_counter() - started],
        )
    with connection.cursor() as cursor:
        analyze = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM (ANALYZE) in {time.perf_counter() - analyze:.1f} s")
        seconds = time.perf_counter() - started
        cursor.execute("UPDATE bench_returns_load SET seconds = %s", [seconds])
    return seconds, True


def print_data_summary(world):
    from django.db import connection

    print(
        "  authority: children, social care involvements (open), referrals, assessments, CIN plans,"
        " s47 enquiries, CP plans, review conferences"
    )
    with connection.cursor() as cursor:
        for la_code, _ in (LARGE, SMALL):
            csc, mash = world[la_code]["csc"]["agency"], world[la_code]["mash"]["agency"]
            cursor.execute(
                "WITH kids AS (SELECT DISTINCT child_id FROM casework_involvement WHERE agency_id = %s)"
                " SELECT (SELECT count(*) FROM kids),"
                " (SELECT count(*) FROM casework_involvement WHERE agency_id = %s AND kind IN ('cin', 'cp', 'cla')),"
                " (SELECT count(*) FROM casework_involvement WHERE agency_id = %s AND kind IN ('cin', 'cp', 'cla')"
                '   AND "end" IS NULL),'
                " (SELECT count(*) FROM referrals_decision d JOIN referrals_contact c ON c.id = d.contact_id"
                "   WHERE c.agency_id = %s AND d.outcome IN ('assessment', 'strategy_discussion',"
                "   'immediate_protection')),"
                " (SELECT count(*) FROM casework_assessment WHERE child_id IN (SELECT child_id FROM kids)),"
                " (SELECT count(*) FROM casework_childinneedplan WHERE child_id IN (SELECT child_id FROM kids)),"
                " (SELECT count(*) FROM casework_section47enquiry WHERE child_id IN (SELECT child_id FROM kids)),"
                " (SELECT count(*) FROM casework_childprotectionplan WHERE child_id IN (SELECT child_id FROM kids)),"
                " (SELECT count(*) FROM casework_childprotectionconference WHERE kind = 'review'"
                "   AND child_id IN (SELECT child_id FROM kids))",
                [csc, csc, csc, mash],
            )
            row = cursor.fetchone()
            print(
                f"  {la_code}: {row[0]:,} children, {row[1]:,} involvements ({row[2]:,} open), {row[3]:,} referrals,"
                f" {row[4]:,} assessments, {row[5]:,} CIN plans, {row[6]:,} s47 enquiries, {row[7]:,} CP plans,"
                f" {row[8]:,} reviews"
            )


# --- one export, in its own process -----------------------------------------------------------------


def rss_mb():
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def export(la_code, out, trace, profile):
    """Writes one census file as the command does; prints its figures as one line of JSON."""
    import gc
    import tracemalloc

    import django

    django.setup()
    from django.db import connection

    from accounts.models import Authority
    from returns.cin_census.services import census
    from returns.cin_census.years import CollectionYear

    authority = Authority.objects.get(la_code=la_code)
    year = CollectionYear.parse(YEAR)
    counted = {"queries": 0, "sql": 0.0}

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            counted["queries"] += 1
            counted["sql"] += time.perf_counter() - started

    connection.ensure_connection()
    gc.collect()
    # The peak resident memory counted from here, not from Django's start (Linux: 5 resets VmHWM).
    try:
        Path("/proc/self/clear_refs").write_text("5")
        peak_reset = True
    except OSError:
        peak_reset = False
    rss_before = rss_mb()
    if trace:
        tracemalloc.start()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    children = 0
    started = time.perf_counter()
    with connection.execute_wrapper(count), open(out, "w", encoding="utf-8") as file:
        for piece in census(authority, year):
            children += piece.count("<Child>")
            file.write(piece)
    seconds = time.perf_counter() - started
    if profiler:
        import io
        import pstats

        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(30)
        print(text.getvalue(), file=sys.stderr)
    traced_peak = tracemalloc.get_traced_memory()[1] / 1024**2 if trace else None
    print(
        json.dumps(
            {
                "la_code": la_code,
                "children": children,
                "seconds": seconds,
                "queries": counted["queries"],
                "sql_seconds": counted["sql"],
                "bytes": Path(out).stat().st_size,
                "rss_before_mb": rss_before,
                "peak_reset": peak_reset,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "traced_peak_mb": traced_peak,
            }
        )
    )


def run_export(la_code, trace=False, profile=False):
    """One export in a fresh process: {figures}."""
    out = OUT / f"bench-returns-{la_code}.xml"
    command = [sys.executable, __file__, "--export", la_code, "--out", str(out)]
    command += ["--trace"] if trace else []
    command += ["--profile"] if profile else []
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"the export of {la_code} failed")
    if profile:
        print(done.stderr)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["out"] = out
    return figures


def bench_exports(profile):
    print(
        f"\nexport of the {YEAR} census through returns.cin_census.services.census to a file, each in a fresh process:"
    )
    print(
        f"  {'authority':9} {'children':>8} {'wall s':>7} {'queries':>7} {'SQL s':>6} {'file MB':>8}"
        f" {'RSS before':>10} {'RSS peak':>9} {'RSS +':>7} {'traced peak':>11} {'wall traced':>11}"
    )
    results = {}
    for la_code, _ in (SMALL, LARGE):
        timed = run_export(la_code)
        traced = run_export(la_code, trace=True)
        grown = timed["maxrss_mb"] - timed["rss_before_mb"]
        print(
            f"  {la_code:9} {timed['children']:>8,} {timed['seconds']:>7.1f} {timed['queries']:>7,}"
            f" {timed['sql_seconds']:>6.1f} {timed['bytes'] / 1024**2:>8.1f} {timed['rss_before_mb']:>7.0f} MB"
            f" {timed['maxrss_mb']:>6.0f} MB {grown:>4.0f} MB {traced['traced_peak_mb']:>8.1f} MB"
            f" {traced['seconds']:>9.1f} s",
            flush=True,
        )
        results[la_code] = {**timed, "traced_peak_mb": traced["traced_peak_mb"], "rss_growth_mb": grown}
    print(f"  files: {results[SMALL[0]]['out']}, {results[LARGE[0]]['out']}")
    if profile:  # a third run of the larger export, under cProfile (slower: not the timed one)
        run_export(LARGE[0], profile=True)
    if not all(figures["peak_reset"] for figures in results.values()):
        print("  (the RSS peak could not be reset before the export: it includes Django's start)")
    return results


def bench_validation(figures):
    from returns.cin_census.validation import ERROR, validate_census
    from returns.cin_census.years import CollectionYear

    started = time.perf_counter()
    issues = validate_census(Path(figures["out"]).read_text(encoding="utf-8"), CollectionYear.parse(YEAR))
    seconds = time.perf_counter() - started
    errors = sum(1 for issue in issues if issue.kind == ERROR)
    by_rule = {}
    for issue in issues:
        by_rule[(issue.kind, issue.rule)] = by_rule.get((issue.kind, issue.rule), 0) + 1
    print(
        f"\nvalidation (validate_census, not part of the goal) of {figures['children']:,} children:"
        f" {seconds:.1f} s, {errors:,} errors and {len(issues) - errors:,} queries"
    )
    for (kind, rule), n in sorted(by_rule.items(), key=lambda item: -item[1])[:8]:
        print(f"    {kind:5} {rule:8} {n:,}")
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=GOAL_CHILDREN, help="children in need in the larger return")
    parser.add_argument("--reload", action="store_true", help="load again even if this size is loaded")
    parser.add_argument("--validate", action="store_true", help="also time the DfE validation of the smaller file")
    parser.add_argument("--profile", action="store_true", help="print where the larger export spends its time")
    parser.add_argument("--export", help=argparse.SUPPRESS)  # in the child process: the authority to export
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        export(args.export, args.out, args.trace, args.profile)
        return
    n_children = max(100, args.children)

    ensure_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database {DATABASE_URL.rsplit('/', 1)[1]} migrated in {time.perf_counter() - started:.1f} s")
    cache.clear()  # Redis db 12 is the benchmark's own
    OUT.mkdir(exist_ok=True)
    world = set_up_organisation()
    seconds, loaded = load(world, n_children, args.reload)
    if loaded:
        print(f"load: {seconds:.1f} s")
    print_data_summary(world)
    results = bench_exports(args.profile)
    validation = bench_validation(results[SMALL[0]]) if args.validate else None

    large, small = results[LARGE[0]], results[SMALL[0]]
    print(f"\ngoals ({large['children']:,} children in need in {YEAR}; {small['children']:,} for comparison):")
    if large["children"] != GOAL_CHILDREN:
        print(f"  (the goal is stated for {GOAL_CHILDREN:,} children: run with the default --children for it)")
    verdict = "MET" if large["seconds"] <= GOAL_SECONDS else "MISSED"
    print(f"  export <= {GOAL_SECONDS} s: {large['seconds']:.1f} s ({large['queries']:,} queries) → {verdict}")
    ratio = large["traced_peak_mb"] / small["traced_peak_mb"]
    rss_ratio = large["rss_growth_mb"] / max(small["rss_growth_mb"], 1.0)
    verdict = "MET" if ratio <= GOAL_MEMORY_RATIO else "MISSED"
    print(
        f"  memory does not grow with the children: Python peak {large['traced_peak_mb']:.1f} MB vs"
        f" {small['traced_peak_mb']:.1f} MB (x{ratio:.2f} for x{large['children'] / small['children']:.1f}"
        f" the children; goal <= x{GOAL_MEMORY_RATIO}) → {verdict}"
    )
    print(
        f"    RSS grew {large['rss_growth_mb']:.0f} MB vs {small['rss_growth_mb']:.0f} MB during the export"
        f" (x{rss_ratio:.2f}); file {large['bytes'] / 1024**2:.0f} MB vs {small['bytes'] / 1024**2:.0f} MB"
    )
    if validation is not None:
        print(f"  validation of {small['children']:,} children (not a goal): {validation:.0f} s")


if __name__ == "__main__":
    main()

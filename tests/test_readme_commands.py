"""Every command in the README's shell blocks runs as written, or is named here with the reason it cannot.

Commands run in README order, each in bash from the checkout root, after `make run` as a reader
would have it: the local `.env` that `make run` writes gives DEBUG=1 and a secret key, and here
the environment gives the same (DEBUG=1, the test run's SECRET_KEY) with the test database in
place of the checkout's own. Nothing in a command's text is changed.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Command -> a line its output must contain (a regular expression matching the whole line).
RUN = {
    "make help   # these and the other everyday commands": r"make lock .*",
    ".venv/bin/python manage.py load_demo": r"Demo data (loaded|already up to date)\.",
    ".venv/bin/python manage.py load_timescale_rules": r"created: \d+, new versions: \d+, unchanged: \d+, skipped: \d+",
    ".venv/bin/python manage.py working_days add 2026-12-24 1                            # 2026-12-29": r"2026-12-29",
    ".venv/bin/python manage.py working_days count 2026-12-24 2026-12-29                 # 1": r"1",
    ".venv/bin/python manage.py working_days count 2026-12-24 2026-12-29 --authority 888 # 1, with Lancashire's closure days": r"1",
    ".venv/bin/python manage.py refresh_performance --months 2 --authority 888   # this month and last, for Lancashire": (
        r"Worked out \d+ figures for 1 authority, \w+ \d{4} to \w+ \d{4}\."
    ),
    ".venv/bin/python manage.py reconcile_team_work": r"Wrote \d+ items of open work in [\d.]+ seconds\.",
    ".venv/bin/python manage.py export_cin_census --year 2026-27 --authority 888"
    " --out /tmp/cin-census-888-2026-27.xml --check": r"Wrote the 2026-27 census for 888: \d+ children, \S+\nValidation: 0 errors, \d+ queries",
    ".venv/bin/python manage.py export_annex_a --authority 888 --from 2026-04-01 --to 2026-12-31"
    " --out /tmp/annex-a-888.xlsx --by csc.senior": r"Wrote /tmp/annex-a-888\.xlsx",
    ".venv/bin/python manage.py check_census_data_quality --authority 888": (
        r"Checked the \d{4}-\d{2} census for 888: 0 errors, \d+ queries\."
    ),
    ".venv/bin/python manage.py load_thresholds": r"unchanged: \d+, new versions: \d+, indicators loaded: \d+",
    ".venv/bin/python manage.py audit_verify                        # a local checkout": r"Access log intact: \d+ rows checked\.",
    ".venv/bin/python manage.py create_service_token --user police-system \\\n"
    '  --scopes read,custody-notifications:write --name "Police custody system"': r"\S{30,}",
}

# Command -> why a test cannot run it.
NOT_RUN = {
    "make run    # set up and run the app with fictional demo data: http://127.0.0.1:8000": (
        "starts the development server and a Celery worker, and runs until stopped"
    ),
    "make test   # run the whole test suite on PostgreSQL and Redis (installs what it needs)": (
        "runs this whole suite, this test included"
    ),
    ".venv/bin/python bench/sweep.py                       # 1,000,000 deadlines, one sweep timed": (
        "a benchmark: builds a million deadlines, minutes of work"
    ),
    ".venv/bin/python bench/front_door.py   # contacts/s through gunicorn, triage latency at 100,000 open contacts": (
        "a benchmark: starts gunicorn and loads 100,000 contacts"
    ),
    ".venv/bin/python bench/dashboard.py   # Team work, dashboard and measures API: 1,000,000 children,"
    " 3,000,000 contacts, 5,000,000 clocks": "a benchmark: bulk-loads millions of rows, minutes of work",
    ".venv/bin/python bench/returns.py   # CIN census export: 50,000 children in need, 60 s goal, flat memory": (
        "a benchmark: bulk-loads a year of 50,000 children in need, minutes of work"
    ),
    "docker compose run --rm worker python manage.py audit_verify   # the Docker deployment": (
        "needs a Docker engine and the deployment's containers"
    ),
    "token=$(curl -s -X POST http://127.0.0.1:8000/api/v1/auth/token/ -H 'Content-Type: application/json' \\\n"
    '  -d \'{"username": "csc.worker", "password": "safeguarding-demo"}\' | .venv/bin/python -c '
    "'import json, sys; print(json.load(sys.stdin)[\"token\"])')": (
        "asks the server that make run starts on port 8000"
    ),
    "curl -s 'http://127.0.0.1:8000/api/v1/children/?search=Example' -H \"Authorization: Token $token\"": (
        "asks the server that make run starts on port 8000, with the token from the line before"
    ),
    "make lock": "rebuilds the lock files from PyPI: needs the network and rewrites tracked files",
    "make lock LOCK_ARGS=--upgrade": "rebuilds the lock files from PyPI: needs the network and rewrites tracked files",
}

SHELL_FENCE = re.compile(r"^```(sh|bash|console)\s*$")


def readme_commands() -> list[str]:
    """The commands in the README's shell blocks, in order; a line ending in a backslash goes on."""
    commands: list[str] = []
    pending: list[str] = []
    in_block = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if not in_block:
            in_block = bool(SHELL_FENCE.match(line))
            continue
        if line.startswith("```"):
            in_block = False
            continue
        if not line.strip() and not pending:
            continue
        pending.append(line)
        if not line.endswith("\\"):
            commands.append("\n".join(pending))
            pending = []
    return commands


def test_every_readme_command_is_run_or_named_with_a_reason():
    commands = readme_commands()
    assert not set(RUN) & set(NOT_RUN)
    unaccounted = [command for command in commands if command not in RUN and command not in NOT_RUN]
    assert not unaccounted, "README commands neither run by this test nor named in NOT_RUN"
    stale = [command for command in [*RUN, *NOT_RUN] if command not in commands]
    assert not stale, "commands named here that the README no longer has"


def test_manage_py_commands_in_prose_are_in_a_shell_block_too():
    """A command written inline would escape the checks above: each must also be in a block."""
    inline = re.findall(r"`([^`\n]*\.venv/bin/python[^`\n]*)`", README.read_text(encoding="utf-8"))
    commands = readme_commands()
    assert [command for command in inline if command not in commands] == []


def database_url(settings_dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database)."""
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    at = "@" if user or password else ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}{at}{settings_dict['HOST']}{port}/{settings_dict['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_readme_commands_run_as_written(tmp_path):
    """Committed writes (the demo data, a token) land in the test database; the flush after a
    transactional test empties it again."""
    if connection.vendor != "postgresql":
        pytest.skip("the commands run against the PostgreSQL test database")
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "DEBUG": "1",
        # The checkout's own .env and anchor file belong to its own database, not this one.
        "ENV_FILE": str(tmp_path / "no-such-file"),
        "AUDIT_ANCHOR_PATH": str(tmp_path / "access-log-anchors.jsonl"),
    }
    connection.close()  # the commands' writes are committed; nothing of this test's is open
    for command in readme_commands():
        if command not in RUN:
            continue
        result = subprocess.run(
            ["bash", "-c", command], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert re.search(f"^{RUN[command]}$", result.stdout, re.MULTILINE), f"{command}\n{result.stdout}"

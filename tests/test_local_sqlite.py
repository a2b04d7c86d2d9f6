"""The managers' pages run on SQLite, the zero-setup database `make run` uses: their hand-written SQL
(Team work's union, the performance refresh) must work there as well as on PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "/",
    "/team-work/",
    "/team-work/?state=overdue",
    "/teams/",
    "/performance/",
    "/performance/assessment_in_time/",
)
VISIT = f"""
import django; django.setup()
from django.core.management import call_command
from django.test import Client
from accounts.models import User
call_command("migrate", verbosity=0)
call_command("load_demo", quiet=True, allow_without_debug=True)
client = Client()
client.force_login(User.objects.get(username="csc.manager"))
for url in {PAGES!r}:
    print(url, client.get(url, follow=True).status_code)
rows = client.get("/team-work/", follow=True).content.decode().count('<tr class="govuk-table__row')
print("undated", client.get("/team-work/", follow=True).content.decode().count("No deadline"), "of", rows)
"""


def test_the_managers_pages_answer_on_sqlite(tmp_path):
    base = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "ENV_FILE")}
    result = subprocess.run(
        [sys.executable, "-c", VISIT],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}",
            "ENV_FILE": str(tmp_path / "none.env"),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answers = dict(line.rsplit(" ", 1) for line in result.stdout.splitlines() if line.startswith("/"))
    assert answers == {url: "200" for url in PAGES}
    # Due moments come back from SQLite's raw SQL as naive text: the page must still find their clocks.
    undated, rows = next(line.split()[1::2] for line in result.stdout.splitlines() if line.startswith("undated"))
    assert int(undated) < int(rows) - 1

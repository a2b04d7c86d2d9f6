"""Timescale rules and the workflows that start them: every rule in the file is started by some code
path or is marked reference only, and a reference-only rule never runs a clock or looks as if it did."""

import re
from pathlib import Path

import pytest

from notifications.clocks import plan_clock, start_clock
from notifications.models import Deadline, TimescaleRule
from notifications.rules import read_rules_file
from tests.factories import ChildFactory, UserFactory
from tests.pathway_builders import api_for, client_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Code that runs in the application: not the tests, not the rules file, not the virtual environment.
SKIP = {"tests", ".venv", "node_modules", "static", "var", "migrations"}


def application_source() -> str:
    parts = []
    for path in ROOT.rglob("*.py"):
        if SKIP.intersection(path.relative_to(ROOT).parts):
            continue
        parts.append(path.read_text())
    return "\n".join(parts)


def default_rules():
    return {code: values for (code, la_code), values in read_rules_file().items() if la_code is None}


def test_every_rule_that_is_not_reference_only_is_started_by_some_code_path():
    source = application_source()
    never_started = [
        code
        for code, values in default_rules().items()
        if not values.get("reference_only") and not re.search(rf"[\"']{re.escape(code)}[\"']", source)
    ]
    assert never_started == [], f"Rules loaded with nothing to start them: {never_started}"


def test_a_reference_only_rule_says_why_and_is_loaded_as_such():
    reference = {code: values for code, values in default_rules().items() if values.get("reference_only")}
    assert {"police_protection_end", "lado_informed", "vcl_high_planning_meeting", "scr_decision"} <= set(reference)
    assert "national_panel_notification" not in reference  # a serious incident starts it
    assert all(values["reference_reason"] for values in reference.values())
    loaded = set(
        TimescaleRule.objects.filter(is_current=True, authority__isnull=True, reference_only=True).values_list(
            "code", flat=True
        )
    )
    assert loaded == set(reference)


def test_a_reference_only_rule_cannot_start_a_clock():
    child = ChildFactory()
    worker = UserFactory()
    with pytest.raises(ValueError, match="reference only"):
        start_clock("police_protection_end", child, child=child, responsible=worker)
    with pytest.raises(ValueError, match="reference only"):
        plan_clock("lado_informed", agency=worker.agency)
    assert not Deadline.objects.exists()


def test_the_timescales_page_and_the_api_say_a_reference_rule_runs_no_clock():
    user = UserFactory()
    page = client_for(user).get("/timescales/").content.decode()
    row = page[page.index("End police protection") :]
    row = row[: row.index("</tr>")]
    assert '<strong class="govuk-tag govuk-tag--grey">Reference only</strong>' in row
    assert "No workflow in this system starts this clock. Police protection is the police&#x27;s power" in row
    started = page[page.index("Hold the initial child protection conference") :]
    assert "Reference only" not in started[: started.index("</tr>")]

    rules = {rule["code"]: rule for rule in api_for(user).get("/api/v1/timescale-rules/").json()}
    assert rules["police_protection_end"]["reference_only"] is True
    assert rules["police_protection_end"]["reference_note"].startswith("Reference only: no workflow")
    assert rules["icpc"]["reference_only"] is False and rules["icpc"]["reference_note"] == ""

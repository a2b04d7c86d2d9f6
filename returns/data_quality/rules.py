"""The census rules in plain words, and where a record breaking one is put right."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.urls import reverse

RULES_FILE = Path(__file__).parent.parent / "data" / "census_rules.toml"


@dataclass(frozen=True)
class RuleWords:
    plain: str
    fix: str  # "child" (the child's details) or "record" (the child's record)


@cache
def _rules() -> dict[str, RuleWords]:
    with RULES_FILE.open("rb") as handle:
        return {code: RuleWords(**entry) for code, entry in tomllib.load(handle)["rules"].items()}


def words(rule: str, dfe_message: str) -> RuleWords:
    return _rules().get(rule, RuleWords(plain=dfe_message, fix="record"))


def fix_url(rule: str, child_id: int) -> str:
    if _rules().get(rule, RuleWords("", "record")).fix == "child":
        return reverse("child-edit", args=[child_id])
    return reverse("child-detail", args=[child_id])

"""The DfE's code lists for the statutory returns, read from returns/data/dfe_codes.toml.

Records store the DfE code; forms, the API, the census file and the data quality page ask
this module for the choices, the plain-English label and what the system's own values map to.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CODES_FILE = Path(__file__).parent / "data" / "dfe_codes.toml"


@dataclass(frozen=True)
class CodeList:
    name: str
    title: str
    source: str
    year: str
    codes: tuple[tuple[str, str], ...]

    @property
    def values(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.codes)

    def label(self, code: str) -> str:
        return dict(self.codes).get(code, code)


@cache
def _file() -> dict:
    with CODES_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def code_list(name: str) -> CodeList:
    entry = _file()["lists"][name]
    return CodeList(
        name=name,
        title=entry["title"],
        source=entry["source"],
        year=entry["year"],
        codes=tuple((code, label) for code, label in entry["codes"]),
    )


def choices(name: str) -> list[tuple[str, str]]:
    return list(code_list(name).codes)


# Django `choices` for model fields and forms. Callables, so that a changed list needs no
# migration; module-level, so that migrations can name them.
def sex_choices() -> list[tuple[str, str]]:
    return choices("sex")


def gender_choices() -> list[tuple[str, str]]:
    return choices("gender")


def ethnicity_choices() -> list[tuple[str, str]]:
    return choices("ethnicity")


def disability_choices() -> list[tuple[str, str]]:
    return choices("disability")


def upn_unknown_choices() -> list[tuple[str, str]]:
    return choices("upn_unknown")


def referral_source_choices() -> list[tuple[str, str]]:
    return choices("referral_source")


def primary_need_choices() -> list[tuple[str, str]]:
    return choices("primary_need")


def assessment_factor_choices() -> list[tuple[str, str]]:
    return choices("assessment_factor")


def abuse_category_choices() -> list[tuple[str, str]]:
    return choices("abuse_category")


def closure_reason_choices() -> list[tuple[str, str]]:
    return choices("closure_reason")


def label(name: str, code: str) -> str:
    return code_list(name).label(code)


def mapped(mapping: str, value: str, default: str = "") -> str:
    """What one of the system's own values is in the DfE's codes (e.g. "neglect" is "NEG")."""
    return _file()["mappings"][mapping]["codes"].get(value, default)

"""Each Annex A list and its columns in Ofsted's order, read from returns/data/annex_a.toml.

The file says what fills each column; values.py holds one function a value, so a column is
moved, renamed or added by changing the file, not the code.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LISTS_FILE = Path(__file__).parent.parent / "data" / "annex_a.toml"


@dataclass(frozen=True)
class Column:
    name: str  # the heading, as Ofsted writes it
    value: str  # a key of values.VALUES
    note: str = ""


@dataclass(frozen=True)
class AnnexList:
    code: str
    number: int
    name: str
    sheet: str
    holds: str
    columns: tuple[Column, ...]

    @property
    def title(self) -> str:
        return f"List {self.number}: {self.name}"

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]


@cache
def _file() -> dict:
    with LISTS_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def all_lists() -> tuple[AnnexList, ...]:
    return tuple(
        AnnexList(
            code=entry["code"],
            number=entry["number"],
            name=entry["name"],
            sheet=entry["sheet"],
            holds=entry["holds"],
            columns=tuple(Column(c["name"], c["value"], c.get("note", "")) for c in entry["columns"]),
        )
        for entry in _file()["lists"]
    )


def annex_list(code: str) -> AnnexList | None:
    return next((found for found in all_lists() if found.code == code), None)


def legal_status(basis: str) -> str:
    """The SSDA903 legal status of a looked-after involvement's legal basis, or ""."""
    return _file()["legal_status"]["codes"].get(basis, "")


def case_status(key: str) -> str:
    return _file()["case_status"][key]

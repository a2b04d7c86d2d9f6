"""The performance measures, read from performance/data/measures.toml: what each counts, in words and rules."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MEASURES_FILE = Path(__file__).parent / "data" / "measures.toml"

RATE = "rate"
COUNT = "count"
SUM = "sum"
LATEST = "latest"


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    kind: str
    source: str
    over_period: str
    numerator: str
    denominator: str
    source_paragraph: str
    breakdown: str
    higher_is_better: bool | None
    numerator_label: str = "In time"
    denominator_label: str = "Due"
    rules: tuple[str, ...] = ()
    involvement_kinds: tuple[str, ...] = ()

    @property
    def is_rate(self) -> bool:
        return self.kind == RATE

    def value(self, numerator: int, denominator: int | None):
        """A rate as a fraction 0–1 (None when nothing was due); a count is its numerator."""
        if not self.is_rate:
            return numerator
        return numerator / denominator if denominator else None

    def value_text(self, numerator: int, denominator: int | None) -> str:
        """ "38 of 41 in time, 93%" in the measure's words; "None counted" when there is nothing to count."""
        if not self.is_rate:
            return f"{numerator:,}"
        if not denominator:
            return "None counted"
        return (
            f"{numerator:,} of {denominator:,} {self.numerator_label.lower()}, {self.percent(numerator, denominator)}"
        )

    def percent(self, numerator: int, denominator: int | None) -> str:
        """The value alone: "93%" for a rate ("–" when nothing was counted), the number for a count."""
        if not self.is_rate:
            return f"{numerator:,}"
        return f"{round(100 * numerator / denominator)}%" if denominator else "–"


def _measure(code: str, entry: dict) -> Measure:
    return Measure(
        code=code,
        title=entry["title"],
        kind=entry["kind"],
        source=entry["source"],
        over_period=entry["over_period"],
        numerator=entry["numerator"],
        denominator=entry.get("denominator", ""),
        source_paragraph=entry["source_paragraph"],
        breakdown=entry["breakdown"],
        higher_is_better=entry.get("higher_is_better"),
        numerator_label=entry.get("numerator_label", "In time" if entry["kind"] == RATE else "Number"),
        denominator_label=entry.get("denominator_label", "Due"),
        rules=tuple(entry.get("rules", ())),
        involvement_kinds=tuple(entry.get("involvement_kinds", ())),
    )


@cache
def all_measures() -> dict[str, Measure]:
    """Every measure by code, in the file's order (the dashboard's order)."""
    with MEASURES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    return {code: _measure(code, entry) for code, entry in data["measures"].items()}


def measure(code: str) -> Measure | None:
    return all_measures().get(code)

"""A census collection year: 1 April to 31 March, named like "2026-27"."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class CollectionYear:
    first_year: int

    @classmethod
    def parse(cls, text: str) -> "CollectionYear":
        match = YEAR_RE.match((text or "").strip())
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise ValidationError("Enter a collection year like 2026-27")
        return cls(int(match.group(1)))

    @classmethod
    def containing(cls, day: date) -> "CollectionYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def name(self) -> str:
        return f"{self.first_year}-{(self.first_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.first_year, 4, 1)

    @property
    def end(self) -> date:
        """The census's reference date."""
        return date(self.first_year + 1, 3, 31)

    @property
    def census_year(self) -> str:
        """The DfE names a collection by the year it ends in (<Year>2027</Year> for 2026-27)."""
        return str(self.first_year + 1)

    @property
    def ruleset(self) -> str:
        """The validator's ruleset for this year, e.g. cin2026_27."""
        return f"cin{self.first_year}_{(self.first_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.name

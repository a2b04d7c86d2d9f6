"""The DfE's validation rules for the census, run on a census file.

The rules are the community's implementation of the DfE's published rules for each year
(PyPI csc-validator-be-cin, maintained by data-to-insight with councils): it reads the census
XML into tables and runs every rule of the year's ruleset. Each problem found is an `Issue`
with the rule's code and message, the child's returns reference (none for a rule about the
whole return) and the table and field it is about.
"""

import contextlib
import importlib
import io
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .years import CollectionYear

ERROR = "error"
QUERY = "query"


@dataclass(frozen=True)
class Issue:
    rule: str
    kind: str  # ERROR must be put right before the DfE accepts the return; QUERY must be checked
    message: str
    child_reference: str | None
    table: str
    field: str


def _registry(year: CollectionYear):
    try:
        return importlib.import_module(f"cin_validator.rules.{year.ruleset}").registry
    except ModuleNotFoundError:
        raise ValueError(f"There are no validation rules for {year} yet") from None


def _kind(rule) -> str:
    return QUERY if rule.rule_type.name == "QUERY" else ERROR


def validate_census(xml_text: str, year: CollectionYear) -> list[Issue]:
    from cin_validator import cin_validator

    registry = _registry(year)
    rules = {str(rule.code): rule for _, rule in registry.items()}
    root = ET.fromstring(xml_text)
    # The validator prints a line for a rule that fails to run, and its pandas warns of changes
    # to come; keep both off the service's output.
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = cin_validator.process_data(cin_validator.convert_data(root))
        result = cin_validator.CinValidator(tables, registry)
    issues = []
    for row in result.full_issue_df.itertuples(index=False):
        code = str(row.rule_code)
        child = row.child_id if isinstance(row.child_id, str) and row.child_id else None
        issues.append(
            Issue(
                rule=code,
                kind=_kind(rules[code]),
                message=str(row.rule_description),
                child_reference=child,
                table=str(row.tables_affected),
                field=str(row.columns_affected),
            )
        )
    for row in result.multichild_issues.itertuples(index=False):
        code = str(row.rule_code)
        issues.append(
            Issue(
                rule=code,
                kind=_kind(rules[code]),
                message=str(row.rule_description),
                child_reference=None,
                table="",
                field="",
            )
        )
    return sorted(set(issues), key=lambda i: (i.child_reference or "", i.rule, i.table, i.field))

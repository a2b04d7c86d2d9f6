"""Annex A as files: one CSV a list, or one workbook with a sheet a list, each download logged.

Who may: `accounts.access.may_prepare_returns`, for their own authority only (`scope_for`).
Every file is recorded in the access log (accounts.audit.record_search) with the children in
it before any of it is written, so a download cut short is still on the log.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.access import may_prepare_returns
from accounts.audit import record_search
from config.spreadsheet import safe_cell

from . import values
from .columns import AnnexList, all_lists
from .sources import Period, Scope, records

CHUNK = 2000


def scope_for(user) -> Scope:
    """The user's authority, when they may prepare returns; 403 otherwise."""
    if not may_prepare_returns(user) or not user.agency_id:
        raise PermissionDenied
    return Scope.of(user.agency.authority)


def rows(annex_list: AnnexList, *, scope: Scope, period: Period) -> Iterator[list]:
    """The list's rows after its header, read in one streamed query."""
    for record in records(annex_list.code, scope=scope, period=period).iterator(chunk_size=CHUNK):
        yield values.row(annex_list, record, on=period.last)


def child_ids(annex_list: AnnexList, *, scope: Scope, period: Period) -> list[int]:
    found = records(annex_list.code, scope=scope, period=period).order_by().values_list("child_id", flat=True)
    return sorted(set(found))


@dataclass(frozen=True)
class ListCount:
    annex_list: AnnexList
    rows: int


def counts(*, scope: Scope, period: Period) -> list[ListCount]:
    return [ListCount(each, records(each.code, scope=scope, period=period).count()) for each in all_lists()]


def log_download(user, annex_list: AnnexList, *, scope: Scope, period: Period) -> None:
    record_search(
        user=user,
        what=f"annex_a:{annex_list.code}",
        query=str(period),
        child_ids=child_ids(annex_list, scope=scope, period=period),
    )


def csv_lines(annex_list: AnnexList, *, scope: Scope, period: Period) -> Iterator[str]:
    """The list as CSV text, line by line: its header, then its rows, every text cell made safe."""
    buffer = _Line()
    writer = csv.writer(buffer)
    writer.writerow(annex_list.header)
    yield buffer.take()
    for row in rows(annex_list, scope=scope, period=period):
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.take()


class _Line:
    """A file csv.writer writes one line to at a time."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def write_workbook(target: IO[bytes], *, scope: Scope, period: Period, lists: Iterable[AnnexList] = ()) -> None:
    """Every list (or `lists`) as one workbook, a sheet a list, written as it is read."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for annex_list in lists or all_lists():
        sheet = book.create_sheet(title=annex_list.sheet)
        header = []
        for name in annex_list.header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows(annex_list, scope=scope, period=period):
            sheet.append([safe_cell(value) for value in row])
    book.save(target)


def workbook_file(user, *, scope: Scope, period: Period) -> IO[bytes]:
    """The workbook in a temporary file, rewound, each list logged first."""
    for annex_list in all_lists():
        log_download(user, annex_list, scope=scope, period=period)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    write_workbook(handle, scope=scope, period=period)
    handle.seek(0)
    return handle


def filename(period: Period, what: str, extension: str) -> str:
    return f"annex-a-{what}-{period.first:%Y-%m-%d}-to-{period.last:%Y-%m-%d}.{extension}"

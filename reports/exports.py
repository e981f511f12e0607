"""CSV and XLSX exports that open cleanly in Excel and cannot run as formulas.

One table per file: a CSV holds exactly one table (a header row, then rows), so it sorts, filters
and imports as it is; several tables go as a ZIP of CSVs, or as one XLSX with a sheet each. In
XLSX the header row is frozen with an autofilter on it, and dates are real date cells; in CSV
dates are ISO 8601 (2026-11-29).

Cells beginning with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL are prefixed
with an apostrophe, as OWASP advises against CSV injection; control characters that are not
allowed in a spreadsheet are replaced. CSV is UTF-8 with a byte-order mark so Excel reads it as
UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from typing import Any

import msgspec
import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
#: XML 1.0 forbids these in a spreadsheet; \t, \n and \r are allowed.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_LENGTH = 31
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\']")

Cell = str | int | float | dt.date | dt.datetime | None


class Table(msgspec.Struct, frozen=True):
    """One table of an export: a title, column headings and rows.

    ``key`` names the table in a download's address and file name (``?table=indicators``,
    ``indicators.csv``); by default it is made from the title.
    """

    title: str
    columns: list[str]
    rows: list[Any]
    key: str = ""

    @property
    def slug(self) -> str:
        return self.key or slug(self.title)


def slug(text: str) -> str:
    """Lower-case words joined by dashes, for a file name: ``Positive (%) by term`` ->
    ``positive-by-term``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show as written, never evaluate."""
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    return _ILLEGAL.sub("\ufffd", value)


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.datetime):
        # To the minute, no offset: what a person reads; callers give local (England) times.
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def csv_lines(table: Table) -> Iterable[str]:
    """One table as CSV text, a line at a time (for streaming a long one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str | int | float]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield "\ufeff" + line([safe_text(column) for column in table.columns])
    for row in table.rows:
        yield line([_csv_cell(value) for value in row])


def to_csv(table: Table) -> bytes:
    """One table as a CSV file: its header row, then its rows."""
    return "".join(csv_lines(table)).encode("utf-8")


def to_csv_zip(tables: list[Table], name: str) -> bytes:
    """Several tables as a ZIP of CSV files, one a table, numbered in the report's order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(tables, start=1):
            archive.writestr(f"{name}/{number:02d}-{table.slug}.csv", to_csv(table))
    return buffer.getvalue()


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\ (nor an apostrophe,
    which Excel refuses at either end), and unique in the workbook (ignoring case)."""
    name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", title).split())[:SHEET_NAME_LENGTH] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate, n = f"{name[: SHEET_NAME_LENGTH - len(suffix)].rstrip()}{suffix}", n + 1
    used.add(candidate.lower())
    return candidate


def to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table, its header row frozen with an autofilter; dates as date cells;
    text always written as text, never as a formula.

    Written in xlsxwriter's constant-memory mode: each row goes to a temporary file as it is
    written, so 20,000 placements take the memory of one row, not of the whole sheet.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    date_time = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    used: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(sheet_name(table.title, used))
        widths = [max(12, min(60, len(heading) + 2)) for heading in table.columns]
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        for column, heading in enumerate(table.columns):
            sheet.write_string(0, column, safe_text(heading), bold)
        sheet.freeze_panes(1, 0)
        last = 0
        for last, row in enumerate(table.rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(last, column, safe_text(value))
                elif isinstance(value, dt.datetime):
                    sheet.write_datetime(last, column, value.replace(tzinfo=None), date_time)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(last, column, value, date)
                else:
                    sheet.write_number(last, column, value)
        if table.columns:
            sheet.autofilter(0, 0, last, len(table.columns) - 1)
    workbook.close()
    return buffer.getvalue()

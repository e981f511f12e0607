"""CSV and XLSX exports that open cleanly in Excel and cannot run as formulas.

Cells beginning with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL are prefixed
with an apostrophe, as OWASP advises against CSV injection; control characters that are not
allowed in a spreadsheet are replaced. CSV is UTF-8 with a byte-order mark so Excel reads it as
UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import msgspec
import xlsxwriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")
#: XML 1.0 forbids these in a spreadsheet; \t, \n and \r are allowed.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Cell = str | int | float | None


class Table(msgspec.Struct, frozen=True):
    """One sheet of an export: a title, column headings and rows."""

    title: str
    columns: list[str]
    rows: list[Any]


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show as written, never evaluate."""
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    return _ILLEGAL.sub("\ufffd", value)


def _cell(value: Cell) -> Cell:
    return safe_text(value) if isinstance(value, str) else value


def to_csv(tables: list[Table]) -> bytes:
    """All tables in one CSV, each under its title, separated by a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([safe_text(table.title)])
        writer.writerow([safe_text(column) for column in table.columns])
        for row in table.rows:
            writer.writerow(["" if value is None else _cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel sheet names: at most 31 characters, none of []:*?/\ and unique.
    name = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:28] or "Sheet"
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate, n = f"{name[:25]} {n}", n + 1
    used.add(candidate.lower())
    return candidate


def to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table; text is always written as text, never as a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    used: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(table.title, used))
        sheet.write_string(0, 0, safe_text(table.title), bold)
        for column, heading in enumerate(table.columns):
            sheet.write_string(1, column, safe_text(heading), bold)
            sheet.set_column(column, column, max(12, min(60, len(heading) + 2)))
        for row_number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(row_number, column, safe_text(value))
                else:
                    sheet.write_number(row_number, column, value)
    workbook.close()
    return buffer.getvalue()

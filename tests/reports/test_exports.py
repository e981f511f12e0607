"""Exports open cleanly in Excel, and nothing in them runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from reports.exports import Table, safe_text, to_csv, to_csv_zip, to_xlsx

pytestmark = pytest.mark.no_database

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rcr", "\x00nul"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_could_be_formulas_are_escaped(value: str) -> None:
    assert safe_text(value).startswith("'")


def test_ordinary_text_and_numbers_are_left_alone() -> None:
    assert safe_text("Felt safe") == "Felt safe"
    table = Table("T", ["n"], [[-3], [1.5]])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows == [["n"], ["-3"], ["1.5"]]


def test_csv_is_utf8_with_a_byte_order_mark_and_every_dangerous_cell_escaped() -> None:
    table = Table("Comments – Ōtautahi", ["Comment"], [[value] for value in DANGEROUS])
    body = to_csv(table)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Comment"]
    cells = [row[0] for row in rows[1:]]
    assert all(cell.startswith("'") for cell in cells), cells


def test_xlsx_holds_text_not_formulas() -> None:
    table = Table("Comments", ["Comment"], [[value] for value in DANGEROUS] + [[42]])
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([table])))
    sheet = workbook.active
    values = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(DANGEROUS) + 1)]
    assert all(cell.data_type == "s" and str(cell.value).startswith("'") for cell in values[:-1])
    assert values[-1].value == 42 and values[-1].data_type == "n"
    assert "\x00" not in "".join(str(cell.value) for cell in values)


def test_sheet_names_are_valid_and_unique() -> None:
    tables = [
        Table("By term: share [positive]/?", ["a"], []),
        Table("By term: share [positive]/?", ["a"], []),
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))
    names = workbook.sheetnames
    assert len(set(names)) == 2 and all(len(name) <= 31 for name in names)
    assert not any(set(name) & set("[]:*?/\\") for name in names), names


def test_a_long_title_still_makes_unique_sheet_names_of_31_characters() -> None:
    title = "Learner voice for Quay Tutors and Mentoring Ltd, autumn 2026"
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([Table(title, ["a"], [])] * 3)))
    assert len(set(workbook.sheetnames)) == 3
    assert all(len(name) <= 31 for name in workbook.sheetnames), workbook.sheetnames


def test_xlsx_header_is_frozen_with_a_filter_and_dates_are_date_cells() -> None:
    table = Table(
        "Placements",
        ["Pupil reference", "Start date", "Completed at"],
        [["AB-1", dt.date(2026, 9, 7), dt.datetime(2026, 11, 29, 14, 5)], ["AB-2", None, None]],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx([table])))["Placements"]
    assert [cell.value for cell in sheet[1]] == table.columns
    assert sheet.freeze_panes == "A2", "the header stays in view while scrolling"
    assert sheet.auto_filter.ref == "A1:C3"
    assert sheet["B2"].value == dt.datetime(2026, 9, 7) and sheet["B2"].is_date
    assert sheet["C2"].value == dt.datetime(2026, 11, 29, 14, 5) and sheet["C2"].is_date


def test_csv_dates_are_iso_and_each_table_is_its_own_file_in_a_zip() -> None:
    first = Table("About", ["Figure", "Value"], [["Last visit", dt.date(2026, 3, 4)]])
    second = Table("Indicators", ["Indicator", "Pupils"], [["Felt safe", 6]])
    rows = list(csv.reader(io.StringIO(to_csv(first).decode("utf-8-sig"))))
    assert rows == [["Figure", "Value"], ["Last visit", "2026-03-04"]]
    archive = zipfile.ZipFile(io.BytesIO(to_csv_zip([first, second], "report")))
    assert archive.namelist() == ["report/01-about.csv", "report/02-indicators.csv"]
    inside = archive.read("report/02-indicators.csv").decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(inside))) == [["Indicator", "Pupils"], ["Felt safe", "6"]]

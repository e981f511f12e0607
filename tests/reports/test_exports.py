"""Exports open cleanly in Excel, and nothing in them runs as a formula."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from reports.exports import Table, safe_text, to_csv, to_xlsx

pytestmark = pytest.mark.no_database

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tlead", "\rcr", "\x00nul"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_that_could_be_formulas_are_escaped(value: str) -> None:
    assert safe_text(value).startswith("'")


def test_ordinary_text_and_numbers_are_left_alone() -> None:
    assert safe_text("Felt safe") == "Felt safe"
    table = Table("T", ["n"], [[-3], [1.5]])
    rows = list(csv.reader(io.StringIO(to_csv([table]).decode("utf-8-sig"))))
    assert rows[2:] == [["-3"], ["1.5"]]


def test_csv_is_utf8_with_a_byte_order_mark_and_every_dangerous_cell_escaped() -> None:
    table = Table("Comments – Ōtautahi", ["Comment"], [[value] for value in DANGEROUS])
    body = to_csv([table])
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Comments – Ōtautahi"]
    cells = [row[0] for row in rows[2:]]
    assert all(cell.startswith("'") for cell in cells), cells


def test_xlsx_holds_text_not_formulas() -> None:
    table = Table("Comments", ["Comment"], [[value] for value in DANGEROUS] + [[42]])
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([table])))
    sheet = workbook.active
    values = [sheet.cell(row=r, column=1) for r in range(3, 3 + len(DANGEROUS) + 1)]
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

"""Every import takes Excel's own XLSX as well as CSV, told apart by content, not by name: one
reader (survey_app/web/uploads.py) for placements, the provider register, GIAS and school emails."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup

from survey_app.db.tables import Placement, School
from survey_app.web.uploads import UploadError, read_rows
from tests.survey_app.placements.test_placement_import import HEADER
from tests.world import World, csrf_token, run, sign_in


def xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook as Excel saves one: numbers as numbers, dates as date cells."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_file(client: Any, path: str, name: str, data: bytes) -> Any:
    return client.post(
        path,
        files={"file": (name, data, "application/octet-stream")},
        data={"_csrf_token": csrf_token(client)},
    )


@pytest.mark.no_database
def test_the_reader_gives_text_cells_from_xlsx_whatever_the_file_is_called() -> None:
    data = xlsx([["URN", "Opened", "Pupils"], [123456, dt.datetime(2026, 9, 7), 12.0]])
    assert list(read_rows(data)) == [["URN", "Opened", "Pupils"], ["123456", "2026-09-07", "12"]]
    windows = "name,cost\r\nCaf\xe9 Tutors,\xa312\r\n".encode("cp1252")
    assert list(read_rows(windows)) == [["name", "cost"], ["Caf\xe9 Tutors", "\xa312"]]
    with pytest.raises(UploadError, match="ZIP file, not a spreadsheet"):
        read_rows(b"PK\x03\x04" + b"\0" * 100)


@pytest.mark.no_database
def test_a_damaged_workbook_is_refused_in_words() -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx([["a"], ["b"]])))
    buffer = io.BytesIO()
    # Still an XLSX by content (a ZIP with a workbook part), but the workbook part is garbage.
    with zipfile.ZipFile(buffer, "w") as spoiled_zip:
        for name in source.namelist():
            part = b"not xml" if name == "xl/workbook.xml" else source.read(name)
            spoiled_zip.writestr(name, part)
    spoiled = buffer.getvalue()
    with pytest.raises(UploadError, match="cannot be opened"):
        read_rows(spoiled)


def test_placements_import_from_excels_own_xlsx_with_date_and_number_cells(
    signed_in: Any, world: World
) -> None:
    header = HEADER.strip().split(",")
    row = ["OAK-1", 8, "Meadow Farm", "Oak School", None, dt.datetime(2027, 1, 6), None, 9,
           "Practical work", "no"]  # fmt: skip
    # Named .csv by mistake: the content says it is a workbook.
    response = post_file(signed_in, "/staff/placements/import", "p.csv", xlsx([header, row]))
    assert response.status_code == 200, response.text[:800]
    saved = run(Placement.select(Placement.start_date, Placement.year_group).first())
    assert saved == {"start_date": dt.date(2027, 1, 6), "year_group": 8}


def test_school_emails_from_xlsx_fill_in_contact_addresses(client: Any, world: World) -> None:
    run(School.update({School.urn: "170000"}).where(School.id == world.school))
    sign_in(client, world, "la_admin")
    data = xlsx([["URN", "email"], [170000, "office@oak.example"]])
    response = post_file(client, "/staff/schools/emails", "emails.xlsx", data)
    assert response.status_code in (200, 302, 303), response.text[:800]
    row = run(School.select(School.contact_email).where(School.id == world.school).first())
    assert row["contact_email"] == "office@oak.example"


def test_an_unreadable_upload_names_the_file_and_changes_nothing(client: Any, world: World) -> None:
    sign_in(client, world, "la_admin")
    response = post_file(client, "/staff/schools/emails", "emails.xlsx", b"PK\x03\x04junk")
    assert response.status_code == 400
    text = BeautifulSoup(response.text, "html.parser").get_text(" ")
    assert "not a spreadsheet" in text


def test_the_downloaded_schools_workbook_filled_in_and_uploaded_sets_the_emails(
    client: Any, world: World
) -> None:
    run(School.update({School.urn: "170000"}).where(School.id == world.school))
    sign_in(client, world, "la_officer")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/staff/schools.xlsx").content))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "170000":
            row[1].value = "office@oak.example"
    filled = io.BytesIO()
    book.save(filled)
    response = post_file(client, "/staff/schools/emails", "schools.xlsx", filled.getvalue())
    assert response.status_code == 200, response.text[:800]
    row = run(School.select(School.contact_email).where(School.id == world.school).first())
    assert row["contact_email"] == "office@oak.example"

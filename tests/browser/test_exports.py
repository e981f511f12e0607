"""Downloads with JavaScript on: htmx boosts every staff link, and used to swap a workbook's raw
bytes (``PK…``) into the page. An officer filters the placements list, downloads the export and
opens it in Excel (here openpyxl): the right rows, real dates, words for statuses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl

from survey_app.db.tables import Placement
from tests.browser.checks import axe_violations
from tests.browser.test_staff_reports import sign_in
from tests.world import Clock, World, give_responses, placement_row, run


def test_an_officer_filters_the_placements_downloads_the_xlsx_and_opens_it(
    live_server: str, world: World, settings: Any, clock: Clock, checker: Any
) -> None:
    page = checker  # JavaScript on, CSP bypassed only so axe-core can be injected
    page.set_viewport_size({"width": 1280, "height": 900})
    give_responses(world, settings, clock, 2, year_group=9, prefix="DONE")
    give_responses(world, settings, clock, 1, year_group=7, prefix="YOUNGER")
    run(Placement.insert(placement_row(world, clock, pupil_reference="NOTYET-1", ended_on=None)))
    sign_in(page, live_server, world, "la_officer")
    page.select_option("#survey", "completed")
    page.select_option("#year_group", "9")
    page.click("form.app-list-filters button[type=submit]")
    page.wait_for_url("**/staff/placements?*year_group=9*")
    assert "survey=completed" in page.locator("#downloads a").first.get_attribute("href")
    shown = page.locator("tbody a").all_inner_texts()
    assert sorted(shown) == ["DONE-20261123-0", "DONE-20261123-1"]
    assert axe_violations(page) == []
    with page.expect_download() as downloading:
        page.click("text=Download these placements as Excel (XLSX)")
    download = downloading.value
    assert download.suggested_filename.startswith("placements-westshire-")
    assert download.suggested_filename.endswith(".xlsx")
    assert page.locator("h1").inner_text() == "Placements", "the page stays; no bytes swapped in"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))["Placements"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Pupil reference", "Year group", "Provider"]
    rows = [
        dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(row["Pupil reference"] for row in rows) == ["DONE-20261123-0", "DONE-20261123-1"]
    assert {row["Survey"] for row in rows} == {"Completed"}
    assert all(isinstance(row["Start date"], dt.datetime) for row in rows), "date cells"
    assert all(isinstance(row["Answered at"], dt.datetime) for row in rows)
    assert sheet.freeze_panes == "A2"


def test_the_provider_reports_xlsx_downloads_with_javascript_on(
    live_server: str, world: World, settings: Any, clock: Clock, checker: Any
) -> None:
    page = checker  # JavaScript on, CSP bypassed only so axe-core can be injected
    page.set_viewport_size({"width": 1280, "height": 900})
    give_responses(world, settings, clock, 6)
    sign_in(page, live_server, world, "la_officer")
    page.goto(f"{live_server}/staff/providers/{world.provider}")
    with page.expect_download() as downloading:
        page.click("text=Download as Excel (XLSX)")
    book = openpyxl.load_workbook(io.BytesIO(Path(downloading.value.path()).read_bytes()))
    assert "Indicators" in book.sheetnames
    assert "PK" not in page.locator("main").inner_text()

"""Placements and pupils' answers download as one table a file, with the list's filters, scoped
as the list is: what an officer filters on screen is what lands in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
from bs4 import BeautifulSoup

from survey_app.db.tables import Answer, Placement
from tests.world import Clock, World, give_responses, placement_row, run, sign_in

FELT_SAFE_QUESTION = "How safe did you feel at the place you went to?"


def workbook(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return openpyxl.load_workbook(io.BytesIO(response.content))


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def column(sheet: Any, heading: str) -> list[Any]:
    headings = [cell.value for cell in sheet[1]]
    at = headings.index(heading)
    return [row[at] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_filtered_placements_download_as_xlsx_with_dates_words_and_a_frozen_filtered_header(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 2, year_group=9, prefix="DONE")
    run(Placement.insert(placement_row(world, clock, pupil_reference="LATER-1", ended_on=None)))
    sign_in(client, world, "la_officer")
    response = client.get("/staff/placements.xlsx?status=completed&year_group=9")
    day = clock.now.date().isoformat()
    assert response.headers["content-disposition"] == (
        f'attachment; filename="placements-westshire-{day}.xlsx"'
    )
    book = workbook(response)
    assert book.sheetnames == ["Placements"]
    sheet = book["Placements"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref is not None
    assert sorted(column(sheet, "Pupil reference")) == ["DONE-20261123-0", "DONE-20261123-1"]
    assert set(column(sheet, "Survey")) == {"Completed"}, "in words, not 'completed'"
    starts = column(sheet, "Start date")
    assert all(isinstance(value, dt.datetime) for value in starts), "date cells, not text"
    assert sheet.cell(row=2, column=6).is_date
    assert set(column(sheet, "School")) == {"Oak School"}


def test_placements_csv_has_one_header_row_and_iso_dates(
    client: Any, world: World, clock: Clock
) -> None:
    run(Placement.insert(placement_row(world, clock, pupil_reference="OAK-7", ended_on=None)))
    sign_in(client, world, "la_officer")
    rows = csv_rows(client.get("/staff/placements.csv?reference=oak-7"))
    assert rows[0][:3] == ["Pupil reference", "Year group", "Provider"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Start date"] == "2026-09-01"
    assert record["Survey"] == "Not open yet"
    assert record["Simplest version"] == "No"


def test_the_download_is_scoped_exactly_as_the_list(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, prefix="OAK")
    give_responses(world, settings, clock, 1, school=world.second_school, prefix="ELM")
    sign_in(client, world, "school_contact")
    assert column(workbook(client.get("/staff/placements.xlsx")).active, "Pupil reference") == [
        "OAK-20261123-0"
    ], "a school gets its own pupils only"
    # Naming another school in the address narrows; it never widens what a school may see.
    elm = workbook(client.get(f"/staff/placements.xlsx?school={world.second_school}")).active
    assert column(elm, "Pupil reference") == []
    client.cookies.clear()
    sign_in(client, world, "other_la_officer")
    assert column(workbook(client.get("/staff/placements.xlsx")).active, "Pupil reference") == []
    assert len(csv_rows(client.get("/staff/placements/responses.csv"))) == 1


def test_a_provider_never_downloads_pupils_answers_or_placements(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6)
    sign_in(client, world, "provider_staff")
    for path in (
        "/staff/placements.xlsx",
        "/staff/placements.csv",
        "/staff/placements/responses.xlsx",
        "/staff/placements/responses.csv",
    ):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert "R-20261123" not in response.text


def test_a_school_downloads_its_pupils_answers_in_words_and_comments_only_once_released(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    answers = {"felt_safe": "dont_know", "overall_rating": "good"}
    give_responses(world, settings, clock, 1, answers=answers, comment="It was fun", prefix="OAK")
    give_responses(world, settings, clock, 1, school=world.second_school, prefix="ELM")
    sign_in(client, world, "school_contact")
    sheet = workbook(client.get("/staff/placements/responses.xlsx")).active
    assert sheet.title == "Responses"
    assert set(column(sheet, "Pupil reference")) == {"OAK-20261123-0"}
    answered = dict(zip(column(sheet, "Question"), column(sheet, "Answer"), strict=True))
    assert answered[FELT_SAFE_QUESTION] == "I don't know", "an answer, in the pupil's words"
    assert "It was fun" not in answered.values(), "not before safeguarding review"
    assert "(comment waiting for safeguarding review)" in answered.values()
    assert isinstance(column(sheet, "Answered at")[0], dt.datetime)
    run(
        Answer.update({Answer.review_status: "released", Answer.released_text: Answer.text}).where(
            Answer.review_status == "pending"
        )
    )
    rows = csv_rows(client.get("/staff/placements/responses.csv"))
    assert ["It was fun"] == [row[-1] for row in rows if row[-1] == "It was fun"]


def test_a_bad_filter_is_named_in_plain_words_and_downloads_nothing(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "la_officer")
    for query, field, words in (
        ("year_group=nine", "year_group", "Year group must be a whole number"),
        ("from=31/02/2026", "from", "From must be a date"),
        ("status=lost", "status", "Survey must be one of"),
        ("reference=%25", "reference", "Pupil reference can only hold"),
    ):
        response = client.get(f"/staff/placements.xlsx?{query}")
        assert response.status_code == 400, query
        assert "attachment" not in response.headers.get("content-disposition", "")
        summary = BeautifulSoup(response.text, "html.parser").select(".govuk-error-summary a")
        assert any(a["href"] == f"#{field}" and words in a.get_text() for a in summary), query


def test_the_list_filters_and_its_download_links_carry_the_filters_past_htmx_boost(
    client: Any, world: World, clock: Clock
) -> None:
    run(
        Placement.insert(
            placement_row(world, clock, pupil_reference="OAK-1", ended_on=None, year_group=7),
            placement_row(world, clock, pupil_reference="OAK-2", ended_on=None, year_group=9),
        )
    )
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/placements?year_group=9").text, "html.parser")
    shown = [a.get_text(strip=True) for a in page.select("tbody a")]
    assert shown == ["OAK-2"]
    assert page.select_one("#year_group")["value"] == "9", "the filter is shown back"
    links = page.select("#downloads a")
    assert links and all("year_group=9" in a["href"] for a in links)
    for a in page.select("a[href]"):
        if a["href"].split("?")[0].endswith((".csv", ".xlsx", ".zip", ".pdf")):
            unboosted = a.find_parent(attrs={"hx-boost": True}) if not a.get("hx-boost") else a
            assert unboosted is not None and unboosted["hx-boost"] == "false", a["href"]


def test_an_export_is_audited_by_row_count_without_the_reference_searched_for(
    client: Any, world: World, clock: Clock
) -> None:
    from survey_app.db.staff_tables import AuditEvent

    run(Placement.insert(placement_row(world, clock, pupil_reference="OAK-77", ended_on=None)))
    sign_in(client, world, "la_officer")
    assert client.get("/staff/placements.csv?reference=OAK-77").status_code == 200
    events = run(
        AuditEvent.select(AuditEvent.object_id).where(AuditEvent.action == "placements.exported")
    )
    assert [event["object_id"] for event in events] == ["rows=1"]


def test_a_purpose_written_as_a_formula_is_exported_as_text(
    client: Any, world: World, clock: Clock
) -> None:
    formula = '=HYPERLINK("http://evil.example","Click")'
    run(Placement.insert(placement_row(world, clock, purpose=formula, ended_on=None)))
    sign_in(client, world, "la_officer")
    sheet = workbook(client.get("/staff/placements.xlsx")).active
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Purpose") + 1)
    assert cell.data_type == "s" and cell.value == "'" + formula
    rows = csv_rows(client.get("/staff/placements.csv"))
    assert rows[1][rows[0].index("Purpose")] == "'" + formula


def test_dates_find_the_placements_running_in_that_window(
    client: Any, world: World, clock: Clock
) -> None:
    # OAK-55 ran from 1 September to 20 November 2026; OPEN-1 started then and has no end yet.
    run(
        Placement.insert(
            placement_row(world, clock),
            placement_row(world, clock, pupil_reference="OPEN-1", ended_on=None),
        )
    )
    sign_in(client, world, "la_officer")

    def found(query: str) -> list[str]:
        return sorted(row[0] for row in csv_rows(client.get(f"/staff/placements.csv?{query}"))[1:])

    assert found("from=2026-10-01&to=2026-10-31") == ["OAK-55", "OPEN-1"]
    assert found("from=01/12/2026") == ["OPEN-1"], "ended before; UK dates accepted too"
    assert found("to=2026-08-31") == []
    bad = client.get("/staff/placements.csv?from=2026-12-01&to=2026-11-01")
    assert bad.status_code == 400 and "To must be the same as or after From" in bad.text

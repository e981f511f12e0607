"""Placements and pupils' answers download as one table a file, for exactly the placements list's
query string (its filters and its order), scoped as the list is, every matching row rather than one
page: what an officer filters on screen is what lands in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
from bs4 import BeautifulSoup

from survey_app.db.tables import Answer, Placement
from survey_app.web.listing import PAGE_SIZE
from tests.world import (
    Clock,
    World,
    give_responses,
    issue_for_year,
    placement_row,
    run,
    sign_in,
)

#: As staff read it: the pupil saw the provider's name where "[the place]" stands.
FELT_SAFE_QUESTION = "How safe did you feel at [the place]?"


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
    response = client.get("/staff/placements.xlsx?survey=completed&year_group=9")
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


def test_the_survey_closes_on_the_day_the_pages_say_not_the_next_in_xlsx_or_csv(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Found from outside: a survey closing at the end of 27 December read "2026-12-28 00:00" in
    # Excel (23:59:59.999 rounded into the next day) while pages and emails said the 27th.
    issue_for_year(world, settings, clock, 9, reference="SHUT-1")
    placement_id = run(Placement.select(Placement.id).where(Placement.pupil_reference == "SHUT-1"))[
        0
    ]["id"]
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get(f"/staff/placements/{placement_id}").text, "html.parser")
    closes = column(
        workbook(client.get("/staff/placements.xlsx?q=shut-1"))["Placements"], "Survey closes"
    )
    rows = csv_rows(client.get("/staff/placements.csv?q=shut-1"))
    record = dict(zip(rows[0], rows[1], strict=True))
    day = closes[0].date()
    assert closes[0] == dt.datetime.combine(day, dt.time()), "a day, not a time that rounds"
    assert record["Survey closes"] == day.isoformat()
    assert f"{day:%-d %B %Y}" in page.get_text(" ", strip=True)


def test_placements_csv_has_one_header_row_and_iso_dates(
    client: Any, world: World, clock: Clock
) -> None:
    run(Placement.insert(placement_row(world, clock, pupil_reference="OAK-7", ended_on=None)))
    sign_in(client, world, "la_officer")
    response = client.get("/staff/placements.csv?q=oak-7")
    assert response.headers["content-type"] == "text/csv; charset=utf-8", "one charset, not two"
    rows = csv_rows(response)
    assert rows[0][:3] == ["Pupil reference", "Year group", "Provider"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Start date"] == "2026-09-01"
    # Running since September with no survey: its check-in is due now (the start survey's window
    # has passed), so the scheduled work is about to issue it.
    assert record["Survey"] == "Survey being prepared"
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
    # Naming another school in the address never widens what a school may see: it is a bad
    # filter, named on the list's page, and no file is sent
    # (test_school_filter_for_school_contacts.py).
    elm = client.get(f"/staff/placements.xlsx?school={world.second_school}")
    assert elm.status_code == 400 and "ELM-" not in elm.text
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
    run(Placement.insert(placement_row(world, clock, ended_on=None)))
    for query, field, words in (
        ("year_group=nine", "year_group", "Choose year group from the list"),
        ("started_from=31/02/2026", "started_from", "Started on or after must be a date"),
        ("survey=lost", "survey", "Choose survey from the list"),
        ("q=" + "x" * 101, "q", "Pupil reference must be 100 characters or fewer"),
        ("sort=sideways", "sort", "Choose an order from the list"),
    ):
        response = client.get(f"/staff/placements.xlsx?{query}")
        assert response.status_code == 400, query
        assert "attachment" not in response.headers.get("content-disposition", "")
        summary = BeautifulSoup(response.text, "html.parser").select(".govuk-error-summary a")
        assert any(a["href"] == f"#{field}" and words in a.get_text() for a in summary), query
        page = BeautifulSoup(response.text, "html.parser")
        assert page.select("tbody a") == [], "the list's page again, with no rows"


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
    assert page.select_one("#year_group option[selected]")["value"] == "9", "shown back"
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
    assert client.get("/staff/placements.csv?q=OAK-77").status_code == 200
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


def test_the_lists_dates_and_term_find_the_same_placements_in_the_download(
    client: Any, world: World, clock: Clock
) -> None:
    # OAK-55 ran from 1 September to 20 November 2026; OPEN-1 started then and has no end yet;
    # NEW-1 starts in the spring term.
    run(
        Placement.insert(
            placement_row(world, clock),
            placement_row(world, clock, pupil_reference="OPEN-1", ended_on=None),
            placement_row(
                world, clock, pupil_reference="NEW-1", ended_on=None, start_date=dt.date(2027, 1, 6)
            ),
        )
    )
    sign_in(client, world, "la_officer")

    def found(query: str) -> list[str]:
        return sorted(row[0] for row in csv_rows(client.get(f"/staff/placements.csv?{query}"))[1:])

    def listed(query: str) -> list[str]:
        page = BeautifulSoup(client.get(f"/staff/placements?{query}").text, "html.parser")
        return sorted(a.get_text(strip=True) for a in page.select("tbody a"))

    for query, expected in (
        ("term=2026-3", ["OAK-55", "OPEN-1"]),
        ("term=2027-1", ["NEW-1", "OPEN-1"]),
        ("started_from=2026-12-01", ["NEW-1"]),
        ("started_to=2026-08-31", []),
    ):
        assert found(query) == expected == listed(query), query


def test_a_download_holds_every_matching_row_not_one_page_in_the_lists_order(
    client: Any, world: World, clock: Clock
) -> None:
    references = [f"OAK-{n:03}" for n in range(PAGE_SIZE + 7)]
    run(
        Placement.insert(
            *[placement_row(world, clock, pupil_reference=r, ended_on=None) for r in references]
        )
    )
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/placements?sort=reference").text, "html.parser")
    assert len(page.select("tbody a")) == PAGE_SIZE, "the list pages"
    link = page.select_one("#downloads a[href*='placements.csv']")["href"]
    assert link == "/staff/placements.csv?sort=reference", "the link carries the order"
    rows = csv_rows(client.get(link))
    assert [row[0] for row in rows[1:]] == references, "every row, A to Z as the list sorts"
    newest = csv_rows(client.get("/staff/placements.csv"))
    assert [row[0] for row in newest[1:]] == references[::-1], "the list's default: newest first"

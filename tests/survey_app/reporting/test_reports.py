"""Reports through the service: provider, provider's own view, school, area; their downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
from bs4 import BeautifulSoup
from pypdf import PdfReader

from survey_app.db.tables import Answer
from tests.world import Clock, World, give_responses, run, sign_in, token_for

HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}
#: A day in the summer term 2026: complete, so published, on the suite's clock (23 Nov 2026).
LAST_TERM = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}


def page(client: Any, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def cells(soup: BeautifulSoup, selector: str) -> list[str]:
    row = soup.select_one(selector)
    assert row is not None, selector
    return [td.get_text(" ", strip=True) for td in row.select("td")]


def release_all(text: str | None = None) -> None:
    run(
        Answer.update({Answer.review_status: "released", Answer.released_text: Answer.text}).where(
            Answer.review_status == "pending"
        )
    )


def test_provider_report_sets_each_indicator_beside_the_area_with_a_trend_by_term(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    last_year = clock.now - dt.timedelta(days=300)
    give_responses(world, settings, clock, 6, answers=WORRIED, when=last_year, prefix="OLD")
    give_responses(world, settings, clock, 6, answers=HAPPY)
    give_responses(
        world, settings, clock, 8, provider=world.second_provider, answers=HAPPY, prefix="Q"
    )
    sign_in(client, world, "la_officer")
    soup = page(client, f"/staff/providers/{world.provider}")
    felt_safe = cells(soup, '#indicators tr[data-indicator="felt_safe"]')
    assert felt_safe[0] == "12" and felt_safe[1] == "6 (50%)"
    assert felt_safe[-1] == "70%", "area: 14 of 20 pupils felt safe"
    trend = cells(soup, '#by-term tr[data-indicator="felt_safe"]')
    assert trend == ["0%", "100%"]
    assert soup.select_one("svg.app-chart[role=img]") is not None
    assert [th.get_text(strip=True) for th in soup.select("#terms tbody th")] == [
        "Spring term 2026",
        "Autumn term 2026",
    ]


def test_a_period_filter_shows_one_academic_year(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(
        world,
        settings,
        clock,
        6,
        answers=WORRIED,
        when=clock.now - dt.timedelta(days=300),
        prefix="OLD",
    )
    give_responses(world, settings, clock, 6, answers=HAPPY)
    sign_in(client, world, "la_officer")
    soup = page(client, f"/staff/providers/{world.provider}?year=2026")
    assert cells(soup, '#indicators tr[data-indicator="felt_safe"]')[:2] == ["6", "6 (100%)"]
    bad = client.get(f"/staff/providers/{world.provider}?year=twenty")
    assert bad.status_code == 400 and "year" in bad.text


def test_provider_staff_see_totals_and_released_comments_only(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(
        world, settings, clock, 6, answers=HAPPY, comment="The staff were kind.", when=LAST_TERM
    )
    sign_in(client, world, "provider_staff")
    client.headers.update(token_for(world, "provider_staff", clock))
    soup = page(client, f"/staff/providers/{world.provider}")
    assert "The staff were kind." not in soup.get_text(), "not reviewed yet"
    assert not soup.select("a[href^='/staff/placements/']"), "no pupil's placement"
    release_all()
    soup = page(client, f"/staff/providers/{world.provider}")
    assert [b.get_text(strip=True) for b in soup.select("#comments blockquote")] == [
        "The staff were kind."
    ] * 6
    report = client.get(f"/api/v1/providers/{world.provider}/report").json()
    assert report["disclosure_controlled"] and report["responses"] == 6
    # One view only outside the LA: a year's figures could be subtracted from all years'.
    assert client.get(f"/api/v1/providers/{world.provider}/report?year=2026").status_code == 400
    assert soup.select_one("select#year") is None


def test_a_small_term_withholds_the_whole_trend_so_nothing_can_be_subtracted(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(
        world,
        settings,
        clock,
        2,
        answers=WORRIED,
        when=clock.now - dt.timedelta(days=300),
        prefix="OLD",
    )
    give_responses(
        world,
        settings,
        clock,
        3,
        answers=HAPPY,
        when=clock.now - dt.timedelta(days=120),
        prefix="MID",
    )
    give_responses(world, settings, clock, 9, answers=HAPPY)
    clock.now = dt.datetime(2027, 1, 6, 10, 0, tzinfo=dt.UTC)  # the autumn term is published
    sign_in(client, world, "provider_staff")
    soup = page(client, f"/staff/providers/{world.provider}")
    assert cells(soup, '#indicators tr[data-indicator="felt_safe"]')[0] == "14"
    # Hiding the two small terms alone would leave the autumn's 9 to be set against last
    # term's publication (5 pupils): the trend is withheld as a whole.
    assert cells(soup, '#by-term tr[data-indicator="felt_safe"]') == ["[c]", "[c]", "[c]"]


def test_comments_are_held_back_when_so_few_answered_even_for_the_la(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 2, answers=HAPPY, comment="Only two of us went.")
    release_all()
    sign_in(client, world, "la_officer")
    soup = page(client, f"/staff/providers/{world.provider}")
    assert not soup.select("#comments blockquote")
    assert "held back" in soup.select_one("#comments").get_text()


def test_school_contact_sees_each_of_their_pupils_and_protected_totals(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 2, answers=WORRIED, prefix="OWN")
    give_responses(
        world, settings, clock, 3, school=world.second_school, answers=HAPPY, prefix="ELM"
    )
    sign_in(client, world, "school_contact")
    client.headers.update(token_for(world, "school_contact", clock))
    soup = page(client, "/staff/my-school")
    pupils = soup.select(".app-pupil")
    assert len(pupils) == 2, "only their own school's pupils"
    said = pupils[0].select_one("dl").get_text(" ", strip=True)
    assert "Not safe at all" in said
    assert cells(soup, '#totals tr[data-indicator="felt_safe"]') == ["[c]"] * 5
    assert client.get(f"/staff/schools/{world.second_school}/report").status_code == 404
    assert client.get(f"/api/v1/schools/{world.school}/report").json()["responses"] == 2


def test_area_summary_is_for_la_staff_and_ready_to_publish(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 12, answers=HAPPY)
    give_responses(
        world, settings, clock, 3, provider=world.second_provider, answers=WORRIED, prefix="Q"
    )
    sign_in(client, world, "la_officer")
    client.headers.update(token_for(world, "la_officer", clock))
    soup = page(client, "/staff/area")
    felt_safe = cells(soup, '#headlines tr[data-indicator="felt_safe"]')
    assert (felt_safe[0], felt_safe[-1]) == ("80%", "15")
    rows = {tr["data-provider"]: tr for tr in soup.select("#providers tbody tr")}
    assert "[c]" in rows[str(world.second_provider)].get_text()
    assert "[c]" in rows[str(world.provider)].get_text(), "hidden too, or 15 - 12 gives it away"
    summary = client.get("/api/v1/area-summary").json()
    assert [h["key"] for h in summary["headlines"]] == [
        "overall_rating",
        "felt_safe",
        "home_school_contact",
        "next_steps",
    ]
    with_school = BeautifulSoup(client.get("/staff/area").text, "html.parser")
    assert with_school.select_one("#spot-checks") is not None


def test_area_summary_is_refused_outside_the_la(client: Any, world: World, clock: Clock) -> None:
    sign_in(client, world, "provider_staff")
    client.headers.update(token_for(world, "provider_staff", clock))
    assert client.get("/staff/area").status_code == 404
    assert client.get("/api/v1/area-summary").status_code == 404


def test_downloads_carry_the_same_figures(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers=HAPPY, comment="=cmd|' /C calc'!A0")
    release_all()
    sign_in(client, world, "la_officer")
    response = client.get(f"/staff/providers/{world.provider}/report.csv?table=indicators")
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Indicator key", "Indicator", "Answered"], "one table, header first"
    felt_safe = next(row for row in rows if row and row[0] == "felt_safe")
    assert felt_safe[2:4] == ["6", "100.0"]
    comments = client.get(f"/staff/providers/{world.provider}/report.csv?table=comments")
    rows = list(csv.reader(io.StringIO(comments.content.decode("utf-8-sig"))))
    assert rows == [["Comment"]] + [["'=cmd|' /C calc'!A0"]] * 6
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/staff/providers/{world.provider}/report.xlsx").content)
    )
    assert "Indicators" in workbook.sheetnames
    comments_sheet = workbook[next(n for n in workbook.sheetnames if n.startswith("Comments"))]
    assert comments_sheet.cell(row=2, column=1).value == "'=cmd|' /C calc'!A0"


def test_report_csv_is_one_table_a_file_and_the_zip_holds_them_all(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers=HAPPY)
    sign_in(client, world, "la_officer")
    about = client.get(f"/staff/providers/{world.provider}/report.csv")
    rows = list(csv.reader(io.StringIO(about.content.decode("utf-8-sig"))))
    assert rows[0] == ["Figure", "Value"], "no title rows or blank lines above the header"
    assert all(len(row) == 2 for row in rows), "nothing from another table stacked below"
    assert ["Rating (red, amber, green)", "Green"] in rows, "words, not the stored green"
    day = clock.now.date().isoformat()
    assert about.headers["content-disposition"].endswith(f'-{day}-about.csv"')
    bundle = client.get(f"/staff/providers/{world.provider}/report.zip")
    assert bundle.headers["content-disposition"].endswith(f'-{day}-csv.zip"')
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    names = [name.rsplit("/", 1)[-1] for name in archive.namelist()]
    assert names == [
        "01-about.csv",
        "02-indicators.csv",
        "03-by-term.csv",
        "04-by-year-group.csv",
        "05-answers.csv",
        "06-comments.csv",
        "07-what-changed.csv",
    ]
    missing = client.get(f"/staff/providers/{world.provider}/report.csv?table=nonsense")
    assert missing.status_code == 404


def test_qa_visit_pack_is_an_a4_pdf_with_the_report(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers=HAPPY)
    sign_in(client, world, "la_officer")
    response = client.get(f"/staff/providers/{world.provider}/qa-pack.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "QA visit pack: Meadow Farm" in text and "Felt safe" in text
    client.cookies.clear()
    sign_in(client, world, "provider_staff")
    assert client.get(f"/staff/providers/{world.provider}/qa-pack.pdf").status_code == 404


def test_tallies_always_agree_with_the_answers_they_count(
    world: World, settings: Any, clock: Clock
) -> None:
    from survey_app.db.reporting_tables import IndicatorTally
    from survey_app.ops.data_rights import erase_pupil
    from survey_app.reporting.tallies import rebuild

    give_responses(world, settings, clock, 4, answers=HAPPY)
    give_responses(
        world, settings, clock, 3, provider=world.second_provider, answers=WORRIED, prefix="Q"
    )
    run(erase_pupil(world.la, f"Q-{clock.now:%Y%m%d}-1"))

    def tallies() -> set[tuple[Any, ...]]:
        rows = run(IndicatorTally.select().where(IndicatorTally.answers != 0))
        return {
            (r["provider"], r["academic_year"], r["indicator"], r["polarity"], r["answers"])
            for r in rows
        }

    kept = tallies()
    run(rebuild())
    assert kept == tallies()
    assert (world.second_provider, 2026, "felt_safe", "negative", 2) in kept

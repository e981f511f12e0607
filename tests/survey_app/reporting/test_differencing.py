"""The security review's differencing attacks (issue 14, items 3 and 7), as a provider tries them.

Every test here failed before disclosure control covered differences between views: a band
subtracted from the totals, the same report before and after one more response, the area figure
beside a withheld report, and the area summary's response rate beside its invitations.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.world import Clock, World, give_responses, issue_for_year, sign_in, token_for

#: A day in the summer term 2026: complete, so published, on the suite's clock (23 Nov 2026).
LAST_TERM = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}
WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}
#: The same worry in the years 4-6 words ("Not good" is their lowest rating).
YOUNG_WORRIED = {"felt_safe": "not_safe", "overall_rating": "not_good"}


def page(client: Any, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def cells(soup: BeautifulSoup, selector: str) -> list[str]:
    row = soup.select_one(selector)
    assert row is not None, selector
    return [td.get_text(" ", strip=True) for td in row.select("td")]


def test_older_pupils_band_cannot_be_subtracted_from_the_totals_on_page_csv_or_json(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Five pupils in years 10-11 felt very safe; the one year 5 pupil did not feel safe.
    give_responses(
        world, settings, clock, 5, year_group=10, answers=HAPPY, when=LAST_TERM, prefix="OLD"
    )
    give_responses(
        world, settings, clock, 1, year_group=5, answers=YOUNG_WORRIED, when=LAST_TERM, prefix="Y5"
    )
    sign_in(client, world, "provider_staff")
    client.headers.update(token_for(world, "provider_staff", clock))
    soup = page(client, f"/staff/providers/{world.provider}")
    felt_safe = cells(soup, '#indicators tr[data-indicator="felt_safe"]')
    assert felt_safe[0] == "6", "the totals are still shown: six pupils is enough"
    band_tables = [
        table
        for table in soup.select("table.question")
        if any(td.get_text(strip=True).isdigit() for td in table.select("td"))
    ]
    assert band_tables == [], "years 10-11 shown on their own: totals minus them give year 5"
    report = client.get(f"/api/v1/providers/{world.provider}/report").json()
    assert [q for q in report["questions"] if not q["suppressed"]] == []
    assert all(c["share_positive"] is None for b in report["by_year_group"] for c in b["cells"])
    download = client.get(f"/staff/providers/{world.provider}/report.csv?table=indicators")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    by_band = [row for row in rows if row and row[0].startswith("end_years_")]
    assert all(value in ("", "[c]") for row in by_band for value in row[3:])
    csv_felt_safe = next(row for row in rows if row and row[0] == "felt_safe")
    assert csv_felt_safe[2] == "6", "the same totals as the page"
    workbook = load_workbook(
        io.BytesIO(client.get(f"/staff/providers/{world.provider}/report.xlsx").content)
    )
    answers = [r[3] for r in workbook["Answers by question"].iter_rows(min_row=2, values_only=True)]
    assert answers and set(answers) == {"[c]"}, "the spreadsheet hides the band as the page does"
    by_year = workbook["Positive (%) by year group"].iter_rows(min_row=2, values_only=True)
    assert {value for row in by_year for value in row[2:]} <= {"[c]", None}


def test_one_more_response_changes_nothing_a_provider_can_see_until_k_more_have_answered(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers=HAPPY, when=LAST_TERM)
    sign_in(client, world, "provider_staff")
    client.headers.update(token_for(world, "provider_staff", clock))
    api = f"/api/v1/providers/{world.provider}/report"
    before = client.get(api).json()
    before_page = page(client, f"/staff/providers/{world.provider}").select_one("main")
    assert before["responses"] == 6
    # One more pupil answers; their completion time is on the provider's placement list.
    give_responses(world, settings, clock, 1, answers=WORRIED, prefix="NEW")
    assert client.get(api).json() == before
    after_page = page(client, f"/staff/providers/{world.provider}").select_one("main")
    assert after_page.get_text(" ", strip=True) == before_page.get_text(" ", strip=True)
    # Even once the term has ended: one pupil is fewer than k, so the figures keep pooling.
    clock.now = dt.datetime(2027, 1, 6, 10, 0, tzinfo=dt.UTC)
    client.cookies.clear()
    sign_in(client, world, "provider_staff")
    client.headers.update(token_for(world, "provider_staff", clock))
    assert client.get(api).json() == before
    # Four more (five new in all) and the figures move, by five pupils at once.
    give_responses(
        world,
        settings,
        clock,
        4,
        answers=WORRIED,
        prefix="LATER",
        when=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
    )
    assert client.get(api).json()["responses"] == 11


def test_a_withheld_providers_pupils_cannot_be_read_off_the_area_figure_beside_it(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(
        world,
        settings,
        clock,
        10,
        provider=world.second_provider,
        answers=HAPPY,
        when=LAST_TERM,
        prefix="Q",
    )
    give_responses(world, settings, clock, 1, answers=WORRIED, when=LAST_TERM, prefix="A")
    sign_in(client, world, "provider_staff")
    client.headers.update(token_for(world, "provider_staff", clock))
    api = f"/api/v1/providers/{world.provider}/report"

    def area_figures() -> dict[str, Any]:
        report = client.get(api).json()
        assert report["withheld"], "one or two pupils: the provider's own report is withheld"
        return {
            i["key"]: (i["area_share_positive"], i["area_answered"]) for i in report["indicators"]
        }

    before = area_figures()
    give_responses(world, settings, clock, 1, answers=WORRIED, when=LAST_TERM, prefix="B")
    after = area_figures()
    assert after == before, "the area figure moved by exactly the second pupil's answers"
    assert after["felt_safe"] == (1.0, 10), "the rest of the area: the other provider's ten"


def test_area_summary_hides_the_response_rate_when_the_number_answering_is_hidden(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    for n in range(5):
        issue_for_year(world, settings, clock, reference=f"WAIT-{n}")
    give_responses(world, settings, clock, 1, answers=HAPPY)
    sign_in(client, world, "la_officer")
    client.headers.update(token_for(world, "la_officer", clock))
    volume = page(client, "/staff/area").select_one("#volume").get_text(" ", strip=True)
    assert volume.startswith("[c] pupils answered")
    assert "%" not in volume, "6 invited at 17% gives away the one pupil hidden as [c]"
    summary = client.get("/api/v1/area-summary").json()
    assert summary["responses"] is None and summary["response_rate"] is None
    assert summary["providers_with_responses"] is None, "4 providers with [c] < 5 pupils gives 4"
    rows = list(csv.reader(io.StringIO(client.get("/staff/area.csv").content.decode("utf-8-sig"))))
    assert ["Providers with responses", "[c]", ""] in rows

"""What changed (issue 18) in every report download and the JSON API: the provider's CSV, XLSX,
ZIP and JSON carry the figures its page shows that same user, hidden where the page hides them
and as of the same publication; the area's downloads carry the area's; a school's carry its own
pupils' journeys and no other school's. Every test here failed before the downloads carried it."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.survey_app.reporting.journeys_given import (
    FIGURES,
    LESS_SAFE,
    SUMMER,
    journeys,
    two_providers_journeys,
)
from tests.world import Clock, World, sign_in, token_for


def signed_in(client: Any, world: World, clock: Clock, role: str) -> None:
    """Signed in for the pages and downloads, with a token for the API, as ``role``."""
    client.cookies.clear()
    sign_in(client, world, role)
    client.headers.update(token_for(world, role, clock))


def page_changes(client: Any, path: str) -> dict[str, list[str]]:
    """The page's "What changed" table: each indicator's five figures as shown."""
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    soup = BeautifulSoup(response.text, "html.parser")
    return {
        row["data-indicator"]: [td.get_text(" ", strip=True) for td in row.select("td")]
        for row in soup.select("#changes tr[data-indicator]")
    }


def csv_rows(client: Any, path: str) -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_changes(rows: list[list[str]]) -> dict[str, list[str]]:
    """The download's "What changed" rows by indicator key: the same five figures."""
    assert rows[0][:3] == ["Indicator key", "Indicator", "Answered both (pupils)"], rows[0]
    return {row[0]: row[2:7] for row in rows[1:] if row and row[0] and row[0] != "pupils"}


def xlsx_changes(client: Any, path: str) -> tuple[dict[str, list[str]], list[tuple[Any, ...]]]:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    sheet = load_workbook(io.BytesIO(response.content))["What changed"]
    rows = list(sheet.iter_rows(values_only=True))
    figures = {
        str(row[0]): ["" if v is None else str(v) for v in row[2:7]]
        for row in rows[1:]
        if row[0] and row[0] != "pupils"
    }
    return figures, rows


def json_changes(report: dict[str, Any]) -> dict[str, list[str]]:
    """The API's what changed, written as the page writes it (a hidden count as [c])."""
    return {
        i["key"]: ["[c]" if i["suppressed"] else str(i[name]) for name in FIGURES]
        for i in report["what_changed"]["indicators"]
    }


def test_a_provider_downloads_and_reads_through_the_api_the_what_changed_its_page_shows(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 6)
    journeys(world, settings, clock, 2, change=LESS_SAFE, prefix="WORSE")
    signed_in(client, world, clock, "provider_staff")
    base = f"/staff/providers/{world.provider}"
    shown = page_changes(client, base)
    assert shown == {"felt_safe": ["8", "6", "0", "2", "0"]}
    rows = csv_rows(client, f"{base}/report.csv?table=what-changed")
    assert csv_changes(rows) == shown
    sentence = next(row[7] for row in rows if row[0] == "felt_safe")
    assert sentence == "Of 8 pupils who answered both, 6 felt safer, 0 the same, 2 felt less safe."
    assert ["pupils", "Pupils who answered both (any question)", "8"] in rows
    assert xlsx_changes(client, f"{base}/report.xlsx")[0] == shown
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/report.zip").content))
    name = next(n for n in bundle.namelist() if n.endswith("-what-changed.csv"))
    zipped = list(csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))
    assert zipped == rows, "the ZIP holds the same table as the CSV"
    report = client.get(f"/api/v1/providers/{world.provider}/report").json()
    assert json_changes(report) == shown
    assert report["what_changed"]["pupils"] == 8
    assert report["what_changed"]["disclosure_controlled"] is True


def test_fewer_than_k_paired_pupils_are_hidden_in_every_download_as_on_the_page(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff who know which three learners did the start survey; the page says
    only "too few", and no format may say more."""
    journeys(world, settings, clock, 3)
    signed_in(client, world, clock, "provider_staff")
    base = f"/staff/providers/{world.provider}"
    soup = BeautifulSoup(client.get(base).text, "html.parser")
    assert soup.select_one("#changes-withheld") is not None and soup.select_one("#changes") is None
    rows = csv_rows(client, f"{base}/report.csv?table=what-changed")
    assert csv_changes(rows) == {}, "not even which questions were answered both times"
    assert ["pupils", "Pupils who answered both (any question)", "[c]"] in rows
    assert any(row[1].startswith("Too few pupils have answered both") for row in rows[1:])
    assert "3" not in {cell for row in rows for cell in row}
    figures, sheet = xlsx_changes(client, f"{base}/report.xlsx")
    assert figures == {}
    assert ("pupils", "Pupils who answered both (any question)", "[c]") == sheet_row(sheet)
    changes = client.get(f"/api/v1/providers/{world.provider}/report").json()["what_changed"]
    assert changes["withheld"] is True
    assert changes["pupils"] is None and changes["indicators"] == []


def sheet_row(rows: list[tuple[Any, ...]], key: str = "pupils") -> tuple[Any, ...]:
    row = next(r for r in rows if r[0] == key)
    return tuple(v for v in row if v is not None)


def test_an_indicator_answered_both_times_by_fewer_than_k_is_hidden_whole_in_every_format(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 6)
    journeys(
        world,
        settings,
        clock,
        1,
        change=(
            {"felt_safe": "safe", "belonging": "sometimes"},
            {"felt_safe": "safe", "belonging": "always"},
        ),
        prefix="B1",
    )
    signed_in(client, world, clock, "provider_staff")
    base = f"/staff/providers/{world.provider}"
    shown = page_changes(client, base)
    assert shown == {"felt_safe": ["7", "6", "1", "0", "0"], "belonging": ["[c]"] * 5}
    rows = csv_rows(client, f"{base}/report.csv?table=what-changed")
    assert csv_changes(rows) == shown
    assert next(row[7] for row in rows if row[0] == "belonging") == "", "no sentence either"
    assert xlsx_changes(client, f"{base}/report.xlsx")[0] == shown
    report = client.get(f"/api/v1/providers/{world.provider}/report").json()
    assert json_changes(report) == shown


def test_one_more_pair_after_publication_changes_nothing_the_provider_can_download(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff who know which learner finished yesterday. Had a download or the
    API been worked out afresh, the difference from the page, or from yesterday's download,
    would be that child's change."""
    journeys(world, settings, clock, 6)
    signed_in(client, world, clock, "provider_staff")
    base = f"/staff/providers/{world.provider}"
    api = f"/api/v1/providers/{world.provider}/report"

    def everything() -> tuple[Any, ...]:
        return (
            page_changes(client, base),
            csv_rows(client, f"{base}/report.csv?table=what-changed"),
            xlsx_changes(client, f"{base}/report.xlsx")[1],
            json.dumps(client.get(api).json()["what_changed"], sort_keys=True),
        )

    # The first look is through the API, before the page: the same publication is kept.
    first = client.get(api).json()["what_changed"]
    before = everything()
    assert json.loads(before[3]) == first
    assert before[0] == {"felt_safe": ["6", "6", "0", "0", "0"]}
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="ONE")
    assert everything() == before
    # The LA, which may see it, has it at once: the pair is there to be hidden.
    signed_in(client, world, clock, "la_officer")
    assert page_changes(client, base) == {"felt_safe": ["7", "6", "0", "1", "0"]}


def test_the_la_downloads_the_true_counts_however_few(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    journeys(world, settings, clock, 3)
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="LATE")
    signed_in(client, world, clock, "la_officer")
    base = f"/staff/providers/{world.provider}"
    true_counts = {"felt_safe": ["4", "3", "0", "1", "0"]}
    assert page_changes(client, base) == true_counts
    rows = csv_rows(client, f"{base}/report.csv?table=what-changed")
    assert csv_changes(rows) == true_counts
    assert ["pupils", "Pupils who answered both (any question)", "4"] in rows
    assert xlsx_changes(client, f"{base}/report.xlsx")[0] == true_counts
    report = client.get(f"/api/v1/providers/{world.provider}/report").json()
    assert json_changes(report) == true_counts
    assert report["what_changed"]["disclosure_controlled"] is False


def test_the_area_downloads_carry_the_areas_what_changed_hidden_for_publication_as_on_the_page(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    two_providers_journeys(world, settings, clock)
    signed_in(client, world, clock, "la_officer")
    shown = page_changes(client, "/staff/area")
    assert shown == {"felt_safe": ["7", "4", "0", "3", "0"], "belonging": ["[c]"] * 5}
    rows = csv_rows(client, "/staff/area.csv?table=what-changed")
    assert csv_changes(rows) == shown
    assert ["pupils", "Pupils who answered both (any question)", "9"] in rows
    assert xlsx_changes(client, "/staff/area.xlsx")[0] == shown
    bundle = zipfile.ZipFile(io.BytesIO(client.get("/staff/area.zip").content))
    assert any(n.endswith("-what-changed.csv") for n in bundle.namelist())
    summary = client.get("/api/v1/area-summary").json()
    assert json_changes(summary) == shown


def test_a_schools_downloads_and_api_have_its_own_pupils_journeys_and_not_another_schools(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: a school contact who would like to know how a pupil from the school down the road
    got on at the same provider."""
    journeys(world, settings, clock, 1, prefix="OWN")
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="ELM", school=world.second_school)
    signed_in(client, world, clock, "school_contact")
    base = f"/staff/schools/{world.school}/report"
    own = f"OWN-{SUMMER:%Y%m%d}-0"
    rows = csv_rows(client, f"{base}.csv?table=journeys")
    assert rows[0][:4] == ["School", "Pupil reference", "Question", "At the start"]
    assert [row[1:] for row in rows[1:]] == [
        [own, "Felt safe", "A bit safe", "Very safe", "End survey", "Better"]
    ]
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))[
        "What changed for each pupil"
    ]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [own]
    report = client.get(f"/api/v1/schools/{world.school}/report").json()
    assert [(j["reference"], [s["change"] for s in j["steps"]]) for j in report["journeys"]] == [
        (own, ["better"])
    ]
    elsewhere = [
        client.get(f"/staff/schools/{world.second_school}/report.csv?table=journeys"),
        client.get(f"/api/v1/schools/{world.second_school}/report"),
    ]
    assert [r.status_code for r in elsewhere] == [404, 404]
    assert all("ELM-" not in r.text for r in elsewhere)


def test_a_schools_download_has_every_pupils_journey_not_one_page(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # The page shows 50 pupils at a time; a download is never cut short.
    journeys(world, settings, clock, 52, prefix="P")
    signed_in(client, world, clock, "school_contact")
    rows = csv_rows(client, f"/staff/schools/{world.school}/report.csv?table=journeys")
    assert len({row[1] for row in rows[1:]}) == 52
    report = client.get(f"/api/v1/schools/{world.school}/report").json()
    assert len(report["journeys"]) == 52


def test_the_api_documents_what_changed_in_its_openapi_document(client: Any) -> None:
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    described = {
        name: field.get("description", "")
        for name, field in (
            ("ProviderReport", schemas["ProviderReport"]["properties"]["what_changed"]),
            ("AreaSummary", schemas["AreaSummary"]["properties"]["what_changed"]),
            ("SchoolReport", schemas["SchoolReport"]["properties"]["journeys"]),
        )
    }
    assert all(text.startswith("What changed") for text in described.values()), described
    assert "ChangesReport" in schemas and "PupilJourney" in schemas

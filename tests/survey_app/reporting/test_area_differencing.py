"""The area summary is meant to be published: copies published weeks apart must not differ by
fewer than k pupils, or a provider that knows who finished in between (it prints their slips)
reads that child's answers off the difference (``reports.disclosure``).

An outside tester's attack that got through: the area's "What changed" was worked out live, so
it moved 0/0/5 to 0/1/5 when one pupil answered, and back when they were erased. Every copy
here, the page, the CSV, the XLSX and the API, is the area's kept publication instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import Any

from bs4 import BeautifulSoup
from openpyxl import load_workbook

from tests.survey_app.reporting.journeys_given import (
    FIGURES,
    LESS_SAFE,
    SUMMER,
    journeys,
)
from tests.world import Clock, World, run, sign_in, token_for

#: The autumn term 2026, under way on the suite's clock; it ends on 31 December.
AUTUMN_START = dt.datetime(2026, 9, 10, 10, 0, tzinfo=dt.UTC)
AUTUMN_LATER = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.UTC)
#: A day in the spring term 2027: the autumn term 2026 is then complete.
JANUARY = dt.datetime(2027, 1, 12, 10, 0, tzinfo=dt.UTC)


def published_copies(client: Any, world: World, clock: Clock) -> dict[str, Any]:
    """What changed across the area in every copy an LA officer can publish: the page (its
    table, pupils and period), the CSV, the ZIP, the XLSX and the API, each as indicator ->
    figures."""
    client.cookies.clear()
    sign_in(client, world, "la_officer")
    response = client.get("/staff/area")
    assert response.status_code == 200, response.text[:500]
    soup = BeautifulSoup(response.text, "html.parser")
    section = soup.select_one("#what-changed")
    assert section is not None
    pupils = soup.select_one("#changes-pupils")
    page = {
        row["data-indicator"]: [td.get_text(" ", strip=True) for td in row.select("td")]
        for row in soup.select("#changes tr[data-indicator]")
    }
    download = client.get("/staff/area.csv?table=what-changed")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    csv_figures = {row[0]: row[2:7] for row in rows[1:] if row and row[0] and row[0] != "pupils"}
    bundle = zipfile.ZipFile(io.BytesIO(client.get("/staff/area.zip").content))
    [name] = [n for n in bundle.namelist() if n.endswith("-what-changed.csv")]
    zipped = list(csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(client.get("/staff/area.xlsx").content))["What changed"]
    xlsx_figures = {
        str(row[0]): ["" if v is None else str(v) for v in row[2:7]]
        for row in list(sheet.iter_rows(values_only=True))[1:]
        if row[0] and row[0] != "pupils"
    }
    api = client.get("/api/v1/area-summary", headers=token_for(world, "la_officer", clock))
    assert api.status_code == 200, api.text[:500]
    changes = api.json()["what_changed"]
    return {
        "page": page,
        "pupils": pupils.get_text(" ", strip=True) if pupils else None,
        "period": changes["period_label"],
        "csv": csv_figures,
        # The whole file, notes and period too: the ZIP's copy is the CSV's.
        "zip": zipped == rows,
        "csv_rows": rows,
        "xlsx": xlsx_figures,
        "api": {
            i["key"]: ["[c]" if i["suppressed"] else str(i[name]) for name in FIGURES]
            for i in changes["indicators"]
        },
        "api_pupils": changes["pupils"],
        "section": section.get_text(" ", strip=True),
    }


def same_figures_everywhere(copy: dict[str, Any], expected: dict[str, list[str]]) -> None:
    assert copy["page"] == expected
    assert copy["csv"] == expected
    assert copy["xlsx"] == expected
    assert copy["api"] == expected
    assert copy["zip"], "the ZIP's what changed is the CSV's"


def test_one_more_pupil_answering_moves_no_published_copy_until_k_more_have(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff handed two copies the council published a few weeks apart, who
    printed the slip of the one pupil who answered in between. Had the area's figures been live,
    the second copy minus the first would be that child's change."""
    k = settings.disclosure_threshold
    journeys(world, settings, clock, k, prefix="A")
    journeys(world, settings, clock, 2, prefix="B", provider=world.second_provider)
    first = published_copies(client, world, clock)
    same_figures_everywhere(first, {"felt_safe": [str(k + 2), str(k + 2), "0", "0", "0"]})
    assert "As published at the end of the Summer term 2026" in first["period"]

    # One pupil answers a check-in this term: the second copy, this week, is the first.
    journeys(
        world,
        settings,
        clock,
        1,
        change=LESS_SAFE,
        prefix="WHO",
        later_kind="review",
        started=AUTUMN_START,
        answered_later=AUTUMN_LATER,
    )
    assert published_copies(client, world, clock) == first
    # Nor once their term has ended: one pupil is fewer than k.
    clock.now = JANUARY
    assert published_copies(client, world, clock) == first

    # k-1 more make k new pupils since the copy: the council's next copy counts them all.
    journeys(
        world,
        settings,
        clock,
        k - 1,
        change=LESS_SAFE,
        prefix="MORE",
        started=AUTUMN_START,
        answered_later=AUTUMN_LATER,
    )
    moved = published_copies(client, world, clock)
    same_figures_everywhere(moved, {"felt_safe": [str(2 * k + 2), str(k + 2), "0", str(k), "0"]})
    assert moved["pupils"].startswith(f"{2 * k + 2} pupils")
    assert "As published at the end of the Autumn term 2026" in moved["period"]


def test_an_erasure_moves_no_published_copy_of_the_area(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff who know whose family asked for erasure. Worked out afresh, the
    area's copy before the erasure minus the one after would be that child's change."""
    from survey_app.ops.erasures import forget_pupil

    k = settings.disclosure_threshold
    journeys(world, settings, clock, k)
    journeys(world, settings, clock, 1, change=LESS_SAFE, prefix="WHO")
    before = published_copies(client, world, clock)
    same_figures_everywhere(before, {"felt_safe": [str(k + 1), str(k), "0", "1", "0"]})

    assert run(forget_pupil(settings, world.la, f"WHO-{SUMMER:%Y%m%d}-0", clock.now)) == 1

    assert published_copies(client, world, clock) == before
    clock.now = JANUARY
    assert published_copies(client, world, clock) == before


def test_too_few_pupils_in_the_first_term_publish_nothing_until_k_have_a_pair(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Before the first publication nothing is shown; one pupil short of k changes nothing."""
    k = settings.disclosure_threshold
    journeys(world, settings, clock, k - 1)
    withheld = published_copies(client, world, clock)
    assert withheld["page"] == {} and withheld["api"] == {} and withheld["csv"] == {}
    assert withheld["api_pupils"] is None
    assert "Too few pupils" in withheld["section"]
    assert "Nothing published yet" in withheld["period"]

    journeys(
        world,
        settings,
        clock,
        1,
        prefix="LAST",
        started=AUTUMN_START,
        answered_later=AUTUMN_LATER,
    )
    assert published_copies(client, world, clock) == withheld, "the autumn term is not over"
    clock.now = JANUARY
    shown = published_copies(client, world, clock)
    same_figures_everywhere(shown, {"felt_safe": [str(k), str(k), "0", "0", "0"]})


def test_each_council_keeps_its_own_area_publication(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: an officer of another council on the same deployment: their area's copy counts
    their own pupils, never this council's kept one, and keeping theirs leaves this one alone."""
    k = settings.disclosure_threshold
    journeys(world, settings, clock, k)
    ours = published_copies(client, world, clock)
    same_figures_everywhere(ours, {"felt_safe": [str(k), str(k), "0", "0", "0"]})
    journeys(
        world,
        settings,
        clock,
        k + 1,
        change=LESS_SAFE,
        prefix="FAR",
        local_authority=world.other_la,
        provider=world.other_provider,
        school=world.other_school,
    )
    client.cookies.clear()
    sign_in(client, world, "other_la_officer")
    soup = BeautifulSoup(client.get("/staff/area").text, "html.parser")
    row = soup.select_one('#changes tr[data-indicator="felt_safe"]')
    assert row is not None
    assert [td.get_text(strip=True) for td in row.select("td")] == [
        str(k + 1),
        "0",
        "0",
        str(k + 1),
        "0",
    ]
    assert published_copies(client, world, clock) == ours

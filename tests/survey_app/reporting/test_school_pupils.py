"""The school's page of its own pupils: a pupil who said they did not feel safe stands out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Placement
from tests.world import Clock, World, give_responses, placement_row, run, sign_in, token_for

WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}
HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}


def test_a_pupil_who_felt_unsafe_is_flagged_to_their_school(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, answers=HAPPY, prefix="CALM")
    give_responses(world, settings, clock, 1, answers=WORRIED, prefix="HURT")
    sign_in(client, world, "school_contact")
    soup = BeautifulSoup(client.get("/staff/my-school").text, "html.parser")
    pupils = {p.select_one("h3 a").get_text(strip=True): p for p in soup.select("[data-placement]")}
    calm = next(p for ref, p in pupils.items() if ref.startswith("CALM"))
    hurt = next(p for ref, p in pupils.items() if ref.startswith("HURT"))
    assert calm.select_one(".govuk-warning-text") is None
    assert not calm.select(".app-flag-row")
    warning = hurt.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "answer about their safety that needs attention" in warning
    assert hurt.select_one("details").has_attr("open"), "what they said is open, not folded"
    flagged = hurt.select(".app-flag-row")
    assert [row.select_one("dd").get_text(" ", strip=True) for row in flagged] == [
        "Not safe at all Needs attention"
    ]


def test_a_school_with_more_than_500_placements_sees_every_pupil_a_page_at_a_time(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, answers=HAPPY, prefix="DONE")
    # 520 more, started a day apart from 1 January 2025 (the newest first on the page), in one
    # batch insert.
    run(
        Placement.insert(
            *[
                placement_row(
                    world,
                    clock,
                    pupil_reference=f"BULK-{n:03d}",
                    start_date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
                    ended_on=None,
                )
                for n in range(520)
            ]
        )
    )
    sign_in(client, world, "school_contact")
    url = f"/staff/schools/{world.school}/report"
    first = BeautifulSoup(client.get(url).text, "html.parser")
    assert first.select_one("#count").get_text(strip=True) == (
        "521 pupils' placements, page 1 of 11"
    )
    # The pupil who answered is counted whichever page they are on.
    assert first.select_one("#answered").get_text(" ", strip=True).startswith("1 of your pupils")
    seen: list[str] = []
    page = first
    while True:
        seen += [a.get_text(strip=True) for a in page.select("[data-placement] h3 a")]
        following = page.select_one("nav.govuk-pagination a[rel=next]")
        if following is None:
            break
        page = BeautifulSoup(client.get(str(following["href"])).text, "html.parser")
    assert len(seen) == len(set(seen)) == 521
    # The oldest placement, past where a cut at 500 would have stopped, is on the last page.
    assert "BULK-000" in seen[-5:]
    # The download and the API hold every pupil too.
    officer = token_for(world, "la_officer", clock)
    api = client.get(f"/api/v1/schools/{world.school}/report", headers=officer).json()
    assert len(api["placements"]) == 521 and api["responses"] == 1
    assert client.get(f"{url}?page=zero").status_code == 400

"""The chasing list at county scale: surveys waiting a page at a time, found by pupil."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, issue_for_year, sign_in


def test_surveys_waiting_are_counted_and_found_by_reference(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    for n in range(3):
        issue_for_year(world, settings, clock, reference=f"WAIT-{n}")
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/chasing").text, "html.parser")
    assert page.select_one("#count").get_text(strip=True) == "3 surveys waiting"
    found = BeautifulSoup(client.get("/staff/chasing?q=wait-1").text, "html.parser")
    rows = found.select("#waiting tbody tr")
    assert [tr.select_one("td").get_text(strip=True) for tr in rows] == ["WAIT-1"]
    assert client.get("/staff/chasing?closes_by=soon").status_code == 400

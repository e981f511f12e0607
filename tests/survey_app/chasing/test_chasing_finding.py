"""The chasing list at county scale: surveys waiting a page at a time, found by pupil."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

from survey_app.db.tables import Placement, Response
from tests.world import (
    Clock,
    World,
    give_responses,
    issue_for_year,
    placement_row,
    run,
    sign_in,
)


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


def _nav(page: BeautifulSoup, noun: str) -> Any:
    return page.select_one(f'nav[aria-label="Pages of {noun}"]')


def test_open_ended_placements_are_counted_and_paged_apart_from_the_waiting_list(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    issue_for_year(world, settings, clock, reference="WAIT-1")
    run(
        Placement.insert(
            *[
                placement_row(
                    world,
                    clock,
                    pupil_reference=f"LONG-{n:03d}",
                    start_date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
                    ended_on=None,
                    planned_end_date=None,
                )
                for n in range(60)
            ]
        )
    )
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/chasing?q=wait").text, "html.parser")
    count = page.select_one("#open-ended-count").get_text(strip=True)
    assert count == "60 open-ended placements, page 1 of 2"
    assert len(page.select("#open-ended tbody tr")) == 50
    following = str(_nav(page, "open-ended placements").select_one("a[rel=next]")["href"])
    # The waiting list's search stays as it was while the open-ended list pages on.
    assert parse_qs(urlsplit(following).query) == {"q": ["wait"], "open_page": ["2"]}
    second = BeautifulSoup(client.get(following).text, "html.parser")
    shown = [a.get_text(strip=True) for a in second.select("#open-ended tbody a")]
    # Longest running first: the last page holds the most recent starts.
    assert shown == [f"LONG-{n:03d}" for n in range(50, 60)]
    assert second.select_one("#count").get_text(strip=True) == "1 survey waiting matches"
    response = client.get("/staff/chasing?open_page=zero")
    assert response.status_code == 400
    error = BeautifulSoup(response.text, "html.parser").select_one("#open-ended-count-error")
    assert "Page must be a whole number" in error.get_text()


def test_surveys_that_may_not_be_the_pupils_own_are_all_reachable(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 53)
    run(Response.update({Response.possibly_not_own: True}, force=True))
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/chasing").text, "html.parser")
    count = page.select_one("#not-own-count").get_text(strip=True)
    assert count == "53 surveys that may not be the pupil's own, page 1 of 2"
    seen = [a.get_text(strip=True) for a in page.select("#not-own tbody a")]
    nav = _nav(page, "surveys that may not be the pupil's own")
    following = str(nav.select_one("a[rel=next]")["href"])
    assert parse_qs(urlsplit(following).query) == {"not_own_page": ["2"]}
    second = BeautifulSoup(client.get(following).text, "html.parser")
    seen += [a.get_text(strip=True) for a in second.select("#not-own tbody a")]
    assert len(seen) == 53
    # Provider staff never see this list (the chasing page is the LA's).
    sign_in(client, world, "provider_staff")
    assert client.get("/staff/chasing?not_own_page=2").status_code in (403, 404)

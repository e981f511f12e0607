"""The Period selector's "All years" sends ``?year=`` (empty): that means all years on every
report page, download and the API. A year that is not one is refused by name: on a staff page as
an error page in plain words, in the API as its JSON error, never the raw decoding message."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.world import Clock, World, give_responses, sign_in, token_for


def _selected_period(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    chosen = soup.select_one("select#year option[selected]") or soup.select_one(
        "select#year option"
    )
    assert chosen is not None
    return chosen.get_text(strip=True)


@pytest.mark.parametrize("page", ["/staff/area", "/staff/providers/{provider}"])
def test_all_years_from_the_period_selector_shows_every_year(
    client: Any, world: World, settings: Any, clock: Clock, page: str
) -> None:
    give_responses(world, settings, clock, 3)
    sign_in(client, world, "la_officer")
    address = page.format(provider=world.provider)
    shown = client.get(f"{address}?year=")
    assert shown.status_code == 200, shown.text
    assert shown.headers["content-type"].startswith("text/html")
    assert _selected_period(shown.text) == "All years"
    assert _selected_period(client.get(address).text) == "All years"


def test_provider_staff_choosing_all_years_see_their_report(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 3)
    sign_in(client, world, "provider_staff")
    assert client.get(f"/staff/providers/{world.provider}?year=").status_code == 200


@pytest.mark.parametrize("year", ["abc", "1066", "２０２６"])
@pytest.mark.parametrize("page", ["/staff/area", "/staff/providers/{provider}", "/staff/area.csv"])
def test_a_year_that_is_not_one_is_an_error_page_naming_the_period(
    client: Any, world: World, page: str, year: str
) -> None:
    sign_in(client, world, "la_officer")
    refused = client.get(page.format(provider=world.provider), params={"year": year})
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html")
    soup = BeautifulSoup(refused.text, "html.parser")
    heading = soup.select_one("main h1")
    assert heading is not None
    assert heading.get_text(strip=True) == "There is a problem with this page's address"
    words = " ".join(soup.select_one("main").get_text(" ").split())
    assert "Year (the period) must be an academic year" in words
    assert "Expected" not in words and "int" not in words.split()


def test_the_api_takes_empty_as_all_years_and_names_a_bad_year(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 3)
    officer = token_for(world, "la_officer", clock)
    every = client.get("/api/v1/area-summary", headers=officer)
    empty = client.get("/api/v1/area-summary?year=", headers=officer)
    assert empty.status_code == 200
    assert empty.json()["period_label"] == every.json()["period_label"]
    refused = client.get("/api/v1/area-summary?year=soon", headers=officer)
    assert refused.status_code == 400
    assert [e["key"] for e in refused.json()["errors"]] == ["year"]
    assert "or empty for all years" in refused.json()["errors"][0]["message"]

"""A school contact who asks for another school's placements (``?school=`` of a school they
cannot see) is told the filter is wrong, and is listed or sent nothing, on the placements page,
its downloads and the API alike; never silently given their own school's rows instead."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.db.tables import Placement
from tests.world import Clock, World, placement_row, run, sign_in, token_for


@pytest.fixture
def two_schools(world: World, clock: Clock) -> None:
    run(
        Placement.insert(
            placement_row(world, clock, pupil_reference="OWN-1"),
            placement_row(
                world,
                clock,
                pupil_reference="ELM-1",
                school=world.second_school,
                commissioner_key=f"school:{world.second_school}",
            ),
        )
    )


def _problems(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        a["href"].lstrip("#"): a.get_text(strip=True)
        for a in soup.select(".govuk-error-summary li a")
    }


@pytest.mark.parametrize("address", ["/staff/placements", "/staff/placements.csv"])
def test_another_schools_filter_is_named_and_nothing_is_listed_or_sent(
    client: Any, world: World, two_schools: None, address: str
) -> None:
    sign_in(client, world, "school_contact")
    refused = client.get(address, params={"school": world.second_school})
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html"), "no file"
    assert _problems(refused.text) == {"school": "Choose school from the list"}
    assert "OWN-1" not in refused.text and "ELM-1" not in refused.text
    # The problem links to the filter it names: shown now, though a school contact's list does
    # not usually offer it (their own school is the only choice).
    shown = BeautifulSoup(refused.text, "html.parser").select_one("select#school")
    assert shown is not None
    assert [o.get_text(strip=True) for o in shown.select("option")] == ["Any", "Oak School"]


def test_their_own_school_as_the_filter_gives_their_own_rows(
    client: Any, world: World, two_schools: None
) -> None:
    sign_in(client, world, "school_contact")
    sent = client.get("/staff/placements.csv", params={"school": world.school})
    assert sent.status_code == 200
    text = sent.content.decode("utf-8-sig")
    references = [row["Pupil reference"] for row in csv.DictReader(io.StringIO(text))]
    assert references == ["OWN-1"]


def test_the_api_names_it_too(client: Any, world: World, clock: Clock, two_schools: None) -> None:
    school = token_for(world, "school_contact", clock)
    refused = client.get(f"/api/v1/placements?school={world.second_school}", headers=school)
    assert refused.status_code == 400
    assert [e["key"] for e in refused.json()["errors"]] == ["school"]

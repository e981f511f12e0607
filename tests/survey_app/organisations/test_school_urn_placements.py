"""Placements may name the home school by its URN (``school_urn``), in the API and the CSV import,
read by the one placement reader; a URN outside the person's area names no school."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Placement, School
from survey_app.placements.rules import read_placement
from tests.survey_app.placements.test_placement_import import upload
from tests.survey_app.web.test_api import create, token_for
from tests.world import Clock, World, run, sign_in

CSV = (
    "pupil_reference,year_group,provider,school_urn,start_date,hours_per_week\n"
    "OAK-1,8,Meadow Farm,100001,06/01/2027,9\n"
)


def give_urns(world: World) -> None:
    for school_id, urn in ((world.school, "100001"), (world.other_school, "200001")):
        run(School.update({School.urn: urn}).where(School.id == school_id))


def test_the_reader_takes_a_urn_as_text_or_as_a_number() -> None:
    base = {"provider_id": 1, "pupil_reference": "A-1", "year_group": 8}
    base |= {"start_date": "2026-09-07", "hours_per_week": 6}
    for urn in ("100001", 100001):
        placement, errors = read_placement({**base, "school_urn": urn})
        assert errors == [] and placement is not None and placement.school_urn == "100001"
    _, errors = read_placement({**base, "school_urn": "Oak School"})
    assert [e.field for e in errors] == ["school_urn"]
    _, both = read_placement({**base, "school_urn": "100001", "school_id": 3})
    assert "not both" in both[0].message


def test_the_api_records_a_placement_at_the_school_with_that_urn(
    client: Any, world: World, clock: Clock
) -> None:
    give_urns(world)
    officer = token_for(world, "la_officer", clock)
    response = create(client, world, officer, school_id=None, school_urn="100001")
    assert response.status_code == 201, response.text
    assert response.json()["school_id"] == world.school


def test_the_api_refuses_a_urn_of_another_authoritys_school(
    client: Any, world: World, clock: Clock
) -> None:
    """Attack: a URN is public, so Westshire's officer tries Eastshire's school by its URN."""
    give_urns(world)
    officer = token_for(world, "la_officer", clock)
    response = create(client, world, officer, school_id=None, school_urn="200001")
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["errors"]] == ["school_urn"]
    assert run(Placement.count()) == 0


def test_the_csv_import_takes_a_school_urn_column(client: Any, world: World) -> None:
    give_urns(world)
    sign_in(client, world, "la_officer")
    response = upload(client, CSV)
    assert response.status_code == 200, response.text
    assert run(Placement.select(Placement.school).first())["school"] == world.school
    refused = upload(client, CSV.replace("100001", "200001"))
    cells = [
        td.get_text(strip=True)
        for td in BeautifulSoup(refused.text, "html.parser").select("#problems tbody td")
    ]
    assert cells == ["2", "school_urn", "There is no school with URN 200001 in your area"]

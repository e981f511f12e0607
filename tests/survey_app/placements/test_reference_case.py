"""A pupil reference names one pupil whatever its case: a placement recorded again as
"form-dup1" beside "FORM-DUP1" (same commissioner, provider and start) is the same placement,
by the form, the API or a re-imported file; never a second placement with its own surveys."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from survey_app.db.tables import Placement
from tests.survey_app.placements.test_placement_import import GOOD, HEADER, upload
from tests.survey_app.test_flow import record_placement
from tests.world import Clock, World, placement_row, run, token_for

SAME = {"start_date": "2026-11-20", "planned_end_date": "2027-03-26"}


def _references() -> list[str]:
    return [row["pupil_reference"] for row in run(Placement.select(Placement.pupil_reference))]


def test_the_form_in_another_case_lands_on_the_placement_already_recorded(
    signed_in: Any, world: World
) -> None:
    first = record_placement(signed_in, world, pupil_reference="FORM-DUP1", **SAME)
    again = record_placement(
        signed_in, world, pupil_reference="form-dup1", purpose="Retried in lower case", **SAME
    )
    assert again.headers["location"] == first.headers["location"]
    assert _references() == ["FORM-DUP1"], (
        "one placement (so one of each survey), its reference as first recorded"
    )
    purposes = [row["purpose"] for row in run(Placement.select(Placement.purpose))]
    assert purposes == ["Retried in lower case"], "the retry's details are kept"


def test_the_api_in_another_case_returns_the_placement_already_recorded(
    client: Any, world: World, clock: Clock
) -> None:
    officer = token_for(world, "la_officer", clock)
    body = {
        "provider_id": world.provider,
        "school_id": world.school,
        "year_group": 8,
        "start_date": "2026-11-20",
        "hours_per_week": 6,
    }
    first = client.post(
        "/api/v1/placements", json={**body, "pupil_reference": "API-B1"}, headers=officer
    )
    again = client.post(
        "/api/v1/placements", json={**body, "pupil_reference": " api-b1 "}, headers=officer
    )
    assert first.status_code in (200, 201) and again.status_code in (200, 201), again.text
    assert again.json()["id"] == first.json()["id"]
    assert _references() == ["API-B1"]


def test_a_file_reimported_in_another_case_updates_rather_than_duplicates(
    signed_in: Any, world: World
) -> None:
    upload(signed_in, HEADER + GOOD)
    response = upload(signed_in, HEADER + GOOD.replace("OAK-1", "oak-1"))
    assert response.status_code == 200, response.text[:500]
    assert run(Placement.count()) == 3
    assert "oak-1" not in _references()


def test_a_file_repeating_a_pupil_in_another_case_is_refused(signed_in: Any, world: World) -> None:
    repeat = GOOD.splitlines()[0].replace("OAK-1", "oak-1") + "\n"
    response = upload(signed_in, HEADER + GOOD + repeat)
    assert response.status_code == 400
    assert "repeats row 2" in response.text
    assert run(Placement.count()) == 0


def test_the_database_refuses_a_second_placement_differing_only_in_case(
    world: World, clock: Clock
) -> None:
    run(Placement.insert(placement_row(world, clock, pupil_reference="DB-7")))
    with pytest.raises(Exception, match=r"(?i)unique"):
        run(Placement.insert(placement_row(world, clock, pupil_reference="db-7")))


def test_duplicates_already_in_a_live_database_do_not_stop_the_migration(
    world: World, clock: Clock
) -> None:
    migration = importlib.import_module(
        "survey_app.db.piccolo_migrations.survey_app_0043_f3_reference_any_case"
    )
    run(Placement.raw("DROP INDEX placement_identity_any_case"))
    try:
        run(Placement.insert(placement_row(world, clock, pupil_reference="OLD-1")))
        run(Placement.insert(placement_row(world, clock, pupil_reference="old-1")))
        run(migration.create_index())
        assert sorted(_references()) == ["OLD-1", "old-1"], "neither placement is lost"
        with pytest.raises(Exception, match=r"(?i)unique"):
            run(Placement.insert(placement_row(world, clock, pupil_reference="Old-1")))
    finally:
        # Leave the index as the migrations made it for the tests that follow.
        run(Placement.delete(force=True))
        run(Placement.raw("DROP INDEX IF EXISTS placement_identity_any_case"))
        run(migration.create_index())

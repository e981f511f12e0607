"""One placement reader: the staff form, the CSV import and the API accept the same values and
refuse the same bad value in the same words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.db.tables import Placement
from survey_app.placements.rules import FieldError, read_date
from tests.survey_app.placements.test_placement_import import HEADER, upload
from tests.survey_app.placements.test_placements import error_messages
from tests.survey_app.test_flow import record_placement
from tests.survey_app.web.test_api import create
from tests.world import Clock, World, run, token_for

#: One good placement in each input's own shape.
FORM = {"pupil_reference": "OAK-9", "start_date": "2026-09-07", "planned_end_date": ""}
CSV_ROW = {
    "pupil_reference": "OAK-9",
    "year_group": "8",
    "provider": "Meadow Farm",
    "school": "Oak School",
    "la_team": "",
    "start_date": "2026-09-07",
    "planned_end_date": "",
    "hours_per_week": "9",
    "purpose": "",
    "simplest_version": "no",
}
#: Where the CSV names a field differently.
CSV_COLUMN = {"provider_id": "provider", "school_id": "school"}


def csv_problems(response: Any) -> dict[str, str]:
    rows = BeautifulSoup(response.text, "html.parser").select("#problems tbody tr")
    cells = [[td.get_text(strip=True) for td in row.select("td")] for row in rows]
    return {column: message for _, column, message in cells}


def csv_with(**overrides: str) -> str:
    row = {**CSV_ROW, **overrides}
    return HEADER + ",".join(row[name] for name in HEADER.strip().split(",")) + "\n"


def stored_start_dates() -> list[dt.date]:
    return [row["start_date"] for row in run(Placement.select(Placement.start_date))]


def test_a_uk_date_is_read_day_first_on_the_form(signed_in: Any, world: World) -> None:
    response = record_placement(signed_in, world, start_date="23/11/2026", planned_end_date="")
    assert response.status_code == 302, error_messages(response)
    assert stored_start_dates() == [dt.date(2026, 11, 23)]


def test_a_uk_date_is_read_day_first_in_a_csv(signed_in: Any, world: World) -> None:
    response = upload(signed_in, csv_with(start_date="23/11/2026"))
    assert response.status_code == 200, csv_problems(response)
    assert stored_start_dates() == [dt.date(2026, 11, 23)]


def test_a_uk_date_is_read_day_first_by_the_api(client: Any, world: World, clock: Clock) -> None:
    response = create(client, world, token_for(world, "la_officer", clock), start_date="23/11/2026")
    assert response.status_code == 201, response.text
    assert response.json()["start_date"] == "2026-11-23"
    assert stored_start_dates() == [dt.date(2026, 11, 23)]


def test_a_placement_can_be_ended_on_a_uk_date_by_the_api(
    client: Any, world: World, clock: Clock
) -> None:
    officer = token_for(world, "la_officer", clock)
    placement = create(client, world, officer).json()
    ended = client.post(
        f"/api/v1/placements/{placement['id']}/end",
        json={"ended_on": "20/11/2026"},
        headers=officer,
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_on"] == "2026-11-20"


@pytest.mark.parametrize(
    ("field", "bad", "words"),
    [
        ("start_date", "31/02/2027", "Start date must be a date like 23/11/2026 or 2026-11-23"),
        ("start_date", "11/23/2026", "Start date must be a date like 23/11/2026 or 2026-11-23"),
        ("planned_end_date", "next July", "Planned end date must be a date like 23/11/2026"),
        ("year_group", "eight", "Year group must be a whole number"),
        ("hours_per_week", "lots", "Hours per week must be a number such as 12.5"),
        ("hours_per_week", "nan", "Hours per week must be a number such as 12.5"),
        ("year_group", "12", "Year group must be from 4 to 11"),
        ("pupil_reference", "Jane Smith", "Never a name"),
    ],
)
def test_the_same_bad_value_gets_the_same_words_from_form_csv_and_api(
    client: Any, world: World, clock: Clock, field: str, bad: str, words: str
) -> None:
    api = create(client, world, token_for(world, "la_officer", clock), **{field: bad})
    assert api.status_code == 400, api.text
    api_message = {e["key"]: e["message"] for e in api.json()["errors"]}[field]

    from tests.world import sign_in

    sign_in(client, world, "la_officer")
    form = record_placement(client, world, **{field: bad})
    assert form.status_code == 400
    form_message = error_messages(form)[field]

    imported = upload(client, csv_with(**{CSV_COLUMN.get(field, field): bad}))
    assert imported.status_code == 400
    csv_message = csv_problems(imported)[CSV_COLUMN.get(field, field)]

    assert words in form_message
    assert form_message == csv_message == api_message
    if "must be a" in words:
        assert f'"{bad}"' in form_message, "a value that is not a date or number is quoted back"
    assert run(Placement.count()) == 0


def test_a_file_that_repeats_a_placement_with_the_la_team_in_another_case_is_refused(
    signed_in: Any, world: World
) -> None:
    # The database takes "SEN team" and "sen team" as one commissioner, so these two rows are
    # one placement: say so, rather than merge them silently or fail half way.
    text = csv_with(pupil_reference="LK-1", school="", la_team="SEN team") + csv_with(
        pupil_reference="LK-1", school="", la_team="sen team"
    ).removeprefix(HEADER)
    response = upload(signed_in, text)
    assert response.status_code == 400
    assert csv_problems(response) == {
        "pupil_reference": "repeats row 2 (same pupil, provider and start)"
    }
    assert run(Placement.count()) == 0


@pytest.mark.parametrize("typed", ["01/12/1900", "2099-12-01"])
def test_a_date_decades_away_is_refused_as_a_slip(typed: str) -> None:
    errors: list[FieldError] = []
    assert read_date("start_date", typed, errors) is None
    assert errors and "must be between" in errors[0].message and typed in errors[0].message

"""Recording and ending placements through the staff form and the API: bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation, Placement
from tests.survey_app.test_flow import record_placement
from tests.world import World, post_form, run


def placement_count() -> int:
    return run(Placement.count())


def error_messages(response: Any) -> dict[str, str]:
    summary = BeautifulSoup(response.text, "html.parser").select(".govuk-error-summary li a")
    return {a["href"].lstrip("#"): a.get_text(strip=True) for a in summary}


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"provider_id": "999999"}, "provider_id", "no provider with that id"),
        ({"planned_end_date": "2026-09-01"}, "planned_end_date", "on or after the start date"),
        ({"year_group": "3"}, "year_group", "from 4 to 11"),
        ({"year_group": "12"}, "year_group", "from 4 to 11"),
        ({"start_date": ""}, "start_date", "Enter the start date"),
        ({"pupil_reference": "Jane Smith"}, "pupil_reference", "Never a name"),
        ({"hours_per_week": "lots"}, "hours_per_week", "must be a number"),
        ({"school_id": "", "la_team": ""}, "school_id", "home school, or give the LA team"),
    ],
)
def test_bad_placement_form_names_the_field_and_stores_nothing(
    signed_in: Any, world: World, overrides: dict[str, str], field: str, words: str
) -> None:
    response = record_placement(signed_in, world, **overrides)
    assert response.status_code == 400
    messages = error_messages(response)
    assert field in messages and words in messages[field]
    assert placement_count() == 0


def test_bad_form_keeps_what_was_typed(signed_in: Any, world: World) -> None:
    response = record_placement(signed_in, world, year_group="12", purpose="Horse care")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#pupil_reference")["value"] == "OAK-2026-001"
    assert soup.select_one("#purpose").get_text() == "Horse care"


def test_school_from_another_la_is_refused(signed_in: Any, world: World) -> None:
    response = record_placement(signed_in, world, school_id=str(world.other_school))
    assert "no school with that id" in error_messages(response)["school_id"]
    assert placement_count() == 0


def test_end_date_before_start_is_refused_and_issues_nothing(signed_in: Any, world: World) -> None:
    url = record_placement(signed_in, world).headers["location"]
    response = post_form(signed_in, f"{url}/end", {"ended_on": "2026-09-01"})
    assert response.status_code == 400
    assert "on or after the start date" in error_messages(response)["ended_on"]
    assert run(Placement.select(Placement.ended_on).first())["ended_on"] is None
    assert run(Invitation.count()) == 0


def test_provider_staff_cannot_record_placements(client: Any, world: World) -> None:
    from tests.world import sign_in

    sign_in(client, world, "provider_staff")
    assert client.get("/staff/placements/new").status_code == 404
    assert record_placement(client, world).status_code == 404
    assert placement_count() == 0


def test_form_without_csrf_token_is_refused(signed_in: Any, world: World) -> None:
    response = signed_in.post("/staff/placements/new", data={"pupil_reference": "X-1"})
    assert response.status_code == 403
    assert placement_count() == 0


def test_an_id_too_large_for_the_database_is_a_clear_error(signed_in: Any, world: World) -> None:
    response = record_placement(signed_in, world, provider_id="1559148025415")
    assert response.status_code == 400
    assert "no provider with that id" in error_messages(response)["provider_id"]
    assert placement_count() == 0

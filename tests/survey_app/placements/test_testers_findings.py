"""Outside testers' findings about a placement and its surveys now that surveys have kinds
(start, check-ins, end): what the placement's pages say and record must be what happens."""

from __future__ import annotations

from typing import Any

from tests.survey_app.placements.test_corrections import history_rows
from tests.survey_app.test_flow import record_placement
from tests.world import Clock, World, post_form


def test_ending_a_placement_is_in_its_history_with_the_day_it_ended_and_who_ended_it(
    signed_in: Any, world: World, clock: Clock
) -> None:
    url = record_placement(signed_in, world).headers["location"]
    ended = post_form(signed_in, f"{url}/end", {"ended_on": "20/11/2026"}, follow_redirects=False)
    assert ended.status_code in (302, 303)
    rows = history_rows(signed_in.get(url))
    assert any(
        "End date" in row and "2026-11-20" in row and "la_officer@example.test" in row
        for row in rows
    ), rows

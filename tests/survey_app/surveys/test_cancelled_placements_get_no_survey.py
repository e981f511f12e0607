"""A placement cancelled as entered in error is never surveyed: not a start survey, nor a
check-in, whichever comes due after it was cancelled (the end survey never was)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.db.tables import Invitation, Placement
from survey_app.surveys.due import issue_due
from tests.world import Clock, World, placement_row, post_form, run, sign_in


def test_a_placement_cancelled_before_its_start_survey_or_check_in_gets_neither(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Recorded five days into the placement, and cancelled before any survey opened.
    row = placement_row(
        world,
        clock,
        pupil_reference="WRONG-1",
        start_date=(clock.now - dt.timedelta(days=5)).date(),
        planned_end_date=(clock.now + dt.timedelta(days=200)).date(),
        ended_on=None,
    )
    run(Placement.insert(row))
    sign_in(client, world, "la_officer")
    cancelled = post_form(client, f"/staff/placements/{row.id}/cancel", {}, follow_redirects=False)
    assert cancelled.status_code in (302, 303)
    # Day ten, when its start survey would open; then six weeks on, when a check-in would.
    for days in (5, 45):
        clock.advance(days=days)
        assert run(issue_due(settings, clock.now)) == 0, f"{days} days on"
    assert run(Invitation.count().where(Invitation.placement == row.id)) == 0

"""An end survey opens some days before the planned end, while the pupil is still going to the
provider: the school's and the provider's emails say the placement "ends on" that day then,
and "has ended" only once it has."""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.chasing.reminders import queue_reminders
from survey_app.db.tables import OutboxMessage, Placement
from survey_app.mail.statuses import MessageKind
from survey_app.surveys.due import issue_due
from survey_app.web.display import long_date
from tests.world import Clock, Issued, World, placement_row, run


def _bodies(kind: str) -> list[str]:
    rows = run(OutboxMessage.select(OutboxMessage.body).where(OutboxMessage.kind == kind))
    return [row["body"] for row in rows]


def test_an_end_survey_opened_before_the_planned_end_says_when_it_ends(
    world: World, settings: Any, clock: Clock
) -> None:
    # As early as an end survey opens (a week before), so the first reminder falls on the day.
    ends = (clock.now + dt.timedelta(days=settings.invitation_open_days_before)).date()
    run(
        Placement.insert(
            placement_row(
                world,
                clock,
                start_date=(clock.now - dt.timedelta(days=200)).date(),
                planned_end_date=ends,
                ended_on=None,
            )
        )
    )
    assert run(issue_due(settings, clock.now)) == 1
    opening = _bodies(MessageKind.SURVEY_OPENED)
    assert len(opening) == 2, "one to the school, one to the provider"
    for body in opening:
        assert f"ends on {long_date(ends)}" in body and "has ended" not in body
    clock.advance(days=settings.invitation_open_days_before)
    assert run(queue_reminders(settings, clock.now)) == 2
    reminders = _bodies(MessageKind.REMINDER)
    assert all(f"ends on {long_date(ends)}" in body for body in reminders)


def test_an_end_survey_after_the_placement_ended_says_it_has_ended(
    issued: Issued, world: World
) -> None:
    opening = _bodies(MessageKind.SURVEY_OPENED)
    assert len(opening) == 2
    assert all("has ended" in body and "ends on" not in body for body in opening)

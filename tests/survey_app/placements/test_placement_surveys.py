"""The placement's page and list show the survey now waiting, whichever kind, and flag a pupil
who asked for help or felt unsafe in any of their surveys, not only the last."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from questionnaires.loader import current
from survey_app.db.tables import Invitation, Placement
from survey_app.surveys.due import issue_due
from survey_app.surveys.responses import answer_for, save_response
from tests.world import Clock, World, placement_row, run, sign_in


def test_the_placement_shows_its_start_survey_and_a_worry_raised_in_it(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    row = placement_row(
        world,
        clock,
        pupil_reference="NEW-4",
        start_date=(clock.now - dt.timedelta(days=10)).date(),
        planned_end_date=dt.date(2027, 3, 26),
        ended_on=None,
    )
    run(Placement.insert(row))
    run(issue_due(settings, clock.now))
    sign_in(client, world, "school_contact")
    page = BeautifulSoup(client.get(f"/staff/placements/{row.id}").text, "html.parser")
    status = page.find("dt", string="Survey").find_next("dd").get_text(" ", strip=True)
    assert status == "Start survey: Waiting for pupil"
    assert page.select_one(".short-code") is not None, "the link to give the pupil is there"
    invitation = run(Invitation.select().where(Invitation.placement == row.id).first())
    questionnaire = current(invitation["questionnaire_id"])
    felt_safe = next(q for q in questionnaire.questions if q.id == "felt_safe")
    unsafe = next(o for o in felt_safe.options if o.safeguarding)
    run(save_response(invitation["id"], questionnaire, [answer_for(felt_safe, unsafe)], clock.now))
    listed = BeautifulSoup(client.get("/staff/placements").text, "html.parser")
    assert "Follow up" in listed.get_text()
    assert "Start survey: Completed" in " ".join(listed.get_text(" ", strip=True).split())

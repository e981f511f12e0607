"""A placement followed from start to end through the pupil's pages: a start survey ten days
in, a check-in the next half term, the end survey a week before the planned end, each answered
by the pupil, each saying which survey it is, and each answer kept with its kind so the start
and end answers to the same question can be paired."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Answer, Invitation, Placement, Response
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from tests.world import Clock, World, complete_survey, placement_row, run

STARTS, ENDS = dt.date(2026, 11, 2), dt.date(2027, 3, 26)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)


def open_survey(settings: Any, clock: Clock, placement: int, day: dt.date) -> tuple[str, str]:
    """Move the clock to ``day``, run the dispatcher, and return the new survey's kind and path."""
    clock.now = at(day)
    assert run(issue_due(settings, clock.now)) == 1
    row = run(
        Invitation.select(Invitation.id, Invitation.kind, Invitation.revocation_counter)
        .where(Invitation.placement == placement)
        .order_by(Invitation.opened_at, ascending=False)
        .first()
    )
    link = link_for(settings, row["id"], row["revocation_counter"])
    return row["kind"], link.url.removeprefix(settings.base_url)


def opening_page(pupil: Any, path: str) -> BeautifulSoup:
    assert pupil.get(path, follow_redirects=False).status_code == 302
    return BeautifulSoup(pupil.get("/survey").text, "html.parser")


def test_a_pupil_answers_a_start_survey_a_check_in_and_the_end_survey(
    world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    row = placement_row(
        world,
        clock,
        pupil_reference="JRN-8",
        year_group=8,
        start_date=STARTS,
        planned_end_date=ENDS,
        ended_on=None,
    )
    run(Placement.insert(row))
    # What the pupil reads first: the title and the opening line before the Start button.
    journey = [
        (dt.date(2026, 11, 12), "start", "You have just started at", "a_bit_safe"),
        (dt.date(2027, 1, 5), "review", "Meadow Farm About 2 minutes", "safe"),
        (ENDS - dt.timedelta(days=7), "end", "We want to know how it went for you", "very_safe"),
    ]
    for day, kind, says, felt in journey:
        opened_kind, path = open_survey(settings, clock, row.id, day)
        assert opened_kind == kind
        page = opening_page(pupil, path)
        first_read = page.select_one("h1").get_text() + " " + page.select_one("p").get_text()
        assert says in first_read
        answer_alone = page.select_one("#before-you-start").get_text()
        assert ("place you went to" in answer_alone) == (kind == "end")
        if kind == "review":
            # A check-in says only where to sit above Start: it must take under two minutes.
            assert answer_alone.split() == "Sit away from staff.".split()
        questionnaire = f"{kind}_years_7_9"
        sent = complete_survey(pupil, path, questionnaire, {"felt_safe": felt})
        assert sent.status_code == 302
        assert "Thank you" in pupil.get("/survey/thanks").text
    # Each answer is kept with the survey it belongs to: the pairs "what changed" will count.
    answers = run(
        Answer.select(Answer.response.invitation.kind.as_alias("kind"), Answer.value).where(
            Answer.question_id == "felt_safe",
            Answer.response.invitation.placement == row.id,
        )
    )
    assert {a["kind"]: a["value"] for a in answers} == {
        "start": "a_bit_safe",
        "review": "safe",
        "end": "very_safe",
    }
    assert run(Response.count().where(Response.invitation.placement == row.id)) == 3

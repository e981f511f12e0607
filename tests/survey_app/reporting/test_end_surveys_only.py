"""Reports count end-of-placement surveys only: a pupil's start survey or half-termly check-in
is kept to pair with their end survey, never added to the provider's, school's or area's
figures (a baseline taken ten days in says nothing yet about how the placement went)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from questionnaires.loader import current
from survey_app.db.tables import Invitation, Placement, Response
from survey_app.reporting.tallies import rebuild
from survey_app.surveys.due import issue_due
from survey_app.surveys.responses import answer_for, save_response
from tests.world import Clock, World, give_responses, placement_row, run, sign_in

HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}


def start_surveys_answered(world: World, settings: Any, clock: Clock, count: int) -> None:
    """Pupils ten days into their placements, each answering the start survey 'not very safe'."""
    run(
        Placement.insert(
            *[
                placement_row(
                    world,
                    clock,
                    pupil_reference=f"NEW-{n}",
                    year_group=8,
                    start_date=(clock.now - dt.timedelta(days=10)).date(),
                    planned_end_date=dt.date(2027, 3, 26),
                    ended_on=None,
                )
                for n in range(count)
            ]
        )
    )
    assert run(issue_due(settings, clock.now)) == count
    for invitation in run(Invitation.select().where(Invitation.kind == "start")):
        questionnaire = current(invitation["questionnaire_id"])
        felt_safe = next(q for q in questionnaire.questions if q.id == "felt_safe")
        option = next(o for o in felt_safe.options if o.value == "not_very_safe")
        run(
            save_response(
                invitation["id"], questionnaire, [answer_for(felt_safe, option)], clock.now
            )
        )
    assert run(Response.count().where(Response.kind == "start")) == count


def figures(client: Any, path: str, selector: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    row = BeautifulSoup(response.text, "html.parser").select_one(selector)
    assert row is not None, selector
    return [td.get_text(" ", strip=True) for td in row.select("td")]


def test_a_start_survey_answer_moves_no_end_of_placement_figure(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers=HAPPY)
    sign_in(client, world, "la_officer")
    provider_page = f"/staff/providers/{world.provider}"
    felt_safe_row = '#indicators tr[data-indicator="felt_safe"]'
    headline = '#headlines tr[data-indicator="felt_safe"]'
    before = (
        figures(client, provider_page, felt_safe_row),
        figures(client, "/staff/area", headline),
    )
    start_surveys_answered(world, settings, clock, 6)
    after = (
        figures(client, provider_page, felt_safe_row),
        figures(client, "/staff/area", headline),
    )
    assert after == before
    assert before[0][0] == "6", "six pupils answered, all at the end of their placement"
    # The area's running tallies count end surveys too, and agree with a recount.
    from survey_app.db.reporting_tables import IndicatorTally

    def tallies() -> set[tuple[Any, ...]]:
        rows = run(IndicatorTally.select().where(IndicatorTally.answers != 0))
        return {(r["indicator"], r["polarity"], r["answers"]) for r in rows}

    kept = tallies()
    run(rebuild())
    assert kept == tallies()
    assert ("felt_safe", "negative", 6) not in kept


def test_the_school_sees_only_end_of_placement_answers_in_its_report(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 2, answers=HAPPY, prefix="OWN")
    start_surveys_answered(world, settings, clock, 1)
    sign_in(client, world, "school_contact")
    soup = BeautifulSoup(client.get("/staff/my-school").text, "html.parser")
    said = " ".join(p.get_text(" ", strip=True) for p in soup.select(".app-pupil dl"))
    assert "Not very safe" not in said
    assert "Very safe" in said

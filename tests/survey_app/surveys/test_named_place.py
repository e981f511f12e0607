"""The pupil's pages name their place and months, say honestly how long it takes, and give an
older pupil who needs the simplest words their own band's questions."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup

from questionnaires.loader import current, versions_of
from questionnaires.placeholders import for_pupil
from questionnaires.timing import minutes_to_read
from survey_app.db.tables import Answer, DraftAnswer, Invitation, Placement, Provider, Response
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from tests.world import (
    Clock,
    Issued,
    World,
    issue_for_year,
    placement_row,
    post_form,
    question_number,
    run,
)


def provider_name(world: World) -> str:
    row = run(Provider.select(Provider.name).where(Provider.id == world.provider).first())
    return str(row["name"])


def main_text(response: Any) -> str:
    return BeautifulSoup(response.text, "html.parser").select_one("main").get_text(" ", strip=True)


def test_the_opening_and_the_questions_name_the_place_and_its_months(
    pupil: Any, issued: Issued, world: World
) -> None:
    # The world's placement ran from 1 September to 20 November.
    name = provider_name(world)
    pupil.get(issued.path)
    opening = main_text(pupil.get("/survey"))
    assert f"You went to {name}." in opening
    assert "from September to November" in opening
    safety = pupil.get(f"/survey/q/{question_number('end_years_4_6', 'felt_safe')}")
    heading = BeautifulSoup(safety.text, "html.parser").h1.get_text(strip=True)
    assert heading == f"How safe did you feel at {name}?"


def test_nothing_but_the_place_and_months_about_the_placement_is_shown(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    pages = [pupil.get("/survey")] + [
        pupil.get(f"/survey/q/{n}") for n in range(1, len(current("end_years_4_6").questions) + 1)
    ]
    for page in pages:
        text = main_text(page)
        assert "OAK-55" not in text, "the pupil reference is for staff"
        assert "20 November" not in text and "2026" not in text, "months only, never a day"
        assert "{" not in text


def test_the_opening_page_says_the_time_a_slow_reader_needs(
    pupil: Any, issued: Issued, world: World
) -> None:
    pupil.get(issued.path)
    said = re.search(r"It takes about (\d+) minutes", main_text(pupil.get("/survey")))
    assert said is not None
    placement = run(Placement.select(Placement.start_date, Placement.ended_on).first())
    filled = for_pupil(
        current("end_years_4_6"),
        provider_name(world),
        placement["start_date"],
        placement["ended_on"],
    )
    assert int(said.group(1)) == minutes_to_read(filled)
    assert int(said.group(1)) > 5, "not a fluent reader's 'five minutes'"


def test_a_year_11_on_the_simplest_version_is_asked_about_qualifications_in_simple_words(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(
        Placement.insert(
            placement_row(
                world, clock, pupil_reference="ASH-11", year_group=11, simplest_version=True
            )
        )
    )
    assert run(issue_due(settings, clock.now)) == 1
    row = run(Invitation.select(Invitation.id, Invitation.questionnaire_id).first())
    assert row["questionnaire_id"] == "end_years_10_11_simplest"
    link = link_for(settings, row["id"], 0)
    pupil.get(link.url.removeprefix(settings.base_url))
    opening = main_text(pupil.get("/survey"))
    assert "children" not in opening, "the years 4-6 wording talked of 'lots of children'"
    number = question_number("end_years_10_11_simplest", "qualification")
    page = BeautifulSoup(pupil.get(f"/survey/q/{number}").text, "html.parser")
    assert "exam or course pass" in page.h1.get_text()
    assert not page.select(".app-face"), "no faces for a 16-year-old"
    answered = post_form(
        pupil, f"/survey/q/{number}", {"answer": "dont_know"}, follow_redirects=False
    )
    assert answered.status_code == 302


def test_a_pupil_part_way_through_when_version_2_ships_keeps_their_version_1_answers(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    older = issue_for_year(world, settings, clock, year_group=8, reference="OAK-8")
    pupil.get(older.path)
    safe = question_number("end_years_7_9", "felt_safe")
    post_form(pupil, f"/survey/q/{safe}", {"skip": "yes"})
    # As version 1 saved it before the new version shipped: "Mostly safe" is not in version 2.
    run(
        DraftAnswer.update({DraftAnswer.value: "mostly_safe"}).where(
            DraftAnswer.question_id == "felt_safe"
        )
    )
    version_1 = versions_of("end_years_7_9")[0]
    resumed = pupil.get("/survey", follow_redirects=False).headers["location"]
    assert resumed == "/survey/q/2", "version 1's second question: they finish what they began"
    check = BeautifulSoup(pupil.get("/survey/check").text, "html.parser")
    rows = check.select(".govuk-summary-list__row")
    assert len(rows) == len(version_1.questions)
    assert rows[0].select_one(".govuk-summary-list__value").get_text(strip=True) == "Mostly safe"
    post_form(pupil, "/survey/send", {})
    response = run(Response.select(Response.questionnaire_version).first())
    assert response["questionnaire_version"] == 1
    kept = run(Answer.select(Answer.value).where(Answer.question_id == "felt_safe").first())
    assert kept == {"value": "mostly_safe"}, "the answer they gave is not lost"

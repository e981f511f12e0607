"""The pupil's pages name their place and months, say honestly how long it takes, and give an
older pupil who needs the simplest words their own band's questions."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup

from questionnaires.loader import current
from questionnaires.placeholders import for_pupil
from questionnaires.timing import minutes_to_read
from survey_app.db.tables import Invitation, Placement, Provider
from survey_app.surveys.invitations import issue_due, link_for
from tests.world import (
    Clock,
    Issued,
    World,
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

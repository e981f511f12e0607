"""A school reads each pupil's answers to the questions as the pupil read them: the school
commissioned the placement and knows where it was, so "How safe did you feel at Meadow Farm?",
never the staff placeholder "[the place]", on the report page and in its download."""

from __future__ import annotations

import csv
import io
from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, give_responses, sign_in

HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}


def test_the_schools_page_shows_each_question_with_the_providers_name(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, answers=HAPPY, prefix="CALM")
    sign_in(client, world, "school_contact")
    page = BeautifulSoup(client.get(f"/staff/schools/{world.school}/report").text, "html.parser")
    questions = [dt.get_text(" ", strip=True) for dt in page.select("[data-placement] dt")]
    assert questions, "the pupil's answers are shown"
    assert not [q for q in questions if "[" in q], questions
    assert "How safe did you feel at Meadow Farm?" in questions


def test_the_schools_download_shows_each_question_with_the_providers_name(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, answers=HAPPY, prefix="CALM")
    sign_in(client, world, "school_contact")
    response = client.get(f"/staff/schools/{world.school}/report.csv")
    assert response.status_code == 200
    text = response.text
    assert "[the place]" not in text and "[their dates there]" not in text
    cells = {cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row}
    assert "How safe did you feel at Meadow Farm?" in cells

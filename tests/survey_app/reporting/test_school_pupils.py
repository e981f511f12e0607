"""The school's page of its own pupils: a pupil who said they did not feel safe stands out."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, give_responses, sign_in

WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}
HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}


def test_a_pupil_who_felt_unsafe_is_flagged_to_their_school(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 1, answers=HAPPY, prefix="CALM")
    give_responses(world, settings, clock, 1, answers=WORRIED, prefix="HURT")
    sign_in(client, world, "school_contact")
    soup = BeautifulSoup(client.get("/staff/my-school").text, "html.parser")
    pupils = {p.select_one("h3 a").get_text(strip=True): p for p in soup.select("[data-placement]")}
    calm = next(p for ref, p in pupils.items() if ref.startswith("CALM"))
    hurt = next(p for ref, p in pupils.items() if ref.startswith("HURT"))
    assert calm.select_one(".govuk-warning-text") is None
    assert not calm.select(".app-flag-row")
    warning = hurt.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "answer about their safety that needs attention" in warning
    assert hurt.select_one("details").has_attr("open"), "what they said is open, not folded"
    flagged = hurt.select(".app-flag-row")
    assert [row.select_one("dd").get_text(" ", strip=True) for row in flagged] == [
        "Not safe at all Needs attention"
    ]

"""What a provider sees to prompt its learners: counts as of this morning and a slip each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, complete_survey, issue_for_year, sign_in


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def counts(client: Any) -> tuple[str, str]:
    page = soup(client.get("/staff/my-learners"))
    return (
        page.select_one("#waiting").get_text(" ", strip=True),
        page.select_one("#answered").get_text(" ", strip=True),
    )


def test_provider_sees_how_many_learners_are_waiting_and_answered_but_not_who(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    issue_for_year(world, settings, clock, reference="CT-1")
    done = issue_for_year(world, settings, clock, reference="CT-2")
    issue_for_year(world, settings, clock, reference="CT-3")
    complete_survey(pupil, done.path, "end_years_4_6", {})
    clock.advance(days=1)
    sign_in(client, world, "provider_staff")
    page = soup(client.get("/staff/my-learners"))
    assert counts(client) == (
        "2 learners have a survey waiting",
        "1 learner answered this term",
    )
    text = page.get_text(" ")
    assert not any(reference in text for reference in ("CT-1", "CT-2", "CT-3"))
    assert not page.select("a[href^='/staff/placements']")
    assert page.select_one(f"a[href='/staff/providers/{world.provider}/slips']")


def test_a_pupil_finishing_does_not_move_the_providers_counts_until_the_next_day(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    watched = issue_for_year(world, settings, clock, reference="CT-9")
    issue_for_year(world, settings, clock, reference="CT-10")
    clock.advance(days=1)
    sign_in(client, world, "provider_staff")
    before = counts(client)
    assert before[0] == "2 learners have a survey waiting"
    complete_survey(pupil, watched.path, "end_years_4_6", {})
    assert counts(client) == before, "the pupil just watched finishing is not given away"
    clock.now = clock.now.replace(hour=0) + dt.timedelta(days=1, hours=8)
    sign_in(client, world, "provider_staff")  # the next morning's session
    assert counts(client) == (
        "1 learner has a survey waiting",
        "1 learner answered this term",
    )


def test_a_survey_opening_today_joins_the_count_tomorrow_as_the_page_says(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # Found from outside: the page says its figures are as of the start of today, but a survey
    # opened this afternoon moved the count at once (telling the provider when it was issued).
    issue_for_year(world, settings, clock, reference="CT-20")
    clock.advance(days=1)
    sign_in(client, world, "provider_staff")
    assert counts(client)[0] == "1 learner has a survey waiting"
    issue_for_year(world, settings, clock, reference="CT-21")
    assert counts(client)[0] == "1 learner has a survey waiting"
    slips = soup(client.get(f"/staff/providers/{world.provider}/slips")).select(".app-slip")
    assert len(slips) == 2, "the new learner's slip is on the sheet at once"
    clock.now = clock.now.replace(hour=0) + dt.timedelta(days=1, hours=8)
    sign_in(client, world, "provider_staff")
    assert counts(client)[0] == "2 learners have a survey waiting"


def test_todays_slip_sheet_still_has_a_slip_for_a_pupil_who_just_finished(
    client: Any, world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    issue_for_year(world, settings, clock, reference="SL-1")
    finished = issue_for_year(world, settings, clock, reference="SL-2")
    sign_in(client, world, "provider_staff")
    url = f"/staff/providers/{world.provider}/slips"
    before = [
        s.select_one("p").get_text(strip=True) for s in soup(client.get(url)).select(".app-slip")
    ]
    complete_survey(pupil, finished.path, "end_years_4_6", {})
    page = soup(client.get(url))
    after = [s.select_one("p").get_text(strip=True) for s in page.select(".app-slip")]
    assert after == before == ["SL-1", "SL-2"]
    words = page.get_text(" ").lower()
    assert "completed" not in words and "answered" not in words and "sent" not in words
    for slip in page.select(".app-slip"):
        qr = slip.select_one("img")["src"]
        assert client.get(qr).status_code == 200, "no broken image gives a finished pupil away"
        slip_page = qr.replace("/qr.svg", "/slip")
        assert client.get(slip_page).status_code == 200


def test_counts_page_is_for_provider_staff(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    assert client.get("/staff/my-learners").status_code == 404

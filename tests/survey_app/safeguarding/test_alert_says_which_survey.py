"""An alert says which survey the worrying answer came from: after a start survey or a check-in
the pupil is still going to the provider, which the safeguarding contact needs to know."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.db.tables import LocalAuthority, OutboxMessage, SafeguardingAlert
from tests.world import Clock, Issued, World, complete_survey, issue_start, run, sign_in


@pytest.fixture
def contact(world: World) -> None:
    run(
        LocalAuthority.update(
            {LocalAuthority.safeguarding_email: "safeguarding@westshire.example"}
        ).where(LocalAuthority.id == world.la)
    )


def _alert_page(client: Any, world: World) -> BeautifulSoup:
    alert_id = run(SafeguardingAlert.select(SafeguardingAlert.id).first())["id"]
    sign_in(client, world, "safeguarding")
    return BeautifulSoup(client.get(f"/staff/safeguarding/{alert_id}").text, "html.parser")


def _alert_email() -> str:
    email = run(OutboxMessage.select().where(OutboxMessage.kind == "safeguarding").first())
    return str(email["body"])


def test_a_start_survey_alert_says_so_and_that_the_pupil_still_goes_there(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock, contact: None
) -> None:
    started = issue_start(world, settings, clock)
    complete_survey(pupil, started.path, "start_years_4_6", {"felt_safe": "not_safe"})
    body = _alert_email()
    assert "in their start survey" in body and "end-of-placement" not in body
    assert "still going to this placement" in body
    survey = _alert_page(client, world).select_one("#survey-kind").get_text(" ", strip=True)
    assert survey.startswith("Start survey") and "still going to this provider" in survey


def test_an_end_survey_alert_says_end_of_placement_and_not_still_going(
    client: Any, pupil: Any, issued: Issued, world: World, contact: None
) -> None:
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    body = _alert_email()
    assert "in their end-of-placement survey" in body and "still going" not in body
    survey = _alert_page(client, world).select_one("#survey-kind").get_text(" ", strip=True)
    assert survey == "End-of-placement survey"

"""The wait a pupil is told on the help page is the one their council keeps: an LA administrator
chooses how many hours its safeguarding contact has to pick up an alert, the help page says it,
and an alert left that long is escalated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import LaSettings, SafeguardingAlert
from survey_app.safeguarding.triage import escalate_overdue
from tests.survey_app.organisations.test_la_settings_page import GOOD
from tests.world import Clock, World, issue_for_year, post_form, run, sign_in


def choose_hours(client: Any, world: World, hours: str) -> Any:
    sign_in(client, world, "la_admin")
    return post_form(client, "/staff/settings", {**GOOD, "safeguarding_escalation_hours": hours})


def say_not_safe(pupil: Any, world: World, settings: Any, clock: Clock, reference: str) -> str:
    issued = issue_for_year(world, settings, clock, year_group=8, reference=reference)
    pupil.get(issued.path)
    moved_on = post_form(pupil, "/survey/q/1", {"answer": "not_safe"}, follow_redirects=False)
    page = BeautifulSoup(pupil.get(moved_on.headers["location"]).text, "html.parser")
    return " ".join(page.select_one("main").get_text(" ").split())


def test_a_council_that_chooses_four_hours_tells_its_pupils_and_escalates_after_four(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    assert choose_hours(client, world, "4").status_code == 200
    stored = run(LaSettings.select().where(LaSettings.local_authority == world.la).first())
    assert stored is not None and stored["safeguarding_escalation_hours"] == 4
    text = say_not_safe(pupil, world, settings, clock, "OAK-8")
    assert "pick it up within 4 hours" in text
    assert run(escalate_overdue(settings, clock.now + dt.timedelta(hours=3, minutes=59))) == 0
    assert run(escalate_overdue(settings, clock.now + dt.timedelta(hours=4))) == 1
    escalated = run(SafeguardingAlert.select(SafeguardingAlert.escalated_at).first())
    assert escalated is not None and escalated["escalated_at"] is not None


def test_a_council_that_has_not_chosen_keeps_the_services_wait(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    text = say_not_safe(pupil, world, settings, clock, "OAK-9")
    assert "pick it up within 1 day" in text
    assert settings.safeguarding_escalation_hours == 24
    assert run(escalate_overdue(settings, clock.now + dt.timedelta(hours=23))) == 0
    assert run(escalate_overdue(settings, clock.now + dt.timedelta(hours=24))) == 1


def test_an_impossible_wait_is_refused_naming_the_field_and_nothing_changes(
    client: Any, world: World
) -> None:
    refused = choose_hours(client, world, "0")
    assert refused.status_code == 400
    page = BeautifulSoup(refused.text, "html.parser")
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Hours to pick up a safeguarding alert must be a whole number from 1 to 168" in summary
    assert run(LaSettings.count().where(LaSettings.local_authority == world.la)) == 0

"""Which survey is waiting, wherever staff chase it: the provider's QR slips, the LA's chasing
list and the emails that say a survey is open."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import OutboxMessage, Placement
from survey_app.surveys.due import issue_due
from tests.world import Clock, World, placement_row, run, sign_in


def waiting_start_and_end(world: World, settings: Any, clock: Clock) -> None:
    """One pupil ten days into a placement, one whose placement ended last week."""
    run(
        Placement.insert(
            placement_row(
                world,
                clock,
                pupil_reference="NEW-1",
                start_date=dt.date(2026, 11, 13),
                planned_end_date=dt.date(2027, 3, 26),
                ended_on=None,
            ),
            placement_row(world, clock, pupil_reference="END-1"),
        )
    )
    assert run(issue_due(settings, clock.now)) == 2


def test_the_providers_slips_say_which_survey_each_learner_has_waiting(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    waiting_start_and_end(world, settings, clock)
    sign_in(client, world, "provider_staff")
    page = BeautifulSoup(client.get(f"/staff/providers/{world.provider}/slips").text, "html.parser")
    kinds = {
        slip.select_one("p").get_text(strip=True): slip.select_one(".app-slip-kind").get_text(
            strip=True
        )
        for slip in page.select(".app-slip")
    }
    assert kinds == {"NEW-1": "Start survey", "END-1": "End-of-placement survey"}


def test_the_chasing_list_says_which_survey_is_waiting(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    waiting_start_and_end(world, settings, clock)
    sign_in(client, world, "la_officer")
    page = BeautifulSoup(client.get("/staff/chasing").text, "html.parser")
    headers = [th.get_text(strip=True) for th in page.select("#waiting thead th")]
    column = headers.index("Survey")
    rows = {
        tr.select("td")[0].get_text(strip=True): tr.select("td")[column].get_text(strip=True)
        for tr in page.select("#waiting tbody tr")
    }
    assert rows == {"NEW-1": "Start survey", "END-1": "End-of-placement survey"}


def test_the_emails_that_open_a_survey_say_which_survey_it_is(
    world: World, settings: Any, clock: Clock
) -> None:
    waiting_start_and_end(world, settings, clock)
    subjects = sorted(row["subject"] for row in run(OutboxMessage.select(OutboxMessage.subject)))
    assert subjects == sorted(
        [
            "Start survey for pupil NEW-1 is open",
            "Please help learner NEW-1 with their start survey",
            "End-of-placement survey for pupil END-1 is open",
            "Please help learner END-1 with their end-of-placement survey",
        ]
    )


def test_reminders_say_which_survey_is_still_waiting(
    world: World, settings: Any, clock: Clock
) -> None:
    from survey_app.chasing.reminders import queue_reminders

    waiting_start_and_end(world, settings, clock)
    clock.advance(days=7)
    run(queue_reminders(settings, clock.now))
    subjects = {
        row["subject"]
        for row in run(
            OutboxMessage.select(OutboxMessage.subject).where(
                OutboxMessage.subject.like("Reminder:%")
            )
        )
    }
    assert subjects == {
        "Reminder: start survey for pupil NEW-1",
        "Reminder: end-of-placement survey for pupil END-1",
    }

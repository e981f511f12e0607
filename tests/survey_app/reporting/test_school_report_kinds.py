"""A school contact's report now that surveys have kinds: each pupil's latest survey (start,
check-in or end) where it stands, as the placement list shows it, and totals that say they are
end-of-placement surveys."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation, Placement
from survey_app.surveys.due import issue_due
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from tests.world import Clock, World, issue_start, placement_row, run, sign_in


def test_a_pupil_with_a_check_in_open_after_their_start_survey_is_not_shown_as_not_due(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-3")
    run(
        Invitation.update(
            {Invitation.status: InvitationStatus.COMPLETED, Invitation.completed_at: clock.now}
        ).where(Invitation.id == start.id)
    )
    # Five weeks on, six weeks into the placement: its half-termly check-in opens.
    clock.advance(days=35)
    assert run(issue_due(settings, clock.now)) == 1
    kinds = run(Invitation.select(Invitation.kind).order_by(Invitation.opened_at))
    assert [row["kind"] for row in kinds] == [InvitationKind.START, InvitationKind.REVIEW]

    sign_in(client, world, "school_contact")
    page = BeautifulSoup(client.get("/staff/my-school").text, "html.parser")
    pupil = page.select_one("[data-placement]")
    said = pupil.select_one("p.govuk-body").get_text(" ", strip=True)
    assert "Not due yet" not in said
    assert pupil.select_one(".app-request-kind").get_text(strip=True) == "Half-termly check-in"
    assert pupil.select_one(".app-request-status").get_text(strip=True) == "Waiting for the pupil"
    answered = page.select_one("#answered").get_text(" ", strip=True)
    assert answered.startswith("0 of your pupils have answered their end-of-placement survey")


def test_a_pupil_with_no_survey_yet_says_none_has_opened(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(Placement.insert(placement_row(world, clock, pupil_reference="NEW-4", ended_on=None)))
    sign_in(client, world, "school_contact")
    page = BeautifulSoup(client.get("/staff/my-school").text, "html.parser")
    status = page.select_one("[data-placement] .app-request-status").get_text(strip=True)
    assert status == "None open yet"

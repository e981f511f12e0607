"""The chasing list's "Closed, not answered" holds surveys an officer can still do something
about: a start survey or check-in the system closed because the pupil's next survey opened
cannot be extended, so it is not listed there with advice to extend it."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation
from survey_app.surveys.statuses import InvitationKind
from tests.world import Clock, World, issue_start, post_form, run, sign_in


def _closed_rows(client: Any) -> list[list[str]]:
    page = BeautifulSoup(client.get("/staff/chasing").text, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select("#closed tbody tr")
    ]


def test_a_start_survey_closed_by_the_end_survey_opening_is_not_offered_for_extending(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    started = issue_start(world, settings, clock)
    placement_id = run(
        Invitation.select(Invitation.placement).where(Invitation.id == started.id).first()
    )["placement"]
    clock.advance(days=3)
    sign_in(client, world, "la_officer")
    ended = post_form(
        client, f"/staff/placements/{placement_id}/end", {"ended_on": ""}, follow_redirects=False
    )
    assert ended.status_code in (302, 303)
    kinds = {row["kind"] for row in run(Invitation.select(Invitation.kind))}
    assert kinds == {InvitationKind.START, InvitationKind.END}, "the end survey opened"
    clock.advance(minutes=5)
    assert _closed_rows(client) == [["None."]]


def test_a_survey_that_simply_ran_out_of_time_is_still_listed(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    issue_start(world, settings, clock)
    clock.advance(days=settings.invitation_expiry_days + 1)
    sign_in(client, world, "la_officer")
    rows = _closed_rows(client)
    assert len(rows) == 1 and rows[0][0] == "NEW-1"

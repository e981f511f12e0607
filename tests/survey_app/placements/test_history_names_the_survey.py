"""On a placement with a start survey, check-ins and an end survey, the history says which survey
a reissue or extension was made to, and reissuing an old survey says the real reason it cannot
be (a later one opened), not "extend it first", which would be refused too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation
from tests.world import Clock, Issued, World, issue_start, post_form, run


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def placement_of(issued: Issued) -> int:
    row = run(Invitation.select(Invitation.placement).where(Invitation.id == issued.id).first())
    return int(row["placement"])


def history_what(page: Any) -> list[str]:
    """The "what changed" cell of each history row, newest first."""
    return [
        tr.select("td")[1].get_text(strip=True) for tr in soup(page).select("#history tbody tr")
    ]


def test_reissuing_and_extending_a_start_survey_says_start_survey_in_the_history(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    url = f"/staff/placements/{placement_of(start)}"
    chosen = {"invitation": str(start.id)}
    reissued = post_form(
        signed_in, f"{url}/reissue", {**chosen, "link_version": "0"}, follow_redirects=False
    )
    assert reissued.status_code == 302
    closes = (clock.now + dt.timedelta(days=30)).date().isoformat()
    extended = post_form(
        signed_in, f"{url}/extend", {**chosen, "closes_on": closes}, follow_redirects=False
    )
    assert extended.status_code == 302
    assert history_what(signed_in.get(url))[:2] == [
        "Survey closes (start survey)",
        "Survey link and code (start survey)",
    ]


def test_reissuing_a_closed_start_survey_after_the_end_one_opened_gives_the_real_reason(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    url = f"/staff/placements/{placement_of(start)}"
    clock.advance(minutes=1)
    assert post_form(signed_in, f"{url}/end", {"ended_on": ""}, follow_redirects=False).status_code
    refused = post_form(
        signed_in, f"{url}/reissue", {"invitation": str(start.id), "link_version": "0"}
    )
    assert refused.status_code == 400
    summary = soup(refused).select_one(".govuk-error-summary li a").get_text(strip=True)
    assert "A later survey of this placement has opened" in summary
    assert "extend its closing date" not in summary
    row = run(Invitation.select().where(Invitation.id == start.id).first())
    assert row["revocation_counter"] == 0, "nothing changed"

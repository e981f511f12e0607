"""The provider's QR slips never give away who answered: once a learner's next survey opens, the
sheet shows that one for every learner, and an earlier survey's slip and QR codes are gone alike
whether or not it was answered."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from survey_app.db.tables import Invitation
from survey_app.surveys.invitations import issue_for
from survey_app.surveys.statuses import InvitationKind
from tests.world import Clock, Issued, World, complete_survey, issue_start, run, sign_in


def _sheet(client: Any, world: World) -> list[tuple[str, str]]:
    """Each slip on the provider's sheet: its learner's reference and which survey it opens."""
    page = client.get(f"/staff/providers/{world.provider}/slips")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    return sorted(
        (
            slip.select_one("p").get_text(strip=True),
            slip.select_one(".app-slip-kind").get_text(strip=True),
        )
        for slip in soup.select(".app-slip")
    )


def _answers(client: Any, started: Issued) -> list[int]:
    """What the single slip and both QR images answer for one invitation."""
    return [
        client.get(f"/staff/invitations/{started.id}/{page}").status_code
        for page in ("slip", "qr.svg", "qr.png")
    ]


def test_after_the_end_surveys_open_an_answered_start_survey_looks_like_an_unanswered_one(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    answered = issue_start(world, settings, clock, reference="ANS-1")
    unanswered = issue_start(world, settings, clock, reference="NOT-1")
    complete_survey(pupil, answered.path, "start_years_4_6", {})
    sign_in(client, world, "provider_staff")
    assert _sheet(client, world) == [("ANS-1", "Start survey"), ("NOT-1", "Start survey")], (
        "an answered start survey keeps its slip while it is the learner's latest"
    )
    clock.advance(days=1)
    placements = [
        row["placement"]
        for row in run(
            Invitation.select(Invitation.placement).where(
                Invitation.id.is_in([answered.id, unanswered.id])
            )
        )
    ]
    assert run(issue_for(settings, placements, clock.now, InvitationKind.END)) == 2
    sign_in(client, world, "provider_staff")
    assert _sheet(client, world) == [
        ("ANS-1", "End-of-placement survey"),
        ("NOT-1", "End-of-placement survey"),
    ]
    assert _answers(client, answered) == _answers(client, unanswered) == [404, 404, 404]

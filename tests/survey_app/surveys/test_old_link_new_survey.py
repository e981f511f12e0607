"""An old link to a start survey or check-in that closed because a later survey opened tells the
pupil they have a new survey (and to ask for its link), not only that their time ran out; once
there is no later survey open, the old link says plainly that it has closed."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from accessibility.readability import check_lines
from survey_app.db.tables import Invitation
from survey_app.surveys.invitations import issue_for, link_for
from survey_app.surveys.statuses import InvitationKind
from tests.survey_app.surveys.test_page_reading import YOUNGEST, failures, visible_lines
from tests.world import Clock, Issued, World, complete_survey, issue_start, post_form, run

NEW_SURVEY = (
    "You have a new survey now. Ask the adult who gave you this link for your new link or code."
    " You have not done anything wrong."
)


def _heading_and_text(html: str) -> tuple[str, str]:
    main = BeautifulSoup(html, "html.parser").select_one("main")
    assert isinstance(main, Tag)
    h1 = main.select_one("h1")
    assert h1 is not None
    return h1.get_text(strip=True), " ".join(main.get_text(" ").split())


def _open_the_end_survey(settings: Any, clock: Clock, started: Issued) -> Issued:
    placement = run(
        Invitation.select(Invitation.placement).where(Invitation.id == started.id).first()
    )["placement"]
    clock.advance(minutes=1)
    assert run(issue_for(settings, [placement], clock.now, InvitationKind.END)) == 1
    row = run(
        Invitation.select()
        .where(Invitation.placement == placement, Invitation.kind == InvitationKind.END)
        .first()
    )
    link = link_for(settings, row["id"], row["revocation_counter"])
    return Issued(row["id"], link.url.removeprefix(settings.base_url), link.short_code)


def test_an_old_start_link_after_the_end_survey_opened_says_there_is_a_new_survey(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    started = issue_start(world, settings, clock)
    _open_the_end_survey(settings, clock, started)
    shown = pupil.get(started.path)
    assert shown.status_code == 410
    heading, text = _heading_and_text(shown.text)
    assert heading == "You have a new survey now"
    assert NEW_SURVEY in text
    assert "The time to answer this survey has ended" not in text
    # The typed code says the same.
    typed = post_form(pupil, "/code", {"code": started.code})
    assert _heading_and_text(typed.text)[0] == "You have a new survey now"
    problems = failures(check_lines(YOUNGEST, "a new survey now", visible_lines(shown.text)))
    assert not problems, "\n".join(problems)


def test_once_the_new_survey_is_answered_the_old_link_just_says_it_has_closed(
    pupil: Any, app: Any, world: World, settings: Any, clock: Clock
) -> None:
    from litestar.testing import TestClient

    started = issue_start(world, settings, clock)
    ending = _open_the_end_survey(settings, clock, started)
    with TestClient(app, base_url="http://testserver.local") as other:
        complete_survey(other, ending.path, "end_years_4_6", {})
    heading, text = _heading_and_text(pupil.get(started.path).text)
    assert heading == "This survey has closed"
    assert "new survey" not in text


def test_a_start_survey_that_simply_ran_out_says_it_has_closed(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    started = issue_start(world, settings, clock)
    clock.advance(days=40)
    assert (
        run(Invitation.select(Invitation.expires_at).where(Invitation.id == started.id).first())[
            "expires_at"
        ]
        < clock.now
    )
    shown = pupil.get(started.path)
    assert shown.status_code == 410
    assert _heading_and_text(shown.text)[0] == "This survey has closed"

"""A pupil still on a question when their survey closes (the LA ended the placement so the end
survey opened, the link ran out, the survey was withdrawn) and who then says they do not feel
safe is heard all the same: one alert, saying the survey had closed, and the help page. Any
other answer given after the close is not kept, and the pupil is told so kindly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from accessibility.readability import check_lines
from questionnaires import loader
from survey_app.db.tables import DraftAnswer, Invitation, OutboxMessage, SafeguardingAlert
from survey_app.surveys.statuses import InvitationStatus
from tests.survey_app.surveys.test_page_reading import YOUNGEST, failures, visible_lines
from tests.world import (
    Clock,
    Issued,
    World,
    issue_for_year,
    issue_start,
    post_form,
    question_number,
    run,
    sign_in,
)

HTMX = {"HX-Request": "true"}


def _unsafe(questionnaire_id: str) -> tuple[int, str]:
    """The felt-safe question's page number and its "not safe" option."""
    number = question_number(questionnaire_id, "felt_safe")
    question = loader.current(questionnaire_id).questions[number - 1]
    return number, next(o.value for o in question.options if o.safeguarding)


def _main_text(html: str) -> str:
    main = BeautifulSoup(html, "html.parser").select_one("main")
    assert isinstance(main, Tag)
    return " ".join(main.get_text(" ").split())


def _end_placement_as_the_la(staff: Any, world: World, started: Issued) -> None:
    placement = run(
        Invitation.select(Invitation.placement).where(Invitation.id == started.id).first()
    )["placement"]
    sign_in(staff, world, "la_officer")
    ended = post_form(
        staff, f"/staff/placements/{placement}/end", {"ended_on": ""}, follow_redirects=False
    )
    assert ended.status_code == 302


def _expires_at(issued: Issued) -> dt.datetime:
    row = run(Invitation.select(Invitation.expires_at).where(Invitation.id == issued.id).first())
    return row["expires_at"]  # type: ignore[no-any-return]


def _alerts() -> list[dict[str, Any]]:
    return run(SafeguardingAlert.select())


def test_not_safe_on_a_check_in_closed_by_the_end_survey_raises_the_alert_and_shows_help(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    started = issue_start(world, settings, clock)
    assert pupil.get(started.path, follow_redirects=False).status_code == 302
    assert pupil.get("/survey").status_code == 200, "the pupil pressed Start"
    clock.advance(minutes=2)
    _end_placement_as_the_la(client, world, started)
    clock.advance(minutes=1)
    number, unsafe = _unsafe("start_years_4_6")
    moved_on = post_form(pupil, f"/survey/q/{number}", {"answer": unsafe}, follow_redirects=False)
    assert moved_on.status_code == 302
    assert moved_on.headers["location"] == "/survey/help?next=/survey"
    shown = pupil.get(moved_on.headers["location"])
    assert shown.status_code == 200
    text = _main_text(shown.text)
    assert "You are not in trouble." in text
    assert "This survey has closed, so there are no more questions." in text
    alerts = _alerts()
    assert len(alerts) == 1
    assert alerts[0]["invitation"] == started.id and alerts[0]["after_close"] is True
    emails = run(OutboxMessage.select().where(OutboxMessage.kind == "safeguarding"))
    assert len(emails) == 1
    assert "after the survey had closed" in emails[0]["body"]
    # Pressing Continue again (a double tap) raises no second alert.
    post_form(pupil, f"/survey/q/{number}", {"answer": unsafe})
    assert len(_alerts()) == 1
    # The adult reading the alert is told the survey had closed.
    sign_in(client, world, "safeguarding")
    page = BeautifulSoup(client.get(f"/staff/safeguarding/{alerts[0]['id']}").text, "html.parser")
    survey = page.select_one("#survey-kind")
    assert survey is not None and "after the survey had closed" in survey.get_text()


@pytest.mark.parametrize("closed_by", ["expiry", "withdrawal", "a newer survey"])
def test_flagged_words_after_the_survey_closed_raise_the_alert_with_javascript_too(
    pupil: Any, world: World, settings: Any, clock: Clock, closed_by: str
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5)
    if closed_by == "expiry":
        # The pupil opens their link a minute before it runs out, and is still answering.
        clock.now = _expires_at(issued) - dt.timedelta(minutes=1)
    pupil.get(issued.path)
    if closed_by == "expiry":
        clock.advance(minutes=5)
    elif closed_by == "withdrawal":
        run(
            Invitation.update({Invitation.status: InvitationStatus.REVOKED}).where(
                Invitation.id == issued.id
            )
        )
    else:
        run(
            Invitation.update({Invitation.expires_at: clock.now - dt.timedelta(seconds=1)}).where(
                Invitation.id == issued.id
            )
        )
    questions = loader.current("end_years_4_6").questions
    number = next(n for n, q in enumerate(questions, start=1) if q.id == "anything_else")
    shown = post_form(pupil, f"/survey/q/{number}", {"answer": "my dad hurts me"}, headers=HTMX)
    assert shown.status_code == 200
    assert shown.headers["hx-push-url"] == "/survey/help?next=/survey&wrote=yes"
    text = _main_text(shown.text)
    assert "An adult will read what you wrote." in text
    assert "This survey has closed" in text
    alerts = _alerts()
    assert [(a["reason"], a["words"], a["after_close"]) for a in alerts] == [
        ("words", "my dad hurts me", True)
    ]
    # The help page's Carry on leads to the page saying the survey has closed.
    carry_on = BeautifulSoup(shown.text, "html.parser").select_one("a#carry-on")
    assert carry_on is not None and carry_on["href"] == "/survey"


def test_an_ordinary_answer_after_the_close_is_not_kept_and_the_pupil_is_told(
    pupil: Any, issued: Issued, clock: Clock
) -> None:
    clock.now = _expires_at(issued) - dt.timedelta(minutes=1)
    pupil.get(issued.path)
    clock.advance(minutes=5)
    number = question_number("end_years_4_6", "felt_safe")
    question = loader.current("end_years_4_6").questions[number - 1]
    calm = next(o.value for o in question.options if not o.safeguarding)
    refused = post_form(pupil, f"/survey/q/{number}", {"answer": calm})
    assert refused.status_code == 410
    text = _main_text(refused.text)
    assert "This survey has closed" in text
    assert "We could not save your last answer. You cannot answer this survey now." in text
    assert run(DraftAnswer.count()) == 0 and _alerts() == []
    # Without an alert, the help page of a closed survey is not opened to anyone.
    assert pupil.get("/survey/help?next=/survey").status_code == 410


def test_what_a_pupil_reads_after_the_close_meets_the_youngest_reading_target(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5)
    clock.now = _expires_at(issued) - dt.timedelta(minutes=1)
    pupil.get(issued.path)
    clock.advance(minutes=5)
    number, unsafe = _unsafe("end_years_4_6")
    pages = {
        "an answer not saved": post_form(pupil, f"/survey/q/{number}", {"answer": "ok"}).text,
        "help after the close": post_form(pupil, f"/survey/q/{number}", {"answer": unsafe}).text,
    }
    lines = {name: visible_lines(html) for name, html in pages.items()}
    assert any("could not save" in line for line in lines["an answer not saved"])
    assert any("no more questions" in line for line in lines["help after the close"])
    checked = [item for name, found in lines.items() for item in check_lines(YOUNGEST, name, found)]
    assert not failures(checked), "\n".join(failures(checked))

"""The pupil's side: links and short codes, each link state's page, answers saved exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.invitations import end_of_day_in_england
from survey_app.tables import Answer, Invitation, Response
from tests.conftest import Clock, Issued, post_form, run


def heading(response: Any) -> str:
    return BeautifulSoup(response.text, "html.parser").h1.get_text(" ", strip=True)


def test_link_moves_into_session_and_out_of_the_address(pupil: Any, issued: Issued) -> None:
    opened = pupil.get(issued.path, follow_redirects=False)
    assert opened.status_code == 302 and opened.headers["location"] == "/survey"
    survey = pupil.get("/survey")
    assert survey.status_code == 200
    assert heading(survey) == "Tell us what it was like"  # the years 4-6 opening
    assert survey.headers["cache-control"] == "no-store"
    assert survey.headers["referrer-policy"] == "no-referrer"


def test_typed_short_code_opens_the_same_survey(pupil: Any, issued: Issued) -> None:
    typed = issued.code.lower().replace("-", " ")
    response = post_form(pupil, "/code", {"code": typed}, follow_redirects=False)
    assert response.headers["location"] == "/survey"
    assert heading(pupil.get("/survey")) == "Tell us what it was like"


def test_unknown_link_and_code_get_a_kind_page(pupil: Any, issued: Issued) -> None:
    response = pupil.get("/s/not-a-real-token")
    assert response.status_code == 404
    assert heading(response) == "We could not find your survey"
    response = post_form(pupil, "/code", {"code": "AAAA-BBBB"})
    assert response.status_code == 404
    assert heading(response) == "We could not find your survey"


def test_expired_link_shows_friendly_page(pupil: Any, issued: Issued, clock: Clock) -> None:
    expires_at = run(Invitation.select(Invitation.expires_at).first())["expires_at"]
    clock.now = expires_at - dt.timedelta(minutes=1)
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    clock.now = expires_at + dt.timedelta(seconds=1)
    response = pupil.get(issued.path)
    assert response.status_code == 410
    assert heading(response) == "This survey has closed"


def test_link_works_to_the_end_of_the_day_in_england() -> None:
    # 30 November is in GMT; 30 June is in BST, when the English day ends at 22:59:59 UTC.
    assert end_of_day_in_england(dt.date(2026, 11, 30)).strftime("%H:%M") == "23:59"
    assert end_of_day_in_england(dt.date(2026, 6, 30)).strftime("%H:%M") == "22:59"


def test_answers_saved_once_and_used_link_says_already_done(pupil: Any, issued: Issued) -> None:
    pupil.get(issued.path)
    answers = {"q_felt_safe": "safe", "q_best_thing": "The horses"}
    first = post_form(pupil, "/survey", answers, follow_redirects=False)
    assert first.headers["location"] == "/survey/thanks"
    second = post_form(pupil, "/survey", answers)
    assert heading(second) == "You have already answered"
    assert run(Response.count()) == 1
    assert run(Answer.count()) == 2
    with TestClient(pupil.app, base_url="http://testserver.local") as again:
        response = again.get(issued.path)
        assert heading(response) == "You have already answered"
        assert (
            heading(post_form(again, "/code", {"code": issued.code})) == "You have already answered"
        )


def test_answer_not_on_the_questionnaire_is_refused_and_nothing_saved(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    for bad in ({"q_felt_safe": "ecstatic"}, {"q_favourite_colour": "blue"}):
        response = post_form(pupil, "/survey", {"q_overall_rating": "good", **bad})
        assert response.status_code == 400
        assert BeautifulSoup(response.text, "html.parser").select(".error-summary li")
    assert run(Response.count()) == 0
    assert run(Invitation.select(Invitation.status).first())["status"] == "open"


def test_pupil_who_felt_unsafe_is_told_where_to_get_help(pupil: Any, issued: Issued) -> None:
    pupil.get(issued.path)
    thanks = post_form(pupil, "/survey", {"q_felt_safe": "not_safe"})
    help_box = BeautifulSoup(thanks.text, "html.parser").select_one(".help-now")
    assert help_box is not None
    assert "0800 1111" in help_box.get_text() and "999" in help_box.get_text()
    assert run(Response.select(Response.needs_follow_up).first())["needs_follow_up"] is True


def test_survey_without_a_link_asks_for_it(pupil: Any) -> None:
    response = pupil.get("/survey")
    assert response.status_code == 404
    assert heading(response) == "Open your link again"


def test_database_holds_no_token_or_code(issued: Issued, settings: Any) -> None:
    token = issued.path.removeprefix("/s/")
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    row = run(Invitation.select().first())
    stored = " ".join(str(value) for value in row.values())
    assert token not in stored
    assert issued.code not in stored and issued.code.replace("-", "") not in stored


def test_response_records_questionnaire_id_and_version(pupil: Any, issued: Issued) -> None:
    pupil.get(issued.path)
    post_form(pupil, "/survey", {"q_felt_safe": "safe"})
    row = run(Response.select(Response.questionnaire_id, Response.questionnaire_version).first())
    assert row == {"questionnaire_id": "end_years_4_6", "questionnaire_version": 1}


def test_repeated_bad_codes_are_slowed_down(
    pupil: Any, issued: Issued, settings: Any, clock: Clock
) -> None:
    for attempt in range(settings.lookup_failure_limit):
        response = post_form(pupil, "/code", {"code": f"AAAA-{attempt:04d}"})
        assert response.status_code == 404
    blocked = post_form(pupil, "/code", {"code": issued.code})
    assert blocked.status_code == 429, "even a right code waits once the limit is reached"
    assert int(blocked.headers["retry-after"]) == settings.lookup_failure_window_minutes * 60
    assert heading(blocked) == "Too many tries"
    assert pupil.get("/s/also-wrong").status_code == 429
    clock.advance(minutes=settings.lookup_failure_window_minutes)
    allowed = post_form(pupil, "/code", {"code": issued.code}, follow_redirects=False)
    assert allowed.headers["location"] == "/survey"


def test_right_codes_never_count_towards_the_limit(
    pupil: Any, issued: Issued, settings: Any
) -> None:
    for _ in range(settings.lookup_failure_limit + 5):
        response = post_form(pupil, "/code", {"code": issued.code}, follow_redirects=False)
        assert response.status_code == 302

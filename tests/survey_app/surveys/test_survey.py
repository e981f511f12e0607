"""The pupil's side: links and short codes, each link state's page, answers saved exactly once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from questionnaires.loader import current
from survey_app.db.tables import Answer, DraftAnswer, Invitation, Response, SafeguardingAlert
from survey_app.surveys.invitations import end_of_day_in_england
from tests.world import (
    Clock,
    Issued,
    World,
    complete_survey,
    issue_for_year,
    post_form,
    question_number,
    run,
)

#: The safety question's page in the years 4-6 survey (after the warm-up), and in years 7-9.
SAFE = question_number("end_years_4_6", "felt_safe")
OLDER_SAFE = question_number("end_years_7_9", "felt_safe")
OLDER_COUNT = len(current("end_years_7_9").questions)


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
    answers = {"felt_safe": "safe", "best_thing": "The horses"}
    sent = complete_survey(pupil, issued.path, "end_years_4_6", answers)
    assert sent.headers["location"] == "/survey/thanks"
    again = post_form(pupil, "/survey/send", {}, follow_redirects=False)
    assert again.headers["location"] == "/survey/thanks", "a double tap lands on thank you"
    assert run(Response.count()) == 1
    assert run(Answer.count()) == 2
    assert run(DraftAnswer.count()) == 0, "the drafts became the response"
    with TestClient(pupil.app, base_url="http://testserver.local") as again:
        response = again.get(issued.path)
        assert heading(response) == "You have sent your answers"
        typed = post_form(again, "/code", {"code": issued.code})
        assert heading(typed) == "You have sent your answers"


def test_answer_not_on_the_questionnaire_is_refused_and_nothing_saved(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    response = post_form(pupil, f"/survey/q/{SAFE}", {"answer": "ecstatic"})
    assert response.status_code == 400
    summary = BeautifulSoup(response.text, "html.parser").select_one(".govuk-error-summary")
    assert summary is not None and "Choose one of the answers" in summary.get_text()
    assert post_form(pupil, "/survey/q/99", {"answer": "x"}).status_code == 404
    assert run(DraftAnswer.count()) == 0
    assert run(Invitation.select(Invitation.status).first())["status"] == "open"


def test_overlong_text_answer_is_refused_with_what_was_typed_kept(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    questions = current("end_years_4_6").questions
    number = next(i for i, q in enumerate(questions, start=1) if q.id == "best_thing")
    typed = "a" * 501
    response = post_form(pupil, f"/survey/q/{number}", {"answer": typed})
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert "too long" in soup.select_one(".govuk-error-message").get_text()
    assert soup.select_one("textarea#answer").get_text() == typed
    assert run(DraftAnswer.count()) == 0


@pytest.mark.parametrize(("letters", "emoji", "refused"), [(470, 15, False), (480, 15, True)])
def test_emoji_count_as_the_letter_counter_on_the_page_counts_them(
    pupil: Any, issued: Issued, letters: int, emoji: int, refused: bool
) -> None:
    # Found from outside: the page's counter (GOV.UK's, counting as JavaScript does) counts an
    # emoji as two and said "10 letters too many", then the server kept the answer anyway. The
    # server now counts the same way, so the child is never told one thing and shown another.
    pupil.get(issued.path)
    questions = current("end_years_4_6").questions
    number = next(i for i, q in enumerate(questions, start=1) if q.id == "best_thing")
    typed = "a" * letters + "\N{GRINNING FACE}" * emoji
    response = post_form(pupil, f"/survey/q/{number}", {"answer": typed})
    assert (response.status_code == 400) is refused
    assert (run(DraftAnswer.count()) == 0) is refused


def test_each_answer_is_saved_when_the_pupil_moves_on_and_resumes(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    for number in range(1, SAFE):
        post_form(pupil, f"/survey/q/{number}", {"skip": "yes"})
    assert (
        post_form(pupil, f"/survey/q/{SAFE}", {"answer": "safe"}, follow_redirects=False).headers[
            "location"
        ]
        == f"/survey/q/{SAFE + 1}"
    )
    post_form(pupil, f"/survey/q/{SAFE + 1}", {"skip": "yes"})
    assert run(DraftAnswer.count()) == SAFE + 1
    # Opening the link again in the same browser (another device starts blank: see
    # test_other_devices.py).
    pupil.get(issued.path)
    resumed = pupil.get("/survey", follow_redirects=False)
    assert resumed.headers["location"] == f"/survey/q/{SAFE + 2}", "resumes at the first unanswered"
    first = BeautifulSoup(pupil.get(f"/survey/q/{SAFE}").text, "html.parser")
    assert first.select_one("#answer-safe").has_attr("checked"), "earlier answers are kept"


def test_pupil_who_felt_unsafe_is_told_where_to_get_help_at_once(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    moved_on = post_form(pupil, f"/survey/q/{SAFE}", {"answer": "not_safe"}, follow_redirects=False)
    assert moved_on.headers["location"] == f"/survey/help?next=/survey/q/{SAFE + 1}"
    help_page = BeautifulSoup(pupil.get(moved_on.headers["location"]).text, "html.parser")
    text = help_page.select_one("main").get_text()
    assert "0800 1111" in text and "999" in text and "keep children safe" in text
    assert help_page.select_one("a#carry-on")["href"] == f"/survey/q/{SAFE + 1}"
    alert = run(SafeguardingAlert.select(SafeguardingAlert.question_id).first())
    assert alert == {"question_id": "felt_safe"}, "the alert exists before the survey is finished"
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    assert run(Response.select(Response.needs_follow_up).first())["needs_follow_up"] is True
    assert run(SafeguardingAlert.count()) == 1


def test_older_pupils_check_and_change_answers_before_sending(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    older = issue_for_year(world, settings, clock, year_group=8, reference="OAK-8")
    pupil.get(older.path)
    for number in range(1, OLDER_COUNT + 1):
        post_form(pupil, f"/survey/q/{number}", {"skip": "yes"})
    post_form(pupil, f"/survey/q/{OLDER_SAFE}", {"answer": "safe"})
    check = BeautifulSoup(pupil.get("/survey/check").text, "html.parser")
    assert check.h1.get_text(strip=True) == "Check your answers, then send them"
    rows = check.select(".govuk-summary-list__row")
    safe_row = rows[OLDER_SAFE - 1]
    assert safe_row.select_one(".govuk-summary-list__value").get_text(strip=True) == "Safe"
    assert rows[OLDER_SAFE].select_one(".govuk-summary-list__value").get_text(strip=True) == (
        "Skipped"
    )
    change = safe_row.select_one("a")["href"]
    assert change == f"/survey/q/{OLDER_SAFE}?change=yes"
    form = BeautifulSoup(pupil.get(change).text, "html.parser")
    assert form.select_one('input[name="returning"]')["value"] == "yes"
    back = post_form(
        pupil,
        f"/survey/q/{OLDER_SAFE}",
        {"answer": "very_safe", "returning": "yes"},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/survey/check"


def test_htmx_requests_are_told_the_new_address(pupil: Any, issued: Issued) -> None:
    pupil.get(issued.path)
    response = pupil.get("/survey/q/2", headers={"HX-Request": "true"})
    assert response.headers["hx-push-url"] == "/survey/q/2"


HTMX = {"HX-Request": "true"}


def test_with_javascript_the_answer_post_returns_the_next_question(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    response = post_form(pupil, "/survey/q/1", {"answer": "safe"}, headers=HTMX)
    assert response.status_code == 200, "no redirect: the next question comes straight back"
    assert response.headers["hx-push-url"] == "/survey/q/2"
    soup = BeautifulSoup(response.text, "html.parser")
    assert "Question 2 of" in soup.select_one(".app-progress").get_text()
    assert soup.title.get_text().startswith(heading(response)), "the title names the question"
    assert soup.select_one("form")["action"] == "/survey/q/2"
    assert run(DraftAnswer.count()) == 1


def test_without_javascript_the_answer_post_redirects_to_the_next_question(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    response = post_form(pupil, "/survey/q/1", {"answer": "safe"}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/survey/q/2"
    assert "hx-push-url" not in response.headers


def test_with_javascript_the_next_question_shows_its_saved_answer(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    post_form(pupil, "/survey/q/1", {"answer": "safe"})
    post_form(pupil, "/survey/q/2", {"answer": "dont_know"})
    back_to_first = post_form(pupil, "/survey/q/1", {"answer": "safe"}, headers=HTMX)
    soup = BeautifulSoup(back_to_first.text, "html.parser")
    assert soup.select_one("#answer-dont_know").has_attr("checked"), "question 2 as answered"


def test_with_javascript_a_pupil_who_felt_unsafe_still_gets_help_at_once(
    pupil: Any, issued: Issued
) -> None:
    pupil.get(issued.path)
    response = post_form(pupil, f"/survey/q/{SAFE}", {"answer": "not_safe"}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["hx-push-url"] == f"/survey/help?next=/survey/q/{SAFE + 1}"
    soup = BeautifulSoup(response.text, "html.parser")
    assert "0800 1111" in soup.select_one("main").get_text()
    assert soup.select_one("a#carry-on")["href"] == f"/survey/q/{SAFE + 1}"
    assert run(SafeguardingAlert.count()) == 1


def test_with_javascript_the_last_answer_shows_the_check_page_with_it(
    pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    older = issue_for_year(world, settings, clock, year_group=8, reference="OAK-8")
    pupil.get(older.path)
    for number in range(1, OLDER_COUNT):
        post_form(pupil, f"/survey/q/{number}", {"skip": "yes"})
    last = post_form(pupil, f"/survey/q/{OLDER_COUNT}", {"answer": "Cooking"}, headers=HTMX)
    assert last.headers["hx-push-url"] == "/survey/check"
    soup = BeautifulSoup(last.text, "html.parser")
    assert soup.h1.get_text(strip=True) == "Check your answers, then send them"
    answers = soup.select(".govuk-summary-list__value")
    assert answers[-1].get_text(strip=True) == "Cooking", "the answer just given is on it"


def test_with_javascript_a_refused_answer_stays_at_its_address(pupil: Any, issued: Issued) -> None:
    pupil.get(issued.path)
    response = post_form(pupil, f"/survey/q/{SAFE}", {"answer": "ecstatic"}, headers=HTMX)
    assert response.status_code == 400
    assert "hx-push-url" not in response.headers, "no new history entry for an error"


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
    complete_survey(pupil, issued.path, "end_years_4_6", {"felt_safe": "safe"})
    row = run(Response.select(Response.questionnaire_id, Response.questionnaire_version).first())
    assert row == {"questionnaire_id": "end_years_4_6", "questionnaire_version": 2}


def test_right_codes_never_count_towards_the_limit(
    pupil: Any, issued: Issued, settings: Any
) -> None:
    for _ in range(settings.lookup_failure_limit + 5):
        response = post_form(pupil, "/code", {"code": issued.code}, follow_redirects=False)
        assert response.status_code == 302

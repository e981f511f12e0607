"""The pupil's pages as a child meets them: what the opening page tells them before they start,
a last page that says what it is for (and is short), Listen and the band's text size on every
page. (Browser checks of the same pages are in tests/browser/test_pupil_pages.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from questionnaires.bands import END_QUESTIONNAIRE
from questionnaires.before_start import before_start
from questionnaires.loader import current
from questionnaires.timing import (
    CHECK_PAGE_WORDS,
    DONT_KNOW_DIVIDER_WORDS,
    START_BUTTON_WORDS,
    TEXT_PAGE_WORDS,
    WORD,
)
from tests.world import Clock, World, issue_for_year, post_form

YEAR_IN_BAND = {"years_4_6": 5, "years_7_9": 8, "years_10_11": 10}


def soup_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def pupil_in(app: Any, world: World, settings: Any, clock: Clock) -> Any:
    """Open a survey for a pupil in a band; returns their browser (a test client)."""
    clients: list[TestClient[Any]] = []

    def opened(band: str) -> Any:
        issued = issue_for_year(world, settings, clock, year_group=YEAR_IN_BAND[band])
        client: TestClient[Any] = TestClient(app, base_url="http://testserver.local")
        client.__enter__()
        clients.append(client)
        client.get(issued.path)
        return client

    yield opened
    for client in clients:
        client.__exit__(None, None, None)


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_opening_page_says_answers_are_saved_and_to_answer_out_of_staff_sight(
    band: str, pupil_in: Any
) -> None:
    soup = soup_of(pupil_in(band).get("/survey"))
    main = soup.select_one("main")
    assert main is not None
    words = main.get_text(" ", strip=True)
    assert "Each answer is saved as you go." in words
    assert "staff from the place you went to cannot see your screen" in words
    # Both come before the Start button, so a pupil who taps it at once has read them.
    start = main.select_one("a.govuk-button--start")
    assert start is not None and start.get_text(strip=True) == "Start"
    before_start = " ".join(
        element.get_text(" ", strip=True) for element in start.find_all_previous(["p", "li"])
    )
    assert "saved as you go" in before_start and "cannot see your screen" in before_start


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_last_page_says_check_then_send_and_is_short(band: str, pupil_in: Any) -> None:
    client = pupil_in(band)
    questionnaire = current(END_QUESTIONNAIRE[band])
    # The first question with answers to choose (version 2 opens with a warm-up to write in).
    at = next(n for n, q in enumerate(questionnaire.questions) if q.options)
    first, second = questionnaire.questions[at], questionnaire.questions[at + 1]
    post_form(client, f"/survey/q/{at + 1}", {"answer": first.options[0].value})
    post_form(client, f"/survey/q/{at + 2}", {"skip": "yes"})
    soup = soup_of(client.get("/survey/check"))
    assert soup.h1 is not None
    assert soup.h1.get_text(strip=True) == "Check your answers, then send them"
    main = soup.select_one("main")
    assert main is not None
    total = len(questionnaire.questions)
    assert main.select_one("#answered").get_text(strip=True) == (
        f"You answered 1 of {total} questions."
    )
    assert "Sending them tells us you have finished" in main.get_text(" ", strip=True)
    # Every answer can be seen and changed, folded away so the page is not a wall of text.
    folded = main.select_one("details")
    assert folded is not None
    assert folded.select_one("summary").get_text(strip=True) == "See or change your answers"
    rows = folded.select(".govuk-summary-list__row")
    assert len(rows) == total
    assert rows[at].select_one("dd").get_text(strip=True) == first.options[0].label
    assert rows[at + 1].select_one("dd").get_text(strip=True) == "Skipped"
    assert rows[at + 1].select_one("a")["href"] == f"/survey/q/{at + 2}?change=yes"
    # The question as the pupil read it: the words before any place or dates filled in.
    assert second.text.split("{")[0].strip() in rows[at + 1].get_text()
    folded.decompose()
    unfolded_words = main.get_text(" ", strip=True).split()
    assert len(unfolded_words) <= 40, " ".join(unfolded_words)
    assert main.select_one("button[type=submit]").get_text(strip=True) == "Send my answers"


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_every_page_of_the_survey_has_listen_and_its_band(band: str, pupil_in: Any) -> None:
    client = pupil_in(band)
    questionnaire = current(END_QUESTIONNAIRE[band])
    pages = {"opening": client.get("/survey")}
    for number in range(1, len(questionnaire.questions) + 1):
        pages[f"question {number}"] = client.get(f"/survey/q/{number}")
    pages["help"] = client.get("/survey/help?next=/survey/q/2")
    pages["check"] = client.get("/survey/check")
    post_form(client, "/survey/send", {})
    pages["thanks"] = client.get("/survey/thanks")
    for name, response in pages.items():
        assert response.status_code == 200, name
        soup = soup_of(response)
        listen = soup.select("button[data-listen]")
        assert len(listen) == 1, f"{name}: one Listen button"
        assert listen[0].get_text(strip=True) == "Listen"
        assert listen[0]["data-listen"] == "main-content" and soup.select_one("#main-content")
        assert soup.body is not None
        assert f"app-band-{band}" in soup.body["class"], name


def test_a_text_question_carries_its_counter_words_in_plain_english(pupil_in: Any) -> None:
    client = pupil_in("years_4_6")
    questionnaire = current(END_QUESTIONNAIRE["years_4_6"])
    number, question = next(
        (n, q) for n, q in enumerate(questionnaire.questions, start=1) if q.kind == "text"
    )
    soup = soup_of(client.get(f"/survey/q/{number}"))
    counter = soup.select_one(".govuk-character-count")
    assert counter is not None
    under_the_limit = counter["data-i18n.characters-under-limit.other"]
    assert under_the_limit == "You can write %{count} more letters"
    assert soup.select_one("#answer-info").get_text(strip=True) == (
        f"You can write up to {question.max_length} letters."
    )


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_a_question_to_write_in_shows_its_own_hint(band: str, pupil_in: Any) -> None:
    # Found from outside: the general "write as much as you like" line replaced every text
    # question's own hint, so "Like cooking, sport or maths." never reached a pupil.
    client = pupil_in(band)
    questionnaire = current(END_QUESTIONNAIRE[band])
    number, question = next(
        (n, q) for n, q in enumerate(questionnaire.questions, 1) if q.kind == "text" and q.hint
    )
    page = soup_of(client.get(f"/survey/q/{number}"))
    hint = page.select_one("#answer-hint .app-question-hint")
    assert hint is not None
    assert hint.get_text(strip=True).startswith(question.hint.split("{")[0].strip())


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_time_on_the_opening_page_counts_every_word_a_page_to_write_in_shows(
    band: str, pupil_in: Any
) -> None:
    # The "about N minutes" a pupil is told counts the words each page shows besides the
    # question (questionnaires/timing.py): if this page says more, the figure must say so too.
    client = pupil_in(band)
    questionnaire = current(END_QUESTIONNAIRE[band])
    number = next(n for n, q in enumerate(questionnaire.questions, 1) if q.kind == "text")
    page = soup_of(client.get(f"/survey/q/{number}"))
    hint = page.select_one("#answer-hint")
    assert hint is not None
    own = hint.select_one(".app-question-hint")
    if own is not None:
        own.decompose()
    shown = hint.get_text(" ", strip=True) + " " + page.select_one("#answer-info").get_text()
    assert len(WORD.findall(shown)) == TEXT_PAGE_WORDS


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_time_counts_the_or_before_i_dont_know(band: str, pupil_in: Any) -> None:
    client = pupil_in(band)
    questionnaire = current(END_QUESTIONNAIRE[band])
    number = next(
        n
        for n, q in enumerate(questionnaire.questions, 1)
        if any(o.value == "dont_know" for o in q.options)
    )
    page = soup_of(client.get(f"/survey/q/{number}"))
    dividers = [d.get_text(strip=True) for d in page.select(".govuk-radios__divider")]
    assert len(WORD.findall(" ".join(dividers))) == DONT_KNOW_DIVIDER_WORDS


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_time_counts_the_lines_above_the_start_button_as_the_page_shows_them(
    band: str, pupil_in: Any
) -> None:
    # The opening page's lines above Start come from the questionnaire, so the "about N
    # minutes" in its first paragraph counts exactly what the pupil reads there.
    client = pupil_in(band)
    page = soup_of(client.get("/survey"))
    shown = [li.get_text(" ", strip=True) for li in page.select("#before-you-start li")]
    questionnaire = current(END_QUESTIONNAIRE[band])
    assert shown == before_start(questionnaire, still_there=False)
    assert "place you went to" in shown[-1]
    start = page.select_one("a.govuk-button--start")
    assert start is not None
    assert len(WORD.findall(start.get_text())) == START_BUTTON_WORDS


@pytest.mark.parametrize("band", list(YEAR_IN_BAND))
def test_the_time_counts_the_check_page_as_a_pupil_reads_it(band: str, pupil_in: Any) -> None:
    # Every survey but a check-in ends on the check page; its words are on the way to sending.
    client = pupil_in(band)
    assert current(END_QUESTIONNAIRE[band]).check_page
    page = soup_of(client.get("/survey/check"))
    main = page.select_one("main")
    assert main is not None
    folded = main.select_one(".govuk-details__text")
    if folded is not None:
        folded.decompose()  # the answers, folded away until the pupil opens them
    for hidden in main.select(".govuk-visually-hidden"):
        hidden.decompose()
    assert len(WORD.findall(main.get_text(" "))) == CHECK_PAGE_WORDS

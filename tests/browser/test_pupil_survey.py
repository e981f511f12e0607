"""The pupil's survey in real Chromium: keyboard, no JavaScript, axe, target sizes, page weight."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from questionnaires.bands import END_QUESTIONNAIRE, band_for
from questionnaires.loader import current
from questionnaires.placeholders import for_pupil
from questionnaires.schema import Questionnaire
from survey_app.db.tables import Placement, Response
from tests.browser.checks import axe_violations, small_targets
from tests.world import Clock, World, issue_for_year, run

BANDS = {"years_4_6": 5, "years_7_9": 8, "years_10_11": 10}
ARTIFACTS = Path(os.environ.get("SURVEY_TEST_ARTIFACTS", "test-artifacts"))


def open_survey(
    page: Any, live_server: str, world: World, settings: Any, clock: Clock, year: int
) -> Any:
    issued = issue_for_year(world, settings, clock, year_group=year, reference=f"KB-{year}")
    page.goto(f"{live_server}{issued.path}")
    return as_the_pupil_reads_it(END_QUESTIONNAIRE[band_for(year)], f"KB-{year}")


def as_the_pupil_reads_it(questionnaire_id: str, reference: str) -> Questionnaire:
    """The questionnaire with the placement's place and months filled, as its pages show it."""
    placement = run(
        Placement.select(
            Placement.provider.name.as_alias("place"), Placement.start_date, Placement.ended_on
        )
        .where(Placement.pupil_reference == reference)
        .first()
    )
    return for_pupil(
        current(questionnaire_id),
        placement["place"],
        placement["start_date"],
        placement["ended_on"],
    )


def answer_and_continue(page: Any, selector: str | None, number: int) -> None:
    """Choose an answer (or none) and continue, waiting until question ``number + 1`` shows."""
    if selector:
        page.check(selector)
    page.click("button:has-text('Continue')")
    page.wait_for_function("n => !document.body.innerText.includes(`Question ${n} of`)", arg=number)


def tab_to(page: Any, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element shows this text (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || document.activeElement.value || '').trim()"
        )
        if focused == text:
            return
    raise AssertionError(f"could not reach {text!r} with the Tab key")


#: Resolves once htmx has swapped in and settled the next page.
SETTLED_PROMISE = """() => { window.settled = new Promise((done) =>
  document.body.addEventListener("htmx:afterSettle", done, { once: true })); }"""


@pytest.mark.parametrize("band", list(BANDS))
def test_complete_a_survey_with_only_the_keyboard(
    band: str, live_server: str, world: World, settings: Any, clock: Clock, phone: Any
) -> None:
    questionnaire = open_survey(phone, live_server, world, settings, clock, BANDS[band])
    tab_to(phone, "Start")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/survey/q/1")  # a full page load: its scripts have run
    for number, question in enumerate(questionnaire.questions, start=1):
        phone.wait_for_selector(f"text=Question {number} of {len(questionnaire.questions)}")
        if question.kind == "choice":
            phone.keyboard.press("Tab")  # from the heading to the first radio (after Back link)
            while phone.evaluate("document.activeElement.name") != "answer":
                phone.keyboard.press("Tab")
            phone.keyboard.press("Space")
        else:
            while phone.evaluate("document.activeElement.name") != "answer":
                phone.keyboard.press("Tab")
            phone.keyboard.type("It was good")
        tab_to(phone, "Continue")
        # Wait for htmx to settle the page it swaps in: only then are the new form's handlers
        # attached. A keyboard faster than that posts the plain form instead (it still works,
        # as a full page load) and the test would be racing htmx rather than checking focus.
        phone.evaluate(SETTLED_PROMISE)
        phone.keyboard.press("Enter")
        phone.evaluate("window.settled")
        if number < len(questionnaire.questions) and question.id != "talk_to_someone":
            phone.wait_for_selector(f"text=Question {number + 1} of")
            focused = phone.evaluate("document.activeElement.tagName")
            assert focused == "H1", "after the swap, focus is on the new question's heading"
            following = questionnaire.questions[number].text
            assert phone.title().startswith(following), "the title names the new question"
            assert phone.url.endswith(f"/survey/q/{number + 1}"), "the address follows"
        if question.id == "talk_to_someone" or phone.url.find("/survey/help") >= 0:
            phone.wait_for_url("**/survey/help**")
            tab_to(phone, "Carry on")
            # "Carry on" is a plain link: a full page load. Wait for its load event (its
            # scripts have run), or the next Continue is pressed before htmx is there.
            with phone.expect_navigation(wait_until="load"):
                phone.keyboard.press("Enter")
    phone.wait_for_url("**/survey/check")
    tab_to(phone, "Send my answers")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/survey/thanks")
    assert phone.inner_text("h1") == "Thank you"
    assert run(Response.count()) == 1


def test_each_answer_with_javascript_on_is_one_request_and_back_still_works(
    live_server: str, world: World, settings: Any, clock: Clock, phone: Any
) -> None:
    questionnaire = open_survey(phone, live_server, world, settings, clock, 5)
    phone.click("text=Start")
    phone.wait_for_url("**/survey/q/1")
    requests: list[str] = []
    phone.on(
        "request",
        lambda r: (
            requests.append(f"{r.method} {urlparse(r.url).path}")
            if r.resource_type in ("document", "fetch", "xhr")
            else None
        ),
    )
    first_three = questionnaire.questions[:3]
    for number, question in enumerate(first_three, start=1):
        requests.clear()
        if question.kind == "text":
            phone.fill("#answer", "Cooking")
            answer_and_continue(phone, None, number)
        else:
            calm = next(o for o in question.options if not o.safeguarding)
            answer_and_continue(phone, f"#answer-{calm.value}", number)
        phone.wait_for_url(f"**/survey/q/{number + 1}")
        assert requests == [f"POST /survey/q/{number}"], "the answer's response is the next page"
        assert phone.evaluate("document.activeElement.tagName") == "H1"
    phone.go_back()
    phone.wait_for_url("**/survey/q/3")
    phone.wait_for_selector("text=Question 3 of")
    phone.go_back()
    phone.wait_for_url("**/survey/q/2")
    phone.wait_for_selector("text=Question 2 of")
    second = next(o for o in first_three[1].options if not o.safeguarding)
    assert phone.is_checked(f"#answer-{second.value}"), "back shows the answer as saved"


def test_complete_a_survey_with_javascript_off(
    live_server: str, world: World, settings: Any, clock: Clock, phone_no_js: Any
) -> None:
    page = phone_no_js
    questionnaire = open_survey(page, live_server, world, settings, clock, 8)
    page.click("text=Start")
    for question in questionnaire.questions:
        if question.kind == "choice":
            page.check(f"#answer-{question.options[0].value}")
        else:
            page.fill("#answer", "Good")
        with page.expect_navigation():
            page.click("button:has-text('Continue')")
        if "/survey/help" in page.url:
            with page.expect_navigation():
                page.click("a.govuk-button:has-text('Carry on')")
    page.wait_for_url("**/survey/check")
    with page.expect_navigation():
        page.click("text=Send my answers")
    assert page.inner_text("h1") == "Thank you"
    assert run(Response.count()) == 1


def test_closing_midway_resumes_at_the_first_unanswered_question(
    live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5, reference="RS-5")
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    page = phone.new_page()
    page.goto(f"{live_server}{issued.path}")
    page.click("text=Start")
    questions = current("end_years_4_6").questions
    for number in range(1, 4):
        chosen = "#answer-dont_know" if questions[number - 1].kind == "choice" else None
        answer_and_continue(page, chosen, number)
    page.wait_for_url("**/survey/q/4")
    page.close()  # the pupil closes the tab; the phone's browser keeps its cookie

    page = phone.new_page()
    page.goto(f"{live_server}{issued.path}")
    assert page.url.endswith("/survey/q/4")
    assert "Question 4 of" in page.inner_text("main")

    # Another device (a fresh browser, as a provider's tablet would be) starts from the
    # beginning and shows none of the pupil's saved answers.
    other = browser.new_context(viewport={"width": 360, "height": 740})
    elsewhere = other.new_page()
    elsewhere.goto(f"{live_server}{issued.path}")
    assert not elsewhere.url.endswith("/survey/q/4")
    elsewhere.goto(f"{live_server}/survey/q/1")
    assert elsewhere.locator("input[name=answer]:checked").count() == 0
    other.close()
    phone.close()


def test_double_sending_gives_one_response(
    live_server: str, world: World, settings: Any, clock: Clock, phone: Any
) -> None:
    open_survey(phone, live_server, world, settings, clock, 5)
    phone.click("text=Start")
    answer_and_continue(phone, None, 1)  # the warm-up, skipped by continuing with no answer
    phone.goto(f"{live_server}/survey/check")
    statuses = phone.evaluate(
        """async () => {
          const body = new URLSearchParams(new FormData(document.querySelector('form')));
          const send = () => fetch('/survey/send', {method: 'POST', body, redirect: 'manual'});
          const results = await Promise.all([send(), send(), send()]);
          return results.map(r => r.type === 'opaqueredirect' ? 302 : r.status);
        }"""
    )
    assert statuses == [302, 302, 302]
    phone.click("text=Send my answers")
    phone.wait_for_selector("h1:has-text('Thank you')")
    assert run(Response.count()) == 1


def walk_survey(page: Any, questionnaire: Any, visit: Any) -> int:
    """Go through every page of a band's survey (with an error state and the help page),
    calling ``visit(name)`` on each before leaving it; returns how many pages were visited."""
    visited = 0

    def seen(name: str) -> None:
        nonlocal visited
        visited += 1
        visit(name)

    seen("start")
    page.click("a.govuk-button:has-text('Start')")
    total = len(questionnaire.questions)
    for number, question in enumerate(questionnaire.questions, start=1):
        page.wait_for_selector(f"text=Question {number} of {total}")
        seen(f"q{number}")
        if question.id == "best_thing":
            page.fill("#answer", "x" * (question.max_length + 1))
            page.click("button:has-text('Continue')")
            page.wait_for_selector(".govuk-error-summary")
            seen(f"q{number}-error")
            page.fill("#answer", "Good")
        elif question.kind == "choice":
            choice = "not_safe" if question.id == "felt_safe" else question.options[0].value
            page.check(f"#answer-{choice}")
        page.click("button:has-text('Continue')")
        page.wait_for_function(
            "n => !document.body.innerText.includes(`Question ${n} of`)", arg=number
        )
        if "/survey/help" in page.url:
            seen("help")
            page.click("a.govuk-button:has-text('Carry on')")
    page.wait_for_selector("h1:has-text('Check your answers, then send them')")
    seen("check")
    page.click("button:has-text('Send my answers')")
    page.wait_for_selector(".govuk-panel__title")
    seen("thanks")
    return visited


@pytest.mark.parametrize("band", list(BANDS))
def test_every_page_passes_axe_and_has_big_enough_targets(
    band: str, live_server: str, world: World, settings: Any, clock: Clock, checker: Any
) -> None:
    page = checker
    questionnaire = open_survey(page, live_server, world, settings, clock, BANDS[band])
    problems: dict[str, list[str]] = {}

    def check(name: str) -> None:
        for width, height in ((1280, 900), (360, 740)):
            page.set_viewport_size({"width": width, "height": height})
            if found := axe_violations(page) + small_targets(page):
                problems[f"{name}@{width}px"] = found
        # 320 CSS px is what a 640px-wide window shows at 200% zoom: nothing may scroll sideways.
        page.set_viewport_size({"width": 320, "height": 640})
        if page.evaluate("document.documentElement.scrollWidth") > 320:
            problems[f"{name}@320px"] = ["the page scrolls sideways"]
        page.set_viewport_size({"width": 360, "height": 740})

    visited = walk_survey(page, questionnaire, check)
    assert visited >= len(questionnaire.questions) + 4, "start, an error, help, check and thanks"
    assert problems == {}


def test_public_pages_and_error_states_pass_axe(live_server: str, checker: Any) -> None:
    page = checker
    problems = {}
    for path in [
        "/",
        "/code",
        "/accessibility",
        "/privacy",
        "/privacy/staff",
        "/s/not-a-token",
        "/staff/sign-in",
        "/staff/password-reset",
    ]:
        page.goto(f"{live_server}{path}")
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            found = axe_violations(page) + small_targets(page)
            if found:
                problems[f"{path}@{width}"] = found
    page.goto(f"{live_server}/code")
    page.click("button:has-text('Continue')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null"), (
        "the error summary takes focus"
    )
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        if found := axe_violations(page) + small_targets(page):
            problems[f"/code error@{width}"] = found
    assert problems == {}


def test_listen_reads_the_question_in_british_english_only_when_tapped(
    live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5, reference="LS-5")
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(
        "window.__spoken = [];"
        "window.speechSynthesis.speak = u => window.__spoken.push([u.lang, u.text]);"
    )
    page = context.new_page()
    page.goto(f"{live_server}{issued.path}")
    page.click("text=Start")
    page.wait_for_selector("button:has-text('Listen')")
    assert page.evaluate("window.__spoken") == [], "never autoplay"
    page.click("button:has-text('Listen')")
    spoken = page.evaluate("window.__spoken")
    assert spoken[0][0] == "en-GB" and "What did you do at" in spoken[0][1]
    context.close()

    without = browser.new_context(viewport={"width": 360, "height": 740})
    without.add_init_script(
        "delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;"
    )
    page = without.new_page()
    page.goto(f"{live_server}{issued.path}")
    page.goto(f"{live_server}/survey/q/1")
    assert not page.is_visible("button:has-text('Listen')"), "absent where speech is not available"
    without.close()


def test_page_weight_and_no_third_party_requests(
    live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    issued = issue_for_year(world, settings, clock, year_group=5, reference="PW-5")
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: dict[str, int] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]),
    )

    page.goto(f"{live_server}{issued.path}")
    page.goto(f"{live_server}/survey/q/1")  # the first question, with a cold cache
    page.wait_for_load_state("networkidle")
    first_question = sum(received.values())
    received.clear()
    page.fill("#answer", "Cooking")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("text=Question 2 of")
    page.wait_for_load_state("networkidle")
    later_question = sum(received.values())
    context.close()

    report = ARTIFACTS / "page-weight.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        f"first question page, all assets, cold cache: {first_question} bytes on the wire\n"
        f"next question page: {later_question} bytes on the wire\n"
    )
    print(report.read_text())
    assert first_question < 75 * 1024
    assert later_question < 10 * 1024
    assert hosts == {urlparse(live_server).netloc}, hosts


@pytest.mark.parametrize("band", list(BANDS))
def test_screenshot_each_bands_first_question(
    band: str, live_server: str, world: World, settings: Any, clock: Clock, phone: Any
) -> None:
    open_survey(phone, live_server, world, settings, clock, BANDS[band])
    phone.click("text=Start")
    phone.wait_for_selector("text=Question 1 of")
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(shots / f"{band}-question-1-360px.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling"

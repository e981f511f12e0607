"""The pupil's pages in Chromium on a small phone: the Start button in view, larger text for the
youngest, and Listen on every page reading what a sighted pupil sees, once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_pupil_survey import (
    ARTIFACTS,
    BANDS,
    answer_and_continue,
    open_survey,
    walk_survey,
)
from tests.world import Clock, World

#: A cheap phone's screen: 360 CSS pixels wide, 640 tall.
PHONE = {"width": 360, "height": 640}

#: Replaces the browser's voice with a list of what it was asked to say.
CAPTURE_SPEECH = (
    "window.__spoken = [];"
    "window.speechSynthesis.speak = u => window.__spoken.push([u.lang, u.text]);"
)


@pytest.mark.parametrize("band", list(BANDS))
def test_the_start_button_is_in_view_without_scrolling_on_a_small_phone(
    band: str, live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    open_survey(page, live_server, world, settings, clock, BANDS[band])
    page.wait_for_selector("button:has-text('Listen')")  # the header as it is with scripts on
    box = page.locator("a.govuk-button--start").bounding_box()
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{band}-opening-360x640.png"))
    context.close()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


def font_size(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


def questionnaire_of(year: int) -> Any:
    """The end-of-placement questionnaire a pupil in this year group is given."""
    from questionnaires.bands import END_QUESTIONNAIRE, band_for
    from questionnaires.loader import current

    return current(END_QUESTIONNAIRE[band_for(year)])


def test_years_4_to_6_read_larger_text_than_older_pupils(
    live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    sizes: dict[str, dict[str, float]] = {}
    for band, year in BANDS.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        open_survey(page, live_server, world, settings, clock, year)
        opening = font_size(page, "main .govuk-body")
        page.click("a.govuk-button--start")
        page.wait_for_selector("text=Question 1 of")
        # The first question with answers to choose (version 2 opens with one to write in).
        choice = next(n for n, q in enumerate(questionnaire_of(year).questions, 1) if q.options)
        page.goto(f"{live_server}/survey/q/{choice}")
        sizes[band] = {"opening": opening, "answers": font_size(page, ".govuk-radios__label")}
        context.close()
    for older in ("years_7_9", "years_10_11"):
        for where in ("opening", "answers"):
            # At least 2 CSS pixels more: a difference a child (and their teacher) can see.
            assert sizes["years_4_6"][where] >= sizes[older][where] + 2, sizes


@pytest.mark.parametrize("band", list(BANDS))
def test_listen_on_every_page_reads_what_a_sighted_pupil_sees_once(
    band: str, live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(CAPTURE_SPEECH)
    page = context.new_page()
    questionnaire = open_survey(page, live_server, world, settings, clock, BANDS[band])
    heard: dict[str, list[str]] = {}

    def listen(name: str) -> None:
        button = page.locator("button:has-text('Listen')")
        assert button.is_visible(), f"{name}: Listen is there"
        lines = page.evaluate(
            "() => learnerVoice.listenText(document.getElementById('main-content'))"
        ).split("\n")
        button.click()
        spoken = page.evaluate("window.__spoken.pop()")
        assert spoken[0] == "en-GB"
        heading = page.inner_text("main h1").strip()
        assert lines.count(heading) == 1 or heading in spoken[1], f"{name}: the heading is read"
        assert len(lines) == len(set(lines)), f"{name}: a line is read twice: {lines}"
        for line in lines:
            assert line.rstrip(".") in spoken[1], f"{name}: {line!r} is spoken"
        heard[name] = lines

    walk_survey(page, questionnaire, listen)
    context.close()

    # The start page, with what to know before starting.
    assert "Each answer is saved as you go." in heard["start"]
    # Each text question (and its error): its live counter once, as the pupil sees it, not
    # GOV.UK's hidden copies of it nor the words it shows with scripts off.
    texts = [n for n, q in enumerate(questionnaire.questions, start=1) if q.kind == "text"]
    pages = [name for n in texts for name in (f"q{n}", f"q{n}-error") if name in heard]
    assert len(pages) > len(texts), "an error on a text question was heard too"
    for name in pages:
        counters = [line for line in heard[name] if "letter" in line and "fewer" not in line]
        assert len(counters) == 1, f"{name}: {heard[name]}"
        assert counters[0].startswith(("You can write", "That is")), f"{name}: {heard[name]}"
        assert "up to" not in counters[0], f"{name}: the live counter, not the scripts-off words"
    # Answers the pupil chose between are read; the words only a screen reader gets are not.
    at, first = next((n, q) for n, q in enumerate(questionnaire.questions, 1) if q.options)
    assert all(option.label in heard[f"q{at}"] for option in first.options)
    assert not any(line.startswith("Error:") for lines in heard.values() for line in lines)
    # The help page, the check page (short: the answers stay folded) and the thank-you page.
    assert any("0800 1111" in line for line in heard["help"])
    assert "Check your answers, then send them" in heard["check"]
    assert not any(first.text in line for line in heard["check"]), "folded answers are not read"
    assert any(line == questionnaire.closing.title for line in heard["thanks"])


def test_listen_is_still_there_after_the_back_button(
    live_server: str, world: World, settings: Any, clock: Clock, browser: Any
) -> None:
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(CAPTURE_SPEECH)
    page = context.new_page()
    questionnaire = open_survey(page, live_server, world, settings, clock, BANDS["years_4_6"])
    page.click("a.govuk-button--start")
    page.wait_for_url("**/survey/q/1")
    for number, question in enumerate(questionnaire.questions[:2], start=1):
        calm = next((o for o in question.options if not o.safeguarding), None)
        answer_and_continue(page, f"#answer-{calm.value}" if calm else None, number)
    page.wait_for_selector("text=Question 3 of")
    # htmx keeps no copy of the pages, so Back asks the server for the whole page again,
    # header and Listen button included.
    page.go_back()
    page.wait_for_selector("text=Question 2 of")
    page.click("button:has-text('Listen')")
    spoken = page.evaluate("window.__spoken")
    context.close()
    assert len(spoken) == 1 and questionnaire.questions[1].text in spoken[0][1]

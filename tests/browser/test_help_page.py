"""The help page in real Chromium, in every band: axe at zero, calm colours, Listen, and an
"Exit this page" that leaves at once (button or three presses of Shift) and works without
JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from questionnaires.bands import END_QUESTIONNAIRE, band_for
from questionnaires.loader import current
from tests.browser.checks import axe_violations, small_targets
from tests.browser.test_pupil_survey import ARTIFACTS, BANDS
from tests.world import Clock, World, issue_for_year, question_number

#: Where Exit this page goes (SURVEY_EXIT_PAGE_URL's default); the browser is answered locally.
EXIT_PAGE = "https://www.bbc.co.uk/weather"


def to_help_page(
    page: Any, live_server: str, world: World, settings: Any, clock: Clock, year: int
) -> None:
    """Open a survey in this year group and say "not safe" to the safety question."""
    issued = issue_for_year(world, settings, clock, year_group=year, reference=f"HELP-{year}")
    questionnaire = current(END_QUESTIONNAIRE[band_for(year)])
    number = question_number(questionnaire.id, "felt_safe")
    felt_safe = questionnaire.questions[number - 1]
    unsafe = next(o.value for o in felt_safe.options if o.safeguarding)
    # Tests never leave the machine: the weather page is answered here. The exit link goes
    # through the service first (it ends the pupil's session, then redirects to the weather):
    # that request reaches the real server, which must answer with the redirect.
    weather = "<html lang=en><title>Weather</title><h1>Weather</h1></html>"

    def leave(route: Any) -> None:
        answered = route.fetch(max_redirects=0)
        assert answered.status in (302, 303) and answered.headers["location"] == EXIT_PAGE
        route.fulfill(status=200, content_type="text/html", body=weather)

    page.route(
        f"{EXIT_PAGE}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=weather),
    )
    page.route("**/survey/exit", leave)
    page.goto(f"{live_server}{issued.path}")
    page.click("a.govuk-button:has-text('Start')")
    page.wait_for_url("**/survey/q/1")
    page.goto(f"{live_server}/survey/q/{number}")  # past the warm-up, to the safety question
    page.check(f"#answer-{unsafe}")
    page.click("button:has-text('Continue')")
    page.wait_for_selector("h2:has-text('Talk to someone now')")
    assert "/survey/help" in page.url


@pytest.mark.parametrize("band", list(BANDS))
def test_the_help_page_passes_axe_in_every_band(
    band: str, live_server: str, world: World, settings: Any, clock: Clock, checker: Any
) -> None:
    to_help_page(checker, live_server, world, settings, clock, BANDS[band])
    problems = {}
    for width, height in ((360, 740), (1280, 900)):
        checker.set_viewport_size({"width": width, "height": height})
        if found := axe_violations(checker) + small_targets(checker):
            problems[width] = found
    assert problems == {}
    checker.set_viewport_size({"width": 320, "height": 640})
    assert checker.evaluate("document.documentElement.scrollWidth") <= 320, "no sideways scroll"
    checker.set_viewport_size({"width": 360, "height": 740})
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    checker.screenshot(path=str(shots / f"{band}-help-360px.png"), full_page=True)


def test_the_help_page_is_calm_not_an_error_and_has_listen(
    live_server: str, world: World, settings: Any, clock: Clock, phone: Any
) -> None:
    to_help_page(phone, live_server, world, settings, clock, 5)
    colours = phone.evaluate(
        """() => {
          const probe = document.createElement('p');
          probe.className = 'govuk-error-message';
          document.body.append(probe);
          const error = getComputedStyle(probe).color;
          probe.remove();
          const box = getComputedStyle(document.querySelector('.app-help-now'));
          return {error, borders: [box.borderLeftColor, box.borderTopColor, box.color]};
        }"""
    )
    assert colours["error"] not in colours["borders"], colours
    assert phone.is_visible("button:has-text('Listen')"), "Listen reads the help aloud"
    exit_button = phone.locator(".govuk-exit-this-page__button")
    assert exit_button.is_visible()
    assert exit_button.bounding_box()["y"] < 200, "Exit this page is at the top, seen first"


def test_exit_this_page_leaves_at_once_with_the_button_or_three_shifts(
    live_server: str, world: World, settings: Any, clock: Clock, phone: Any
) -> None:
    to_help_page(phone, live_server, world, settings, clock, 8)
    # With JavaScript, GOV.UK Frontend's component is set up on the page htmx swapped in.
    assert phone.get_attribute(".govuk-exit-this-page", "data-govuk-exit-this-page-init") == ""
    for _ in range(3):
        phone.keyboard.press("Shift")
    phone.wait_for_url("**/survey/exit")
    assert phone.title() == "Weather"


def test_exit_this_page_is_a_plain_link_without_javascript(
    live_server: str, world: World, settings: Any, clock: Clock, phone_no_js: Any
) -> None:
    to_help_page(phone_no_js, live_server, world, settings, clock, 10)
    phone_no_js.click("a:has-text('Exit this page')")
    phone_no_js.wait_for_url("**/survey/exit")
    assert phone_no_js.title() == "Weather"

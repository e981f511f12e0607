"""Report, QA record and safeguarding pages in a real browser: axe-clean, big enough targets,
charts that obey the Content-Security-Policy, and forms that work."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
import pytest

from survey_app.db.tables import SafeguardingAlert
from tests.browser.checks import axe_violations, small_targets
from tests.world import TOTP_SECRETS, Clock, World, give_responses, run

WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}


def sign_in(page: Any, live_server: str, world: World, who: str) -> None:
    email, password = world.logins[who]
    page.goto(f"{live_server}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/mfa")
    page.fill("#code", pyotp.TOTP(TOTP_SECRETS[who]).now())  # the server's real clock
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/placements")


@pytest.fixture
def reported(world: World, settings: Any, clock: Clock) -> None:
    """Two terms of answers, a released comment, and an alert to triage."""
    give_responses(world, settings, clock, 6, when=clock.now - dt.timedelta(days=200), prefix="O")
    give_responses(world, settings, clock, 6, comment="The farm was brilliant.")
    give_responses(world, settings, clock, 5, provider=world.second_provider, answers=WORRIED)
    invitation = run(SafeguardingAlert.raw("SELECT id FROM invitation LIMIT 1"))[0]["id"]
    run(
        SafeguardingAlert.insert(
            SafeguardingAlert(
                invitation=invitation,
                question_id="felt_safe",
                answer_value="not_safe",
                raised_at=clock.now,
            )
        )
    )


def check_pages(page: Any, live_server: str, paths: list[str]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for path in paths:
        page.goto(f"{live_server}{path}")
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            if found := axe_violations(page) + small_targets(page):
                problems[f"{path}@{width}"] = found
        page.set_viewport_size({"width": 320, "height": 640})
        if page.evaluate("document.documentElement.scrollWidth") > 320:
            problems[f"{path}@320"] = ["the page scrolls sideways"]
    return problems


def test_report_and_qa_pages_pass_axe(
    live_server: str, world: World, checker: Any, reported: None
) -> None:
    sign_in(checker, live_server, world, "la_officer")
    problems = check_pages(
        checker,
        live_server,
        [
            f"/staff/providers/{world.provider}",
            f"/staff/providers/{world.provider}/qa",
            "/staff/area",
            f"/staff/schools/{world.school}/report",
        ],
    )
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_safeguarding_pages_pass_axe(
    live_server: str, world: World, checker: Any, reported: None
) -> None:
    sign_in(checker, live_server, world, "safeguarding")
    alert = run(SafeguardingAlert.select(SafeguardingAlert.id).first())["id"]
    problems = check_pages(
        checker,
        live_server,
        ["/staff/safeguarding", f"/staff/safeguarding/{alert}", "/staff/comments"],
    )
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_charts_draw_under_the_content_security_policy(
    live_server: str, world: World, desk: Any, reported: None
) -> None:
    sign_in(desk, live_server, world, "la_officer")
    desk.goto(f"{live_server}/staff/providers/{world.provider}")
    chart = desk.wait_for_selector("svg.app-chart")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert desk.locator("svg.app-chart circle").count() >= 2, "provider and area dots"


def test_an_officer_records_a_visit_with_the_keyboard(
    live_server: str, world: World, desk: Any
) -> None:
    sign_in(desk, live_server, world, "la_officer")
    desk.goto(f"{live_server}/staff/providers/{world.provider}/qa")
    desk.fill("#visited_on", "2026-11-20")
    desk.fill("#officers", "J. Patel")
    desk.fill("#summary", "Routine visit.")
    desk.focus("#learner_voice_discussed")
    desk.keyboard.press("Space")
    desk.fill("#learner_voice_note", "Discussed the safety figures.")
    desk.focus("button:has-text('Record the visit')")
    desk.keyboard.press("Enter")
    desk.wait_for_selector(".app-visit .app-learner-voice")
    assert "Discussed the safety figures." in desk.inner_text(".app-visit")

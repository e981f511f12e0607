"""Correcting a placement in a real browser, with htmx's boost on: the placement page (its
correction forms and history) is axe-clean; a correction and a reissue each land back on the
placement page, whose banner says (once) what changed; and refreshing after a post, or after a
refused one, shows a page, never JSON."""

from __future__ import annotations

from typing import Any

from survey_app.db.tables import Invitation
from tests.browser.checks import axe_violations, small_targets
from tests.browser.test_staff_reports import check_pages, sign_in
from tests.world import Clock, World, issue_for_year, run


def test_an_officer_corrects_a_placement_and_reissues_its_survey(
    live_server: str, world: World, settings: Any, clock: Clock, checker: Any
) -> None:
    issued = issue_for_year(world, settings, clock, reference="BR-1")
    placement_id = run(
        Invitation.select(Invitation.placement).where(Invitation.id == issued.id).first()
    )["placement"]
    url = f"{live_server}/staff/placements/{placement_id}"
    sign_in(checker, live_server, world, "la_officer")
    problems = check_pages(checker, live_server, [f"/staff/placements/{placement_id}"])
    assert problems == {}, problems
    checker.set_viewport_size({"width": 1280, "height": 900})

    checker.goto(url)
    checker.click("#edit")
    checker.wait_for_url("**/edit")
    checker.fill("#hours_per_week", "7.5")
    checker.click("form[action$='/edit'] button[type=submit]")
    checker.wait_for_selector("#history td >> text=7.5")
    assert checker.url == url
    # The banner says what changed, is accessible, and is shown once.
    assert "Hours per week from 6 to 7.5" in checker.locator("#done").inner_text()
    if found := axe_violations(checker):
        raise AssertionError(found)
    checker.reload()
    assert checker.locator("h1").inner_text().startswith("Placement BR-1")
    assert checker.locator("#done").count() == 0

    old_code = checker.locator(".app-short-code").inner_text()
    checker.click("#reissue")
    checker.wait_for_selector("#history td >> text=Survey link and code")
    assert checker.locator(".app-short-code").inner_text() != old_code
    checker.reload()
    assert checker.locator("h1").inner_text().startswith("Placement BR-1")

    # A refused post: the problem is named and accessible, and a refresh is not raw JSON.
    checker.fill("#closes_on", "2020-01-01")
    checker.click("form[action$='/extend'] button[type=submit]")
    checker.wait_for_selector("#closes_on-error")
    if found := axe_violations(checker) + small_targets(checker):
        raise AssertionError(found)
    assert checker.url == url, "the address stays on the page the form is on"
    checker.reload()
    assert "status_code" not in checker.content()
    assert checker.locator("h1").inner_text().startswith("Placement BR-1")

"""The council settings page in a real browser: axe-clean (WCAG 2.2 AA) with big enough targets
as first shown (with its incomplete-notice warning), with every error, and once saved."""

from __future__ import annotations

from typing import Any

from tests.browser.checks import axe_violations, small_targets
from tests.browser.test_staff_reports import check_pages, sign_in
from tests.world import World


def problems_here(page: Any) -> list[str]:
    return axe_violations(page) + small_targets(page)


def test_the_settings_page_passes_axe_empty_with_errors_and_saved(
    live_server: str, world: World, checker: Any
) -> None:
    sign_in(checker, live_server, world, "la_admin")
    problems = check_pages(checker, live_server, ["/staff/settings"])
    assert problems == {}, problems
    checker.goto(f"{live_server}/staff/settings")
    checker.fill("#reminder_days", "seven")
    checker.fill("#disclosure_threshold", "2")
    checker.click("form[action='/staff/settings'] button[type=submit]")
    checker.wait_for_selector("#reminder_days-error")
    assert problems_here(checker) == []
    checker.fill("#reminder_days", "5,12")
    checker.fill("#disclosure_threshold", "")
    checker.fill("#contact_email", "ap@westshire.example")
    checker.fill("#safeguarding_email", "mash@westshire.example")
    checker.fill("#controller", "Westshire Council")
    checker.fill("#dpo_contact", "dpo@westshire.example")
    checker.click("form[action='/staff/settings'] button[type=submit]")
    checker.wait_for_selector(".govuk-notification-banner")
    assert problems_here(checker) == []
    assert checker.input_value("#reminder_days") == "5,12"

""" "You said, we did" in a real browser: the provider's form (blank, and refused by the reading
gate), the LA's review list and entry, and the pupil's opening page showing the published words.
Each is axe-clean (WCAG 2.2 AA) with big enough targets, at desk and phone widths."""

from __future__ import annotations

from typing import Any

from survey_app.db.qa_tables import YouSaid
from tests.browser.checks import axe_violations, small_targets
from tests.browser.test_staff_reports import check_pages, sign_in
from tests.world import Clock, World, issue_start, run


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_writing_reviewing_and_reading_it_pass_axe(
    live_server: str, world: World, settings: Any, clock: Clock, checker: Any
) -> None:
    # A pupil starting at the provider: the start survey's opening page shows the words.
    issued = issue_start(world, settings, clock)
    # The provider's staff (no second step for them).
    email, password = world.logins["provider_staff"]
    checker.goto(f"{live_server}/staff/sign-in")
    checker.fill("#email", email)
    checker.fill("#password", password)
    checker.click("button[type=submit]")
    checker.wait_for_url("**/staff/my-learners")
    problems = check_pages(checker, live_server, ["/staff/you-said", "/staff/you-said/new"])
    assert problems == {}, report(problems)
    checker.set_viewport_size({"width": 1280, "height": 900})
    checker.fill("#you_said", "Learners expressed considerable dissatisfaction with transport.")
    checker.fill("#we_did", "Now the minibus picks up from school.")
    checker.click("button[value=submit]")
    checker.wait_for_selector(".govuk-error-summary")
    if found := axe_violations(checker) + small_targets(checker):
        raise AssertionError(found)
    checker.fill("#you_said", "Pupils here said the journey was too long.")
    checker.click("button[value=submit]")
    checker.wait_for_selector("#done")
    entry_id = run(YouSaid.select(YouSaid.id).first())["id"]

    checker.context.clear_cookies()
    sign_in(checker, live_server, world, "la_officer")
    problems = check_pages(checker, live_server, ["/staff/you-said", f"/staff/you-said/{entry_id}"])
    assert problems == {}, report(problems)
    checker.set_viewport_size({"width": 1280, "height": 900})
    checker.click("button[value=publish]")
    checker.wait_for_selector("#done")
    assert run(YouSaid.select(YouSaid.status).first())["status"] == "published"

    checker.context.clear_cookies()
    checker.goto(f"{live_server}{issued.path}")
    checker.wait_for_selector("#you-said-we-did")
    assert "minibus" in checker.inner_text("#you-said-we-did")
    for width in (1280, 360):
        checker.set_viewport_size({"width": width, "height": 900})
        if found := axe_violations(checker) + small_targets(checker):
            raise AssertionError(found)

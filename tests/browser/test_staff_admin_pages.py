"""The staff administration pages in a real browser: the staff list (two pages of it), the
invitation form (an administrator's and a school contact's), and one person's page, blank and
after a mistake. Each is axe-clean (WCAG 2.2 AA) with big enough targets, at desk and phone
widths."""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.db.staff_tables import StaffUser
from tests.browser.checks import axe_violations, small_targets
from tests.browser.test_staff_reports import check_pages, sign_in
from tests.world import World, run


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in problems.items())


def officer_id() -> int:
    row = run(StaffUser.select(StaffUser.id).where(StaffUser.email == "la_officer@example.test"))
    return int(row[0]["id"])


def test_the_staff_pages_pass_axe(live_server: str, world: World, checker: Any) -> None:
    run(
        StaffUser.insert(
            *[
                StaffUser(
                    email=f"person{n:03d}@westshire.example",
                    password_hash="",
                    role="la_officer",
                    local_authority=world.la,
                    created_at=dt.datetime.now(dt.UTC),
                )
                for n in range(50)
            ]
        )
    )
    sign_in(checker, live_server, world, "la_admin")
    officer = officer_id()
    problems = check_pages(
        checker,
        live_server,
        [
            "/staff/people",
            "/staff/people?page=2",
            "/staff/people/invite",
            f"/staff/people/{officer}",
            "/staff/audit",
            "/staff/people?organisation=school",
            # The chasing page's three lists, one with a bad page number named beside it.
            "/staff/chasing?open_page=zero",
            # The lists' filter forms, with a bad value: the error summary and the field.
            "/staff/people?role=nobody&q=person",
            "/staff/placements?year_group=99&started_from=someday",
            "/staff/outbox?status=sent",
        ],
    )
    assert problems == {}, report(problems)
    # A mistake: the error summary and the field's message must be accessible too.
    checker.goto(f"{live_server}/staff/people/{officer}")
    checker.fill("#password", "not my password")
    checker.click("#reset-second-factor button[type=submit]")
    checker.wait_for_selector("#password-error")
    if found := axe_violations(checker) + small_targets(checker):
        raise AssertionError(found)
    checker.goto(f"{live_server}/staff/people/invite")
    checker.fill("#email", "not an email")
    checker.click("form[action='/staff/people/invite'] button[type=submit]")
    checker.wait_for_selector(".govuk-error-summary")
    if found := axe_violations(checker) + small_targets(checker):
        raise AssertionError(found)


def test_a_school_contacts_invitation_form_passes_axe(
    live_server: str, world: World, checker: Any
) -> None:
    email, password = world.logins["school_contact"]
    checker.goto(f"{live_server}/staff/sign-in")
    checker.fill("#email", email)
    checker.fill("#password", password)
    checker.click("button[type=submit]")
    checker.wait_for_url("**/staff/placements")
    problems = check_pages(checker, live_server, ["/staff/people/invite"])
    assert problems == {}, report(problems)

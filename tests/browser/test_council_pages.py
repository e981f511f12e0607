"""A council's setup pages in a real browser: the invitation, the schools list, adding and
editing a school, the GIAS import and the contact email upload. Each is axe-clean (WCAG 2.2 AA)
with big enough targets, at desk and phone widths, and the uploads work without JavaScript."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from survey_app.accounts.invitations import invite
from survey_app.accounts.scoping import Role
from survey_app.db.tables import School
from tests.browser.checks import axe_violations, small_targets
from tests.browser.test_staff_reports import check_pages, sign_in
from tests.survey_app.organisations.gias_files import Row, gias_csv
from tests.survey_app.organisations.helpers import number_the_authorities
from tests.world import Clock, World, run


def axe_violations_here(page: Any) -> list[str]:
    return axe_violations(page) + small_targets(page)


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_invitation_pages_pass_axe(
    live_server: str, world: World, checker: Any, settings: Any, clock: Clock
) -> None:
    invited = run(
        invite(
            settings,
            email="new-admin@westshire.example",
            role=Role.LA_ADMIN,
            local_authority_id=world.la,
            invited_by=None,
            inviter="your council's IT team",
            # The server runs on the real clock.
            now=dt.datetime.now(dt.UTC),
        )
    )
    path = "/staff/invitation/" + invited.link.rsplit("/", 1)[1]
    problems = check_pages(checker, live_server, [path, "/staff/invitation/not-a-real-one"])
    assert problems == {}, report(problems)
    checker.goto(f"{live_server}{path}")
    checker.fill("#password", "password")
    checker.click("button[type=submit]")
    checker.wait_for_selector("#password-error")
    if found := axe_violations_here(checker):
        raise AssertionError(found)
    checker.fill("#password", "kettle orchard lantern")
    checker.click("button[type=submit]")
    checker.wait_for_url("**/staff/mfa/setup")


def test_the_schools_pages_pass_axe(live_server: str, world: World, checker: Any) -> None:
    number_the_authorities(world)
    run(
        School.insert(
            *[
                School(local_authority=world.la, name=f"School {n:03d}", urn=str(170000 + n))
                for n in range(60)
            ]
        )
    )
    sign_in(checker, live_server, world, "la_admin")
    problems = check_pages(
        checker,
        live_server,
        [
            "/staff/schools",
            "/staff/schools?page=2",
            "/staff/schools/new",
            f"/staff/schools/{world.school}/edit",
            "/staff/schools/import",
            "/staff/schools/emails",
        ],
    )
    assert problems == {}, report(problems)


def test_the_uploads_work_and_their_results_pass_axe_without_javascript(
    live_server: str, world: World, checker: Any, tmp_path: Path
) -> None:
    number_the_authorities(world)
    sign_in(checker, live_server, world, "la_officer")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(gias_csv([Row(urn="13OOO1", name="Letter O School")]))
    good = tmp_path / "edubasealldata.csv"
    good.write_bytes(gias_csv([Row(urn="130001", name="St Mary’s Primary School")]))
    emails = tmp_path / "emails.csv"
    emails.write_bytes(b"URN,email\r\n130001,office@stmarys.example\r\n999999,nobody\r\n")
    for url, file, outcome in (
        ("/staff/schools/import", bad, "#problems"),
        ("/staff/schools/import", good, "#imported"),
        ("/staff/schools/emails", emails, "#problems"),
    ):
        checker.goto(f"{live_server}{url}")
        checker.set_input_files("#file", str(file))
        checker.click("form[enctype] button[type=submit]")
        checker.wait_for_selector(outcome)
        assert axe_violations_here(checker) == [], url
    checker.goto(f"{live_server}/staff/schools")
    assert "St Mary’s Primary School" in checker.inner_text("#schools")


def test_the_provider_register_pages_pass_axe(
    live_server: str, world: World, checker: Any, tmp_path: Path
) -> None:
    sign_in(checker, live_server, world, "la_officer")
    problems = check_pages(
        checker,
        live_server,
        [
            "/staff/providers",
            "/staff/providers?archived=yes",
            "/staff/providers/new",
            f"/staff/providers/{world.provider}/edit",
            "/staff/providers/import",
        ],
    )
    assert problems == {}, report(problems)
    # A register with a mistake: the result page names it, and is axe-clean too.
    register = tmp_path / "register.csv"
    register.write_bytes(
        b"Provider name,Postcode,Insurance expiry\r\nNew Leaf,AB1 2CD,31/13/2026\r\n"
    )
    checker.goto(f"{live_server}/staff/providers/import")
    checker.set_input_files("input[type=file]", str(register))
    checker.click("form[enctype] button[type=submit]")
    checker.wait_for_load_state()
    assert "31/13/2026" in checker.inner_text("main")
    assert axe_violations_here(checker) == []

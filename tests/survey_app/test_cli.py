"""The survey-app command line, as an operator or a cron job would use it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from survey_app.accounts.users import actor_for_api_token, authenticate
from survey_app.cli import main
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import Invitation, LocalAuthority, Placement, Response
from tests.world import World, placement_row, run


def invoke(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


def test_migrate_is_safe_to_repeat() -> None:
    for _ in range(2):
        result = invoke("migrate")
        assert result.exit_code == 0
        assert "database is up to date" in result.output


def test_demo_loads_once_with_every_year_group() -> None:
    first = invoke("demo")
    assert first.exit_code == 0 and "demo data loaded" in first.output
    assert "officer@northshire.example" in first.output
    counts = (run(Placement.count()), run(Invitation.count()), run(Response.count()))
    years = {row["year_group"] for row in run(Placement.select(Placement.year_group))}
    assert years == set(range(4, 12))
    assert counts[1] > 0 and counts[2] > 0
    assert run(Placement.count().where(Placement.ended_on.is_not_null())) > 0
    second = invoke("demo")
    assert "already loaded" in second.output
    assert (run(Placement.count()), run(Invitation.count()), run(Response.count())) == counts
    assert run(LocalAuthority.count()) == 1


def test_demo_provider_login_sees_unsuppressed_figures(settings: Any) -> None:
    from survey_app.ops.demo import DEMO_LOGINS
    from survey_app.reporting.queries import provider_report

    invoke("demo")
    provider_login = DEMO_LOGINS[2]
    actor = run(authenticate(provider_login.email, provider_login.password))
    assert actor is not None and actor.provider_id is not None
    report = run(provider_report(settings, actor, actor.provider_id, dt.datetime.now(dt.UTC)))
    assert report is not None and report.disclosure_controlled
    assert any(not indicator.suppressed for indicator in report.indicators)


def test_dispatch_issues_due_invitations_once(world: World, clock: Any) -> None:
    # The CLI dispatches on the real clock, so the planned ends are relative to today.
    today = dt.datetime.now(dt.UTC).date()
    soon = placement_row(
        world,
        clock,
        pupil_reference="OAK-1",
        ended_on=None,
        planned_end_date=today + dt.timedelta(days=3),
    )
    later = placement_row(
        world,
        clock,
        pupil_reference="OAK-2",
        ended_on=None,
        # Three days in: neither its start survey (ten days in) nor a check-in is due yet.
        start_date=today - dt.timedelta(days=3),
        planned_end_date=today + dt.timedelta(days=90),
    )
    run(Placement.insert(soon, later))
    assert invoke("dispatch").output.splitlines()[0] == "issued 1 invitation"
    assert invoke("dispatch").output.splitlines()[0] == "issued 0 invitations"
    assert run(Invitation.count()) == 1


def test_user_add_reads_the_password_from_stdin(world: World) -> None:
    result = invoke(
        "user",
        "add",
        "--email",
        "New@Council.example",
        "--role",
        "la_officer",
        "--la",
        "E90000001",
        stdin="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    actor = run(authenticate("new@council.example", "a long enough passphrase"))
    assert actor is not None and actor.local_authority_id == world.la
    stored = run(
        StaffUser.select(StaffUser.password_hash)
        .where(StaffUser.email == "new@council.example")
        .first()
    )
    assert stored["password_hash"].startswith("$argon2id$")


def test_user_add_refuses_short_password_and_unknown_la(world: World) -> None:
    short = CliRunner().invoke(
        main,
        ["user", "add", "--email", "a@b.example", "--role", "la_officer", "--la", "E90000001"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    unknown = CliRunner().invoke(
        main,
        ["user", "add", "--email", "a@b.example", "--role", "la_officer", "--la", "E00000000"],
        input="long enough password\n",
    )
    assert unknown.exit_code != 0 and "no local authority" in unknown.output
    assert run(StaffUser.count().where(StaffUser.email == "a@b.example")) == 0


def test_token_add_prints_only_the_token(world: World) -> None:
    result = CliRunner().invoke(main, ["token", "add", "--email", world.logins["la_officer"][0]])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    actor = run(actor_for_api_token(lines[0]))
    assert actor is not None and actor.email == world.logins["la_officer"][0]


def test_demo_la_officer_signs_in_with_the_published_key(client: Any, clock: Any) -> None:
    import pyotp

    from survey_app.ops.demo import DEMO_LOGINS, DEMO_TOTP_SECRET
    from tests.world import post_form

    result = invoke("demo")
    assert DEMO_TOTP_SECRET in result.output
    officer = DEMO_LOGINS[0]
    step = post_form(
        client,
        "/staff/sign-in",
        {"email": officer.email, "password": officer.password},
        follow_redirects=False,
    )
    assert step.headers["location"] == "/staff/mfa"
    code = pyotp.TOTP(DEMO_TOTP_SECRET).at(clock.now)
    done = post_form(client, "/staff/mfa", {"code": code}, follow_redirects=False)
    assert done.headers["location"] == "/staff"


@pytest.mark.no_database
def test_running_the_module_offers_every_command() -> None:
    # `python -m survey_app.cli` once stopped before the placements and pupil groups existed.
    listed = subprocess.run(
        [sys.executable, "-m", "survey_app.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = {
        line.split()[0] for line in listed.split("Commands:")[1].splitlines() if line.strip()
    }
    assert {"placements", "pupil", "user", "token", "backup", "restore", "dispatch"} <= commands

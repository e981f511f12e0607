"""An independent tester's attacks on the running service that got through (or partly), each
written as the safe behaviour it must meet; every one failed before its fix. (The two about
erasure and retention moving a provider's figures are in
reporting/test_differencing_over_time.py.)"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar.testing import TestClient

from survey_app.accounts.scoping import Role
from survey_app.db.tables import DraftAnswer, Provider, ProviderRecord, Response
from tests.world import (
    Clock,
    World,
    issue_for_year,
    post_form,
    run,
    sign_in,
)

#: A day in the summer term 2026: complete, so published, on the suite's clock (23 Nov 2026).
LAST_TERM = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}
WORRIED = {"felt_safe": "not_safe", "overall_rating": "poor"}


def _browser(app: Any) -> TestClient:  # type: ignore[type-arg]
    browser = TestClient(app, base_url="http://testserver.local")
    browser.__enter__()
    return browser


def _attacker_with_a_live_session(app: Any, world: World, settings: Any, clock: Clock) -> Any:
    """The attacker's own browser holding a live session: here a pupil session from a slip's
    short code (an unknown id is cleared by the server on the next page, a live one is not)."""
    issued = issue_for_year(world, settings, clock, year_group=8, reference="ATT-1")
    attacker = _browser(app)
    post_form(attacker, "/code", {"code": issued.code}, follow_redirects=False)
    assert attacker.cookies.get("lv_session") not in (None, "null")
    return attacker


def _victim_with(app: Any, session_id: str) -> Any:
    """The victim's browser, into which the attacker's session id was planted (a shared PC, a
    cookie set from a sibling host on plain HTTP, a moment at an unlocked desk)."""
    victim = _browser(app)
    victim.cookies.set("lv_session", session_id, domain="testserver.local")
    return victim


# --- 1. Session fixation at the half-way point of signing in -------------------------------


def test_a_planted_session_id_does_not_carry_a_half_signed_in_la_officer(
    app: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: anyone who can put a cookie in a colleague's browser (a shared PC, a sibling host).

    The password step stores ``mfa_user_id`` under whatever session id the browser sent; only the
    last step rotates it. Whoever holds the planted id holds the half-signed-in session too.
    """
    attacker = _attacker_with_a_live_session(app, world, settings, clock)
    victim = _victim_with(app, attacker.cookies.get("lv_session"))
    email, password = world.logins["la_officer"]
    response = post_form(
        victim, "/staff/sign-in", {"email": email, "password": password}, follow_redirects=False
    )
    assert response.headers["location"] == "/staff/mfa"
    assert attacker.get("/staff/mfa", follow_redirects=False).status_code == 302, (
        "the attacker's planted id now holds the officer's half-signed-in session"
    )


def test_a_planted_session_id_cannot_take_over_an_invited_la_account(
    app: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: attacker who planted a session id in a new LA colleague's browser.

    The colleague accepts their invitation; the half-signed-in session sits under the planted id,
    so the attacker opens /staff/mfa/setup, reads the new authenticator key, confirms it first
    and is signed in as the new LA user, with a second factor of their own choosing.
    """
    import pyotp

    from survey_app.accounts.invitations import invite

    invited = run(
        invite(
            settings,
            email="new.officer@example.test",
            role=Role.LA_OFFICER,
            local_authority_id=world.la,
            invited_by=None,
            inviter="the IT team",
            now=clock.now,
        )
    )
    attacker = _attacker_with_a_live_session(app, world, settings, clock)
    victim = _victim_with(app, attacker.cookies.get("lv_session"))
    accepted = post_form(
        victim,
        invited.link.removeprefix(settings.base_url),
        {"password": "a long new password 2026"},
        follow_redirects=False,
    )
    assert accepted.headers["location"] == "/staff/mfa/setup"
    setup = attacker.get("/staff/mfa/setup", follow_redirects=False)
    if setup.status_code == 200:
        key = re.search(r"((?:[A-Z2-7]{4} ){5,}[A-Z2-7]{1,4})", setup.text)
        assert key is not None
        clock.advance(seconds=30)
        code = pyotp.TOTP(key.group(1).replace(" ", "")).at(clock.now)
        post_form(attacker, "/staff/mfa/setup", {"code": code}, follow_redirects=False)
    assert attacker.get("/staff/placements", follow_redirects=False).status_code == 302, (
        "the attacker is signed in as the invited LA officer"
    )
    assert setup.status_code == 302, "the attacker reached the new account's second-factor setup"


# --- 2. One LA changing another LA's shared provider ----------------------------------------


def test_another_la_cannot_set_identifiers_on_a_provider_it_shares(
    client: Any, world: World, clock: Clock
) -> None:
    """Role: an officer of a second LA.

    They register the first LA's provider by its name and postcode (which links them to the
    shared row), then "edit" their entry with a UKPRN. The UKPRN is written onto the shared
    provider, the first LA can never change or clear it ("other councils may rely on it"), and
    any later register entry with that UKPRN is linked to this provider.
    """
    from survey_app.organisations.provider_register import save_entry
    from survey_app.organisations.register_file import RegisterEntry

    entry = RegisterEntry(name="Hill Stables", postcode="WS1 1AA")
    _, shared = run(save_entry(world.la, entry))
    sign_in(client, world, "other_la_officer")
    linked = post_form(
        client,
        "/staff/providers/new",
        {"name": "Hill Stables", "postcode": "WS1 1AA", "registration_status": "unregistered"},
        follow_redirects=False,
    )
    assert linked.status_code == 302
    assert run(
        ProviderRecord.exists().where(
            ProviderRecord.provider == shared, ProviderRecord.local_authority == world.other_la
        )
    )
    refused = post_form(
        client,
        f"/staff/providers/{shared}/edit",
        {"postcode": "WS1 1AA", "ukprn": "10099998", "registration_status": "unregistered"},
        follow_redirects=False,
    )
    assert refused.status_code == 400 and "another council" in refused.text
    row = run(Provider.select(Provider.ukprn).where(Provider.id == shared).first())
    assert row["ukprn"] == "", "another LA wrote a permanent identifier on this LA's provider"


# --- 4. A stranger (or the provider) with the slip's code replaces what the pupil said --------


def test_a_send_from_another_browser_over_a_pupils_answers_is_flagged(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: anyone with the pupil's short code (provider staff print it on the slips sheet),
    on a device no staff member signed in from today.

    The pupil starts, says they did not feel safe, and puts the phone down. The holder of the
    code opens it in another browser, says nothing (or all good) and sends. The response is
    theirs, the pupil's answers are deleted, and nothing tells the LA that a second browser
    sent over the pupil's own answers.
    """
    issued = issue_for_year(world, settings, clock, year_group=8, reference="OAK-77")
    assert pupil.get(issued.path, follow_redirects=False).status_code == 302
    post_form(pupil, "/survey/q/1", {"answer": "not_safe"}, follow_redirects=False)
    assert run(DraftAnswer.count()) >= 1

    stranger = client
    entered = post_form(stranger, "/code", {"code": issued.code}, follow_redirects=False)
    assert entered.headers["location"] == "/survey"
    sent = post_form(stranger, "/survey/send", {}, follow_redirects=False)
    assert sent.headers["location"] == "/survey/thanks"

    row = run(
        Response.select(Response.possibly_not_own).where(Response.invitation == issued.id).first()
    )
    assert row["possibly_not_own"], (
        "a second browser replaced the pupil's started answers and the LA is not told"
    )


# --- 5. Provider learns which pupil finished by comparing slip sheets day to day -------------


def test_the_slips_sheet_does_not_say_which_pupil_finished(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    """Role: provider staff. Print the slips sheet each morning; a reference that drops off
    before the expiry printed on its slip is a pupil who finished yesterday. With the QA
    report's publications that gives each response a name. (Accepted in part in
    chasing/pages.py, since the link also says "already answered"; listed for completeness.)"""
    from tests.world import complete_survey

    first = issue_for_year(world, settings, clock, year_group=8, reference="OAK-1")
    issue_for_year(world, settings, clock, year_group=8, reference="OAK-2")
    complete_survey(pupil, first.path, "end_years_7_9", WORRIED)
    clock.advance(days=1)
    sign_in(client, world, "provider_staff")
    sheet = client.get(f"/staff/providers/{world.provider}/slips").text
    assert "OAK-2" in sheet
    assert "OAK-1" in sheet, "OAK-1 vanished from the sheet: the provider knows they answered"

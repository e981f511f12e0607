"""The second factor cannot be replaced by someone who only has the password (review item 1)."""

from __future__ import annotations

from typing import Any

import pyotp
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.db.staff_tables import AuditEvent, StaffUser
from tests.world import Clock, World, post_form, run, sign_in, totp_code


def stored_secret(world: World, who: str) -> str | None:
    row = run(
        StaffUser.select(StaffUser.totp_secret_encrypted)
        .where(StaffUser.email == world.logins[who][0])
        .first()
    )
    return row["totp_secret_encrypted"] if row else None


def half_sign_in(client: Any, world: World, who: str) -> Any:
    email, password = world.logins[who]
    return post_form(
        client, "/staff/sign-in", {"email": email, "password": password}, follow_redirects=False
    )


def test_a_half_signed_in_session_cannot_enrol_a_new_authenticator(
    client: Any, world: World, app: Any, clock: Clock
) -> None:
    before = stored_secret(world, "la_officer")
    assert half_sign_in(client, world, "la_officer").headers["location"] == "/staff/mfa"
    setup = client.get("/staff/mfa/setup", follow_redirects=False)
    assert setup.status_code == 302 and setup.headers["location"] == "/staff/mfa", (
        "with only the password, the set-up page is not offered"
    )
    attacker_secret = pyotp.random_base32()
    enrol = post_form(
        client,
        "/staff/mfa/setup",
        {"code": pyotp.TOTP(attacker_secret).at(clock.now)},
        follow_redirects=False,
    )
    assert enrol.headers.get("location") != "/staff"
    assert client.get("/staff/placements", follow_redirects=False).status_code == 302
    assert stored_secret(world, "la_officer") == before
    with TestClient(app, base_url="http://testserver.local") as owner:
        sign_in(owner, world, "la_officer")  # the owner's own authenticator still works


def test_changing_your_authenticator_needs_a_code_from_the_current_one(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "la_officer")
    before = stored_secret(world, "la_officer")
    page = BeautifulSoup(client.get("/staff/mfa/setup").text, "html.parser")
    assert page.select_one("input#current_code") is not None, "asks for the current code"
    new_secret = page.select_one("#secret").get_text().replace(" ", "")
    clock.advance(seconds=30)
    without = post_form(client, "/staff/mfa/setup", {"code": pyotp.TOTP(new_secret).at(clock.now)})
    assert without.status_code == 400
    assert stored_secret(world, "la_officer") == before
    wrong = post_form(
        client,
        "/staff/mfa/setup",
        {"code": pyotp.TOTP(new_secret).at(clock.now), "current_code": "000000"},
    )
    assert wrong.status_code == 400
    assert stored_secret(world, "la_officer") == before
    done = post_form(
        client,
        "/staff/mfa/setup",
        {"code": pyotp.TOTP(new_secret).at(clock.now), "current_code": totp_code("la_officer")},
        follow_redirects=False,
    )
    assert done.status_code == 302
    assert stored_secret(world, "la_officer") != before
    changes = run(
        AuditEvent.select(AuditEvent.action, AuditEvent.outcome, AuditEvent.object_type).where(
            AuditEvent.action.like("mfa.%")
        )
    )
    assert {(c["action"], c["outcome"]) for c in changes} >= {
        ("mfa.changed", "ok"),
        ("mfa.changed", "failed"),
    }, "second-factor changes are audited as such, refused tries too"


def test_a_first_authenticator_is_audited_as_a_second_factor_change(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "school_contact")
    page = BeautifulSoup(client.get("/staff/mfa/setup").text, "html.parser")
    assert page.select_one("input#current_code") is None, "nothing to confirm the first time"
    secret = page.select_one("#secret").get_text().replace(" ", "")
    post_form(client, "/staff/mfa/setup", {"code": pyotp.TOTP(secret).at(clock.now)})
    event = run(
        AuditEvent.select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.user_id)
        .where(AuditEvent.action == "mfa.enabled")
        .first()
    )
    assert event is not None and event["object_type"] == "second_factor"
    assert event["object_id"] == str(event["user_id"])

"""A council sets itself up: ``survey-app la add`` makes the authority and invites its first
administrator, who sets a password and a second factor through a single-use, 7-day link."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pyotp
from click.testing import CliRunner

from survey_app.accounts.users import authenticate
from survey_app.cli import main
from survey_app.db.staff_tables import StaffInvitation, StaffUser
from survey_app.db.tables import LocalAuthority, OutboxMessage
from survey_app.time_in_england import date_in_england
from survey_app.web.display import long_date
from tests.mail_server import Recorder
from tests.survey_app.organisations.helpers import page
from tests.world import post_form, run

ADD = [
    "la",
    "add",
    "--name",
    "Westshire Council",
    "--code",
    "E10000011",
    "--dfe-number",
    "845",
    "--admin-email",
    "Admin@Westshire.example",
]
PASSWORD = "kettle orchard lantern"


def add_council() -> str:
    """Run ``survey-app la add`` and return the invitation path it printed."""
    result = CliRunner().invoke(main, ADD)
    assert result.exit_code == 0, result.output
    link = re.search(r"http://testserver\.local(/staff/invitation/[\w-]+)", result.output)
    assert link, result.output
    return link.group(1)


def test_la_add_creates_the_authority_and_prints_its_administrators_invitation() -> None:
    add_council()
    la = run(LocalAuthority.select().first())
    assert (la["name"], la["code"], la["dfe_number"]) == ("Westshire Council", "E10000011", "845")
    admin = run(StaffUser.select().first())
    assert (admin["email"], admin["role"]) == ("admin@westshire.example", "la_admin")
    # Invited, not yet usable: no password can sign in.
    assert run(authenticate("admin@westshire.example", "")) is None
    listed = CliRunner().invoke(main, ["la", "list"])
    assert "E10000011  845  Westshire Council" in listed.output


def test_only_the_tokens_keyed_hash_is_stored(settings: Any) -> None:
    path = add_council()
    token = path.rsplit("/", 1)[1]
    stored = run(StaffInvitation.select(StaffInvitation.token_hash).first())["token_hash"]
    assert token not in stored and len(stored) == 64
    import hashlib

    assert stored != hashlib.sha256(token.encode()).hexdigest()


def test_the_invitation_email_says_who_why_what_to_do_and_when_it_expires(settings: Any) -> None:
    path = add_council()
    stored = run(OutboxMessage.select().first())
    # The link sets the account's password: the outbox keeps it sealed, never readable.
    assert path not in stored["body"] and "[[secret:link]]" in stored["body"]
    (message,) = Recorder().deliver(settings, dt.datetime.now(dt.UTC))
    assert message.to == "admin@westshire.example"
    assert message.subject == "Westshire Council: set up your Learner voice account"
    body = message.body
    assert "Your council's IT team has set up a Learner voice account for you" in body
    assert "as LA administrator for Westshire Council" in body
    assert f"http://testserver.local{path}" in body
    assert "two-step sign-in" in body and "authenticator app" in body
    expires = run(StaffInvitation.select(StaffInvitation.expires_at).first())["expires_at"]
    created = run(StaffInvitation.select(StaffInvitation.created_at).first())["created_at"]
    assert expires - created == dt.timedelta(days=7)
    assert "works once, until" in body and long_date(date_in_england(expires)) in body
    assert "We will never ask for your password" in body


def test_la_add_refuses_bad_codes_and_a_second_authority_with_the_same_code() -> None:
    bad = CliRunner().invoke(
        main,
        [
            "la",
            "add",
            "--name",
            "X",
            "--code",
            "E1",
            "--dfe-number",
            "8450",
            "--admin-email",
            "a@b.example",
        ],
    )
    assert bad.exit_code != 0
    assert "such as E10000011" in bad.output and "three digits" in bad.output
    add_council()
    again = CliRunner().invoke(main, ADD)
    assert again.exit_code != 0 and "already has that name, ONS code or DfE number" in again.output
    assert run(LocalAuthority.count()) == 1 and run(StaffUser.count()) == 1


def test_the_administrator_sets_a_password_then_a_second_factor_and_is_signed_in(
    client: Any, clock: Any
) -> None:
    path = add_council()
    invitation = page(client.get(path))
    assert "as LA administrator for Westshire Council" in invitation.get_text(" ")
    assert invitation.select_one("input#password[type=password][autocomplete=new-password]")
    response = post_form(client, path, {"password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/staff/mfa/setup"
    setup = page(client.get("/staff/mfa/setup"))
    secret = setup.get_text(" ")
    key = re.search(r"((?:[A-Z2-7]{4} ){7}[A-Z2-7]{4})", secret)
    assert key, secret
    code = pyotp.TOTP(key.group(1).replace(" ", "")).at(clock.now)
    done = post_form(client, "/staff/mfa/setup", {"code": code}, follow_redirects=False)
    assert done.headers["location"] == "/staff"
    assert client.get("/staff/schools").status_code == 200
    assert run(authenticate("admin@westshire.example", PASSWORD)) is not None


def test_a_replayed_invitation_is_refused(client: Any) -> None:
    """Attack: the link used again (from a forwarded email, or browser history)."""
    path = add_council()
    post_form(client, path, {"password": PASSWORD}, follow_redirects=False)
    client.cookies.clear()
    assert client.get(path).status_code == 410
    replay = post_form(client, path, {"password": "someone elses passphrase"})
    assert replay.status_code == 410
    assert "has expired" in page(replay).h1.get_text()
    assert run(authenticate("admin@westshire.example", "someone elses passphrase")) is None
    assert run(authenticate("admin@westshire.example", PASSWORD)) is not None


def test_an_expired_invitation_is_refused_with_a_friendly_page(client: Any, clock: Any) -> None:
    path = add_council()
    # The command ran on the real clock; the app's clock is moved past the link's 7 days.
    expires = run(StaffInvitation.select(StaffInvitation.expires_at).first())["expires_at"]
    clock.now = expires
    response = client.get(path)
    assert response.status_code == 410
    assert "ask whoever invited you" in page(response).get_text(" ").lower()
    refused = post_form(client, path, {"password": PASSWORD})
    assert refused.status_code == 410
    assert run(authenticate("admin@westshire.example", PASSWORD)) is None


def test_a_made_up_token_is_refused(client: Any) -> None:
    add_council()
    assert client.get("/staff/invitation/not-a-real-token").status_code == 410


def test_a_weak_password_is_named_and_the_link_still_works(client: Any) -> None:
    path = add_council()
    response = post_form(client, path, {"password": "password"})
    assert response.status_code == 400
    assert "most common" in page(response).select_one("#password-error").get_text()
    assert client.get(path).status_code == 200

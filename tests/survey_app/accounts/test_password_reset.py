"""Password reset as an attacker would try it (review item 10): flooding an inbox, timing the
page to learn who has an account, reusing an older link, and keeping a token past the reset."""

from __future__ import annotations

import os
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.accounts.users import create_api_token
from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.db.tables import OutboxMessage
from survey_app.mail.messages import fill
from survey_app.mail.outbox import unseal
from tests.world import Clock, World, post_form, run, sign_in


def reset_links() -> list[str]:
    """Every reset link queued, oldest first, as paths: as its recipient will get it (the
    outbox row holds the link sealed under the server secret, never readable)."""
    rows = run(
        OutboxMessage.select(OutboxMessage.body, OutboxMessage.secrets_sealed)
        .where(OutboxMessage.kind == "password_reset")
        .order_by(OutboxMessage.id)
    )
    secret = os.environ["SURVEY_SECRET_KEY"]
    return [
        line.strip().removeprefix("http://testserver.local")
        for row in rows
        for line in fill(row["body"], unseal(secret, row["secrets_sealed"]) or {}).splitlines()
        if "/staff/password-reset/" in line
    ]


def ask_for_reset(client: Any, email: str, **kwargs: Any) -> Any:
    return post_form(client, "/staff/password-reset", {"email": email}, **kwargs)


def user_id(world: World, who: str) -> int:
    row = run(StaffUser.select(StaffUser.id).where(StaffUser.email == world.logins[who][0]).first())
    return int(row["id"])


def test_asking_28_times_sends_the_account_only_a_few_reset_emails(
    client: Any, world: World, clock: Clock
) -> None:
    email = world.logins["school_contact"][0]
    for _ in range(28):
        page = ask_for_reset(client, email)
        assert page.status_code == 200, "the page says the same however often it is asked"
    assert 1 <= len(reset_links()) <= 3
    sent = len(reset_links())
    clock.advance(hours=1)
    ask_for_reset(client, email)
    assert len(reset_links()) == sent + 1, "an hour later the owner can ask again"


def test_one_address_asking_for_many_accounts_is_slowed_down(client: Any, world: World) -> None:
    for n in range(12):
        ask_for_reset(client, f"guess{n}@example.test")
    ask_for_reset(client, world.logins["school_contact"][0])
    assert reset_links() == [], "an address that keeps asking gets no more emails for a while"


def test_a_flood_of_reset_requests_does_not_stop_the_owner_signing_in(
    client: Any, world: World, app: Any
) -> None:
    with TestClient(app, base_url="http://testserver.local") as stranger:
        for _ in range(28):
            ask_for_reset(stranger, world.logins["la_officer"][0])
    sign_in(client, world, "la_officer")


def test_the_reset_page_is_answered_before_the_account_is_looked_up(
    app: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's time cannot depend on whether the account exists: the look-up, the link and
    the email all happen after the answer has gone."""
    from survey_app.mail import messages

    events: list[str] = []
    real = messages.password_reset

    def watched(**values: Any) -> Any:
        events.append("link made")
        return real(**values)

    monkeypatch.setattr(messages, "password_reset", watched)

    async def watching(scope: Any, receive: Any, send: Any) -> None:
        async def sent(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                events.append("answered")
            await send(message)

        await app(scope, receive, sent if scope["type"] == "http" else send)

    with TestClient(watching, base_url="http://testserver.local") as client:  # type: ignore[arg-type]
        assert ask_for_reset(client, "nobody@example.test").status_code == 200
        events.clear()
        email = world.logins["school_contact"][0]
        # The post is answered with a redirect to the page saying what happens next.
        answer = ask_for_reset(client, email, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/staff/password-reset?sent=yes"
        assert events[-2:] == ["answered", "link made"], events
    assert len(reset_links()) == 1


def test_using_a_newer_link_makes_every_older_one_stop_working(
    client: Any, world: World, clock: Clock
) -> None:
    email = world.logins["school_contact"][0]
    ask_for_reset(client, email)
    clock.advance(minutes=5)
    ask_for_reset(client, email)
    older, newer = reset_links()
    done = post_form(client, newer, {"password": "a brand new passphrase"}, follow_redirects=False)
    assert done.headers["location"] == "/staff/sign-in"
    assert client.get(older).status_code == 410
    assert post_form(client, older, {"password": "the attackers passphrase"}).status_code == 400


def test_a_reset_revokes_every_api_token_and_ends_every_session(
    client: Any, world: World, app: Any, clock: Clock
) -> None:
    token = run(create_api_token(user_id(world, "school_contact"), "mis", clock.now))
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/placements", headers=bearer).status_code == 200
    with TestClient(app, base_url="http://testserver.local") as laptop:
        sign_in(laptop, world, "school_contact")
        ask_for_reset(client, world.logins["school_contact"][0])
        post_form(client, reset_links()[0], {"password": "a brand new passphrase"})
        assert laptop.get("/staff/placements", follow_redirects=False).status_code == 302
    assert client.get("/api/v1/placements", headers=bearer).status_code == 401


def test_the_owner_is_told_by_email_that_their_password_changed(client: Any, world: World) -> None:
    email = world.logins["school_contact"][0]
    ask_for_reset(client, email)
    post_form(client, reset_links()[0], {"password": "a brand new passphrase"})
    told = run(
        OutboxMessage.select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
        .where(OutboxMessage.kind == "password_changed")
        .first()
    )
    assert told is not None and told["recipient"] == email
    assert "password" in told["subject"].lower()
    assert "http://testserver.local/staff/password-reset" in told["body"], "says what to do"
    assert "brand new passphrase" not in told["body"]
    actions = {row["action"] for row in run(AuditEvent.select(AuditEvent.action))}
    assert "password_reset.completed" in actions


def test_the_reset_page_reads_the_same_whether_or_not_the_account_exists(
    client: Any, world: World
) -> None:
    unknown = ask_for_reset(client, "nobody@example.test")
    known = ask_for_reset(client, world.logins["school_contact"][0])
    text = [
        BeautifulSoup(r.text, "html.parser").select_one("#sent").get_text()
        for r in (unknown, known)
    ]
    assert text[0] == text[1]

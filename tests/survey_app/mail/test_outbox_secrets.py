"""Links that let their holder in (a password-reset link, a pupil's survey link and short code)
reach only their recipient: the outbox page and the database row never hold them working."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from survey_app.db.tables import LocalAuthority, OutboxMessage, School
from survey_app.mail.outbox import SMTPTransport, send_due
from survey_app.ops.demo import DEMO_LA_CODE
from tests.live_server import free_port
from tests.mail_server import Inbox, Recorder
from tests.world import Clock, World, issue_for_year, post_form, run, sign_in

HIDDEN = "[link hidden: only the recipient sees it]"


def outbox_text(client: Any) -> str:
    response = client.get("/staff/outbox")
    assert response.status_code == 200, response.text[:300]
    table = BeautifulSoup(response.text, "html.parser").select_one("table")
    return table.get_text("\n") if table else ""


def stored_bodies() -> str:
    return "\n".join(row["body"] for row in run(OutboxMessage.select(OutboxMessage.body)))


def reset_link_in(body: str) -> str:
    line = next(line for line in body.splitlines() if "/staff/password-reset/" in line)
    return line.strip().removeprefix("http://testserver.local")


@pytest.fixture
def smtp(settings: Any) -> Iterator[tuple[Inbox, Any]]:
    """A real SMTP server on 127.0.0.1, and the service's SMTP transport pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, SMTPTransport(msgspec.structs.replace(settings, smtp_port=controller.port))
    controller.stop()


def test_an_officer_cannot_read_a_colleagues_password_reset_link_on_the_outbox_page(
    client: Any, world: World
) -> None:
    # Anyone may ask for a reset of any address: the attacker asks for their colleague's.
    post_form(client, "/staff/password-reset", {"email": world.logins["la_admin"][0]})
    sign_in(client, world, "la_officer")
    page = outbox_text(client)
    assert "Reset your Learner voice password" in page, "the message is listed"
    assert "/staff/password-reset/" not in page, "but not the link that would take the account"
    assert HIDDEN in page


def test_an_officer_cannot_read_a_staff_invitation_link_on_the_outbox_page_or_in_the_row(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    # An invitation link sets the account's password: whoever opens it first owns the account.
    sign_in(client, world, "la_admin")
    invited = post_form(
        client, "/staff/people/invite", {"email": "new.officer@example.test", "role": "la_officer"}
    )
    assert invited.status_code == 200, invited.text[:300]
    assert "/staff/invitation/" not in stored_bodies(), "the row holds no working link"
    client.cookies.clear()
    sign_in(client, world, "la_officer")
    page = outbox_text(client)
    assert "set up your Learner voice account" in page, "the message is listed"
    assert "/staff/invitation/" not in page, "but not the link that would take the account"
    assert HIDDEN in page
    (delivered,) = [
        m for m in Recorder().deliver(settings, clock.now) if m.to == "new.officer@example.test"
    ]
    assert "/staff/invitation/" in delivered.body, "the invited person still gets it"


def test_the_outbox_row_holds_no_working_reset_or_survey_link(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(School.update({School.contact_email: "head@oak.example"}).where(School.id == world.school))
    issued = issue_for_year(world, settings, clock)
    post_form(client, "/staff/password-reset", {"email": world.logins["la_admin"][0]})
    bodies = stored_bodies()
    assert "/staff/password-reset/" not in bodies
    assert issued.path not in bodies and issued.code not in bodies, "nor a pupil's link or code"
    sign_in(client, world, "la_officer")
    page = outbox_text(client)
    assert issued.path not in page and issued.code not in page
    assert "[code hidden: only the recipient sees it]" in page


def test_a_real_smtp_delivery_carries_the_working_link_while_the_row_and_page_do_not(
    client: Any, world: World, settings: Any, clock: Clock, smtp: Any
) -> None:
    inbox, transport = smtp
    email = world.logins["school_contact"][0]
    post_form(client, "/staff/password-reset", {"email": email})
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (1, 0)
    (delivered,) = inbox.to(email)
    link = reset_link_in(delivered.get_content())
    form = BeautifulSoup(client.get(link).text, "html.parser")
    assert form.select_one('input[type="password"]') is not None, "the emailed link works"
    assert link not in stored_bodies()
    sealed = run(OutboxMessage.select(OutboxMessage.secrets_sealed).first())["secrets_sealed"]
    assert sealed is None, "once delivered, the service keeps no copy of the link at all"
    sign_in(client, world, "la_officer")
    assert link not in outbox_text(client) and HIDDEN in outbox_text(client)


def test_tests_and_people_reading_sent_email_see_the_pupils_link_and_code(
    world: World, settings: Any, clock: Clock
) -> None:
    run(School.update({School.contact_email: "head@oak.example"}).where(School.id == world.school))
    issued = issue_for_year(world, settings, clock)
    (to_school,) = [
        m for m in Recorder().deliver(settings, clock.now) if m.to == "head@oak.example"
    ]
    assert issued.path in to_school.body and issued.code in to_school.body


def test_a_message_sealed_under_an_old_server_secret_is_not_sent_and_says_why(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    post_form(client, "/staff/password-reset", {"email": world.logins["school_contact"][0]})
    recorder = Recorder()
    assert run(send_due(recorder, clock.now, secret_key="a-different-secret")) == (0, 1)
    assert recorder.sent == [], "never an email with a placeholder where the link should be"
    row = run(OutboxMessage.select(OutboxMessage.status).first())
    assert row["status"] == "unreadable"


@pytest.fixture
def demo_client(settings: Any, clock: Clock) -> Iterator[Any]:
    """The service in demo mode (nothing emailed; the outbox page stands in for email)."""
    from litestar.testing import TestClient

    from survey_app.app import create_app

    app = create_app(msgspec.structs.replace(settings, demo_mode=True), clock)
    with TestClient(app, base_url="http://testserver.local") as client:
        yield client


def test_demo_mode_shows_links_on_the_outbox_page_only_for_the_demo_la(
    demo_client: Any, world: World
) -> None:
    post_form(demo_client, "/staff/password-reset", {"email": world.logins["la_admin"][0]})
    sign_in(demo_client, world, "la_officer")
    assert "/staff/password-reset/" not in outbox_text(demo_client), "a real LA: hidden"
    run(
        LocalAuthority.update({LocalAuthority.code: DEMO_LA_CODE}).where(
            LocalAuthority.id == world.la
        )
    )
    link = reset_link_in(outbox_text(demo_client))
    assert demo_client.get(link).status_code == 200, "the demo user can follow it"


def test_upgrading_takes_working_links_out_of_messages_already_delivered(
    world: World, clock: Clock
) -> None:
    """Bodies written before links were sealed: delivered ones lose them, waiting ones go whole."""
    from importlib import import_module

    migration = import_module(
        "survey_app.db.piccolo_migrations.survey_app_0020_outbox_sealed_secrets"
    )
    link = "https://voice.example/staff/password-reset/LiveTokenFromBeforeTheUpgrade"
    body = f"To choose a new password, open this link:\n{link}\n\nShort code: K7PX-2M9Q\n"
    for key, status in (("delivered", "sent"), ("waiting", "pending")):
        run(
            OutboxMessage.insert(
                OutboxMessage(
                    local_authority=world.la,
                    dedupe_key=key,
                    kind="password_reset",
                    recipient="someone@example.test",
                    subject="Reset your Learner voice password",
                    body=body,
                    status=status,
                    next_attempt_at=clock.now,
                    created_at=clock.now,
                )
            )
        )
    manager = run(migration.forwards())
    for step in manager.raw:
        run(step())
    bodies = {r["dedupe_key"]: r["body"] for r in run(OutboxMessage.select())}
    assert "LiveTokenFromBeforeTheUpgrade" not in bodies["delivered"]
    assert "K7PX-2M9Q" not in bodies["delivered"] and HIDDEN in bodies["delivered"]
    assert bodies["waiting"] == body, "a message still to be sent keeps its working link"

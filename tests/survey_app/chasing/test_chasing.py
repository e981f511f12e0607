"""Chasing: opening emails, reminders and digests through a real SMTP conversation on loopback,
retried when the mail server is down, never sent twice, and safe with two dispatchers at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from survey_app.chasing.reminders import queue_digests, queue_reminders
from survey_app.db.tables import (
    Invitation,
    LocalAuthority,
    OutboxMessage,
    Placement,
    ProviderRecord,
    School,
)
from survey_app.mail.outbox import SMTPTransport, send_due
from survey_app.ops.schedule import run_scheduled_work
from tests.live_server import free_port
from tests.mail_server import Inbox
from tests.world import Clock, World, complete_survey, issue_for_year, placement_row, run


@pytest.fixture
def smtp(settings: Any) -> Iterator[tuple[Inbox, Controller, Any]]:
    """A real SMTP server on 127.0.0.1, and the service's SMTP transport pointed at it."""
    import msgspec

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    transport = SMTPTransport(msgspec.structs.replace(settings, smtp_port=port))
    yield inbox, controller, transport
    try:
        controller.stop()
    except AssertionError:
        pass  # already stopped by the test


@pytest.fixture
def contacts(world: World) -> World:
    """Give the world's LA, school and provider email addresses."""
    run(
        LocalAuthority.update({LocalAuthority.contact_email: "ap@westshire.example"}).where(
            LocalAuthority.id == world.la
        )
    )
    run(School.update({School.contact_email: "head@oak.example"}).where(School.id == world.school))
    run(
        ProviderRecord.update({ProviderRecord.contact_email: "office@meadow.example"}).where(
            ProviderRecord.provider == world.provider, ProviderRecord.local_authority == world.la
        )
    )
    return world


def test_opening_emails_reach_school_and_provider_over_smtp(
    contacts: World, settings: Any, clock: Clock, smtp: Any
) -> None:
    inbox, _, transport = smtp
    issued = issue_for_year(contacts, settings, clock)
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (2, 0)
    (school,) = inbox.to("head@oak.example")
    assert "OAK-55" in school["Subject"]
    body = school.get_content()
    assert issued.path in body and issued.code in body, "the school gets the link and the code"
    (provider,) = inbox.to("office@meadow.example")
    assert f"/staff/providers/{contacts.provider}/slips" in provider.get_content()
    assert issued.path not in provider.get_content(), "the provider is sent the slips page"
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (0, 0), (
        "nothing goes twice"
    )


def test_emails_carry_no_answers(
    contacts: World, settings: Any, clock: Clock, smtp: Any, pupil: Any
) -> None:
    inbox, _, transport = smtp
    issued = issue_for_year(contacts, settings, clock)
    complete_survey(pupil, issued.path, "end_years_4_6", {"best_thing": "Secret goat story"})
    clock.advance(days=14)
    run(run_scheduled_work(settings, clock.now, transport))
    assert inbox.received
    assert all("Secret goat story" not in m.get_content() for m in inbox.received)


def test_reminders_follow_on_the_set_days_until_completion(
    contacts: World, settings: Any, clock: Clock, smtp: Any, pupil: Any
) -> None:
    inbox, _, transport = smtp
    issued = issue_for_year(contacts, settings, clock)
    run(send_due(transport, clock.now, secret_key=settings.secret_key))
    clock.advance(days=6, hours=23)
    assert run(queue_reminders(settings, clock.now)) == 0, "not before day 7"
    clock.advance(hours=1)
    assert run(queue_reminders(settings, clock.now)) == 2
    assert run(queue_reminders(settings, clock.now)) == 0, "each reminder only once"
    run(send_due(transport, clock.now, secret_key=settings.secret_key))
    reminders = [m for m in inbox.to("head@oak.example") if m["Subject"].startswith("Reminder")]
    assert len(reminders) == 1 and issued.path in reminders[0].get_content()
    complete_survey(pupil, issued.path, "end_years_4_6", {})
    clock.advance(days=7)
    assert run(queue_reminders(settings, clock.now)) == 0, "no reminders once it is done"


def test_weekly_digest_goes_to_the_la_on_mondays_once(
    contacts: World, settings: Any, clock: Clock, smtp: Any
) -> None:
    inbox, _, transport = smtp
    issue_for_year(contacts, settings, clock)
    assert clock.now.weekday() == 0  # the test clock starts on Monday 23 November 2026
    assert run(queue_digests(settings, clock.now)) == 1
    assert run(queue_digests(settings, clock.now)) == 0
    clock.advance(days=1)
    assert run(queue_digests(settings, clock.now)) == 0, "only on Mondays"
    run(send_due(transport, clock.now, secret_key=settings.secret_key))
    (digest,) = inbox.to("ap@westshire.example")
    assert "Meadow Farm: 1" in digest.get_content() and "Oak School: 1" in digest.get_content()


def test_messages_wait_while_the_mail_server_is_down_and_go_once_it_is_back(
    contacts: World, settings: Any, clock: Clock, smtp: Any
) -> None:
    inbox, controller, transport = smtp
    controller.stop()
    issue_for_year(contacts, settings, clock)
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (0, 2)
    pending = run(OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts))
    assert [(m["status"], m["attempts"]) for m in pending] == [("pending", 1), ("pending", 1)]
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (0, 0), (
        "it waits before trying again"
    )
    back = Controller(inbox, hostname="127.0.0.1", port=controller.port)
    back.start()  # the mail server comes back on the same address
    clock.advance(minutes=2)
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (2, 0)
    clock.advance(hours=1)
    assert run(send_due(transport, clock.now, secret_key=settings.secret_key)) == (0, 0)
    back.stop()
    assert len(inbox.received) == 2, "each message arrived exactly once"


def test_two_dispatchers_at_once_issue_and_send_everything_exactly_once(
    contacts: World, settings: Any, clock: Clock
) -> None:
    run(
        Placement.insert(
            *[
                placement_row(contacts, clock, pupil_reference=f"PAR-{n}", year_group=4 + n % 8)
                for n in range(60)
            ]
        )
    )
    delivered: list[str] = []
    lock = threading.Lock()

    class CountingTransport:
        async def send(self, to: str, subject: str, body: str, reference: str) -> None:
            await asyncio.sleep(0.001)  # let the other dispatcher interleave
            with lock:
                delivered.append(reference)

    results: list[Any] = []

    def one_dispatcher() -> None:
        results.append(asyncio.run(run_scheduled_work(settings, clock.now, CountingTransport())))

    threads = [threading.Thread(target=one_dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.issued for r in results) == 60
    assert run(Invitation.count()) == 60
    opening = run(OutboxMessage.count().where(OutboxMessage.kind == "survey_opened"))
    assert opening == 120, "one to the school and one to the provider per invitation"
    assert run(OutboxMessage.count().where(OutboxMessage.kind == "digest")) == 1
    assert len(delivered) == 121 and len(set(delivered)) == 121, "no email went out twice"


def test_thousands_of_placements_ending_together_are_issued_in_one_dispatch(
    contacts: World, settings: Any, clock: Clock
) -> None:
    # More than PostgreSQL's 32,767 parameters in one statement, if it were sent as one.
    count = 3500
    for start in range(0, count, 500):
        run(
            Placement.insert(
                *[
                    placement_row(contacts, clock, pupil_reference=f"END-{n}", year_group=4 + n % 8)
                    for n in range(start, start + 500)
                ]
            )
        )
    result = run(run_scheduled_work(settings, clock.now, None))
    assert result.issued == count == run(Invitation.count())
    opening = run(OutboxMessage.count().where(OutboxMessage.kind == "survey_opened"))
    assert opening == 2 * count

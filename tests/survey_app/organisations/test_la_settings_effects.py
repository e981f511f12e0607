"""Each LA's own settings reach what its people see: reminders on its days, its stricter
disclosure threshold, emails signed by it with replies going to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from survey_app.chasing.reminders import queue_reminders
from survey_app.db.tables import LaSettings, LocalAuthority, OutboxMessage, Placement, School
from survey_app.mail.outbox import SMTPTransport, send_due
from survey_app.surveys.due import issue_due
from tests.live_server import free_port
from tests.mail_server import Inbox
from tests.world import Clock, World, give_responses, placement_row, run, sign_in

HAPPY = {"felt_safe": "very_safe", "overall_rating": "good"}
LAST_TERM = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)


def choose(la_id: int, **values: Any) -> None:
    """Save an LA's own settings, as its administrator would on /staff/settings."""
    run(LaSettings.insert(LaSettings(local_authority=la_id, **values)))


@pytest.fixture
def smtp(settings: Any) -> Iterator[tuple[Inbox, Any]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, SMTPTransport(msgspec.structs.replace(settings, smtp_port=port))
    controller.stop()


def reminder_days_queued(la_id: int) -> set[str]:
    rows = run(
        OutboxMessage.select(OutboxMessage.dedupe_key).where(
            OutboxMessage.kind.like("reminder%"), OutboxMessage.local_authority == la_id
        )
    )
    return {row["dedupe_key"].rsplit(":", 1)[-1] for row in rows}


def test_two_las_with_different_reminder_days_are_reminded_on_their_own_days(
    world: World, settings: Any, clock: Clock
) -> None:
    choose(world.la, reminder_days="3")
    run(
        Placement.insert(
            placement_row(world, clock),
            placement_row(
                world,
                clock,
                local_authority=world.other_la,
                school=world.other_school,
                provider=world.other_provider,
                pupil_reference="FAR-1",
            ),
        )
    )
    assert run(issue_due(settings, clock.now)) == 2
    clock.advance(days=3)
    run(queue_reminders(settings, clock.now))
    assert reminder_days_queued(world.la) == {"3"}
    assert reminder_days_queued(world.other_la) == set(), "Eastshire keeps the default 7,14"
    clock.advance(days=4)
    run(queue_reminders(settings, clock.now))
    assert reminder_days_queued(world.la) == {"3"}
    assert reminder_days_queued(world.other_la) == {"7"}


def felt_safe_cells(client: Any, world: World) -> list[str]:
    soup = BeautifulSoup(client.get(f"/staff/providers/{world.provider}").text, "html.parser")
    row = soup.select_one('#indicators tr[data-indicator="felt_safe"]')
    return [td.get_text(" ", strip=True) for td in row.select("td")]


def test_a_raised_threshold_withholds_a_provider_report_the_default_would_show(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    give_responses(world, settings, clock, 6, answers=HAPPY, when=LAST_TERM)
    sign_in(client, world, "provider_staff")
    assert felt_safe_cells(client, world)[0] == "6", "6 pupils: shown under the default of 5"
    choose(world.la, disclosure_threshold=8)
    assert felt_safe_cells(client, world)[0] == "[c]", "withheld once the LA asks for 8"


def test_an_email_is_signed_by_its_la_and_replies_go_to_the_la(
    world: World, settings: Any, clock: Clock, smtp: Any
) -> None:
    inbox, transport = smtp
    run(School.update({School.contact_email: "head@oak.example"}).where(School.id == world.school))
    run(
        LocalAuthority.update({LocalAuthority.contact_email: "ap@westshire.example"}).where(
            LocalAuthority.id == world.la
        )
    )
    choose(
        world.la,
        sign_off="Westshire Inclusion Team",
        public_contact="01234 567890, ap@westshire.example",
        reply_to="ap.voice@westshire.example",
    )
    run(Placement.insert(placement_row(world, clock)))
    run(issue_due(settings, clock.now))
    run(send_due(transport, clock.now, secret_key=settings.secret_key))
    (email,) = inbox.to("head@oak.example")
    assert email["Reply-To"] == "ap.voice@westshire.example"
    body = email.get_content().replace("\r\n", "\n")
    assert "Westshire Inclusion Team\n01234 567890, ap@westshire.example" in body
    assert "Please do not reply" not in body


def test_without_a_reply_to_emails_say_not_to_reply_and_name_the_la(
    world: World, settings: Any, clock: Clock, smtp: Any
) -> None:
    inbox, transport = smtp
    run(School.update({School.contact_email: "head@oak.example"}).where(School.id == world.school))
    run(Placement.insert(placement_row(world, clock)))
    run(issue_due(settings, clock.now))
    run(send_due(transport, clock.now, secret_key=settings.secret_key))
    (email,) = inbox.to("head@oak.example")
    assert email["Reply-To"] is None
    assert "sent by Learner voice for Westshire. Please do not reply" in email.get_content()

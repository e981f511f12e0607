"""Sending one message at once (a safeguarding alert) through the outbox: only that message,
once however many senders try, and a failure left to the scheduled sender's retries."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from survey_app.db.tables import LocalAuthority, OutboxMessage
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue, send_due, send_now
from survey_app.mail.statuses import MessageStatus
from tests.mail_server import Recorder
from tests.world import Clock, World, run


def queue_alerts(world: World, clock: Clock, *alert_ids: int) -> list[str]:
    """Safeguarding emails for these alerts, waiting in the outbox; their keys."""
    run(
        LocalAuthority.update({LocalAuthority.safeguarding_email: "sg@westshire.example"}).where(
            LocalAuthority.id == world.la
        )
    )
    queued = [
        messages.safeguarding_alert(
            la=world.la, alert_id=n, to="sg@westshire.example", queue_url=f"/a/{n}"
        )
        for n in alert_ids
    ]
    run(enqueue(queued, clock.now))
    return [m.dedupe_key for m in queued]


def status_of(key: str) -> dict[str, Any]:
    row = run(
        OutboxMessage.select(
            OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.next_attempt_at
        )
        .where(OutboxMessage.dedupe_key == key)
        .first()
    )
    assert row is not None
    return row


def test_only_the_named_message_is_sent_the_rest_wait_for_the_schedule(
    world: World, clock: Clock, settings: Any
) -> None:
    urgent, other = queue_alerts(world, clock, 1, 2)
    recorder = Recorder()
    assert run(send_now(recorder, [urgent], clock.now, secret_key=settings.secret_key)) == (1, 0)
    assert [sent.reference for sent in recorder.sent] == [urgent]
    assert status_of(urgent)["status"] == MessageStatus.SENT
    assert status_of(other)["status"] == MessageStatus.PENDING


def test_a_message_already_sent_by_the_schedule_is_not_sent_again(
    world: World, clock: Clock, settings: Any
) -> None:
    [key] = queue_alerts(world, clock, 1)
    recorder = Recorder()
    run(send_due(recorder, clock.now, secret_key=settings.secret_key))
    assert run(send_now(recorder, [key], clock.now, secret_key=settings.secret_key)) == (0, 0)
    assert len(recorder.sent) == 1


def test_two_senders_at_once_send_it_once(world: World, clock: Clock, settings: Any) -> None:
    [key] = queue_alerts(world, clock, 1)
    recorder = Recorder()

    async def both() -> list[tuple[int, int]]:
        return list(
            await asyncio.gather(
                send_now(recorder, [key], clock.now, secret_key=settings.secret_key),
                send_due(recorder, clock.now, secret_key=settings.secret_key),
            )
        )

    results = run(both())
    assert sorted(results) == [(0, 0), (1, 0)]
    assert [sent.reference for sent in recorder.sent] == [key]


class Refusing:
    """A mail server that is down."""

    async def send(self, to: str, subject: str, body: str, reference: str) -> None:
        raise ConnectionRefusedError("mail server down")


def test_a_failed_send_waits_for_the_scheduled_sender_and_is_not_lost(
    world: World, clock: Clock, settings: Any
) -> None:
    [key] = queue_alerts(world, clock, 1)
    assert run(send_now(Refusing(), [key], clock.now, secret_key=settings.secret_key)) == (0, 1)
    waiting = status_of(key)
    assert (waiting["status"], waiting["attempts"]) == (MessageStatus.PENDING, 1)
    later = clock.now + dt.timedelta(minutes=1)
    recorder = Recorder()
    assert run(send_due(recorder, later, secret_key=settings.secret_key)) == (1, 0)
    assert [sent.reference for sent in recorder.sent] == [key]

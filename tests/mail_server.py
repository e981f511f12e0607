"""A real SMTP server's mailbox for tests: aiosmtpd hands it every message it receives."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.received: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.received if m["To"] == address]


class Sent:
    """One email as the transport was handed it: what its recipient reads."""

    def __init__(self, to: str, subject: str, body: str, reference: str) -> None:
        self.to, self.subject, self.body, self.reference = to, subject, body, reference


class Recorder:
    """A transport that keeps every email it is asked to send, for tests that read them."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    async def send(self, to: str, subject: str, body: str, reference: str) -> None:
        self.sent.append(Sent(to, subject, body, reference))

    def deliver(self, settings: Any, now: Any) -> list[Sent]:
        """Send everything the outbox has due (as the service's sender does); all sent so far."""
        from survey_app.mail.outbox import send_due
        from tests.world import run

        run(send_due(self, now, secret_key=settings.secret_key))
        return self.sent

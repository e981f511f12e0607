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

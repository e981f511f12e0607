"""The outbox: messages are written with what caused them, then sent with retries and back-off.

A message is never lost because the mail server is down: it stays pending and is tried again,
waiting longer each time (up to six hours), until it goes. Claiming is a conditional update, so
two senders (two server instances) never send the same message.

A message's secrets (see ``survey_app.mail.messages``) are stored sealed: Fernet-encrypted under
a key derived from the server secret, beside a body that holds only placeholders. The sender
unseals them at send time and forgets them once the message has gone, so neither the outbox
page nor a copy of the database shows a working link.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Sequence
from email.message import EmailMessage
from typing import Any, Protocol

import aiosmtplib
import msgspec
from cryptography.fernet import Fernet, InvalidToken

from survey_app.db.engine import batches, transaction
from survey_app.db.tables import OutboxMessage
from survey_app.mail.messages import Message, fill, signed
from survey_app.mail.statuses import MessageStatus
from survey_app.organisations.la_settings import MailIdentity, mail_identities
from survey_app.settings import Settings

log = logging.getLogger(__name__)
MAX_BACK_OFF = dt.timedelta(hours=6)
#: A claim older than this belongs to a sender that died: the message is sent again.
STALE_CLAIM = dt.timedelta(minutes=10)


def _fernet(secret_key: str) -> Fernet:
    # Its own derivation label: this key opens outbox secrets and nothing else.
    key = hashlib.sha256(f"outbox-secret-encryption:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, secrets: dict[str, str]) -> str | None:
    """A message's secrets as stored: encrypted, or None when it has none."""
    if not secrets:
        return None
    return _fernet(secret_key).encrypt(msgspec.json.encode(secrets)).decode()


def unseal(secret_key: str, sealed: str | None) -> dict[str, str] | None:
    """The secrets back, {} when there were none, None when they cannot be read."""
    if not sealed:
        return {}
    try:
        return msgspec.json.decode(
            _fernet(secret_key).decrypt(sealed.encode()), type=dict[str, str]
        )
    except (InvalidToken, msgspec.DecodeError):
        return None


async def enqueue(
    messages: Sequence[Message], now: dt.datetime, secret_key: str | None = None
) -> None:
    """Queue messages; call inside the transaction that caused them. Duplicates are ignored.

    A message with no address is kept as ``no_address``, never dropped, so the LA can see on
    the outbox page whose contact details are missing. ``secret_key`` (the server secret)
    is needed only for messages that carry secrets.
    """
    if secret_key is None and any(m.secrets for m in messages):
        # Storing the secret readable is the very thing the outbox must never do.
        raise ValueError("a message with secrets needs the server secret to seal them")
    # Each LA signs its own emails (``organisations/la_settings.py``).
    identities = await mail_identities({m.local_authority_id for m in messages})
    messages = [
        msgspec.structs.replace(m, body=_sign(m.body, identities.get(m.local_authority_id)))
        for m in messages
    ]
    for batch in batches(messages):
        await _insert(batch, now, secret_key or "")


def _sign(body: str, identity: MailIdentity | None) -> str:
    if identity is None:
        return body
    return signed(
        body,
        name=identity.name,
        contact=identity.contact,
        sign_off=identity.sign_off,
        reply_to=identity.reply_to,
    )


async def _insert(messages: Sequence[Message], now: dt.datetime, secret_key: str) -> None:
    await OutboxMessage.insert(
        *[
            OutboxMessage(
                local_authority=m.local_authority_id,
                dedupe_key=m.dedupe_key,
                kind=m.kind,
                recipient=m.recipient,
                subject=m.subject,
                body=m.body,
                secrets_sealed=seal(secret_key, m.secrets),
                status=MessageStatus.PENDING if m.recipient else MessageStatus.NO_ADDRESS,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                cause=cause_of(m.dedupe_key),
            )
            for m in messages
        ]
    ).on_conflict(action="DO NOTHING")


async def withdraw_links(cause: str, now: dt.datetime, *, every_message: bool = False) -> int:
    """Withdraw the unsent messages about ``cause`` that carry a pupil's link (a reissued or
    withdrawn survey's): kept on the outbox page, marked, and never sent. Messages without a
    link (the provider's, pointing at the slips page) still go, unless ``every_message``: a
    placement entered in error was never real, so nobody is asked to chase its pupil. Returns
    how many."""
    withdrawn = (
        await OutboxMessage.update(
            {
                OutboxMessage.status: MessageStatus.WITHDRAWN,
                OutboxMessage.secrets_sealed: None,
                OutboxMessage.claimed_by: None,
                OutboxMessage.last_error: "its link was replaced or withdrawn before it was sent",
            }
        )
        .where(
            OutboxMessage.cause == cause,
            OutboxMessage.id.is_not_null()
            if every_message
            else OutboxMessage.secrets_sealed.is_not_null(),
            (OutboxMessage.status == MessageStatus.PENDING)
            # A claim gone stale would be sent again; a fresh claim is already on its way.
            | (
                (OutboxMessage.status == MessageStatus.SENDING)
                & (OutboxMessage.claimed_at < now - STALE_CLAIM)
            ),
        )
        .returning(OutboxMessage.id)
    )
    return len(withdrawn)


def cause_of(dedupe_key: str) -> str | None:
    """What a message is about, read from its de-duplication key (``survey_app.mail.messages``
    makes each from the invitation or alert that caused it): ``invitation:<id>`` or
    ``safeguarding_alert:<id>``, or None for messages about no pupil (digests, password resets).

    Erasing a pupil erases their emails through this link, by identity: matching the reference
    in the words would also catch look-alike references, and misses emails that do not name it.
    """
    match dedupe_key.split(":"):
        # A reissued link's message has a fourth part, "reissued-<version>".
        case ["opened", _, invitation, *_] | ["reminder", _, invitation, _]:
            return f"invitation:{invitation}"
        case ["safeguarding", alert] | ["escalation", alert, *_]:
            return f"safeguarding_alert:{alert}"
        case _:
            return None


class Transport(Protocol):
    async def send(self, to: str, subject: str, body: str, reference: str) -> None:
        """Deliver one message or raise. The service's transports also take ``reply_to`` (an
        address) and ``notify_reply_to_id``, passed only for an LA that set them."""


class SMTPTransport:
    """Sends through an SMTP server with aiosmtplib."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(
        self,
        to: str,
        subject: str,
        body: str,
        reference: str,
        reply_to: str = "",
        notify_reply_to_id: str = "",
    ) -> None:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to
        if reply_to:
            message["Reply-To"] = reply_to
        message["Subject"] = subject
        message["X-Learner-Voice-Reference"] = reference
        message.set_content(body)
        await aiosmtplib.send(
            message,
            hostname=self.settings.smtp_host,
            port=self.settings.smtp_port,
            username=self.settings.smtp_username or None,
            password=self.settings.smtp_password or None,
            start_tls=self.settings.smtp_starttls,
            timeout=30,
        )


class NotifyTransport:
    """Sends through GOV.UK Notify with its official client (one template: subject and body)."""

    def __init__(self, settings: Settings) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(settings.notify_api_key)
        self.template_id = settings.notify_template_id

    async def send(
        self,
        to: str,
        subject: str,
        body: str,
        reference: str,
        reply_to: str = "",
        notify_reply_to_id: str = "",
    ) -> None:
        # Notify takes no reply-to address, only the id of one added to the Notify service.
        extra = {"email_reply_to_id": notify_reply_to_id} if notify_reply_to_id else {}
        # The client is synchronous (requests): keep it off the event loop.
        await asyncio.to_thread(
            self.client.send_email_notification,
            email_address=to,
            template_id=self.template_id,
            personalisation={"subject": subject, "body": body},
            reference=reference,
            **extra,
        )


def transport_for(settings: Settings) -> Transport:
    """The transport the settings choose."""
    return (
        NotifyTransport(settings)
        if settings.mail_transport == "notify"
        else SMTPTransport(settings)
    )


def back_off(attempts: int) -> dt.timedelta:
    """How long to wait before the next try: 1, 2, 4 … minutes, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACK_OFF)


async def _claim(
    sender: str, now: dt.datetime, limit: int, dedupe_keys: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Claim what is due for this sender; only the messages with these keys, if given."""
    query = OutboxMessage.select(OutboxMessage.id).where(
        ((OutboxMessage.status == MessageStatus.PENDING) & (OutboxMessage.next_attempt_at <= now))
        | (
            (OutboxMessage.status == MessageStatus.SENDING)
            & (OutboxMessage.claimed_at < now - STALE_CLAIM)
        )
    )
    if dedupe_keys is not None:
        query = query.where(OutboxMessage.dedupe_key.is_in(list(dedupe_keys) or [""]))
    due = await query.order_by(OutboxMessage.id).limit(limit)
    if not due:
        return []
    ids = [row["id"] for row in due]
    async with transaction():
        # Conditional on the status it was read with: a row another sender claimed meanwhile
        # no longer matches, so each message has one sender.
        await OutboxMessage.update(
            {
                OutboxMessage.status: MessageStatus.SENDING,
                OutboxMessage.claimed_by: sender,
                OutboxMessage.claimed_at: now,
            }
        ).where(
            OutboxMessage.id.is_in(ids),
            (OutboxMessage.status == MessageStatus.PENDING)
            | (
                (OutboxMessage.status == MessageStatus.SENDING)
                & (OutboxMessage.claimed_at < now - STALE_CLAIM)
            ),
        )
    claimed: list[dict[str, Any]] = await OutboxMessage.select().where(
        OutboxMessage.id.is_in(ids),
        OutboxMessage.claimed_by == sender,
        OutboxMessage.status == MessageStatus.SENDING,
    )
    return claimed


async def send_due(
    transport: Transport, now: dt.datetime, *, secret_key: str, limit: int = 200
) -> tuple[int, int]:
    """Send what is due; returns (sent, failed). Failures wait and are tried again later.

    ``secret_key`` is the server secret, to unseal each message's secrets into its body.
    """
    sender = uuid.uuid4().hex
    claimed = await _claim(sender, now, limit)
    return await _send_claimed(transport, sender, claimed, now, secret_key=secret_key)


async def send_now(
    transport: Transport, dedupe_keys: Sequence[str], now: dt.datetime, *, secret_key: str
) -> tuple[int, int]:
    """Send these messages at once, if they are still waiting; returns (sent, failed).

    For mail that cannot wait for the next scheduled run (a safeguarding alert). It claims
    exactly as ``send_due`` does, so a scheduled sender on another server that got there first
    keeps the message and it goes once. A failure is recorded like any other (the error, the
    attempt, the back-off) and the scheduled sender retries it from there.
    """
    sender = uuid.uuid4().hex
    claimed = await _claim(sender, now, max(len(dedupe_keys), 1), dedupe_keys)
    return await _send_claimed(transport, sender, claimed, now, secret_key=secret_key)


async def _send_claimed(
    transport: Transport,
    sender: str,
    claimed: list[dict[str, Any]],
    now: dt.datetime,
    *,
    secret_key: str,
) -> tuple[int, int]:
    """Send each message ``sender`` claimed, recording on its row what happened."""
    sent = failed = 0
    identities = await mail_identities({row["local_authority"] for row in claimed})
    for row in claimed:
        secrets = unseal(secret_key, row["secrets_sealed"])
        if secrets is None:
            # Trying again cannot help: the key that sealed them is gone. Say so on the page.
            failed += 1
            log.warning("outbox message %s cannot be sent: its link no longer unseals", row["id"])
            await OutboxMessage.update(
                {
                    OutboxMessage.status: MessageStatus.UNREADABLE,
                    OutboxMessage.last_error: "its link was sealed with an earlier server secret",
                    OutboxMessage.claimed_by: None,
                }
            ).where(OutboxMessage.id == row["id"], OutboxMessage.claimed_by == sender)
            continue
        try:
            body = fill(row["body"], secrets)
            identity = identities.get(row["local_authority"])
            # Passed only where the LA set one, so any transport without them still works.
            reply = (
                {
                    "reply_to": identity.reply_to,
                    "notify_reply_to_id": identity.notify_reply_to_id,
                }
                if identity and (identity.reply_to or identity.notify_reply_to_id)
                else {}
            )
            await transport.send(row["recipient"], row["subject"], body, row["dedupe_key"], **reply)
        except Exception as error:
            failed += 1
            attempts = row["attempts"] + 1
            log.warning(
                "sending outbox message %s failed (attempt %s): %s", row["id"], attempts, error
            )
            await OutboxMessage.update(
                {
                    OutboxMessage.status: MessageStatus.PENDING,
                    OutboxMessage.attempts: attempts,
                    OutboxMessage.next_attempt_at: now + back_off(attempts),
                    OutboxMessage.last_error: str(error)[:500],
                    OutboxMessage.claimed_by: None,
                }
            ).where(OutboxMessage.id == row["id"], OutboxMessage.claimed_by == sender)
            continue
        sent += 1
        await OutboxMessage.update(
            {
                OutboxMessage.status: MessageStatus.SENT,
                OutboxMessage.attempts: row["attempts"] + 1,
                OutboxMessage.sent_at: now,
                OutboxMessage.last_error: None,
                # Delivered: nobody needs the secrets again, so they are not kept at all.
                OutboxMessage.secrets_sealed: None,
            }
        ).where(OutboxMessage.id == row["id"], OutboxMessage.claimed_by == sender)
    return sent, failed

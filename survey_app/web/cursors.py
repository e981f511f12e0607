"""The API lists' signed cursors: where the last page ended, opaque and signed so that a client
cannot forge one to read past its filters (``listing.fetch_after`` pages with them)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import msgspec


class Cursor(msgspec.Struct, frozen=True, array_like=True):
    """Where the last page ended: the last row's change time and id."""

    updated_at: dt.datetime
    id: int


def _signature(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), b"list-cursor:" + body, hashlib.sha256).digest()[:12]


def make_cursor(secret: str, cursor: Cursor) -> str:
    """An opaque, signed cursor: a client cannot forge one to read past its filters."""
    body = msgspec.json.encode(cursor)
    return base64.urlsafe_b64encode(body + _signature(secret, body)).decode().rstrip("=")


def read_cursor(secret: str, text: str) -> Cursor | None:
    """The cursor, or None when it was altered, truncated or never ours."""
    try:
        blob = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None
    body, signature = blob[:-12], blob[-12:]
    if len(blob) <= 12 or not hmac.compare_digest(signature, _signature(secret, body)):
        return None
    try:
        return msgspec.json.decode(body, type=Cursor)
    except msgspec.DecodeError:
        return None

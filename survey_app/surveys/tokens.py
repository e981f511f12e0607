"""Invitation tokens and short codes: derived from the server secret, stored only as keyed hashes.

A token is an HMAC of the invitation id and its revocation counter, so authorised staff can show
a link again days later without the database ever holding it; a leaked database alone reveals
no live link. Bumping the counter revokes every earlier token for that invitation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid

#: No 0/O, 1/I/L, 5/S or 2/Z: a pupil copying from a slip should not be able to misread it.
SHORT_CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
SHORT_CODE_LENGTH = 8


def _mac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def invitation_token(secret: str, invitation_id: uuid.UUID, counter: int) -> str:
    """The link token: 256 bits, URL-safe."""
    digest = _mac(secret, f"invitation-token:{invitation_id}:{counter}")
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def short_code(secret: str, invitation_id: uuid.UUID, counter: int) -> str:
    """The code a pupil can type, e.g. ``HK7M-Q4TX``; distinct from the link token."""
    digest = _mac(secret, f"invitation-short-code:{invitation_id}:{counter}")
    number = int.from_bytes(digest, "big")
    characters = []
    for _ in range(SHORT_CODE_LENGTH):
        number, index = divmod(number, len(SHORT_CODE_ALPHABET))
        characters.append(SHORT_CODE_ALPHABET[index])
    code = "".join(characters)
    return f"{code[:4]}-{code[4:]}"


def normalise_short_code(typed: str) -> str:
    """Accept what a pupil types: any case, with or without spaces and dashes."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == SHORT_CODE_LENGTH else cleaned


def lookup_hash(secret: str, value: str) -> str:
    """The keyed hash stored for look-up; without the secret it cannot be reversed or guessed."""
    return hmac.new(secret.encode(), f"lookup:{value}".encode(), hashlib.sha256).hexdigest()

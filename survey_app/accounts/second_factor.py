"""The second factor: time-based one-time codes (TOTP, RFC 6238), each accepted once.

Required for LA roles, available to everyone. Secrets are stored encrypted (Fernet) under a key
derived from the server secret, so a copy of the database alone cannot mint codes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import pyotp
from cryptography.fernet import Fernet, InvalidToken

from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffUser

ISSUER = "Learner voice"
STEP_SECONDS = 30


def _fernet(secret_key: str) -> Fernet:
    key = hashlib.sha256(f"totp-secret-encryption:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def encrypt(secret_key: str, secret: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def decrypt(secret_key: str, stored: str) -> str | None:
    try:
        return _fernet(secret_key).decrypt(stored.encode()).decode()
    except InvalidToken:
        return None


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step a code belongs to (this one, or one either side for clock drift)."""
    code = "".join(ch for ch in code if ch in "0123456789")
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // STEP_SECONDS
    for candidate in (step, step - 1, step + 1):
        if totp.at(candidate * STEP_SECONDS) == code:
            return candidate
    return None


async def enable(
    user_id: int, secret_key: str, secret: str, step: int, *, replacing: bool = False
) -> bool:
    """Store a confirmed secret for a user; False when nothing was stored.

    A first secret is stored only while the account has none, so a session holding just the
    password can never write over the owner's authenticator, however it races the owner.
    Replacing one is for a signed-in user who has just typed a code from the current one.
    """
    where: Any = StaffUser.id == user_id
    if not replacing:
        where = where & StaffUser.totp_secret_encrypted.is_null()
    updated = (
        await StaffUser.update(
            {
                StaffUser.totp_secret_encrypted: encrypt(secret_key, secret),
                StaffUser.totp_last_step: step,
            }
        )
        .where(where)
        .returning(StaffUser.id)
    )
    return bool(updated)


async def verify(user_id: int, secret_key: str, code: str, now: dt.datetime) -> bool:
    """Check a user's code; a code (or an earlier one) that was accepted before is refused."""
    async with transaction():
        row = (
            await StaffUser.select(StaffUser.totp_secret_encrypted, StaffUser.totp_last_step)
            .where(StaffUser.id == user_id)
            .first()
        )
        if row is None or not row["totp_secret_encrypted"]:
            return False
        secret = decrypt(secret_key, row["totp_secret_encrypted"])
        step = matching_step(secret, code, now) if secret else None
        if step is None or (row["totp_last_step"] is not None and step <= row["totp_last_step"]):
            return False
        # Conditional, so two requests racing with one code cannot both succeed.
        updated = (
            await StaffUser.update({StaffUser.totp_last_step: step})
            .where(
                StaffUser.id == user_id,
                (StaffUser.totp_last_step.is_null()) | (StaffUser.totp_last_step < step),
            )
            .returning(StaffUser.id)
        )
        return bool(updated)


async def has_mfa(user_id: int) -> bool:
    """Whether the user has set up a second factor."""
    row = (
        await StaffUser.select(StaffUser.totp_secret_encrypted)
        .where(StaffUser.id == user_id)
        .first()
    )
    return bool(row and row["totp_secret_encrypted"])

"""Password reset by an emailed, single-use link that expires after an hour."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from survey_app.accounts.sessions import end_sessions_of
from survey_app.accounts.users import check_password_rules, hash_password
from survey_app.db.engine import transaction
from survey_app.db.tables import PasswordReset, StaffUser
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue
from survey_app.ops.audit import record
from survey_app.settings import Settings
from survey_app.web.urls import Urls

LIFETIME = dt.timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def request_reset(settings: Settings, email: str, now: dt.datetime) -> None:
    """Email a reset link if there is an active account; say nothing either way."""
    user = (
        await StaffUser.select(StaffUser.id, StaffUser.email, StaffUser.local_authority)
        .where(StaffUser.email == email.strip().lower(), StaffUser.active == True)  # noqa: E712
        .first()
    )
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    async with transaction():
        rows = await PasswordReset.insert(
            PasswordReset(user=user["id"], token_hash=_hash(token), expires_at=now + LIFETIME)
        ).returning(PasswordReset.id)
        link = Urls.of(settings).password_reset(token)
        await enqueue(
            [
                messages.password_reset(
                    la=user["local_authority"], reset_id=rows[0]["id"], to=user["email"], link=link
                )
            ],
            now,
            settings.secret_key,
        )
    await record("password_reset.requested", now=now, user_id=user["id"])


async def valid_reset(token: str, now: dt.datetime) -> int | None:
    """The user a live, unused reset link belongs to."""
    row = (
        await PasswordReset.select(PasswordReset.user)
        .where(
            PasswordReset.token_hash == _hash(token),
            PasswordReset.used_at.is_null(),
            PasswordReset.expires_at > now,
        )
        .first()
    )
    return int(row["user"]) if row else None


async def complete_reset(token: str, password: str, now: dt.datetime) -> str | None:
    """Set the new password and end every session; returns a problem in plain words, or None."""
    problem = check_password_rules(password)
    if problem:
        return problem
    async with transaction():
        used = (
            await PasswordReset.update({PasswordReset.used_at: now})
            .where(
                PasswordReset.token_hash == _hash(token),
                PasswordReset.used_at.is_null(),
                PasswordReset.expires_at > now,
            )
            .returning(PasswordReset.user)
        )
        if not used:
            return "This link has expired or has been used. Ask for a new one."
        user_id = used[0]["user"]
        await StaffUser.update({StaffUser.password_hash: hash_password(password)}).where(
            StaffUser.id == user_id
        )
    await end_sessions_of(user_id)
    await record("password_reset.completed", now=now, user_id=user_id)
    return None

"""Password reset by an emailed, single-use link that expires after an hour.

Asking for a link does the same work on the request path whether or not the account exists
(two keyed counter writes, nothing read about the account), and the page is sent before the
account is looked up: the look-up, the link and the email happen after the answer has gone, so
neither the words nor the time of the page say whether someone has an account. The counters
cap the emails one account gets and the requests one address makes in an hour; they never
touch signing in, so a stranger flooding the form cannot stop the owner signing in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from survey_app.accounts.sessions import end_sessions_of
from survey_app.accounts.users import (
    check_password_rules,
    hash_password_off_loop,
    revoke_api_tokens,
)
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import PasswordReset, StaffUser
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue
from survey_app.ops.audit import record
from survey_app.ops.statuses import AuditOutcome
from survey_app.settings import Settings
from survey_app.web.throttle import is_blocked, record_failure
from survey_app.web.urls import Urls

LIFETIME = dt.timedelta(hours=1)
#: Counting window for reset requests, and how many emails one account, and how many requests
#: one address, may have in it: enough for a lost email or two, too few to flood an inbox.
WINDOW = dt.timedelta(hours=1)
EMAILS_PER_ACCOUNT = 3
REQUESTS_PER_ADDRESS = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"reset-account:{email.strip().lower()}", f"reset-address:{address}"


async def note_request(settings: Settings, email: str, address: str, now: dt.datetime) -> None:
    """On the request path: count the request against the email and the address. The same
    two writes happen whether or not the account exists, and nothing about it is read."""
    account_key, address_key = _keys(email, address)
    await record_failure(settings, account_key, now, WINDOW)
    await record_failure(settings, address_key, now, WINDOW)


async def send_reset_link(settings: Settings, email: str, address: str, now: dt.datetime) -> None:
    """After the page has gone: email a link if there is an active account and neither the
    account nor the address has asked too often this hour."""
    account_key, address_key = _keys(email, address)
    user = (
        await StaffUser.select(StaffUser.id, StaffUser.email, StaffUser.local_authority)
        .where(StaffUser.email == email.strip().lower(), StaffUser.active == True)  # noqa: E712
        .first()
    )
    if user is None:
        return
    # ``note_request`` has counted this request already, hence one more than the limit.
    if await is_blocked(
        settings, account_key, now, EMAILS_PER_ACCOUNT + 1, WINDOW
    ) or await is_blocked(settings, address_key, now, REQUESTS_PER_ADDRESS + 1, WINDOW):
        await record(
            "password_reset.requested", now=now, user_id=user["id"], outcome=AuditOutcome.THROTTLED
        )
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


async def request_reset(
    settings: Settings, email: str, now: dt.datetime, address: str = "unknown"
) -> None:
    """Both halves at once, for callers with no page to answer first (the web handler runs
    ``send_reset_link`` after its answer has gone)."""
    await note_request(settings, email, address, now)
    await send_reset_link(settings, email, address, now)


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


async def complete_reset(
    settings: Settings, token: str, password: str, now: dt.datetime
) -> str | None:
    """Set the new password; every other reset link, session and API token of the account
    stops working, and the owner is told by email. Returns a problem in plain words, or None."""
    problem = check_password_rules(password)
    if problem:
        return problem
    password_hash = await hash_password_off_loop(password)
    async with transaction():
        used = (
            await PasswordReset.update({PasswordReset.used_at: now})
            .where(
                PasswordReset.token_hash == _hash(token),
                PasswordReset.used_at.is_null(),
                PasswordReset.expires_at > now,
            )
            .returning(PasswordReset.id, PasswordReset.user)
        )
        if not used:
            return "This link has expired or has been used. Ask for a new one."
        reset_id, user_id = used[0]["id"], used[0]["user"]
        # An older link may sit in a mailbox someone else can read: it dies with this one.
        await PasswordReset.update({PasswordReset.used_at: now}).where(
            PasswordReset.user == user_id, PasswordReset.used_at.is_null()
        )
        user = (
            await StaffUser.update({StaffUser.password_hash: password_hash})
            .where(StaffUser.id == user_id)
            .returning(StaffUser.email, StaffUser.local_authority)
        )
        await revoke_api_tokens(user_id, now)
        await enqueue(
            [
                messages.password_changed(
                    la=user[0]["local_authority"],
                    reset_id=reset_id,
                    to=user[0]["email"],
                    when=now,
                    reset_page=Urls.of(settings).absolute("/staff/password-reset"),
                )
            ],
            now,
        )
    await end_sessions_of(user_id)
    await record(
        "password_reset.completed", now=now, user_id=user_id, object_type="user", object_id=user_id
    )
    return None

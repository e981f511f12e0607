"""Staff accounts and API tokens: passwords hashed with Argon2id, tokens stored only as hashes."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import secrets
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from survey_app.accounts.scoping import LA_ROLES, Actor, Role, scope
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import ApiToken, StaffUser
from survey_app.ops.audit import record

T = TypeVar("T")

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
_hasher = PasswordHasher()
#: Verified against when the email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The Argon2id hash to store for a password."""
    return _hasher.hash(password)


#: Argon2 hashes at once per event loop. Each already runs four lanes in parallel and takes
#: 64 MiB on purpose: with more than one at a time, a burst of sign-ins took every core and
#: /healthz stalled for 0.7 s; one at a time it stayed near 0.2 s at worst (measured with 8
#: wrong sign-ins at once on 2 busy cores). Sign-ins queue instead, about 20 a second per
#: server on an idle core.
HASHING_AT_ONCE = 1
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _hashing_limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    if loop not in _limiters:
        _limiters[loop] = anyio.CapacityLimiter(HASHING_AT_ONCE)
    return _limiters[loop]


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """Run a slow hashing function in a worker thread, a few at a time."""
    return await anyio.to_thread.run_sync(function, *args, limiter=_hashing_limiter())


async def hash_password_off_loop(password: str) -> str:
    """``hash_password`` in a worker thread: Argon2 takes tens of milliseconds of CPU on
    purpose, and on the event loop that would stall every other request meanwhile."""
    return await off_loop(hash_password, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


class AccountError(Exception):
    """A user or token could not be created; the message says why in plain words."""


@functools.cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from public breach corpora, offline.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_rules(password: str) -> str | None:
    """The problem with a proposed password, or None. Length and breach lists, no composition
    rules (NCSC and NIST SP 800-63B advice)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if password.lower() in _common_passwords():
        return "That password is one of the most common, so it is easy to guess: choose another"
    return None


async def create_user(
    *,
    email: str,
    password: str,
    role: Role,
    local_authority_id: int,
    school_id: int | None = None,
    provider_id: int | None = None,
    now: dt.datetime,
) -> int:
    """Add a staff user tied to the organisation their role needs."""
    problem = check_password_rules(password)
    if problem:
        raise AccountError(problem)
    if role == Role.SCHOOL_CONTACT and school_id is None:
        raise AccountError("A school contact needs a school")
    if role == Role.PROVIDER_STAFF and provider_id is None:
        raise AccountError("Provider staff need a provider")
    email = email.strip().lower()
    async with transaction():
        if await StaffUser.exists().where(StaffUser.email == email):
            raise AccountError(f"There is already a user with the email {email}")
        return await insert_user(
            email,
            await hash_password_off_loop(password),
            role,
            local_authority_id,
            school_id,
            provider_id,
            now,
        )


async def insert_user(
    email: str,
    password_hash: str,
    role: Role,
    local_authority_id: int,
    school_id: int | None,
    provider_id: int | None,
    now: dt.datetime,
) -> int:
    """Write one staff user row (checks done by the caller); only their role's organisation is
    kept, so a school contact never carries a provider."""
    rows = await StaffUser.insert(
        StaffUser(
            email=email,
            password_hash=password_hash,
            role=role.value,
            local_authority=local_authority_id,
            school=school_id if role == Role.SCHOOL_CONTACT else None,
            provider=provider_id if role == Role.PROVIDER_STAFF else None,
            active=True,
            created_at=now,
        )
    ).returning(StaffUser.id)
    return int(rows[0]["id"])


def actor_from_row(row: dict[str, Any]) -> Actor:
    """The scoping identity of a staff user row."""
    return Actor(
        user_id=row["id"],
        email=row["email"],
        role=Role(row["role"]),
        local_authority_id=row["local_authority"],
        school_id=row["school"],
        provider_id=row["provider"],
    )


USER_FIELDS = (
    StaffUser.id,
    StaffUser.email,
    StaffUser.role,
    StaffUser.local_authority,
    StaffUser.school,
    StaffUser.provider,
    StaffUser.password_hash,
)


class PasswordCheck(msgspec.Struct, frozen=True):
    """The outcome of checking a password: who signed in, or which account was tried (for the
    audit log; None when no active account has that email)."""

    actor: Actor | None
    tried_user_id: int | None


async def check_password(email: str, password: str) -> PasswordCheck:
    """Check an email and password; Argon2 runs in a worker thread, off the event loop."""
    row = (
        await StaffUser.select(*USER_FIELDS)
        .where(StaffUser.email == email.strip().lower(), StaffUser.active == True)  # noqa: E712
        .first()
    )
    # An unknown email is verified against a dummy hash, so a miss takes as long as a hit.
    stored = row["password_hash"] if row else _DUMMY_HASH
    good = await off_loop(_verify, stored, password)
    if row is None:
        return PasswordCheck(None, None)
    return PasswordCheck(actor_from_row(row) if good else None, int(row["id"]))


async def authenticate(email: str, password: str) -> Actor | None:
    """The actor for a correct email and password of an active account, else None."""
    return (await check_password(email, password)).actor


async def actor_for_user(user_id: int) -> Actor | None:
    """The actor for an active user id (used on every signed-in request)."""
    row = (
        await StaffUser.select(*USER_FIELDS)
        .where(StaffUser.id == user_id, StaffUser.active == True)  # noqa: E712
        .first()
    )
    return actor_from_row(row) if row else None


def _token_hash(token: str) -> str:
    # 256 random bits cannot be guessed, so a fast unkeyed hash is enough for look-up.
    return hashlib.sha256(token.encode()).hexdigest()


#: The default life of an API token (``SURVEY_API_TOKEN_DAYS``).
DEFAULT_TOKEN_DAYS = 90
#: Recording a token's last use at most this often spares a write on every API call.
LAST_USE_GRANULARITY = dt.timedelta(minutes=1)


def _live(now: dt.datetime, days: int) -> Any:
    """Unrevoked and unexpired; a token from before expiry existed lives ``days`` from creation."""
    unexpired = (ApiToken.expires_at > now) | (
        ApiToken.expires_at.is_null() & (ApiToken.created_at > now - dt.timedelta(days=days))
    )
    return ApiToken.revoked_at.is_null() & unexpired


async def create_api_token(
    user_id: int,
    label: str,
    now: dt.datetime,
    *,
    days: int = DEFAULT_TOKEN_DAYS,
    created_by: int | None = None,
) -> str:
    """Create an API token for a user, expiring after ``days``; the token is returned once and
    only its hash is kept. A token for an LA role (which sees every pupil's answers in the area)
    needs the user to have a second factor, since a token skips it."""
    user = (
        await StaffUser.select(StaffUser.role, StaffUser.totp_secret_encrypted)
        .where(StaffUser.id == user_id)
        .first()
    )
    if user is None:
        raise AccountError(f"There is no user with id {user_id}")
    if Role(user["role"]) in LA_ROLES and not user["totp_secret_encrypted"]:
        raise AccountError(
            "Set up two-step sign-in first: LA staff need it before they can have an API token"
        )
    token = "lv_" + secrets.token_urlsafe(32)
    async with transaction():
        rows = await ApiToken.insert(
            ApiToken(
                user=user_id,
                token_hash=_token_hash(token),
                label=label,
                created_at=now,
                expires_at=now + dt.timedelta(days=days),
            )
        ).returning(ApiToken.id)
        await record(
            "api_token.created",
            now=now,
            user_id=created_by if created_by is not None else user_id,
            object_type="api_token",
            object_id=rows[0]["id"],
        )
    return token


async def revoke_api_tokens(user_id: int, now: dt.datetime) -> int:
    """Revoke every live API token of a user; returns how many."""
    revoked = (
        await ApiToken.update({ApiToken.revoked_at: now})
        .where(ApiToken.user == user_id, ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    return len(revoked)


async def actor_for_api_token(
    token: str, now: dt.datetime | None = None, days: int = DEFAULT_TOKEN_DAYS
) -> Actor | None:
    """The actor behind a bearer token that is unrevoked, unexpired and whose user is active;
    its last use is recorded (to within a minute)."""
    now = now or dt.datetime.now(dt.UTC)
    hashed = _token_hash(token)
    row = (
        await ApiToken.select(ApiToken.user)
        .where(ApiToken.token_hash == hashed, _live(now, days))
        .first()
    )
    if row is None:
        return None
    await ApiToken.update({ApiToken.last_used_at: now}).where(
        ApiToken.token_hash == hashed,
        ApiToken.last_used_at.is_null() | (ApiToken.last_used_at < now - LAST_USE_GRANULARITY),
    )
    return await actor_for_user(row["user"])


class TokenRow(msgspec.Struct, frozen=True):
    """One API token as the tokens page lists it (never the token itself)."""

    id: int
    owner: str
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    live: bool


async def tokens_for(actor: Actor, now: dt.datetime, days: int) -> list[TokenRow]:
    """The tokens this actor may see: their own, or every token of their LA for an LA admin."""
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.user.email.as_alias("owner"),
            ApiToken.label,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(scope(actor, ApiToken))
        .order_by(ApiToken.created_at, ascending=False)
    )
    listed = []
    for row in rows:
        expires = row["expires_at"] or row["created_at"] + dt.timedelta(days=days)
        listed.append(
            TokenRow(
                id=row["id"],
                owner=row["owner"],
                label=row["label"],
                created_at=row["created_at"],
                expires_at=expires,
                last_used_at=row["last_used_at"],
                live=row["revoked_at"] is None and expires > now,
            )
        )
    return listed


async def revoke_token(actor: Actor, token_id: int, now: dt.datetime) -> bool:
    """Revoke one token the actor may see; False when there is no such token for them."""
    row = (
        await ApiToken.select(ApiToken.id)
        .where(ApiToken.id == token_id, scope(actor, ApiToken))
        .first()
    )
    if row is None:
        return False
    await ApiToken.update({ApiToken.revoked_at: now}).where(
        ApiToken.id == token_id, ApiToken.revoked_at.is_null()
    )
    await record(
        "api_token.revoked", now=now, actor=actor, object_type="api_token", object_id=token_id
    )
    return True

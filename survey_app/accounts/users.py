"""Staff accounts and API tokens: passwords hashed with Argon2id, tokens stored only as hashes."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from survey_app.accounts.scoping import Actor, Role
from survey_app.db.engine import transaction
from survey_app.db.tables import ApiToken, StaffUser

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
_hasher = PasswordHasher()
#: Verified against when the email is unknown, so a miss costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The Argon2id hash to store for a password."""
    return _hasher.hash(password)


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
        rows = await StaffUser.insert(
            StaffUser(
                email=email,
                password_hash=hash_password(password),
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


async def authenticate(email: str, password: str) -> Actor | None:
    """The actor for a correct email and password of an active account, else None."""
    row = (
        await StaffUser.select(*USER_FIELDS)
        .where(StaffUser.email == email.strip().lower(), StaffUser.active == True)  # noqa: E712
        .first()
    )
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return actor_from_row(row) if row else None


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


async def create_api_token(user_id: int, label: str, now: dt.datetime) -> str:
    """Create an API token for a user; the token is returned once and only its hash is kept."""
    if not await StaffUser.exists().where(StaffUser.id == user_id):
        raise AccountError(f"There is no user with id {user_id}")
    token = "lv_" + secrets.token_urlsafe(32)
    async with transaction():
        await ApiToken.insert(
            ApiToken(user=user_id, token_hash=_token_hash(token), label=label, created_at=now)
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


async def actor_for_api_token(token: str) -> Actor | None:
    """The actor behind a bearer token that is unrevoked and whose user is active."""
    row = (
        await ApiToken.select(ApiToken.user)
        .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_null())
        .first()
    )
    return await actor_for_user(row["user"]) if row else None

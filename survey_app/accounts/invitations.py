"""Inviting staff: an account without a password and a single-use link, valid for 7 days, to set
one (then, for LA roles, the second factor).

The link's token is random and shown once (printed at the console, or emailed through the
outbox); only a hash keyed with the server secret is stored, so a copy of the database alone
cannot accept an invitation. Until the link is used the account has no password, so it cannot
sign in. ``survey-app la add`` invites an authority's first administrator with this; staff
invitations from the LA's own pages reuse it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

import msgspec

from survey_app.accounts.scoping import ROLE_LABELS, Role
from survey_app.accounts.sessions import end_sessions_of
from survey_app.accounts.users import (
    AccountError,
    check_password_rules,
    hash_password,
    insert_user,
)
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffInvitation, StaffUser
from survey_app.db.tables import LocalAuthority
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue
from survey_app.ops.audit import record
from survey_app.organisations.provider_records import provider_names
from survey_app.organisations.rules import email_problem
from survey_app.settings import Settings
from survey_app.web.urls import Urls

LIFETIME = dt.timedelta(days=7)
#: The stored password hash of an account whose invitation has not been accepted: no Argon2
#: hash, so no password can match it.
NO_PASSWORD = ""
EXPIRED = (
    "This invitation has expired or has already been used. "
    "Ask whoever invited you to send a new one."
)


class Invited(msgspec.Struct, frozen=True):
    """An invitation just made: the link is here once, and never stored."""

    user_id: int
    email: str
    link: str
    expires_at: dt.datetime


class OpenInvitation(msgspec.Struct, frozen=True):
    """What the invitation page shows before the password is chosen."""

    user_id: int
    email: str
    role: Role
    authority: str
    #: The school or provider they are invited for ("" for an LA role), as their LA names it.
    organisation: str = ""


def token_hash(secret_key: str, token: str) -> str:
    """The keyed hash stored for a token, for look-up only."""
    return hmac.new(
        secret_key.encode(), f"staff-invitation:{token}".encode(), hashlib.sha256
    ).hexdigest()


async def invite(
    settings: Settings,
    *,
    email: str,
    role: Role,
    local_authority_id: int,
    invited_by: int | None,
    inviter: str,
    now: dt.datetime,
    school_id: int | None = None,
    provider_id: int | None = None,
) -> Invited:
    """Make the account (without a password), its invitation, and queue the email, together.

    ``inviter`` names who set it up, in the email's words ("Jo Bloggs (jo@council.example)",
    or "your council's IT team" from the console), so the person knows whom to ask.
    """
    email = email.strip().lower()
    if problem := email_problem(email):
        raise AccountError(problem)
    if role == Role.SCHOOL_CONTACT and school_id is None:
        raise AccountError("A school contact needs a school")
    if role == Role.PROVIDER_STAFF and provider_id is None:
        raise AccountError("Provider staff need a provider")
    token = secrets.token_urlsafe(32)
    expires_at = now + LIFETIME
    link = Urls.of(settings).staff_invitation(token)
    async with transaction():
        if await StaffUser.exists().where(StaffUser.email == email):
            raise AccountError(f"There is already a user with the email {email}")
        authority = (
            await LocalAuthority.select(LocalAuthority.name)
            .where(LocalAuthority.id == local_authority_id)
            .first()
        )
        if authority is None:
            raise AccountError("There is no such local authority")
        user_id = await insert_user(
            email, NO_PASSWORD, role, local_authority_id, school_id, provider_id, now
        )
        await _issue(
            settings,
            user_id=user_id,
            email=email,
            role=role,
            local_authority_id=local_authority_id,
            authority=authority["name"],
            invited_by=invited_by,
            inviter=inviter,
            token=token,
            now=now,
        )
    await record(
        f"user.invited.{role.value}",
        now=now,
        user_id=invited_by,
        object_type="user",
        object_id=user_id,
    )
    return Invited(user_id=user_id, email=email, link=link, expires_at=expires_at)


async def _issue(
    settings: Settings,
    *,
    user_id: int,
    email: str,
    role: Role,
    local_authority_id: int,
    authority: str,
    invited_by: int | None,
    inviter: str,
    token: str,
    now: dt.datetime,
) -> None:
    """Store a link's hash and queue its email, inside the caller's transaction."""
    expires_at = now + LIFETIME
    kind, organisation = await _organisation_of(user_id, local_authority_id)
    rows = await StaffInvitation.insert(
        StaffInvitation(
            user=user_id,
            token_hash=token_hash(settings.secret_key, token),
            invited_by=invited_by,
            created_at=now,
            expires_at=expires_at,
        )
    ).returning(StaffInvitation.id)
    await enqueue(
        [
            messages.staff_invitation(
                la=local_authority_id,
                invitation_id=int(rows[0]["id"]),
                to=email,
                authority=authority,
                organisation=organisation,
                organisation_kind=kind,
                role=ROLE_LABELS[role],
                inviter=inviter,
                second_factor=role in {Role.LA_ADMIN, Role.LA_OFFICER, Role.LA_SAFEGUARDING},
                link=Urls.of(settings).staff_invitation(token),
                expires=expires_at,
            )
        ],
        now,
        secret_key=settings.secret_key,
    )


async def _organisation_of(user_id: int, la: int) -> tuple[str, str]:
    """The school or provider someone is invited for, as ("school" or "provider", its name), or
    ("", "") for an LA role. The provider is named as the inviting LA keeps it: the email must
    not show a name another council typed."""
    row = (
        await StaffUser.select(StaffUser.school.name.as_alias("school_name"), StaffUser.provider)
        .where(StaffUser.id == user_id)
        .first()
    )
    if row is None:
        return "", ""
    if row["school_name"]:
        return "school", str(row["school_name"])
    if row["provider"] is not None:
        names = await provider_names([(la, row["provider"])])
        return "provider", names[(la, row["provider"])]
    return "", ""


async def resend(
    settings: Settings, *, user_id: int, invited_by: int | None, inviter: str, now: dt.datetime
) -> Invited:
    """A new link for someone who has not yet accepted; every earlier link stops working, so
    an old email forwarded or left in a shared inbox cannot be used after the new one is sent.
    The caller checks the actor may manage this user."""
    token = secrets.token_urlsafe(32)
    async with transaction():
        user = (
            await StaffUser.select(
                StaffUser.email,
                StaffUser.role,
                StaffUser.local_authority,
                StaffUser.local_authority.name.as_alias("authority"),
            )
            .where(
                StaffUser.id == user_id,
                StaffUser.password_hash == NO_PASSWORD,
                StaffUser.active == True,  # noqa: E712
            )
            .first()
        )
        if user is None:
            raise AccountError("Only someone who has not yet accepted can be sent a new link")
        # Expired now, not deleted: the audit trail keeps who was sent what, and when.
        await StaffInvitation.update({StaffInvitation.expires_at: now}).where(
            StaffInvitation.user == user_id,
            StaffInvitation.used_at.is_null(),
            StaffInvitation.expires_at > now,
        )
        await _issue(
            settings,
            user_id=user_id,
            email=user["email"],
            role=Role(user["role"]),
            local_authority_id=user["local_authority"],
            authority=user["authority"],
            invited_by=invited_by,
            inviter=inviter,
            token=token,
            now=now,
        )
    await record(
        "user.invitation_resent", now=now, user_id=invited_by, object_type="user", object_id=user_id
    )
    return Invited(
        user_id=user_id,
        email=user["email"],
        link=Urls.of(settings).staff_invitation(token),
        expires_at=now + LIFETIME,
    )


def _live(secret_key: str, token: str, now: dt.datetime) -> Any:
    """An invitation whose link this is, not yet used and not expired."""
    return (
        (StaffInvitation.token_hash == token_hash(secret_key, token))
        & StaffInvitation.used_at.is_null()
        & (StaffInvitation.expires_at > now)
    )


async def open_invitation(secret_key: str, token: str, now: dt.datetime) -> OpenInvitation | None:
    """The invitation a live, unused link belongs to, or None."""
    row = (
        await StaffInvitation.select(
            StaffInvitation.user,
            StaffInvitation.user.email.as_alias("email"),
            StaffInvitation.user.role.as_alias("role"),
            StaffInvitation.user.local_authority.as_alias("la"),
            StaffInvitation.user.local_authority.name.as_alias("authority"),  # type: ignore[union-attr]
        )
        .where(_live(secret_key, token, now), StaffInvitation.user.active == True)  # noqa: E712
        .first()
    )
    if row is None:
        return None
    _, organisation = await _organisation_of(row["user"], row["la"])
    return OpenInvitation(
        user_id=row["user"],
        email=row["email"],
        role=Role(row["role"]),
        authority=row["authority"],
        organisation=organisation,
    )


async def accept(
    secret_key: str, token: str, password: str, now: dt.datetime
) -> tuple[int | None, str | None]:
    """Set the invited person's password and use up the link: (their user id, None), or
    (None, the problem in plain words). A link works once, however quickly it is replayed."""
    problem = check_password_rules(password)
    if problem:
        return None, problem
    async with transaction():
        # Conditional, so two requests racing with one link cannot both set a password.
        used = (
            await StaffInvitation.update({StaffInvitation.used_at: now})
            .where(_live(secret_key, token, now))
            .returning(StaffInvitation.user)
        )
        if not used:
            return None, EXPIRED
        user_id = int(used[0]["user"])
        await StaffUser.update({StaffUser.password_hash: hash_password(password)}).where(
            StaffUser.id == user_id
        )
    await end_sessions_of(user_id)
    await record("user.invitation_accepted", now=now, user_id=user_id)
    return user_id, None

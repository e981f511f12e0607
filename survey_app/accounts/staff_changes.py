"""An administrator's changes to a user of their LA: role, disabling and enabling, a new
invitation link, a reset second factor. The LA is never left without an administrator who can
sign in, and a user of another LA is reported as not found (``staff.NotFound``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.accounts import invitations
from survey_app.accounts.scoping import Actor, Role
from survey_app.accounts.sessions import end_sessions_of
from survey_app.accounts.staff import NotFound, in_la
from survey_app.accounts.staff_inviting import inviter_of
from survey_app.accounts.staff_organisations import organisation_for
from survey_app.accounts.users import AccountError, check_password, revoke_api_tokens
from survey_app.db.engine import is_postgres, transaction
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import LocalAuthority
from survey_app.ops.audit import record
from survey_app.ops.statuses import AuditOutcome
from survey_app.settings import Settings


async def _target(actor: Actor, user_id: int) -> dict[str, Any]:
    row = (
        await StaffUser.select(StaffUser.id, StaffUser.role, StaffUser.active)
        .where(StaffUser.id == user_id, in_la(actor))
        .first()
    )
    if row is None:
        raise NotFound(user_id)
    return row


async def _would_leave_no_administrator(actor: Actor, user_id: int) -> bool:
    """Whether, without this user, the LA would have no administrator able to sign in.

    Called inside the change's transaction. Two administrators disabling each other at once
    must not both pass: SQLite's write transactions already run one at a time, and on
    PostgreSQL the authority's row is locked first, so the second waits and counts afresh.
    """
    if is_postgres():
        await (
            LocalAuthority.select(LocalAuthority.id)
            .where(LocalAuthority.id == actor.local_authority_id)
            .lock_rows()
        )
    others = await StaffUser.count().where(
        in_la(actor),
        StaffUser.id != user_id,
        StaffUser.role == Role.LA_ADMIN.value,
        StaffUser.active == True,  # noqa: E712
        StaffUser.password_hash != invitations.NO_PASSWORD,
    )
    return others == 0


LAST_ADMIN = (
    "This is the authority's only active administrator: make someone else an administrator "
    "first, or the authority would be locked out of its staff page"
)


async def _sign_out_everywhere(user_id: int, now: dt.datetime) -> None:
    await end_sessions_of(user_id)
    await revoke_api_tokens(user_id, now)


async def change_role(
    actor: Actor,
    user_id: int,
    *,
    role: Role,
    school: str = "",
    provider: str = "",
    now: dt.datetime,
) -> None:
    """Give a user another role (and its school or provider). They are signed out everywhere
    and their tokens revoked: a session or token kept from the old role would otherwise carry
    on with the new one's reach, and a new LA role must first set up its second factor."""
    school_id, provider_id = await organisation_for(
        actor.local_authority_id, role, school, provider
    )
    async with transaction():
        target = await _target(actor, user_id)
        if (
            target["role"] == Role.LA_ADMIN.value
            and role != Role.LA_ADMIN
            and target["active"]
            and await _would_leave_no_administrator(actor, user_id)
        ):
            raise AccountError(LAST_ADMIN)
        await StaffUser.update(
            {
                StaffUser.role: role.value,
                StaffUser.school: school_id,
                StaffUser.provider: provider_id,
            }
        ).where(StaffUser.id == user_id, in_la(actor))
    await _sign_out_everywhere(user_id, now)
    await record(
        f"user.role_changed.{role.value}",
        now=now,
        actor=actor,
        object_type="user",
        object_id=user_id,
    )


async def disable(actor: Actor, user_id: int, now: dt.datetime) -> None:
    """Disable a user: every session ends and every API token is revoked, at once."""
    async with transaction():
        target = await _target(actor, user_id)
        if target["role"] == Role.LA_ADMIN.value and await _would_leave_no_administrator(
            actor, user_id
        ):
            raise AccountError(LAST_ADMIN)
        await StaffUser.update({StaffUser.active: False}).where(
            StaffUser.id == user_id, in_la(actor)
        )
    await _sign_out_everywhere(user_id, now)
    await record("user.disabled", now=now, actor=actor, object_type="user", object_id=user_id)


async def enable(actor: Actor, user_id: int, now: dt.datetime) -> None:
    """Let a disabled user sign in again (with their old password; tokens stay revoked)."""
    await _target(actor, user_id)
    await StaffUser.update({StaffUser.active: True}).where(StaffUser.id == user_id, in_la(actor))
    await record("user.enabled", now=now, actor=actor, object_type="user", object_id=user_id)


async def resend_invitation(
    settings: Settings, actor: Actor, user_id: int, now: dt.datetime
) -> invitations.Invited:
    """A new link for someone who has not accepted yet; the old link stops working."""
    await _target(actor, user_id)
    return await invitations.resend(
        settings,
        user_id=user_id,
        invited_by=actor.user_id,
        inviter=await inviter_of(actor),
        now=now,
    )


async def reset_second_factor(
    actor: Actor, user_id: int, own_password: str, now: dt.datetime
) -> bool:
    """Clear a user's lost second factor, only when the administrator's own password is right
    (a session left open at a desk must not be enough). Their sessions end; at their next
    sign-in, with their password, they set up a new one. False (and nothing changed) when the
    password is wrong."""
    await _target(actor, user_id)
    check = await check_password(actor.email, own_password)
    if check.actor is None or check.actor.user_id != actor.user_id:
        await record(
            "user.second_factor_reset",
            now=now,
            actor=actor,
            object_type="user",
            object_id=user_id,
            outcome=AuditOutcome.REFUSED,
        )
        return False
    await StaffUser.update(
        {StaffUser.totp_secret_encrypted: None, StaffUser.totp_last_step: None}
    ).where(StaffUser.id == user_id, in_la(actor))
    await end_sessions_of(user_id)
    await record(
        "user.second_factor_reset", now=now, actor=actor, object_type="user", object_id=user_id
    )
    return True

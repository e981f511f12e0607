"""Staff administration: who works in an LA's service, inviting more, and an administrator's
changes to them (role, disabling, a new invitation link, a reset second factor).

Every function here takes the acting ``Actor`` and reads or changes only users of the actor's
own LA (``StaffUser.local_authority == actor.local_authority_id``, the staff table's scope); a
user of another LA is reported as not found, never as forbidden, so ids cannot be probed.
Schools and providers are chosen by what a person knows them by (URN or name), never by our
internal ids. Handlers (``staff_pages.py``) and the console (``commands.py``) stay thin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from survey_app.accounts import invitations
from survey_app.accounts.scoping import ROLE_LABELS, Actor, Role
from survey_app.accounts.sessions import end_sessions_of
from survey_app.accounts.staff_organisations import Choice, organisation_for
from survey_app.accounts.statuses import StaffState
from survey_app.accounts.users import AccountError, check_password, revoke_api_tokens
from survey_app.db.engine import is_postgres, transaction
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import LocalAuthority, School
from survey_app.ops.audit import record
from survey_app.organisations.provider_records import add_provider_names
from survey_app.settings import Settings
from survey_app.web.listing import ListPage, ListQuery, ListSpec, fetch_page


class NotFound(Exception):
    """No such user in the actor's LA (whether or not one exists elsewhere)."""


class StaffRow(msgspec.Struct, frozen=True):
    """One user as the staff page lists them."""

    id: int
    email: str
    role: str
    role_label: str
    organisation: str
    last_signed_in_at: dt.datetime | None
    state: str


class StaffPage(msgspec.Struct, frozen=True):
    found: ListPage
    users: list[StaffRow]


class Person(msgspec.Struct, frozen=True):
    """One user as their page shows them, with the values the change-role form starts from."""

    row: StaffRow
    school: str
    provider: str
    has_second_factor: bool


def _in_la(actor: Actor) -> Any:
    # The staff table's scope: an LA's users are its administrators' to see, no one else's.
    return StaffUser.local_authority == actor.local_authority_id


def _state(row: dict[str, Any]) -> str:
    if not row["active"]:
        return StaffState.DISABLED
    if row["password_hash"] == invitations.NO_PASSWORD:
        return StaffState.INVITED
    return StaffState.ACTIVE


_ROW_FIELDS = (
    StaffUser.id,
    StaffUser.email,
    StaffUser.role,
    StaffUser.active,
    StaffUser.password_hash,
    StaffUser.last_signed_in_at,
    StaffUser.totp_secret_encrypted,
    StaffUser.school.name.as_alias("school_name"),
    StaffUser.school.urn.as_alias("school_urn"),
    StaffUser.local_authority,
    StaffUser.provider,
)


def _row(row: dict[str, Any], authority: str) -> StaffRow:
    role = Role(row["role"])
    organisation = (
        row["school_name"]
        if role == Role.SCHOOL_CONTACT
        else row.get("provider_name")
        if role == Role.PROVIDER_STAFF
        else authority
    )
    return StaffRow(
        id=row["id"],
        email=row["email"],
        role=role.value,
        role_label=ROLE_LABELS[role],
        organisation=organisation or "",
        last_signed_in_at=row["last_signed_in_at"],
        state=_state(row),
    )


async def _authority_name(la_id: int) -> str:
    row = await LocalAuthority.select(LocalAuthority.name).where(LocalAuthority.id == la_id).first()
    return str(row["name"]) if row else ""


async def staff_page(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[Any]
) -> StaffPage:
    """One page of the actor's LA's users; every page is reachable (no silent cut)."""
    found = await fetch_page(spec, query, errors, actor, StaffUser, _ROW_FIELDS)
    # Each provider as this LA names it, never as another council using it does.
    await add_provider_names(found.rows, "local_authority")
    authority = await _authority_name(actor.local_authority_id)
    return StaffPage(found, [_row(r, authority) for r in found.rows])


async def person(actor: Actor, user_id: int) -> Person:
    row = await StaffUser.select(*_ROW_FIELDS).where(StaffUser.id == user_id, _in_la(actor)).first()
    if row is None:
        raise NotFound(user_id)
    await add_provider_names([row], "local_authority")
    return Person(
        row=_row(row, await _authority_name(actor.local_authority_id)),
        school=row["school_urn"] or row["school_name"] or "",
        provider=row.get("provider_name") or "",
        has_second_factor=bool(row["totp_secret_encrypted"]),
    )


# Choosing a school or provider -------------------------------------------------------------


async def invited_email(actor: Actor, user_id: int) -> str | None:
    """The address of someone the actor may have just invited (for the page that says it was
    sent): within their LA, and for a school contact, their own school's colleagues only."""
    query = StaffUser.select(StaffUser.email).where(StaffUser.id == user_id, _in_la(actor))
    if actor.role == Role.SCHOOL_CONTACT:
        query = query.where(StaffUser.school == actor.school_id)
    elif actor.role != Role.LA_ADMIN:
        return None
    row = await query.first()
    return str(row["email"]) if row else None


def may_invite(actor: Actor, role: Role, school_id: int | None) -> bool:
    """Administrators invite anyone to their LA; a school contact, only colleagues at their
    own school (never an LA role, which would see every pupil in the area)."""
    if actor.role == Role.LA_ADMIN:
        return True
    if actor.role == Role.SCHOOL_CONTACT:
        return role == Role.SCHOOL_CONTACT and school_id == actor.school_id
    return False


async def inviter_of(actor: Actor) -> str:
    """How the email names who sent it: a person, their role and where, and their address, so
    the invitation is easy to check with someone the reader can find ("an LA administrator at
    Westshire Council (jo@westshire.example)")."""
    if actor.role == Role.SCHOOL_CONTACT and actor.school_id is not None:
        school = await School.select(School.name).where(School.id == actor.school_id).first()
        where = school["name"] if school else await _authority_name(actor.local_authority_id)
        return f"a school contact at {where} ({actor.email})"
    authority = await _authority_name(actor.local_authority_id)
    return f"an {actor.role_label} at {authority} ({actor.email})"


async def invite(
    settings: Settings,
    actor: Actor,
    *,
    email: str,
    role: Role,
    school: str = "",
    provider: str = "",
    now: dt.datetime,
) -> invitations.Invited:
    """Invite someone to the actor's LA; AccountError says in plain words what is wrong."""
    la_id = actor.local_authority_id
    if actor.role == Role.SCHOOL_CONTACT and role != Role.SCHOOL_CONTACT:
        raise AccountError("You can invite colleagues at your own school only")
    school_id, provider_id = await organisation_for(la_id, role, school, provider)
    if not may_invite(actor, role, school_id):
        await record(
            "user.invite",
            now=now,
            actor=actor,
            object_type="role",
            object_id=role,
            outcome="refused",
        )
        raise AccountError("You can invite colleagues at your own school only")
    return await invitations.invite(
        settings,
        email=email,
        role=role,
        local_authority_id=la_id,
        invited_by=actor.user_id,
        inviter=await inviter_of(actor),
        now=now,
        school_id=school_id,
        provider_id=provider_id,
    )


# An administrator's changes ------------------------------------------------------------------


async def _target(actor: Actor, user_id: int) -> dict[str, Any]:
    row = (
        await StaffUser.select(StaffUser.id, StaffUser.role, StaffUser.active)
        .where(StaffUser.id == user_id, _in_la(actor))
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
        _in_la(actor),
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
        ).where(StaffUser.id == user_id, _in_la(actor))
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
            StaffUser.id == user_id, _in_la(actor)
        )
    await _sign_out_everywhere(user_id, now)
    await record("user.disabled", now=now, actor=actor, object_type="user", object_id=user_id)


async def enable(actor: Actor, user_id: int, now: dt.datetime) -> None:
    """Let a disabled user sign in again (with their old password; tokens stay revoked)."""
    await _target(actor, user_id)
    await StaffUser.update({StaffUser.active: True}).where(StaffUser.id == user_id, _in_la(actor))
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
            outcome="refused",
        )
        return False
    await StaffUser.update(
        {StaffUser.totp_secret_encrypted: None, StaffUser.totp_last_step: None}
    ).where(StaffUser.id == user_id, _in_la(actor))
    await end_sessions_of(user_id)
    await record(
        "user.second_factor_reset", now=now, actor=actor, object_type="user", object_id=user_id
    )
    return True


def roles_for(actor: Actor) -> list[Choice]:
    """The roles the actor may give."""
    if actor.role == Role.SCHOOL_CONTACT:
        return [Choice(Role.SCHOOL_CONTACT.value, ROLE_LABELS[Role.SCHOOL_CONTACT])]
    return [Choice(role.value, ROLE_LABELS[role]) for role in Role]

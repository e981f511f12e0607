"""Inviting staff to an LA's service: who may invite whom, and how the email names who sent it.

Like the rest of staff administration (``staff.py``), it acts within the actor's own LA only.
"""

from __future__ import annotations

import datetime as dt

from survey_app.accounts import invitations
from survey_app.accounts.scoping import ROLE_LABELS, Actor, Role
from survey_app.accounts.staff import authority_name_of, in_la
from survey_app.accounts.staff_organisations import Choice, organisation_for
from survey_app.accounts.users import AccountError
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import School
from survey_app.ops.audit import record
from survey_app.ops.statuses import AuditOutcome
from survey_app.settings import Settings


async def invited_email(actor: Actor, user_id: int) -> str | None:
    """The address of someone the actor may have just invited (for the page that says it was
    sent): within their LA, and for a school contact, their own school's colleagues only."""
    query = StaffUser.select(StaffUser.email).where(StaffUser.id == user_id, in_la(actor))
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
        where = school["name"] if school else await authority_name_of(actor.local_authority_id)
        return f"a school contact at {where} ({actor.email})"
    authority = await authority_name_of(actor.local_authority_id)
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
            outcome=AuditOutcome.REFUSED,
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


def roles_for(actor: Actor) -> list[Choice]:
    """The roles the actor may give."""
    if actor.role == Role.SCHOOL_CONTACT:
        return [Choice(Role.SCHOOL_CONTACT.value, ROLE_LABELS[Role.SCHOOL_CONTACT])]
    return [Choice(role.value, ROLE_LABELS[role]) for role in Role]

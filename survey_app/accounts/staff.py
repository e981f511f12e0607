"""Staff administration: who works in an LA's service, inviting more, and an administrator's
changes to them (role, disabling, a new invitation link, a reset second factor).

Every function here takes the acting ``Actor`` and reads or changes only users of the actor's
own LA (``StaffUser.local_authority == actor.local_authority_id``, the staff table's scope); a
user of another LA is reported as not found, never as forbidden, so ids cannot be probed.
Schools and providers are chosen by what a person knows them by (URN or name), never by our
internal ids. Handlers (``staff_pages.py``) and the console (``commands.py``) stay thin.

Here: listing the LA's users and one user's page. Inviting is in ``staff_inviting.py``; an
administrator's changes in ``staff_changes.py``; both share ``in_la`` and ``NotFound``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from survey_app.accounts import invitations
from survey_app.accounts.scoping import ROLE_LABELS, Actor, Role
from survey_app.accounts.statuses import StaffState
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import LocalAuthority
from survey_app.organisations.provider_records import add_provider_names
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


def in_la(actor: Actor) -> Any:
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


async def authority_name_of(la_id: int) -> str:
    """The authority's name as staff pages and invitation emails show it ("" if none)."""
    row = await LocalAuthority.select(LocalAuthority.name).where(LocalAuthority.id == la_id).first()
    return str(row["name"]) if row else ""


async def staff_page(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[Any]
) -> StaffPage:
    """One page of the actor's LA's users; every page is reachable (no silent cut)."""
    found = await fetch_page(spec, query, errors, actor, StaffUser, _ROW_FIELDS)
    # Each provider as this LA names it, never as another council using it does.
    await add_provider_names(found.rows, "local_authority")
    authority = await authority_name_of(actor.local_authority_id)
    return StaffPage(found, [_row(r, authority) for r in found.rows])


async def person(actor: Actor, user_id: int) -> Person:
    row = await StaffUser.select(*_ROW_FIELDS).where(StaffUser.id == user_id, in_la(actor)).first()
    if row is None:
        raise NotFound(user_id)
    await add_provider_names([row], "local_authority")
    return Person(
        row=_row(row, await authority_name_of(actor.local_authority_id)),
        school=row["school_urn"] or row["school_name"] or "",
        provider=row.get("provider_name") or "",
        has_second_factor=bool(row["totp_secret_encrypted"]),
    )

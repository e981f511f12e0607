"""The school or provider a staff member works for, chosen from the registers by URN or name,
never by an internal id, and only among the inviting LA's own."""

from __future__ import annotations

from typing import Any

import msgspec

from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.accounts.users import AccountError
from survey_app.db.tables import Provider, ProviderRecord, School
from survey_app.organisations.provider_records import named_providers
from survey_app.organisations.statuses import SchoolStatus


class Choice(msgspec.Struct, frozen=True):
    """One school or provider offered in a form: what is sent, and what is shown."""

    value: str
    label: str


async def school_choices(actor: Actor) -> list[Choice]:
    """The schools the actor may tie a user to: their LA's open ones (a school contact: theirs)."""
    rows = (
        await School.select(School.name, School.urn)
        .where(scope(actor, School), School.status != SchoolStatus.CLOSED)
        .order_by(School.name)
    )
    return [
        Choice(r["urn"] or r["name"], f"{r['name']} (URN {r['urn']})" if r["urn"] else r["name"])
        for r in rows
    ]


async def provider_choices(actor: Actor) -> list[Choice]:
    """The providers on the actor's LA's register (not archived), by the names it keeps."""
    rows = await named_providers(
        actor.local_authority_id,
        scope(actor, Provider) & Provider.id.is_in(_register(actor.local_authority_id)),
    )
    return [Choice(r["name"], r["name"]) for r in rows]


def _register(la_id: int) -> Any:
    return ProviderRecord.select(ProviderRecord.provider).where(
        ProviderRecord.local_authority == la_id,
        ProviderRecord.archived == False,  # noqa: E712
    )


async def find_school(la_id: int, wanted: str) -> int:
    """The LA's school with this URN, or else exactly this name; AccountError otherwise."""
    wanted = wanted.strip()
    if not wanted:
        raise AccountError("Choose their school")
    in_la = School.local_authority == la_id
    rows = await School.select(School.id).where(in_la, School.urn == wanted)
    if not rows:
        # Names compared in Python, case-folded: LIKE would read "_" and "%" in a name as
        # wildcards, and an LA has only a few hundred schools.
        every = await School.select(School.id, School.name).where(in_la)
        rows = [r for r in every if r["name"].strip().casefold() == wanted.casefold()]
    if len(rows) != 1:
        raise AccountError(
            f"There is no school {wanted!r} in this authority"
            if not rows
            else f"More than one school is called {wanted!r}: choose it by URN"
        )
    return int(rows[0]["id"])


async def find_provider(la_id: int, wanted: str) -> int:
    """The provider on the LA's register with this name (or Ofsted URN or UKPRN)."""
    wanted = wanted.strip()
    if not wanted:
        raise AccountError("Choose their provider")
    on_register = Provider.id.is_in(_register(la_id))
    # By the name this LA keeps for it: another council's name for the same provider finds
    # nothing here.
    every = await named_providers(la_id, on_register)
    rows = [r for r in every if r["name"].strip().casefold() == wanted.casefold()]
    if not rows:
        rows = await Provider.select(Provider.id).where(
            on_register, (Provider.ofsted_urn == wanted) | (Provider.ukprn == wanted)
        )
    if len(rows) != 1:
        raise AccountError(
            f"There is no provider {wanted!r} on this authority's register"
            if not rows
            else f"More than one provider is called {wanted!r}: choose it by Ofsted URN or UKPRN"
        )
    return int(rows[0]["id"])


async def organisation_for(
    la_id: int, role: Role, school: str, provider: str
) -> tuple[int | None, int | None]:
    """The (school id, provider id) a user of this role is tied to, from what was chosen."""
    if role == Role.SCHOOL_CONTACT:
        return await find_school(la_id, school), None
    if role == Role.PROVIDER_STAFF:
        return None, await find_provider(la_id, provider)
    return None, None


# Inviting ----------------------------------------------------------------------------------

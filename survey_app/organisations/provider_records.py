"""Each LA's own record of a provider: reading it, and the contact it gives for notifications.

A provider row is shared by every LA that uses it and holds its identity only; everything a
council writes about it is that council's ``ProviderRecord``. Every read here is through
``scope`` or keyed by the LA the work belongs to, so one council never reads another's record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import Any

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import Provider, ProviderRecord

#: The record's columns read beside the provider's own (the QA and register fields).
RECORD_FIELDS = tuple(
    column
    for column in ProviderRecord._meta.columns
    if column._meta.name not in {"id", "local_authority", "provider"}
)

#: The shared row's columns a council may read: its id, fallback name and public identifiers.
IDENTITY = (
    Provider.id,
    Provider.name,
    Provider.ofsted_urn,
    Provider.ukprn,
    Provider.company_number,
    Provider.charity_number,
)


async def record_of(actor: Actor, provider_id: int) -> dict[str, Any] | None:
    """The provider with the actor's LA's record of it merged in, or None if out of scope.

    The provider's identity (id, identifiers) comes from the shared row; every other field,
    the name too, is the actor's own LA's. A provider in scope with no record of this LA
    (provider staff whose LA has not registered them) gets an empty record's defaults and the
    deployment's fallback name.
    """
    # Not the match key: it is the first registering council's name and postcode, squeezed.
    provider: dict[str, Any] | None = (
        await Provider.select(*IDENTITY)
        .where(Provider.id == provider_id, scope(actor, Provider))
        .first()
    )
    if provider is None:
        return None
    record = (
        await ProviderRecord.select(ProviderRecord.id.as_alias("record_id"), *RECORD_FIELDS)
        .where(
            ProviderRecord.provider == provider_id,
            ProviderRecord.local_authority == actor.local_authority_id,
            scope(actor, ProviderRecord),
        )
        .first()
    )
    merged = {**provider, **(record or empty_record())}
    merged["name"] = (record or {}).get("name") or provider["name"]
    return merged


def empty_record() -> dict[str, Any]:
    """What a record holds before the LA has written anything."""
    return {"record_id": None} | {
        column._meta.name: column.get_default_value() for column in RECORD_FIELDS
    }


async def provider_contacts(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The contact email each LA keeps for each provider, keyed by (LA, provider).

    For system work (survey openings, reminders) done for the placement's own LA: a provider
    is told at the address the commissioning LA holds, never at another council's.
    """
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = await ProviderRecord.select(
        ProviderRecord.local_authority, ProviderRecord.provider, ProviderRecord.contact_email
    ).where(ProviderRecord.provider.is_in(sorted({p for _, p in wanted})))
    return {
        (row["local_authority"], row["provider"]): row["contact_email"]
        for row in rows
        if (row["local_authority"], row["provider"]) in wanted
    }


async def add_provider_emails(
    rows: Sequence[MutableMapping[str, Any]], la_key: str, provider_key: str = "provider"
) -> None:
    """Set ``provider_email`` on each row to its LA's contact for its provider ("" if none)."""
    contacts = await provider_contacts((row[la_key], row[provider_key]) for row in rows)
    for row in rows:
        row["provider_email"] = contacts.get((row[la_key], row[provider_key]), "")


async def provider_names(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The name each LA keeps for each provider, keyed by (LA, provider).

    A council sees the name it typed, never the one another council typed for the same shared
    provider. Only where the LA keeps no record of the provider (its own staff, invited before
    the LA registered it) does the deployment's fallback name on the shared row stand in.
    """
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = await ProviderRecord.select(
        ProviderRecord.local_authority, ProviderRecord.provider, ProviderRecord.name
    ).where(
        ProviderRecord.provider.is_in(sorted({p for _, p in wanted})),
        ProviderRecord.local_authority.is_in(sorted({la for la, _ in wanted})),
    )
    names = {
        (row["local_authority"], row["provider"]): row["name"]
        for row in rows
        if (row["local_authority"], row["provider"]) in wanted and row["name"]
    }
    unnamed = sorted({pair[1] for pair in wanted if pair not in names})
    fallback: dict[int, str] = {}
    if unnamed:
        fallback = {
            row["id"]: row["name"]
            for row in await Provider.select(Provider.id, Provider.name).where(
                Provider.id.is_in(unnamed)
            )
        }
    return {pair: names.get(pair) or fallback.get(pair[1], "") for pair in wanted}


async def add_provider_names(
    rows: Sequence[MutableMapping[str, Any]],
    la_key: str,
    provider_key: str = "provider",
    name_key: str = "provider_name",
) -> None:
    """Set ``name_key`` on each row to the name its LA keeps for its provider."""
    names = await provider_names(
        (row[la_key], row[provider_key]) for row in rows if row[provider_key] is not None
    )
    for row in rows:
        if row[provider_key] is not None:
            row[name_key] = names.get((row[la_key], row[provider_key]), "")


async def named_providers(la: int, where: Any) -> list[dict[str, Any]]:
    """The providers matching ``where`` as ``{"id", "name"}``, by the name the LA keeps for
    each (so a list reads in the council's own spelling, in its own order)."""
    rows = await Provider.select(Provider.id).where(where)
    names = await provider_names((la, row["id"]) for row in rows)
    found = [{"id": row["id"], "name": names[(la, row["id"])]} for row in rows]
    return sorted(found, key=lambda row: (row["name"].casefold(), row["id"]))


def offers(row: Mapping[str, Any]) -> list[str]:
    """The record's offer types as a list."""
    return [offer for offer in str(row.get("offer_types") or "").split(",") if offer]


def in_use(actor: Actor) -> Any:
    """The where-clause for providers offered for new placements: those the actor's LA has not
    archived (a provider archived in one LA stays in use in another)."""
    archived = ProviderRecord.select(ProviderRecord.provider).where(
        ProviderRecord.local_authority == actor.local_authority_id,
        ProviderRecord.archived.eq(True),
    )
    return Provider.id.not_in(archived)

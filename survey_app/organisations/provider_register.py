"""The provider register: writing what ``register_file.py`` has read, as each LA's own record.

A provider is found by its identifiers (Ofsted URN, UKPRN, company or charity number), or, with
none, by its name and postcode: the same provider registered by a second LA links to the same
shared row, and that LA gets its own record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.engine import transaction
from survey_app.db.tables import Provider, ProviderRecord
from survey_app.ops.audit import record
from survey_app.organisations.register_file import (
    IDENTIFIERS,
    REGISTER_KEEPERS,
    RegisterEntry,
    RegisterFileError,
    check_register,
    match_key,
    read_rows,
)


class ImportResult(msgspec.Struct, frozen=True):
    added: int
    updated: int
    #: New to this LA but already registered by another: linked to the shared provider.
    linked: int


async def own_match_keys(la: int) -> dict[str, int]:
    """The LA's own providers by the name and postcode it keeps now (either may have changed
    since the provider was first registered), so a re-import finds them."""
    rows = await ProviderRecord.select(
        ProviderRecord.provider,
        ProviderRecord.name,
        ProviderRecord.postcode,
    ).where(ProviderRecord.local_authority == la)
    return {match_key(row["name"], row["postcode"]): int(row["provider"]) for row in rows}


async def _find_provider(entry: RegisterEntry, own: dict[str, int]) -> int | None:
    """The shared provider this entry is: by identifier, then the LA's own, then name+postcode."""
    for key, value in entry.identifiers.items():
        row = await Provider.select(Provider.id).where(getattr(Provider, key) == value).first()
        if row is not None:
            return int(row["id"])
    key = match_key(entry.name, entry.postcode)
    if key in own:
        return own[key]
    if entry.identifiers:
        return None
    shared = await Provider.select(Provider.id).where(Provider.match_key == key).first()
    return int(shared["id"]) if shared is not None else None


async def shared_with_another_la(provider_id: int, la: int) -> bool:
    """Whether a council other than ``la`` also has this provider on its register."""
    shared: bool = await ProviderRecord.exists().where(
        ProviderRecord.provider == provider_id, ProviderRecord.local_authority != la
    )
    return shared


async def _fill_identifiers(provider_id: int, entry: RegisterEntry, la: int) -> None:
    """Add identifiers the shared row lacks; never change one it has (other LAs rely on it).

    Only while this LA is the provider's only user: an identifier on a shared row decides which
    later register entries are linked to it (and so whose pupils its staff answer for), so one
    council must not set it on a provider another council also records.
    """
    if await shared_with_another_la(provider_id, la):
        return
    current = await Provider.select(*[getattr(Provider, k) for k in IDENTIFIERS]).where(
        Provider.id == provider_id
    )
    if not current:
        return
    missing = {
        getattr(Provider, key): value
        for key, value in entry.identifiers.items()
        if not current[0][key]
        and not await Provider.exists().where(getattr(Provider, key) == value)
    }
    if missing:
        await Provider.update(missing).where(Provider.id == provider_id)


async def save_entry(
    la: int,
    entry: RegisterEntry,
    provider_id: int | None = None,
    own: dict[str, int] | None = None,
) -> tuple[str, int]:
    """Write one entry as the LA's record (call inside a transaction); returns the outcome
    ("added", "linked" or "updated") and the provider's id.

    ``provider_id`` names the provider being edited (already checked to be the LA's own);
    otherwise the provider is found by identity or registered. ``own`` is ``own_match_keys``
    of the LA, read once for a whole import and kept up to date here.
    """
    if own is None:
        own = await own_match_keys(la)
    found = provider_id if provider_id is not None else await _find_provider(entry, own)
    if found is None:
        rows = await Provider.insert(
            Provider(
                name=entry.name,
                ofsted_urn=entry.ofsted_urn,
                ukprn=entry.ukprn,
                company_number=entry.company_number,
                charity_number=entry.charity_number,
                match_key=match_key(entry.name, entry.postcode),
            )
        ).returning(Provider.id)
        found = int(rows[0]["id"])
        outcome = "added"
    else:
        await _fill_identifiers(found, entry, la)
        outcome = "updated"
    own[match_key(entry.name, entry.postcode)] = found
    values = entry.record_values()
    existing = (
        await ProviderRecord.select(ProviderRecord.id)
        .where(ProviderRecord.local_authority == la, ProviderRecord.provider == found)
        .first()
    )
    if existing is None:
        await ProviderRecord.insert(ProviderRecord(local_authority=la, provider=found, **values))
        return ("linked" if outcome == "updated" else outcome), found
    await ProviderRecord.update(
        {getattr(ProviderRecord, key): value for key, value in values.items()}
    ).where(ProviderRecord.id == existing["id"])
    return "updated", found


async def import_register(
    la: int, entries: Iterable[tuple[int, RegisterEntry]], now: dt.datetime, actor: Actor | None
) -> ImportResult:
    """Write a checked register as the LA's records, all in one transaction."""
    counts = {"added": 0, "updated": 0, "linked": 0}
    async with transaction():
        own = await own_match_keys(la)
        for _, entry in entries:
            outcome, _ = await save_entry(la, entry, own=own)
            counts[outcome] += 1
        await record(
            "provider_register.import",
            now=now,
            actor=actor,
            object_type="local_authority",
            object_id=la,
        )
    return ImportResult(**counts)


async def archive(actor: Actor, provider_id: int, archived: bool, now: dt.datetime) -> bool:
    """Archive (or restore) the LA's record of a provider; False if it is not the LA's."""
    if actor.role not in REGISTER_KEEPERS:
        return False
    async with transaction():
        done = await (
            ProviderRecord.update({ProviderRecord.archived: archived})
            .where(
                ProviderRecord.provider == provider_id,
                ProviderRecord.local_authority == actor.local_authority_id,
                scope(actor, ProviderRecord),
            )
            .returning(ProviderRecord.id)
        )
        if done:
            await record(
                "provider.archive" if archived else "provider.restore",
                now=now,
                actor=actor,
                object_type="provider",
                object_id=provider_id,
            )
    return bool(done)


class ImportOutcome(msgspec.Struct, frozen=True):
    """What an import did, or every problem that stopped it (then nothing was written)."""

    errors: list[str]
    added: int = 0
    updated: int = 0
    linked: int = 0
    ignored_columns: list[str] = []


async def import_file(
    la: int, data: bytes, filename: str, now: dt.datetime, actor: Actor | None = None
) -> ImportOutcome:
    """Read, check and (only if every cell is right) import a register file for the LA."""
    try:
        checked = check_register(read_rows(data))
    except RegisterFileError as problem:
        return ImportOutcome([str(problem)])
    if checked.errors:
        return ImportOutcome(
            [str(e) for e in checked.errors], ignored_columns=checked.ignored_columns
        )
    result = await import_register(la, checked.entries, now, actor)
    return ImportOutcome([], result.added, result.updated, result.linked, checked.ignored_columns)

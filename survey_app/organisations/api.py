"""The API's registers: providers with the caller's LA's QA record of each, and schools."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Router, get
from litestar.di import NamedDependency

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import Provider, ProviderRecord, School
from survey_app.ops.audit import refuse
from survey_app.organisations.provider_records import (
    empty_record,
    named_providers,
    offers,
    record_of,
)
from survey_app.web.api_errors import ERRORS
from survey_app.web.params import ObjectId


class ProviderOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    registration_status: str
    offer_types: list[str]
    qa_stage: str
    #: The LA's own rating and its date: None for anyone outside the LA (schools, providers).
    rag_rating: str | None
    rag_rated_on: dt.date | None
    last_visit_on: dt.date | None


class SchoolOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    urn: str


def _provider_out(
    provider: dict[str, Any], record: dict[str, Any], *, internal: bool
) -> ProviderOut:
    return ProviderOut(
        id=provider["id"],
        name=provider["name"],
        registration_status=record["registration_status"],
        offer_types=offers(record),
        qa_stage=record["qa_stage"],
        rag_rating=record["rag_rating"] if internal else None,
        rag_rated_on=record["rag_rated_on"] if internal else None,
        last_visit_on=record["last_visit_on"],
    )


@get("/providers", responses=ERRORS)
async def api_providers(actor: NamedDependency[Actor]) -> list[ProviderOut]:
    """Providers in your area, with your LA's QA record of each."""
    # Named as the actor's LA names each one (never another council's name for it).
    rows = sorted(
        await named_providers(actor.local_authority_id, scope(actor, Provider)),
        key=lambda row: row["id"],
    )
    records = {
        row["provider"]: row
        for row in await ProviderRecord.select().where(
            ProviderRecord.local_authority == actor.local_authority_id,
            scope(actor, ProviderRecord),
        )
    }
    blank = empty_record()
    return [_provider_out(row, records.get(row["id"], blank), internal=actor.is_la) for row in rows]


@get("/providers/{provider_id:int}", responses=ERRORS)
async def api_provider(
    actor: NamedDependency[Actor], now: NamedDependency[dt.datetime], provider_id: ObjectId
) -> ProviderOut:
    """One provider and your LA's QA record of it."""
    row = await record_of(actor, provider_id)
    if row is None:
        raise await refuse(actor, "provider", provider_id, now)
    return _provider_out(row, row, internal=actor.is_la)


@get("/schools", responses=ERRORS)
async def api_schools(actor: NamedDependency[Actor]) -> list[SchoolOut]:
    """Schools in your area (or your own school)."""
    rows = await School.select(School.id, School.name, School.urn).where(scope(actor, School))
    return [SchoolOut(**row) for row in rows]


organisation_api = Router(path="/", route_handlers=[api_providers, api_provider, api_schools])

"""The API's registers: providers with their QA record, and schools."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Router, get
from litestar.di import NamedDependency

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import Provider, School
from survey_app.ops.audit import refuse
from survey_app.web.api_errors import ERRORS
from survey_app.web.params import ObjectId


class ProviderOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    registration_status: str
    offer_types: list[str]
    qa_stage: str
    rag_rating: str
    rag_rated_on: dt.date | None
    last_visit_on: dt.date | None


class SchoolOut(msgspec.Struct, frozen=True):
    id: int
    name: str
    urn: str


PROVIDER_FIELDS = (
    Provider.id,
    Provider.name,
    Provider.registration_status,
    Provider.offer_types,
    Provider.qa_stage,
    Provider.rag_rating,
    Provider.rag_rated_on,
    Provider.last_visit_on,
)


def _provider_out(row: dict[str, Any]) -> ProviderOut:
    offers = [offer for offer in row.pop("offer_types").split(",") if offer]
    return ProviderOut(**row, offer_types=offers)


@get("/providers", responses=ERRORS)
async def api_providers(actor: NamedDependency[Actor]) -> list[ProviderOut]:
    """Providers in your area, with their QA record."""
    rows = (
        await Provider.select(*PROVIDER_FIELDS).where(scope(actor, Provider)).order_by(Provider.id)
    )
    return [_provider_out(row) for row in rows]


@get("/providers/{provider_id:int}", responses=ERRORS)
async def api_provider(
    actor: NamedDependency[Actor], now: NamedDependency[dt.datetime], provider_id: ObjectId
) -> ProviderOut:
    """One provider and its QA record."""
    row = (
        await Provider.select(*PROVIDER_FIELDS)
        .where(Provider.id == provider_id, scope(actor, Provider))
        .first()
    )
    if row is None:
        raise await refuse(actor, "provider", provider_id, now)
    return _provider_out(row)


@get("/schools", responses=ERRORS)
async def api_schools(actor: NamedDependency[Actor]) -> list[SchoolOut]:
    """Schools in your area (or your own school)."""
    rows = await School.select(School.id, School.name, School.urn).where(scope(actor, School))
    return [SchoolOut(**row) for row in rows]


organisation_api = Router(path="/", route_handlers=[api_providers, api_provider, api_schools])

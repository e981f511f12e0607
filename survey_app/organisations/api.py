"""The API's registers: providers with the caller's LA's QA record of each, and schools."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Router, get
from litestar.di import NamedDependency

from survey_app.accounts.scoping import Actor
from survey_app.db.tables import ProviderRecord, School
from survey_app.ops.audit import refuse
from survey_app.organisations.provider_records import offers, provider_names, record_of
from survey_app.organisations.providers import provider_spec
from survey_app.organisations.schools import school_spec
from survey_app.organisations.statuses import SchoolStatus
from survey_app.settings import Settings
from survey_app.web.api_errors import ERRORS, invalid
from survey_app.web.api_lists import (
    ApiQuery,
    ListParams,
    fetch_after,
    next_link,
    parse_api,
    query_parameter,
)
from survey_app.web.display import QA_STAGE, RAG, REGISTRATION_STATUS
from survey_app.web.listing import Field, FieldKind, ListSpec
from survey_app.web.params import ObjectId
from survey_app.web.urls import Urls


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
    #: Whether your LA has archived it (kept on record, not offered for new placements).
    archived: bool = False


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
        archived=bool(record.get("archived", False)),
    )


def _api_provider_spec(actor: Actor) -> ListSpec:
    """The register page's filters; ``archived`` says yes or no (absent: every provider, as a
    system syncing the register needs), where the page hides archived ones unless asked."""
    page = provider_spec(actor)
    archived = Field(
        name="archived",
        label="Archived",
        kind=FieldKind.CHOICE,
        where=lambda value: ProviderRecord.archived.eq(value == "yes"),
        choices=(("yes", "Archived providers only"), ("no", "Current providers only")),
    )
    fields = (*(field for field in page.fields if field.name != "archived"), archived)
    return msgspec.structs.replace(page, fields=fields)


ProviderParam = Annotated[str | None, query_parameter("All or part of the provider's name")]
QaStage = Annotated[str | None, query_parameter(", ".join(QA_STAGE))]
Registration = Annotated[str | None, query_parameter(", ".join(REGISTRATION_STATUS))]
Archived = Annotated[str | None, query_parameter("yes (archived only) or no (current only)")]
Rating = Annotated[str | None, query_parameter(f"{', '.join(RAG)} (LA staff only)")]


class ProviderList(msgspec.Struct, frozen=True):
    """One page of providers, and the address of the next (None on the last)."""

    items: list[ProviderOut]
    next: str | None


class SchoolList(msgspec.Struct, frozen=True):
    """One page of schools, and the address of the next (None on the last)."""

    items: list[SchoolOut]
    next: str | None


def _checked(spec: ListSpec, list_params: ListParams, settings: Settings) -> ApiQuery:
    query, errors = parse_api(spec, list_params, settings.secret_key)
    if errors:
        raise invalid(errors)
    return query


def _next(settings: Settings, path: str, list_params: ListParams, cursor: str | None) -> str | None:
    link = next_link(path, list_params.params, cursor)
    return Urls.of(settings).absolute(link) if link else None


# The filters are declared for the OpenAPI document; parse_api reads them from list_params.
@get("/providers", responses=ERRORS)
async def api_providers(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    list_params: NamedDependency[ListParams],
    q: ProviderParam = None,
    qa_stage: QaStage = None,
    registration: Registration = None,
    archived: Archived = None,
    rating: Rating = None,
) -> ProviderList:
    """Providers in your area with your LA's QA record of each, in the order they were added,
    ``limit`` at a time (default 50, at most 500), with ``next`` the following page's address.
    Filter as on the providers page (``q``, ``qa_stage``, ``registration``, ``archived``, and
    ``rating`` for LA staff)."""
    spec = _api_provider_spec(actor)
    found = await fetch_after(
        spec,
        _checked(spec, list_params, settings),
        settings.secret_key,
        actor,
        ProviderRecord,
        None,
        ProviderRecord.all_columns(),
        [ProviderRecord.local_authority == actor.local_authority_id],
    )
    # Named as the actor's LA names each one (never another council's name for it).
    la = actor.local_authority_id
    names = await provider_names((la, row["provider"]) for row in found.rows)
    items = [
        _provider_out(
            {"id": row["provider"], "name": names[(la, row["provider"])]},
            row,
            internal=actor.is_la,
        )
        for row in found.rows
    ]
    return ProviderList(items, _next(settings, "/api/v1/providers", list_params, found.next_cursor))


@get("/providers/{provider_id:int}", responses=ERRORS)
async def api_provider(
    actor: NamedDependency[Actor], now: NamedDependency[dt.datetime], provider_id: ObjectId
) -> ProviderOut:
    """One provider and your LA's QA record of it."""
    row = await record_of(actor, provider_id)
    if row is None:
        raise await refuse(actor, "provider", provider_id, now)
    return _provider_out(row, row, internal=actor.is_la)


SchoolParam = Annotated[str | None, query_parameter("All or part of the school's name or URN")]
SchoolStatusParam = Annotated[str | None, query_parameter(", ".join(SchoolStatus))]
Email = Annotated[str | None, query_parameter("missing or present: the school's contact email")]


@get("/schools", responses=ERRORS)
async def api_schools(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    list_params: NamedDependency[ListParams],
    q: SchoolParam = None,
    status: SchoolStatusParam = None,
    email: Email = None,
) -> SchoolList:
    """Schools in your area (or your own school), in the order they were added, ``limit`` at a
    time (default 50, at most 500), with ``next`` the following page's address. Filter as on
    the schools page (``q``, ``status``, ``email``)."""
    spec = school_spec()
    found = await fetch_after(
        spec,
        _checked(spec, list_params, settings),
        settings.secret_key,
        actor,
        School,
        None,
        (School.id, School.name, School.urn),
    )
    items = [SchoolOut(**row) for row in found.rows]
    return SchoolList(items, _next(settings, "/api/v1/schools", list_params, found.next_cursor))


organisation_api = Router(path="/", route_handlers=[api_providers, api_provider, api_schools])

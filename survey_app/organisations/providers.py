"""Staff pages for the provider register: the list, adding, editing, archiving and importing.

The list is every provider the actor's LA has a record of (or the provider staff's own), with
that LA's record beside each; editing, archiving and importing are for LA admins and officers
and only ever touch their own LA's record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import qa_editors
from survey_app.accounts.scoping import Actor
from survey_app.db.engine import transaction
from survey_app.db.tables import ProviderRecord
from survey_app.ops.audit import record, refuse
from survey_app.organisations.provider_records import empty_record, record_of
from survey_app.organisations.provider_register import (
    ImportOutcome,
    import_file,
    save_entry,
    shared_with_another_la,
)
from survey_app.organisations.register_file import (
    COLUMNS,
    REGISTER_KEEPERS,
    SETTING_TYPE,
    CellError,
    entry_from_fields,
)
from survey_app.web.display import OFFER_TYPE, QA_STAGE, RAG, REGISTRATION_STATUS
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListPage,
    ListQuery,
    ListSpec,
    Sort,
    contains,
    fetch_page,
    parse,
)
from survey_app.web.params import ObjectId
from survey_app.web.rendering import done_redirect, done_result
from survey_app.web.rendering import staff_page as _page


def provider_spec(actor: Actor) -> ListSpec:
    """The register's filters: name, archived or not, QA stage, rating and registration.

    Read from the actor's LA's own records of its providers: the name searched and sorted is the
    one this council typed, so no search can find, and no order can betray, a name another
    council using the same provider typed.
    """
    # Filtering by rating would tell a school or provider the LA's rating: LA staff only.
    rating: tuple[Field, ...] = (
        (
            Field(
                name="rating",
                label="Rating",
                kind=FieldKind.CHOICE,
                where=lambda value: ProviderRecord.rag_rating == value,
                choices=tuple(RAG.items()),
            ),
        )
        if actor.is_la
        else ()
    )
    return ListSpec(
        path="/staff/providers",
        noun=("provider", "providers"),
        fields=(
            Field(
                name="q", label="Name", kind=FieldKind.SEARCH, where=contains(ProviderRecord.name)
            ),
            Field(
                name="qa_stage",
                label="QA stage",
                kind=FieldKind.CHOICE,
                where=lambda value: ProviderRecord.qa_stage == value,
                choices=tuple(QA_STAGE.items()),
            ),
            Field(
                name="registration",
                label="Registration",
                kind=FieldKind.CHOICE,
                where=lambda value: ProviderRecord.registration_status == value,
                choices=tuple(REGISTRATION_STATUS.items()),
            ),
            Field(
                name="archived",
                label="Archived",
                kind=FieldKind.CHOICE,
                # Archived providers are hidden unless asked for; with the filter, only they are
                # shown (the "no filter" clause is added by list_providers).
                where=lambda value: ProviderRecord.archived.eq(True),
                choices=(("yes", "Archived providers only"),),
                any_label="Current providers",
            ),
            *rating,
        ),
        sorts={
            "name": Sort("Name, A to Z", ((ProviderRecord.name, True),)),
            "name_desc": Sort("Name, Z to A", ((ProviderRecord.name, False),)),
        },
    )


async def list_providers(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[Any]
) -> tuple[ListPage, list[dict[str, Any]]]:
    """The actor's providers, a page at a time, each with the LA's record of it."""
    current = [ProviderRecord.local_authority == actor.local_authority_id]
    if "archived" not in query.filters:
        current.append(ProviderRecord.archived.eq(False))
    found = await fetch_page(
        spec, query, errors, actor, ProviderRecord, (ProviderRecord.all_columns()), current
    )
    blank = empty_record()
    # Each row is the LA's record, keyed as the pages expect: ``id`` is the provider's.
    rows = [{**blank, **row, "id": row["provider"]} for row in found.rows]
    return found, rows


@get("/providers")
async def providers(request: Request, actor: NamedDependency[Actor]) -> Template:
    """The register of providers with the LA's QA record of each: searched, filtered and paged
    by the query string."""
    spec = provider_spec(actor)
    query, errors = parse(spec, request.query_params)
    found, rows = await list_providers(actor, spec, query, errors)
    return _page(
        "providers",
        actor,
        400 if errors else 200,
        providers=rows,
        found=found,
        archived="archived" in query.filters,
        keeps_register=actor.role in REGISTER_KEEPERS,
    )


def _form(
    actor: Actor,
    values: dict[str, Any],
    errors: list[CellError],
    provider: dict[str, Any] | None = None,
    status: int = 200,
    saved: bool = False,
) -> Template:
    return _page(
        "provider_form",
        actor,
        status,
        provider=provider,
        saved=saved,
        values=values,
        errors=[{"field": e.field, "message": e.message} for e in errors],
        registration_statuses=REGISTRATION_STATUS,
        offer_choices=OFFER_TYPE,
        setting_types=SETTING_TYPE,
    )


async def _fields(request: Request) -> dict[str, str]:
    form = await request.form()
    fields = {key: str(value) for key, value in form.items() if key != "offer_types"}
    fields["offer_types"] = ",".join(str(v) for v in form.getall("offer_types", []))
    return fields


@get("/providers/new")
async def new_provider(actor: NamedDependency[Actor]) -> Template:
    """The form to add a provider to the LA's register."""
    return _form(actor, {"registration_status": "unregistered"}, [])


@post("/providers/new")
async def add_provider(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Add a provider (linking to the shared one if another LA registered it already)."""
    fields = await _fields(request)
    entry, errors = entry_from_fields(fields)
    if entry is None:
        return _form(actor, fields, errors, status=400)
    async with transaction():
        _, provider_id = await save_entry(actor.local_authority_id, entry)
        await record(
            "provider.add", now=now, actor=actor, object_type="provider", object_id=provider_id
        )
    return Redirect(path="/staff/providers?saved=yes")


def _values_of(provider: dict[str, Any]) -> dict[str, Any]:
    """The stored record as the form shows it."""
    values = {key: ("" if value is None else value) for key, value in provider.items()}
    for key in ("dbs_checked_on", "insurance_expires_on", "policies_reviewed_on"):
        values[key] = provider[key].isoformat() if provider[key] else ""
    cost = provider["cost_per_day"]
    values["cost_per_day"] = f"{cost:.2f}" if cost is not None else ""
    return values


async def _own(actor: Actor, provider_id: int, now: dt.datetime) -> dict[str, Any]:
    """The provider with the actor's LA's record of it, or a logged 404."""
    provider = await record_of(actor, provider_id)
    if provider is None or provider["record_id"] is None or actor.role not in REGISTER_KEEPERS:
        raise await refuse(actor, "provider", provider_id, now)
    return provider


@get("/providers/{provider_id:int}/edit")
async def edit_provider(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Template:
    """The form to change the LA's register entry for a provider."""
    provider = await _own(actor, provider_id, now)
    saved = request.query_params.get("saved") == "yes"
    return _form(actor, _values_of(provider), [], provider, saved=saved)


@post("/providers/{provider_id:int}/edit")
async def update_provider(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Response[Any]:
    """Save the LA's register entry, its name too; the shared identifiers it has stay."""
    provider = await _own(actor, provider_id, now)
    fields = await _fields(request)
    entry, errors = entry_from_fields(fields)
    errors += [
        CellError(None, key, "it cannot be changed once set (other councils may rely on it)")
        for key in ("ofsted_urn", "ukprn", "company_number", "charity_number")
        if provider[key] and entry is not None and getattr(entry, key) != provider[key]
    ]
    if (
        entry is not None
        and not errors
        and await shared_with_another_la(provider_id, actor.local_authority_id)
    ):
        # Identifiers decide which register entries link to this provider: on a provider
        # another council also records, one council may not add them.
        errors += [
            CellError(
                None,
                key,
                "it cannot be added here: another council also has this provider on its "
                "register, and identifiers are shared",
            )
            for key in ("ofsted_urn", "ukprn", "company_number", "charity_number")
            if not provider[key] and getattr(entry, key)
        ]
    if entry is None or errors:
        return _form(actor, fields, errors, provider, status=400)
    async with transaction():
        await save_entry(actor.local_authority_id, entry, provider_id)
        await record(
            "provider.edit", now=now, actor=actor, object_type="provider", object_id=provider_id
        )
    return Redirect(path=f"/staff/providers/{provider_id}/edit?saved=yes")


@post("/providers/{provider_id:int}/archive")
async def archive_provider(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
) -> Response[Any]:
    """Archive the provider in this LA's register (or bring it back)."""
    from survey_app.organisations.provider_register import archive

    form = await request.form()
    archived = form.get("archived") != "no"
    if not await archive(actor, provider_id, archived, now):
        raise await refuse(actor, "provider", provider_id, now)
    return Redirect(path=f"/staff/providers/{provider_id}/edit?saved=yes")


@get("/providers/import")
async def import_form(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Upload the council's provider register (and, after an import, what it did)."""
    result = done_result(request, ImportOutcome)
    return _page("provider_import", actor, result=result, columns=COLUMNS)


@post("/providers/import", request_max_body_size=6 * 1024 * 1024)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check the whole file, then import it, or name every bad cell and import nothing."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _page("provider_import", actor, 400, result=None, missing=True, columns=COLUMNS)
    data = await upload.read()
    filename = str(getattr(upload, "filename", "") or "")
    result = await import_file(actor.local_authority_id, data, filename, now, actor)
    if result.errors:
        return _page("provider_import", actor, 400, result=result, columns=COLUMNS)
    return done_redirect(request, "/staff/providers/import", result)


provider_pages = Router(
    path="/",
    route_handlers=[
        providers,
        Router(
            path="/",
            guards=[qa_editors],
            route_handlers=[
                new_provider,
                add_provider,
                edit_provider,
                update_provider,
                archive_provider,
                import_form,
                import_upload,
            ],
        ),
    ],
)

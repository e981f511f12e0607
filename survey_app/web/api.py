"""The JSON API under /api/v1, for management systems and LA dashboards (bearer tokens)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody

from reports.area import AreaSummary
from reports.provider import ProviderReport
from reports.school import SchoolReport
from survey_app.accounts.actors import current_actor
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import Provider, School
from survey_app.ops.audit import refuse
from survey_app.placements.records import (
    InvitationView,
    NotAllowed,
    PlacementView,
    create_placement,
    end_placement,
    get_placement,
    list_placements,
)
from survey_app.placements.rules import (
    FieldError,
    PlacementBody,
    PlacementEnd,
    end_date_from_text,
    placement_from_json,
)
from survey_app.reporting.access import (
    open_area_summary,
    open_provider_report,
    open_school_report,
)
from survey_app.settings import Settings
from survey_app.web.headers import private_page
from survey_app.web.params import ObjectId, Year


class ErrorBody(msgspec.Struct, frozen=True):
    """Every API error: the status, what went wrong, and per-field problems where there are any."""

    status_code: int
    detail: str
    errors: list[dict[str, str]] | None = None


ERRORS = {
    400: ResponseSpec(data_container=ErrorBody, description="A field is wrong; each is named"),
    401: ResponseSpec(data_container=ErrorBody, description="No valid API token"),
    403: ResponseSpec(data_container=ErrorBody, description="Your role may not do this"),
    404: ResponseSpec(data_container=ErrorBody, description="Not found, or not yours to see"),
}


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


class InvitationOut(msgspec.Struct, frozen=True):
    placement_id: int
    pupil_reference: str
    provider_id: int
    invitation: InvitationView


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


def _invalid(errors: list[FieldError]) -> ValidationException:
    return ValidationException(
        detail="; ".join(f"{e.field}: {e.message}" for e in errors),
        extra=[{"key": e.field, "message": e.message} for e in errors],
    )


TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "str": "text",
    "bool": "true or false",
    "date": "a date like 2026-11-23",
    "null": "empty",
}
FIELD_IN_MESSAGE = re.compile(r"field `(.*)`(?:$| - at )", re.DOTALL)
EXPECTED = re.compile(r"Expected `([\w.| ]+)`(?:, got `(\w+)`)?")


def plain_error(error: dict[str, Any]) -> dict[str, str]:
    """Restate a decoding error so it names the field and the problem in plain words."""
    message, key = str(error.get("message", "")), str(error.get("key", ""))
    if found := FIELD_IN_MESSAGE.search(message):
        key = found.group(1)
        if "unknown field" in message:
            return {"key": key, "message": f"{key} is not a field this request accepts"}
        if "missing required field" in message:
            return {"key": key, "message": f"{key} is required"}
    if found := EXPECTED.search(message):
        wanted = " or ".join(
            TYPE_WORDS.get(t.strip(), t.strip()) for t in found.group(1).split("|")
        )
        return {"key": key, "message": f"{key} must be {wanted}"}
    return {"key": key, "message": message or "This value is not valid"}


def _json_error(request: Request, exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    body: dict[str, Any] = {"status_code": status, "detail": getattr(exc, "detail", "Error")}
    extra = getattr(exc, "extra", None)
    if isinstance(extra, list) and extra:
        body["errors"] = [plain_error(e) for e in extra if isinstance(e, dict)]
        body["detail"] = "; ".join(e["message"] for e in body["errors"])
    return Response(body, status_code=status)


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


@get("/providers/{provider_id:int}/report", responses=ERRORS)
async def api_provider_report(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    provider_id: ObjectId,
    year: Year = None,
) -> ProviderReport:
    """Learner-voice figures for one provider: per indicator, per question, response rate."""
    report = await open_provider_report(settings, actor, provider_id, now, year)
    return report


@get("/schools", responses=ERRORS)
async def api_schools(actor: NamedDependency[Actor]) -> list[SchoolOut]:
    """Schools in your area (or your own school)."""
    rows = await School.select(School.id, School.name, School.urn).where(scope(actor, School))
    return [SchoolOut(**row) for row in rows]


@get("/placements", responses=ERRORS)
async def api_placements(
    actor: NamedDependency[Actor], settings: NamedDependency[Settings]
) -> list[PlacementView]:
    """Placements you may see, newest first."""
    return await list_placements(settings, actor)


@post("/placements", responses=ERRORS)
async def api_create_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    data: JSONBody[PlacementBody],
) -> PlacementView:
    """Record a placement (a school's management system posts its off-site placements here)."""
    placement, errors = placement_from_json(data)
    if placement is None:
        raise _invalid(errors)
    try:
        placement_id, errors = await create_placement(actor, placement, now)
    except NotAllowed as error:
        raise PermissionDeniedException(str(error)) from None
    if errors or placement_id is None:
        raise _invalid(errors)
    view = await get_placement(settings, actor, placement_id)
    assert view is not None
    return view


@get("/placements/{placement_id:int}", responses=ERRORS)
async def api_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> PlacementView:
    """One placement with its invitation."""
    view = await get_placement(settings, actor, placement_id)
    if view is None:
        raise await refuse(actor, "placement", placement_id, now)
    return view


@post("/placements/{placement_id:int}/end", status_code=200, responses=ERRORS)
async def api_end_placement(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
    data: JSONBody[PlacementEnd],
) -> PlacementView:
    """End a placement; its end-of-placement invitation opens at once."""
    ended_on, errors = end_date_from_text(data.ended_on or "")
    if errors:
        raise _invalid(errors)
    try:
        found, errors = await end_placement(settings, actor, placement_id, ended_on, now)
    except NotAllowed:
        # Whether or not it exists, a provider may not end a placement: say no more than 404.
        raise await refuse(actor, "placement", placement_id, now) from None
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        raise _invalid(errors)
    view = await get_placement(settings, actor, placement_id)
    assert view is not None
    return view


@get("/invitations", responses=ERRORS)
async def api_invitations(
    actor: NamedDependency[Actor], settings: NamedDependency[Settings]
) -> list[InvitationOut]:
    """Invitations you may see, each with its link, QR image URLs and short code."""
    base = settings.base_url.rstrip("/")
    out = []
    for placement in await list_placements(settings, actor, limit=5000):
        invitation = placement.invitation
        if invitation is None:
            continue
        if invitation.link is not None:
            link = msgspec.structs.replace(
                invitation.link,
                qr_png_path=base + invitation.link.qr_png_path,
                qr_svg_path=base + invitation.link.qr_svg_path,
            )
            invitation = msgspec.structs.replace(invitation, link=link)
        out.append(
            InvitationOut(
                placement.id, placement.pupil_reference, placement.provider_id, invitation
            )
        )
    return out


@get("/area-summary", responses=ERRORS)
async def api_area_summary(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    year: Year = None,
) -> AreaSummary:
    """The LA's publishable summary (LA staff only): headlines, providers, spot-check prompts."""
    summary = await open_area_summary(settings, actor, now, year)
    return summary


@get("/schools/{school_id:int}/report", responses=ERRORS)
async def api_school_report(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    school_id: ObjectId,
) -> SchoolReport:
    """A school's own pupils: request status, each pupil's feedback, and protected totals."""
    report = await open_school_report(settings, actor, school_id, now)
    return report


api_router = Router(
    path="/api/v1",
    route_handlers=[
        api_providers,
        api_provider,
        api_provider_report,
        api_area_summary,
        api_school_report,
        api_schools,
        api_placements,
        api_create_placement,
        api_placement,
        api_end_placement,
        api_invitations,
    ],
    dependencies={"actor": Provide(current_actor)},
    # NotFoundException named too: the app-level HTML 404 handler is otherwise more specific.
    exception_handlers={HTTPException: _json_error, NotFoundException: _json_error},
    after_request=private_page,
)

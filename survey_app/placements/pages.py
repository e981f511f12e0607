"""Staff pages for placements: the list, recording one, importing a CSV, ending, QR codes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts.guards import commissioners
from survey_app.accounts.scoping import Actor, Role, placement_path, scope
from survey_app.db.tables import Invitation, Provider, School
from survey_app.db.tables import Response as SurveyResponse
from survey_app.ops.audit import record, refuse
from survey_app.organisations.authorities import authority_name
from survey_app.organisations.provider_records import in_use
from survey_app.organisations.statuses import SchoolStatus
from survey_app.placements.csv_import import ImportResult, import_placements
from survey_app.placements.exports import (
    TooManyRows,
    placements_table,
    responses_table,
)
from survey_app.placements.filters import PlacementFilters, read_filters, where
from survey_app.placements.records import (
    NotAllowed,
    create_placement,
    end_placement,
    get_placement,
    list_placements,
)
from survey_app.placements.rules import FieldError, end_date_from_text, placement_from_form
from survey_app.placements.statuses import SURVEY_STATE_LABEL
from survey_app.settings import Settings
from survey_app.surveys import qr
from survey_app.surveys.invitations import link_for, on_the_slips_sheet
from survey_app.web.downloads import download, file_stem
from survey_app.web.params import ObjectId
from survey_app.web.rendering import staff_page as _page


# Provider staff open neither the list nor a placement: each shows pupils' references with their
# survey's status and completion time, and the live link. Providers prompt completion from the
# counts page and the slips sheet (chasing/pages.py), which show no one pupil's status.
@get("/placements", guards=[commissioners])
async def placements(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Template:
    """Placements the actor may see, with each survey's status, filtered as the address says."""
    filters, errors = read_filters(request.query_params)
    if errors:
        return await _placements_page(actor, settings, now, PlacementFilters(), errors)
    return await _placements_page(actor, settings, now, filters, [])


async def _placements_page(
    actor: Actor,
    settings: Settings,
    now: dt.datetime,
    filters: PlacementFilters,
    errors: list[FieldError],
) -> Template:
    shown = await list_placements(settings, actor, matching=where(filters, now))
    return _page(
        "placements",
        actor,
        400 if errors else 200,
        placements=shown,
        errors=errors,
        filters=filters,
        query=filters.query(),
        states=SURVEY_STATE_LABEL,
        **await _form_choices(actor),
    )


@get(
    [
        "/placements.csv",
        "/placements.xlsx",
        "/placements/responses.csv",
        "/placements/responses.xlsx",
    ],
    guards=[commissioners],
)
async def placements_download(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """The placements (or their pupils' answers) the list shows with the same filters, as one
    CSV or XLSX file; a provider never reaches this (the guard), so never a pupil's answers."""
    filters, errors = read_filters(request.query_params)
    if not errors:
        what = "responses" if "/responses." in request.url.path else "placements"
        build = responses_table if what == "responses" else placements_table
        try:
            table = await build(actor, filters, now)
        except TooManyRows as many:
            errors = [
                FieldError(
                    "status",
                    f"That is {many.args[0]:,} rows, more than one spreadsheet holds: "
                    "choose fewer with the filters",
                )
            ]
        else:
            await record(
                f"{what}.exported",
                now=now,
                actor=actor,
                object_type=what,
                # The count only: a reference searched for would put a pupil in the log.
                object_id=f"rows={len(table.rows)}",
            )
            stem = file_stem(what, await authority_name(actor.local_authority_id), now)
            return download([table], stem, request.url.path.rsplit(".", 1)[-1])
    return await _placements_page(actor, settings, now, PlacementFilters(), errors)


async def _form_choices(actor: Actor) -> dict[str, Any]:
    return {
        "providers": await Provider.select(Provider.id, Provider.name)
        .where(scope(actor, Provider), in_use(actor))
        .order_by(Provider.name),
        # A closed school keeps its placements but is not offered for new ones.
        "schools": await School.select(School.id, School.name)
        .where(scope(actor, School), School.status == SchoolStatus.OPEN)
        .order_by(School.name),
    }


@get("/placements/new", guards=[commissioners])
async def new_placement_form(actor: NamedDependency[Actor]) -> Template:
    """The form to record a placement."""
    return _page("placement_new", actor, errors=[], values={}, **await _form_choices(actor))


@post("/placements/new", guards=[commissioners])
async def new_placement(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Record a placement; on any problem show the form again with every field kept."""
    form = {key: str(value) for key, value in (await request.form()).items()}
    if actor.role == Role.SCHOOL_CONTACT:
        form["school_id"] = str(actor.school_id)
    placement, errors = placement_from_form(form)
    placement_id = None
    if placement is not None:
        placement_id, errors = await create_placement(actor, placement, now)
    if errors or placement_id is None:
        return _page(
            "placement_new", actor, 400, errors=errors, values=form, **await _form_choices(actor)
        )
    await record(
        "placement.created", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


@get("/placements/import", guards=[commissioners])
async def import_form(actor: NamedDependency[Actor]) -> Template:
    """Upload a CSV of placements."""
    return _page("placement_import", actor, result=None)


@post("/placements/import", guards=[commissioners], request_max_body_size=10 * 1024 * 1024)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Template:
    """Check the whole file, then import it, or report every problem and import nothing."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _page("placement_import", actor, 400, result=None, missing=True)
    result = await import_placements(actor, await upload.read(), now)
    await _record_import(actor, result, now)
    return _page("placement_import", actor, 400 if result.errors else 200, result=result)


async def _record_import(actor: Actor, result: ImportResult, now: dt.datetime) -> None:
    """Who imported how many placements; a rejected file (nothing imported) too."""
    await record(
        "placement.imported",
        now=now,
        actor=actor,
        object_type="placement_import",
        object_id=f"rows={result.rows} created={result.created} updated={result.updated}",
        outcome="rejected" if result.errors else "ok",
    )


@get("/placements/{placement_id:int}", guards=[commissioners])
async def placement_detail(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Template:
    """One placement with its invitation: link, QR code and short code."""
    placement = await get_placement(settings, actor, placement_id)
    if placement is None:
        raise await refuse(actor, "placement", placement_id, now)
    if placement.needs_follow_up:
        await record(
            "safeguarding.view",
            now=now,
            actor=actor,
            object_type="placement",
            object_id=placement_id,
        )
    if placement.invitation is not None and placement.invitation.link is not None:
        # The page shows the pupil's link and short code: whoever holds them can answer.
        await record(
            "invitation.link_viewed",
            now=now,
            actor=actor,
            object_type="invitation",
            object_id=placement.invitation.id,
        )
    return _page(
        "placement",
        actor,
        placement=placement,
        errors=[],
        not_own=await _not_own(actor, placement_id),
    )


async def _not_own(actor: Actor, placement_id: int) -> list[str]:
    """For the LA only: why this placement's response may not be the pupil's own, if it may."""
    if not actor.is_la:
        return []
    rows = await SurveyResponse.select(SurveyResponse.possibly_not_own_why).where(
        placement_path(SurveyResponse).id == placement_id,
        SurveyResponse.possibly_not_own.eq(True),
        scope(actor, SurveyResponse),
    )
    return [row["possibly_not_own_why"] for row in rows]


@post("/placements/{placement_id:int}/end")
async def end(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """End a placement, which opens its survey at once."""
    form = await request.form()
    ended_on, errors = end_date_from_text(str(form.get("ended_on") or ""))
    if not errors:
        try:
            found, errors = await end_placement(settings, actor, placement_id, ended_on, now)
        except NotAllowed:
            raise await refuse(actor, "placement", placement_id, now) from None
        if not found:
            raise await refuse(actor, "placement", placement_id, now)
    if errors:
        placement = await get_placement(settings, actor, placement_id)
        if placement is None:
            raise NotFoundException()
        not_own = await _not_own(actor, placement_id)
        return _page("placement", actor, 400, placement=placement, errors=errors, not_own=not_own)
    await record(
        "placement.ended", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


async def _open_invitation_link(
    actor: Actor, settings: Settings, invitation_id: uuid.UUID, now: dt.datetime
) -> str:
    # Open, or answered today: a slip printed this morning keeps its QR code all day, so a broken
    # image never tells a provider which pupil has just finished.
    row = (
        await Invitation.select(Invitation.id, Invitation.revocation_counter)
        .where(Invitation.id == invitation_id, on_the_slips_sheet(now), scope(actor, Invitation))
        .first()
    )
    if row is None:
        raise await refuse(actor, "invitation", invitation_id, now)
    # A QR code is the pupil's link: record who fetched one, as for the link itself.
    await record(
        "invitation.qr_viewed", now=now, actor=actor, object_type="invitation", object_id=row["id"]
    )
    return link_for(settings, row["id"], row["revocation_counter"]).url


@get("/invitations/{invitation_id:uuid}/qr.png", media_type="image/png")
async def qr_png(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    invitation_id: FromPath[uuid.UUID],
) -> bytes:
    """The invitation's QR code as a PNG, for printing."""
    return qr.png(await _open_invitation_link(actor, settings, invitation_id, now))


@get("/invitations/{invitation_id:uuid}/qr.svg", media_type="image/svg+xml")
async def qr_svg(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    invitation_id: FromPath[uuid.UUID],
) -> bytes:
    """The invitation's QR code as an SVG, for screens."""
    return qr.svg(await _open_invitation_link(actor, settings, invitation_id, now))


placement_pages = Router(
    path="/",
    route_handlers=[
        placements,
        placements_download,
        new_placement_form,
        new_placement,
        import_form,
        import_upload,
        placement_detail,
        end,
        qr_png,
        qr_svg,
    ],
)

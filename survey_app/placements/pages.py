"""Staff pages for placements: the list and its downloads, recording one, importing a file,
QR codes. One placement's own page and its corrections are in ``placement_pages.py``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts.guards import commissioners
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.tables import Invitation
from survey_app.ops.audit import record, refuse
from survey_app.ops.statuses import AuditOutcome
from survey_app.organisations.authorities import authority_name
from survey_app.placements.csv_import import ImportResult, import_placements
from survey_app.placements.exports import (
    TooManyRows,
    placements_table,
    responses_table,
)
from survey_app.placements.finding import find_placements, placement_spec
from survey_app.placements.placement_pages import (
    cancel,
    edit,
    edit_form,
    end,
    extend,
    form_choices,
    placement_detail,
    reissue,
)
from survey_app.placements.records import create_placement
from survey_app.placements.rules import FieldError, placement_from_form
from survey_app.settings import Settings
from survey_app.surveys import qr
from survey_app.surveys.invitations import link_for, on_the_slips_sheet
from survey_app.web.downloads import download, file_stem
from survey_app.web.listing import parse
from survey_app.web.rendering import flash, take_flash
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
    """Placements the actor may see, a page at a time: searched, filtered and sorted by the
    query string (a bookmarkable GET form), each with its survey's status."""
    spec = await placement_spec(actor, now)
    query, errors = parse(spec, request.query_params)
    found, views = await find_placements(settings, actor, spec, query, errors, now)
    return _page("placements", actor, 400 if errors else 200, found=found, placements=views)


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
    """Every placement (or its pupils' answers) the list matches for exactly the list's query
    string, as one CSV or XLSX file; a provider never reaches this (the guard), so never a
    pupil's answers. Bad parameters give the list's page with its problems, and no file."""
    spec = await placement_spec(actor, now)
    query, errors = parse(spec, request.query_params)
    if not errors:
        what = "responses" if "/responses." in request.url.path else "placements"
        build = responses_table if what == "responses" else placements_table
        try:
            table = await build(settings, actor, spec, query, now)
        except TooManyRows as many:
            errors = [
                FieldError(
                    "survey",
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
    found, views = await find_placements(settings, actor, spec, query, errors, now)
    return _page("placements", actor, 400, found=found, placements=views)


@get("/placements/new", guards=[commissioners])
async def new_placement_form(actor: NamedDependency[Actor]) -> Template:
    """The form to record a placement."""
    return _page("placement_new", actor, errors=[], values={}, **await form_choices(actor))


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
            "placement_new", actor, 400, errors=errors, values=form, **await form_choices(actor)
        )
    await record(
        "placement.created", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


@get("/placements/import", guards=[commissioners])
async def import_form(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Upload a CSV of placements (and, after an import, what it did)."""
    # Carried through the session, never the address: counts in a link could be forged.
    result = take_flash(request, "import", ImportResult)
    return _page("placement_import", actor, result=result)


@post("/placements/import", guards=[commissioners], request_max_body_size=10 * 1024 * 1024)
async def import_upload(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    settings: NamedDependency[Settings],
) -> Response[Any]:
    """Check the whole file, then import it, or report every problem and import nothing."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _page("placement_import", actor, 400, result=None, missing=True)
    result = await import_placements(actor, await upload.read(), now, settings=settings)
    await _record_import(actor, result, now)
    if result.errors:
        return _page("placement_import", actor, 400, result=result)
    flash(request, "import", result, path="/staff/placements/import")
    return Redirect(path="/staff/placements/import", status_code=303)


async def _record_import(actor: Actor, result: ImportResult, now: dt.datetime) -> None:
    """Who imported how many placements; a rejected file (nothing imported) too."""
    await record(
        "placement.imported",
        now=now,
        actor=actor,
        object_type="placement_import",
        object_id=f"rows={result.rows} created={result.created} updated={result.updated}",
        outcome=AuditOutcome.REJECTED if result.errors else AuditOutcome.OK,
    )


async def _open_invitation_link(
    actor: Actor, settings: Settings, invitation_id: uuid.UUID, now: dt.datetime
) -> str:
    # Exactly the slips on the provider's sheet (each learner's latest survey until it closes,
    # answered or not): a QR image that breaks never tells a provider who has just finished.
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
        edit_form,
        edit,
        cancel,
        reissue,
        extend,
        qr_png,
        qr_svg,
    ],
)

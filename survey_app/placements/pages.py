"""Staff pages for placements: the list, recording one, importing a CSV, ending, QR codes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts.guards import commissioners
from survey_app.accounts.scoping import Actor, Role, placement_path, scope
from survey_app.db.tables import Invitation, Provider, School
from survey_app.db.tables import Response as SurveyResponse
from survey_app.ops.audit import record, refuse
from survey_app.organisations.authorities import authority_name
from survey_app.organisations.provider_records import in_use, named_providers
from survey_app.organisations.statuses import SchoolStatus
from survey_app.placements.corrections import (
    EDITABLE,
    cancel_placement,
    edit_placement,
    extend_survey,
    history,
    reissue_survey,
)
from survey_app.placements.csv_import import ImportResult, import_placements
from survey_app.placements.exports import (
    TooManyRows,
    placements_table,
    responses_table,
)
from survey_app.placements.finding import find_placements, placement_spec
from survey_app.placements.records import (
    NotAllowed,
    PlacementView,
    create_placement,
    end_placement,
    get_placement,
)
from survey_app.placements.rules import FieldError, end_date_from_text, placement_from_form
from survey_app.settings import Settings
from survey_app.surveys import qr
from survey_app.surveys.invitations import link_for, on_the_slips_sheet
from survey_app.time_in_england import today_in_england
from survey_app.web.downloads import download, file_stem
from survey_app.web.listing import parse
from survey_app.web.params import ObjectId
from survey_app.web.rendering import done_from_query, done_redirect
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


async def _form_choices(actor: Actor) -> dict[str, Any]:
    return {
        "providers": await named_providers(
            actor.local_authority_id, scope(actor, Provider) & in_use(actor)
        ),
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
async def import_form(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Upload a CSV of placements (and, after an import, what it did)."""
    result = done_from_query(request.query_params, ImportResult)
    return _page("placement_import", actor, result=result)


@post("/placements/import", guards=[commissioners], request_max_body_size=10 * 1024 * 1024)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check the whole file, then import it, or report every problem and import nothing."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return _page("placement_import", actor, 400, result=None, missing=True)
    result = await import_placements(actor, await upload.read(), now)
    await _record_import(actor, result, now)
    if result.errors:
        return _page("placement_import", actor, 400, result=result)
    return done_redirect("/staff/placements/import", result)


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
    placement = await get_placement(settings, actor, placement_id, now)
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
    return await _placement_page(actor, settings, placement_id, now, [])


async def _placement_page(
    actor: Actor,
    settings: Settings,
    placement_id: int,
    now: dt.datetime,
    errors: list[FieldError],
) -> Template:
    """The placement page, with any problems with what was just asked of it (then 400)."""
    placement = await get_placement(settings, actor, placement_id, now)
    if placement is None:
        raise await refuse(actor, "placement", placement_id, now)
    return _page(
        "placement",
        actor,
        400 if errors else 200,
        placement=placement,
        errors=errors,
        not_own=await _not_own(actor, placement_id),
        changes=await history(actor, placement_id),
        today=today_in_england(now),
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
        return await _placement_page(actor, settings, placement_id, now, errors)
    await record(
        "placement.ended", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


def _edit_values(placement: PlacementView) -> dict[str, str]:
    """The placement as the correction form shows it first."""
    return {
        "provider_id": str(placement.provider_id),
        "school_id": str(placement.school_id or ""),
        "la_team": placement.la_team or "",
        "year_group": str(placement.year_group),
        "start_date": placement.start_date.isoformat(),
        "planned_end_date": (
            placement.planned_end_date.isoformat() if placement.planned_end_date else ""
        ),
        "hours_per_week": f"{placement.hours_per_week:g}",
        "purpose": placement.purpose,
    }


async def _edit_page(
    actor: Actor, placement: PlacementView, values: dict[str, str], errors: list[FieldError]
) -> Template:
    choices = await _form_choices(actor)
    # A provider the LA has archived since, or a school since closed, stays choosable here.
    if not any(p["id"] == placement.provider_id for p in choices["providers"]):
        choices["providers"].append({"id": placement.provider_id, "name": placement.provider_name})
    if placement.school_id and not any(s["id"] == placement.school_id for s in choices["schools"]):
        choices["schools"].append({"id": placement.school_id, "name": placement.school_name})
    return _page(
        "placement_edit",
        actor,
        400 if errors else 200,
        errors=errors,
        values=values,
        placement_id=placement.id,
        reference=placement.pupil_reference,
        **choices,
    )


@get("/placements/{placement_id:int}/edit", guards=[commissioners])
async def edit_form(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Template:
    """The form to correct a placement, filled in with what it says now."""
    placement = await get_placement(settings, actor, placement_id, now)
    if placement is None:
        raise await refuse(actor, "placement", placement_id, now)
    return await _edit_page(actor, placement, _edit_values(placement), [])


@post("/placements/{placement_id:int}/edit", guards=[commissioners])
async def edit(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """Correct a placement; on any problem show the form again with every field kept."""
    form = {key: str(value) for key, value in (await request.form()).items()}
    # Only the fields the form has: a school contact's form has no school or LA team.
    values = {key: form.get(key, "") for key in EDITABLE if key in form}
    found, errors = await edit_placement(actor, placement_id, values, now)
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        placement = await get_placement(settings, actor, placement_id, now)
        assert placement is not None
        return await _edit_page(actor, placement, {**_edit_values(placement), **values}, errors)
    await record(
        "placement.edited", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


@post("/placements/{placement_id:int}/cancel", guards=[commissioners])
async def cancel(
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """Cancel a placement entered in error; its survey is withdrawn."""
    found, errors = await cancel_placement(actor, placement_id, now)
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        return await _placement_page(actor, settings, placement_id, now, errors)
    await record(
        "placement.cancelled", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


def _chosen_survey(form: Any) -> uuid.UUID | None:
    """The survey the officer acted on (the page names the one it shows); an id that is not a
    survey id names no survey at all, which is refused rather than read as "the latest"."""
    text = str(form.get("invitation") or "")
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return uuid.UUID(int=0)


@post("/placements/{placement_id:int}/reissue", guards=[commissioners])
async def reissue(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """A new link and short code for the pupil; the old ones stop working."""
    form = await request.form()
    seen = str(form.get("link_version") or "")
    version = int(seen) if seen.isdigit() and len(seen) < 10 else None
    found, errors = await reissue_survey(
        settings, actor, placement_id, version, now, _chosen_survey(form)
    )
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        return await _placement_page(actor, settings, placement_id, now, errors)
    await record(
        "invitation.reissued", now=now, actor=actor, object_type="placement", object_id=placement_id
    )
    return Redirect(path=f"/staff/placements/{placement_id}")


@post("/placements/{placement_id:int}/extend", guards=[commissioners])
async def extend(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
    placement_id: ObjectId,
) -> Response[Any]:
    """Keep the survey open until a later day (reopening it if it had closed)."""
    form = await request.form()
    found, errors = await extend_survey(
        actor, placement_id, str(form.get("closes_on") or ""), now, _chosen_survey(form)
    )
    if not found:
        raise await refuse(actor, "placement", placement_id, now)
    if errors:
        return await _placement_page(actor, settings, placement_id, now, errors)
    await record(
        "invitation.extended", now=now, actor=actor, object_type="placement", object_id=placement_id
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
        edit_form,
        edit,
        cancel,
        reissue,
        extend,
        qr_png,
        qr_svg,
    ],
)

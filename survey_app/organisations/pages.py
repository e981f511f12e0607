"""Staff pages for the registers: schools in the actor's area (providers are in
``providers.py``); adding, editing and importing schools (GIAS) and filling in their contact
emails (LA administrators and officers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from survey_app.accounts.guards import allow, la_staff
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.tables import School
from survey_app.ops.audit import record, refuse
from survey_app.organisations import gias_import, school_emails
from survey_app.organisations import schools as registry
from survey_app.organisations.authorities import (
    OrganisationError,
    authority_by_id,
    authority_name,
)
from survey_app.organisations.gias import GiasError
from survey_app.organisations.providers import provider_pages
from survey_app.web.downloads import download, file_stem
from survey_app.web.listing import parse
from survey_app.web.params import ObjectId
from survey_app.web.rendering import done_redirect, done_result
from survey_app.web.rendering import staff_page as _page

#: Who keeps the list of schools: the LA's administrators and officers.
school_editors = allow(Role.LA_ADMIN, Role.LA_OFFICER)
#: A GIAS export is about 60 MB; a little room above that.
MAX_UPLOAD = 100 * 1024 * 1024


@get("/schools")
async def schools(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Schools in the actor's area, a page at a time, with whose contact email is missing:
    searched, filtered and sorted by the query string."""
    spec = registry.school_spec()
    query, errors = parse(spec, request.query_params)
    found = await registry.school_page(actor, spec, query, errors)
    editor = actor.role in (Role.LA_ADMIN, Role.LA_OFFICER)
    status = 400 if errors else 200
    return _page("schools", actor, status, found=found.found, page=found, editor=editor)


@get(["/schools.csv", "/schools.xlsx"], guards=[la_staff])
async def schools_download(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[bytes]:
    """Every school by URN, email and name (CSV or XLSX): fill in the emails, upload it again."""
    table = await registry.schools_table(scope(actor, School))
    stem = file_stem("schools", await authority_name(actor.local_authority_id), now)
    return download([table], stem, request.url.path.rsplit(".", 1)[-1])


def _school_values(form: Any) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in ("name", "urn", "contact_email", "status")}


@get("/schools/new", guards=[school_editors])
async def new_school_form(actor: NamedDependency[Actor]) -> Template:
    """Add a school by hand (one GIAS does not list, or before importing)."""
    return _page("school_form", actor, school_id=None, values={"status": "open"}, errors=[])


@post("/schools/new", guards=[school_editors])
async def new_school(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Save the new school, or show every problem with the form."""
    values = _school_values(await request.form())
    school_id, errors = await registry.add_school(
        actor.local_authority_id,
        name=values["name"],
        urn=values["urn"],
        contact_email=values["contact_email"],
    )
    if school_id is None:
        return _page("school_form", actor, 400, school_id=None, values=values, errors=errors)
    await record("school.added", now=now, actor=actor, object_type="school", object_id=school_id)
    return Redirect(path="/staff/schools")


async def _school(actor: Actor, school_id: int, now: dt.datetime) -> dict[str, Any]:
    row = (
        await School.select(School.name, School.urn, School.contact_email, School.status)
        .where(School.id == school_id, scope(actor, School))
        .first()
    )
    if row is None:
        raise await refuse(actor, "school", school_id, now)
    return dict(row)


@get("/schools/{school_id:int}/edit", guards=[school_editors])
async def edit_school_form(
    actor: NamedDependency[Actor], now: NamedDependency[dt.datetime], school_id: ObjectId
) -> Template:
    """Change a school's name, URN, contact email or whether it is open."""
    values = await _school(actor, school_id, now)
    return _page("school_form", actor, school_id=school_id, values=values, errors=[])


@post("/schools/{school_id:int}/edit", guards=[school_editors])
async def edit_school(
    request: Request,
    actor: NamedDependency[Actor],
    now: NamedDependency[dt.datetime],
    school_id: ObjectId,
) -> Response[Any]:
    """Save the changes, or show every problem with the form."""
    await _school(actor, school_id, now)
    values = _school_values(await request.form())
    errors = await registry.update_school(
        actor.local_authority_id,
        school_id,
        name=values["name"],
        urn=values["urn"],
        contact_email=values["contact_email"],
        status=values["status"],
    )
    if errors:
        return _page("school_form", actor, 400, school_id=school_id, values=values, errors=errors)
    await record("school.edited", now=now, actor=actor, object_type="school", object_id=school_id)
    return Redirect(path="/staff/schools")


async def _upload(request: Request) -> tuple[bytes | None, Any]:
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        return None, form
    data: bytes = await upload.read()
    return (data or None), form


def _codes(text: str) -> list[str]:
    return [code for code in text.replace(",", " ").split() if code]


@get("/schools/import", guards=[school_editors])
async def import_form(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Upload DfE's GIAS establishment export to add and update the authority's schools (and,
    after an import, what it did)."""
    authority = await authority_by_id(actor.local_authority_id)
    result = done_result(request, gias_import.ImportResult)
    return _page("school_import", actor, result=result, authority=authority, values={})


@post("/schools/import", guards=[school_editors], request_max_body_size=MAX_UPLOAD)
async def import_upload(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check the whole file, then import it, or report every problem and import nothing."""
    authority = await authority_by_id(actor.local_authority_id)
    data, form = await _upload(request)
    values = {name: str(form.get(name) or "") for name in ("also_la", "also_urn")}
    context = {"authority": authority, "values": values}
    if data is None:
        return _page("school_import", actor, 400, result=None, missing=True, **context)
    try:
        result = await gias_import.import_gias(
            actor.local_authority_id,
            data,
            also_la=_codes(values["also_la"]),
            also_urn=_codes(values["also_urn"]),
        )
    except OrganisationError as error:
        result = gias_import.ImportResult(errors=[GiasError(0, "file", str(error))])
    if result.errors:
        return _page("school_import", actor, 400, result=result, **context)
    await record("schools.imported", now=now, actor=actor, object_type="gias")
    return done_redirect(request, "/staff/schools/import", result)


@get("/schools/emails", guards=[school_editors])
async def emails_form(request: Request, actor: NamedDependency[Actor]) -> Template:
    """Upload a CSV of URN,email to fill in schools' contact emails (and, after an upload, how
    many it set: held in the session, never the address)."""
    return _page("school_emails", actor, count=done_result(request, int), errors=[])


@post("/schools/emails", guards=[school_editors], request_max_body_size=10 * 1024 * 1024)
async def emails_upload(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Set every email in the file, or, if any row is wrong, none, and name each bad row."""
    data, _ = await _upload(request)
    if data is None:
        return _page("school_emails", actor, 400, count=None, errors=[], missing=True)
    count, errors = await school_emails.set_contact_emails(actor.local_authority_id, data)
    if errors:
        return _page("school_emails", actor, 400, count=count, errors=errors)
    await record("schools.emails_set", now=now, actor=actor, object_type="school")
    return done_redirect(request, "/staff/schools/emails", count)


organisation_pages = Router(
    path="/",
    route_handlers=[
        provider_pages,
        schools,
        schools_download,
        new_school_form,
        new_school,
        edit_school_form,
        edit_school,
        import_form,
        import_upload,
        emails_form,
        emails_upload,
    ],
)

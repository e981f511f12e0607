"""The audit log as an LA administrator reads it: who did what, when, found by action, person,
object and date, a page at a time (``web/listing.py``). Reading it is itself recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from survey_app.accounts.guards import la_admins
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.ops.audit import record
from survey_app.time_in_england import end_of_day_in_england, start_of_day_in_england
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListSpec,
    Sort,
    contains,
    fetch_page,
    parse,
    pin,
)
from survey_app.web.rendering import staff_page as _page


def audit_spec(actor: Actor) -> ListSpec:
    """The audit log's filters: action, who (by email), object, outcome and dates."""
    return ListSpec(
        path="/staff/audit",
        noun=("event", "events"),
        fields=(
            Field(
                name="action",
                label="Action",
                kind=FieldKind.SEARCH,
                where=contains(AuditEvent.action),
                hint="For example placement or sign_in",
            ),
            Field(
                name="who",
                label="Who (email)",
                kind=FieldKind.SEARCH,
                where=lambda text: AuditEvent.user_id.is_in(
                    StaffUser.select(StaffUser.id).where(
                        scope(actor, StaffUser), contains(StaffUser.email)(text)
                    )
                ),
            ),
            Field(
                name="object",
                label="Object",
                kind=FieldKind.SEARCH,
                where=contains(AuditEvent.object_type, AuditEvent.object_id),
                hint="A kind of thing or its id",
            ),
            Field(
                name="from",
                label="On or after",
                kind=FieldKind.DATE,
                where=lambda day: AuditEvent.at >= start_of_day_in_england(day),
            ),
            Field(
                name="to",
                label="On or before",
                kind=FieldKind.DATE,
                where=lambda day: AuditEvent.at <= end_of_day_in_england(day),
            ),
            # The newest event when paging began: viewing the log records an event, and others
            # act meanwhile; without it each page would start a few rows later than the last
            # ended. Set by the first page, kept by its links (not shown in the form).
            Field(
                name="as_of",
                label="As of",
                kind=FieldKind.PIN,
                where=lambda last_id: AuditEvent.id <= last_id,
            ),
        ),
        sorts={
            "newest": Sort("Newest first", ((AuditEvent.id, False),)),
            "oldest": Sort("Oldest first", ((AuditEvent.id, True),)),
        },
    )


@get("/audit", guards=[la_admins])
async def audit_log(
    request: Request, actor: NamedDependency[Actor], now: NamedDependency[dt.datetime]
) -> Template:
    """The LA's audit events, newest first, searched and filtered by the query string, as they
    stood when the first page was opened (``as_of``), so paging holds still."""
    spec = audit_spec(actor)
    query, errors = parse(spec, request.query_params)
    newest = (
        await AuditEvent.select(AuditEvent.id)
        .where(scope(actor, AuditEvent))
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    query = pin(spec, query, "as_of", newest["id"] if newest else 0)
    found = await fetch_page(spec, query, errors, actor, AuditEvent, AuditEvent.all_columns())
    ids = {row["user_id"] for row in found.rows if row["user_id"] is not None}
    emails: dict[Any, str] = {
        row["id"]: row["email"]
        for row in await StaffUser.select(StaffUser.id, StaffUser.email).where(
            StaffUser.id.is_in(list(ids) or [-1]), scope(actor, StaffUser)
        )
    }
    await record("audit.viewed", now=now, actor=actor, object_type="audit")
    return _page("audit", actor, 400 if errors else 200, found=found, emails=emails)


audit_pages = Router(path="/", route_handlers=[audit_log])

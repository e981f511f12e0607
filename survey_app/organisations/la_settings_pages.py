"""``/staff/settings``: an LA administrator's page for the authority's own settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect, Template

from survey_app.accounts.guards import la_admins
from survey_app.accounts.scoping import Actor
from survey_app.ops.audit import record
from survey_app.organisations import la_settings, la_settings_form
from survey_app.settings import Settings
from survey_app.web.rendering import staff_page as _page


async def with_authority(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Keep the signed-in user's authority on the request, so the staff layout can name it."""
    actor: Actor = connection.state.actor
    settings: Settings = connection.app.state.settings
    connection.state.authority = await la_settings.effective_settings(
        settings, actor.local_authority_id
    )


def _context(settings: Settings, effective: la_settings.EffectiveSettings) -> dict[str, Any]:
    """What the page shows beside each field: the environment's value an empty field means."""
    return {
        "labels": la_settings.LABELS,
        "defaults": {
            "invitation_open_days_before": settings.invitation_open_days_before,
            "invitation_expiry_days": settings.invitation_expiry_days,
            "retention_days": settings.retention_days,
            "disclosure_threshold": settings.disclosure_threshold,
            "safeguarding_escalation_hours": settings.safeguarding_escalation_hours,
            "reminder_days": ",".join(str(day) for day in settings.reminder_day_numbers),
            "start_survey_days": settings.start_survey_days,
            "start_survey": "yes" if settings.start_survey else "no",
            "review_survey": "yes" if settings.review_survey else "no",
        },
        "effective": effective,
    }


@get("/settings", guards=[la_admins])
async def settings_form(
    actor: NamedDependency[Actor], settings: NamedDependency[Settings], saved: str = ""
) -> Template:
    """The authority's settings, empty fields showing the default they fall back to (and,
    after saving, that they were saved)."""
    la_id = actor.local_authority_id
    effective = await la_settings.effective_settings(settings, la_id)
    values = await la_settings_form.form_values(la_id)
    return _page(
        "la_settings",
        actor,
        values=values,
        errors=[],
        saved=saved == "yes",
        **_context(settings, effective),
    )


@post("/settings", guards=[la_admins])
async def save_settings(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Save every field, or show every problem and save nothing. Always the actor's own LA."""
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in la_settings.FORM_FIELDS}
    la_id = actor.local_authority_id
    errors = await la_settings_form.save(settings, la_id, values)
    if errors:
        effective = await la_settings.effective_settings(settings, la_id)
        return _page(
            "la_settings",
            actor,
            400,
            values=values,
            errors=errors,
            saved=False,
            **_context(settings, effective),
        )
    await record(
        "la_settings.changed", now=now, actor=actor, object_type="local_authority", object_id=la_id
    )
    # Post, redirect, get: a refresh shows the saved settings rather than posting again.
    return Redirect(path="/staff/settings?saved=yes", status_code=303)


la_settings_pages = Router(path="/", route_handlers=[settings_form, save_settings])

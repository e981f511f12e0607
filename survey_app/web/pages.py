"""Public pages that belong to nobody in particular: the front door and the health checks."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from litestar import MediaType, Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import Placement
from survey_app.organisations.la_settings import EffectiveSettings, effective_settings
from survey_app.settings import Settings

log = logging.getLogger(__name__)
#: A database that takes longer than this to answer ``SELECT 1`` is as good as unreachable.
READINESS_TIMEOUT_SECONDS = 5


@get("/", sync_to_thread=False)
def home() -> Template:
    """Where a pupil without a link, or a member of staff, starts."""
    return Template(template_name="home.html")


@get("/accessibility", sync_to_thread=False)
def accessibility_statement() -> Template:
    """The accessibility statement the public sector regulations require."""
    return Template(template_name="accessibility.html")


async def _notice_authority(request: Request, settings: Settings) -> EffectiveSettings | None:
    """Whose notice this visitor reads: a pupil's LA (kept in their survey session), or a
    signed-in member of staff's; None for anyone else, who reads the general notice."""
    raw = request.scope.get("session")
    session: dict[str, Any] = raw if isinstance(raw, dict) else {}
    la_id = session.get("la_id")
    if la_id is None and session.get("user_id") is not None:
        user = (
            await StaffUser.select(StaffUser.local_authority)
            .where(StaffUser.id == session["user_id"])
            .first()
        )
        la_id = user["local_authority"] if user else None
    if not isinstance(la_id, int):
        return None
    try:
        return await effective_settings(settings, la_id)
    except LookupError:
        return None


@get("/privacy")
async def privacy_notice(request: Request, settings: NamedDependency[Settings]) -> Template:
    """How pupils' answers are used, in plain words, filled from the pupil's council."""
    authority = await _notice_authority(request, settings)
    return Template(template_name="privacy.html", context={"authority": authority})


@get("/privacy/staff")
async def staff_privacy_notice(request: Request, settings: NamedDependency[Settings]) -> Template:
    """What the service holds about staff and pupils, for staff, filled from their council."""
    authority = await _notice_authority(request, settings)
    return Template(
        template_name="staff_privacy.html",
        context={"authority": authority, "threshold": settings.disclosure_threshold},
    )


@get("/healthz", sync_to_thread=False, include_in_schema=False)
def health() -> dict[str, str]:
    """A no-op endpoint: load balancers poll it and benchmarks compare against it.

    It never touches the database: the process is alive, and restarting it would not bring a
    lost database back. ``/readyz`` asks the database.
    """
    return {"status": "ok"}


@get("/readyz", include_in_schema=False)
async def ready() -> Response[str]:
    """Whether this server can do its work: one cheap query to the database."""
    try:
        await asyncio.wait_for(Placement.raw("SELECT 1").run(), READINESS_TIMEOUT_SECONDS)
    except Exception as error:  # any failure at all means "not ready", said plainly
        log.warning("readiness check failed: the database cannot be reached: %r", error)
        return Response(
            "not ready: the database cannot be reached\n",
            status_code=503,
            media_type=MediaType.TEXT,
            headers={"Retry-After": "30", "Cache-Control": "no-store"},
        )
    return Response(
        "ready: the database answers\n",
        media_type=MediaType.TEXT,
        headers={"Cache-Control": "no-store"},
    )


pages_router = Router(
    path="/",
    route_handlers=[
        home,
        accessibility_statement,
        privacy_notice,
        staff_privacy_notice,
        health,
        ready,
    ],
)

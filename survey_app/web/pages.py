"""Public pages that belong to nobody in particular: the front door and the health checks."""

from __future__ import annotations

import asyncio
import logging

from litestar import MediaType, Response, Router, get
from litestar.response import Template

from survey_app.db.tables import Placement

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


@get("/privacy", sync_to_thread=False)
def privacy_notice() -> Template:
    """How pupils' answers are used, in plain words."""
    return Template(template_name="privacy.html")


@get("/privacy/staff", sync_to_thread=False)
def staff_privacy_notice() -> Template:
    """What the service holds about staff and pupils, for staff."""
    return Template(template_name="staff_privacy.html")


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

"""Public pages that belong to nobody in particular: the front door and a health check."""

from __future__ import annotations

from litestar import Router, get
from litestar.response import Template


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
    """A no-op endpoint: load balancers poll it and benchmarks compare against it."""
    return {"status": "ok"}


pages_router = Router(
    path="/",
    route_handlers=[home, accessibility_statement, privacy_notice, staff_privacy_notice, health],
)

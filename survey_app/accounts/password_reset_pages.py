"""Asking for a password reset link and choosing a new password with it. Open to everyone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts import password_reset
from survey_app.settings import Settings
from survey_app.web.rendering import staff_page as _page


@get("/password-reset")
async def reset_request_form(sent: str = "") -> Template:
    """Ask for a password reset link (and, once asked, say what happens next)."""
    return _page("password_reset_request", None, sent=sent == "yes")


@post("/password-reset")
async def reset_request(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Send a link if the account exists; the page says the same, as fast, either way.

    Only the throttle counting happens before the page is sent (the same writes for any email);
    the account is looked up and the email queued after it has gone (``password_reset``).
    """
    email = str((await request.form()).get("email") or "")
    address = request.client.host if request.client else "unknown"
    await password_reset.note_request(settings, email, address, now)
    # Post, redirect, get: a refresh shows the same words and asks for no second link.
    page = Redirect(path="/staff/password-reset?sent=yes", status_code=303)
    page.background = BackgroundTask(password_reset.send_reset_link, settings, email, address, now)
    return page


@get("/password-reset/{token:str}")
async def reset_form(token: FromPath[str], now: NamedDependency[dt.datetime]) -> Template:
    """Choose a new password, if the link is still good."""
    valid = await password_reset.valid_reset(token, now) is not None
    return _page(
        "password_reset", None, 200 if valid else 410, token=token, valid=valid, error=None
    )


@post("/password-reset/{token:str}")
async def reset_password(
    request: Request,
    token: FromPath[str],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Set the new password; every session, API token and other reset link of that account
    stops working, and the owner is emailed."""
    password = str((await request.form()).get("password") or "")
    problem = await password_reset.complete_reset(settings, token, password, now)
    if problem:
        return _page("password_reset", None, 400, token=token, valid=True, error=problem)
    return Redirect(path="/staff/sign-in")


reset_routes = Router(
    path="/", route_handlers=[reset_request_form, reset_request, reset_form, reset_password]
)

"""Entering a survey: a pupil opens their link or types their short code, the lookup is
throttled per address, and a fresh pupil session is started for the invitation found."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts.sessions import start_fresh_session
from survey_app.organisations.la_settings import pupil_authority
from survey_app.settings import Settings
from survey_app.surveys.invitations import LinkState, find, state_of
from survey_app.surveys.provenance import OPENED_OVER_STAFF
from survey_app.surveys.rendering import closed_link_page, page
from survey_app.web import throttle


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _enter(
    request: Request,
    settings: Settings,
    now: dt.datetime,
    *,
    token: str | None = None,
    code: str | None = None,
) -> Response[Any]:
    address = _client_address(request)
    verdict = await throttle.lookup_verdict(settings, address, now, code)
    if verdict.blocked:
        return Template(
            template_name="survey/too_many_tries.html",
            context={"minutes": settings.lookup_failure_window_minutes},
            status_code=429,
            headers={"Retry-After": str(settings.lookup_failure_window_minutes * 60)},
        )
    if verdict.delay_seconds:
        await throttle.pause(verdict.delay_seconds)
    invitation = await find(settings, token=token, code=code)
    state = state_of(invitation, now)
    if state == LinkState.UNKNOWN:
        await throttle.record_lookup_failure(settings, address, now, code)
    if state != LinkState.OPEN or invitation is None:
        return await closed_link_page(
            settings, invitation["id"] if invitation else None, state, now
        )
    await _start_pupil_session(
        request, settings, str(invitation["id"]), invitation["revocation_counter"]
    )
    # The pupil's pages name their council and its contact, and its privacy notice applies.
    request.session.update(await pupil_authority(invitation["placement"]))
    return Redirect(path="/survey")


#: Keys of a staff session (signed in, or half-way through the second step).
STAFF_SESSION_KEYS = ("user_id", "mfa_user_id")


async def _start_pupil_session(
    request: Request, settings: Settings, invitation_id: str, link_version: int
) -> None:
    """Put the invitation in a pupil session with a brand-new id, never one the client chose.

    The token moves into the session and out of the address bar and browser history. The id is
    rotated (as staff sign-in does) so an id planted in the browser beforehand never holds a
    pupil's survey. Each new pupil session gets its own ``pupil_session`` mark, and a session
    shows only the answers saved under its mark: a link opened in another browser starts blank.
    The same browser opening its link again keeps its mark, and so its answers. A staff session
    in this browser is ended (the browser is being handed to a pupil) and remembered, so the
    response is flagged to the LA.
    """
    old = request.session if "session" in request.scope else {}
    same_survey = old.get("invitation_id") == invitation_id
    mark = old.get("pupil_session") if same_survey else None
    over_staff = any(key in old for key in STAFF_SESSION_KEYS) or (
        same_survey and bool(old.get(OPENED_OVER_STAFF))
    )
    session: dict[str, Any] = {
        "invitation_id": invitation_id,
        # Which of the invitation's links opened it: a reissue ends sessions the old link began.
        "link_version": link_version,
        "pupil_session": mark if isinstance(mark, str) else secrets.token_hex(16),
    }
    if over_staff:
        session[OPENED_OVER_STAFF] = True
    await start_fresh_session(request, settings, session)


@get("/s/{token:str}")
async def open_link(
    request: Request,
    token: FromPath[str],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """A pupil's link from a QR code or message."""
    return await _enter(request, settings, now, token=token)


@get("/code")
async def code_form(request: Request) -> Template:
    """Where a pupil without a camera types their short code."""
    return page(request, "code", error=None, code="")


@post("/code")
async def enter_code(
    request: Request, settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Response[Any]:
    """Check a typed short code and start the survey it belongs to."""
    form = await request.form()
    code = str(form.get("code") or "").strip()
    if not code:
        return page(request, "code", 400, error="Type the code from your slip", code="")
    return await _enter(request, settings, now, code=code)

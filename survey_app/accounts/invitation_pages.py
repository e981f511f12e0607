"""The invitation page: an invited person sets their password, then (LA roles) their second
factor. Open to everyone, as the link is the only key; see ``accounts/invitations.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts import invitations
from survey_app.accounts.scoping import LA_ROLES, ROLE_LABELS
from survey_app.accounts.sessions import start_fresh_session
from survey_app.settings import Settings
from survey_app.web.rendering import staff_page as _page


@get("/invitation/{token:str}")
async def invitation_form(
    token: FromPath[str], settings: NamedDependency[Settings], now: NamedDependency[dt.datetime]
) -> Template:
    """Who the invitation is for and what happens next, and the password field."""
    found = await invitations.open_invitation(settings.secret_key, token, now)
    if found is None:
        return _page("invitation", None, 410, token=token, invitation=None, error=None)
    return _page(
        "invitation",
        None,
        token=token,
        invitation=found,
        role=ROLE_LABELS[found.role],
        second_factor=found.role in LA_ROLES,
        error=None,
    )


@post("/invitation/{token:str}")
async def accept_invitation(
    request: Request,
    token: FromPath[str],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Set the password and use up the link; LA staff go straight on to set their second factor."""
    found = await invitations.open_invitation(settings.secret_key, token, now)
    password = str((await request.form()).get("password") or "")
    user_id, problem = await invitations.accept(settings.secret_key, token, password, now)
    if user_id is None:
        status = 400 if found is not None else 410
        return _page(
            "invitation",
            None,
            status,
            token=token,
            invitation=found if status == 400 else None,
            role=ROLE_LABELS[found.role] if found else "",
            second_factor=bool(found and found.role in LA_ROLES),
            error=problem,
        )
    if found is not None and found.role in LA_ROLES:
        # Half-way signed in, exactly as after a right password at the sign-in page: the second
        # factor's setup page takes it from here and finishes signing in.
        # Under a fresh id: a planted one must not come to hold the new account's set-up.
        await start_fresh_session(
            request, settings, {"mfa_user_id": user_id, "mfa_started_at": now.isoformat()}
        )
        return Redirect(path="/staff/mfa/setup")
    return Redirect(path="/staff/sign-in")


invitation_routes = Router(path="/", route_handlers=[invitation_form, accept_invitation])

"""Who is making a staff request: a bearer API token or a signed-in session."""

from __future__ import annotations

import datetime as dt

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException

from survey_app.accounts.scoping import Actor
from survey_app.accounts.users import actor_for_api_token, actor_for_user


async def current_actor(request: ASGIConnection, sessions: bool = True) -> Actor:
    """The actor for this request; raises ``NotAuthorizedException`` when nobody is signed in.

    ``sessions=False`` (the API) counts only a bearer token: a browser sends the session cookie
    with any cross-site request, so a cookie there would let another site's page act as the user.
    """
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = await actor_for_api_token(
            header[7:].strip(),
            request.app.state.clock(),
            request.app.state.settings.api_token_days,
        )
        if actor is None:
            raise NotAuthorizedException("The API token is not valid or has been revoked")
        return actor
    if not sessions:
        raise NotAuthorizedException("Send an API token: Authorization: Bearer <token>")
    session = request.session if "session" in request.scope else {}
    user_id = session.get("user_id")
    signed_in_at = session.get("signed_in_at")
    if isinstance(user_id, int) and isinstance(signed_in_at, str):
        settings = request.app.state.settings
        now = request.app.state.clock()
        limit = dt.timedelta(hours=settings.session_absolute_hours)
        if dt.datetime.fromisoformat(signed_in_at) + limit <= now:
            request.clear_session()
            raise NotAuthorizedException("Your session has ended: sign in again")
        actor = await actor_for_user(user_id)
        if actor is not None:
            return actor
    raise NotAuthorizedException("Sign in to continue")

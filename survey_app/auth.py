"""Who is making a staff request: a bearer API token or a signed-in session."""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotAuthorizedException

from survey_app.accounts import actor_for_api_token, actor_for_user
from survey_app.scoping import Actor


async def current_actor(request: Request) -> Actor:
    """The actor for this request; raises ``NotAuthorizedException`` when nobody is signed in."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = await actor_for_api_token(header[7:].strip())
        if actor is None:
            raise NotAuthorizedException("The API token is not valid or has been revoked")
        return actor
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if isinstance(user_id, int):
        actor = await actor_for_user(user_id)
        if actor is not None:
            return actor
    raise NotAuthorizedException("Sign in to continue")

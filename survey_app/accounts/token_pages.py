"""The signed-in user's API tokens: list, make (shown once) and revoke; and, beside them, the
staff pages, behind the same guard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from survey_app.accounts.guards import actor_of, signed_in
from survey_app.accounts.scoping import Actor, Role
from survey_app.accounts.staff_pages import staff_pages
from survey_app.accounts.users import (
    AccountError,
    create_api_token,
    revoke_token,
    tokens_for,
)
from survey_app.ops.audit import refuse
from survey_app.settings import Settings
from survey_app.web.rendering import staff_page as _page


def _from_a_session(request: Request) -> None:
    """Tokens are managed from a signed-in browser only: a stolen token must not mint more."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        raise NotFoundException()


async def _tokens_page(
    actor: Actor,
    settings: Settings,
    now: dt.datetime,
    *,
    status: int = 200,
    new_token: str | None = None,
    error: str | None = None,
) -> Template:
    return _page(
        "account_tokens",
        actor,
        status,
        tokens=await tokens_for(actor, now, settings.api_token_days),
        days=settings.api_token_days,
        new_token=new_token,
        error=error,
        is_admin=actor.role == Role.LA_ADMIN,
    )


@get("/account/tokens")
async def tokens_page(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Template:
    """API tokens: when each was made, last used and expires; revoke any of them here."""
    _from_a_session(request)
    return await _tokens_page(actor, settings, now)


@post("/account/tokens")
async def token_create(
    request: Request,
    actor: NamedDependency[Actor],
    settings: NamedDependency[Settings],
    now: NamedDependency[dt.datetime],
) -> Template:
    """Make a token for oneself; it is shown on this page once and never again."""
    _from_a_session(request)
    label = str((await request.form()).get("label") or "").strip()[:80]
    if not label:
        return await _tokens_page(
            actor, settings, now, status=400, error="Say what the token is for"
        )
    try:
        token = await create_api_token(
            actor.user_id, label, now, days=settings.api_token_days, created_by=actor.user_id
        )
    except AccountError as problem:
        return await _tokens_page(actor, settings, now, status=400, error=str(problem))
    return await _tokens_page(actor, settings, now, status=201, new_token=token)


@post("/account/tokens/{token_id:int}/revoke")
async def token_revoke(
    request: Request,
    actor: NamedDependency[Actor],
    token_id: FromPath[int],
    now: NamedDependency[dt.datetime],
) -> Response[Any]:
    """Revoke one token at once: one's own, or (for an LA administrator) any of the LA's."""
    _from_a_session(request)
    if not await revoke_token(actor, token_id, now):
        raise await refuse(actor, "api_token", token_id, now)
    return Redirect(path="/staff/account/tokens")


account_pages = Router(
    path="/",
    guards=[signed_in],
    dependencies={"actor": Provide(actor_of, sync_to_thread=False)},
    route_handlers=[tokens_page, token_create, token_revoke, staff_pages],
)

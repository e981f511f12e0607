"""Who may open which staff page: Litestar guards, so no handler repeats a role check.

The staff router runs ``signed_in`` first and the API router ``api_client``: each finds the
actor (a signed-in session or a bearer token; the API takes only the token) and keeps it on
the request's state, where the ``actor`` dependency reads it. A handler that only some roles
may use names one of the role guards below. Adding a role starts in ``accounts/scoping.py``
(the ``Role`` enum, its label and ``scope``); then give it to the guards here that should let
it in. A role no guard names is let into nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler

from survey_app.accounts.actors import current_actor
from survey_app.accounts.scoping import LA_ROLES, SAFEGUARDING_ROLES, Actor, Role
from survey_app.ops.audit import record
from survey_app.ops.statuses import AuditOutcome

Guard = Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]


async def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Let in anyone signed in (or holding a valid API token); everyone else is asked to sign in."""
    connection.state.actor = await current_actor(connection)


async def api_client(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """The API's ``signed_in``: a bearer token only, never the browser's session cookie."""
    connection.state.actor = await current_actor(connection, sessions=False)


def actor_of(request: Request) -> Actor:
    """The ``actor`` dependency: who ``signed_in`` found for this request."""
    actor: Actor = request.state.actor
    return actor


def allow(*roles: Role) -> Guard:
    """A guard letting in only these roles; any other is refused as if the page did not exist,
    and the refusal is audited, as refusals of single records are."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        actor: Actor = connection.state.actor
        if actor.role not in allowed:
            await record(
                "access.refused",
                now=connection.app.state.clock(),
                actor=actor,
                object_type="route",
                object_id=connection.url.path,
                outcome=AuditOutcome.REFUSED,
            )
            raise NotFoundException()

    return guard


#: LA staff: the outbox, chasing, the area summary, the QA visit pack.
la_staff = allow(*LA_ROLES)
#: The LA's safeguarding contact (and administrators covering): alerts and comment review.
safeguarding_staff = allow(*SAFEGUARDING_ROLES)
#: Who keeps providers' QA records: LA officers and administrators.
qa_editors = allow(Role.LA_ADMIN, Role.LA_OFFICER)
#: Those who commission placements and so may record them: LA staff and school contacts.
commissioners = allow(*LA_ROLES, Role.SCHOOL_CONTACT)
#: LA administrators: the staff page, every change to another user, the council's settings.
la_admins = allow(Role.LA_ADMIN)
#: Who may invite staff: administrators (anyone in the LA) and school contacts (colleagues at
#: their own school; ``accounts/staff.py`` holds them to that).
staff_inviters = allow(Role.LA_ADMIN, Role.SCHOOL_CONTACT)

"""The two doors staff come through, each a parent router over the features' own routers.

``/staff`` (pages) runs the ``signed_in`` guard first and ``/api/v1`` (JSON) ``api_client``
(bearer tokens only), so every handler below them has an ``actor``; role checks are guards on
the features' routers and handlers (``accounts/guards.py``). A new feature's pages join
``staff_router`` here.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.response import Redirect, Template

from survey_app.accounts.guards import actor_of, api_client, signed_in
from survey_app.accounts.invitation_pages import invitation_routes
from survey_app.accounts.pages import public_routes
from survey_app.accounts.scoping import Actor, Role
from survey_app.chasing.pages import chasing_pages
from survey_app.ops.audit_pages import audit_pages
from survey_app.organisations.api import organisation_api
from survey_app.organisations.la_settings_pages import la_settings_pages, with_authority
from survey_app.organisations.pages import organisation_pages
from survey_app.placements.api import placement_api
from survey_app.placements.pages import placement_pages
from survey_app.qa.pages import qa_pages
from survey_app.qa.you_said_pages import you_said_pages
from survey_app.reporting.api import report_api
from survey_app.reporting.pages import report_pages
from survey_app.safeguarding.pages import safeguarding_pages
from survey_app.web.api_docs import SECURITY
from survey_app.web.api_errors import json_error, plain_error
from survey_app.web.api_lists import list_params, sync_params


def to_sign_in(request: Request, exc: Exception) -> Response[Any]:
    """Anyone not signed in who asks for a staff page is sent to sign in."""
    return Redirect(path="/staff/sign-in")


def bad_address(request: Request, exc: Exception) -> Response[Any]:
    """A staff page asked for with something wrong in its address (``?year=abc``): an error
    page naming each field in plain words, never the API's raw JSON. Nothing was changed."""
    extra = getattr(exc, "extra", None)
    problems = [plain_error(e)["message"] for e in extra if isinstance(e, dict)] if extra else []
    message = "; ".join(problems) or str(getattr(exc, "detail", "")) or "Something is not right"
    return Template(
        template_name="errors/error.html",
        context={
            "heading": "There is a problem with this page's address",
            "message": message[:1].upper() + message[1:] + ".",
            "back": request.url.path,
        },
        status_code=400,
    )


@get("/")
async def dashboard(actor: NamedDependency[Actor]) -> Response[Any]:
    """Where staff land: the placements they can see (providers: how many learners answered)."""
    if actor.role == Role.PROVIDER_STAFF:
        return Redirect(path="/staff/my-learners")
    return Redirect(path="/staff/placements")


staff_router = Router(
    path="/staff",
    route_handlers=[
        public_routes,
        invitation_routes,
        Router(
            path="/",
            guards=[signed_in, with_authority],
            dependencies={"actor": Provide(actor_of, sync_to_thread=False)},
            route_handlers=[
                dashboard,
                organisation_pages,
                la_settings_pages,
                placement_pages,
                chasing_pages,
                report_pages,
                qa_pages,
                you_said_pages,
                safeguarding_pages,
                audit_pages,
            ],
        ),
    ],
    exception_handlers={NotAuthorizedException: to_sign_in, ValidationException: bad_address},
    include_in_schema=False,
)

api_router = Router(
    path="/api/v1",
    guards=[api_client],
    dependencies={
        "actor": Provide(actor_of, sync_to_thread=False),
        # What every API list takes, declared once (web/api_lists.py).
        "list_params": Provide(list_params),
        "sync_params": Provide(sync_params),
    },
    route_handlers=[organisation_api, placement_api, report_api],
    # NotFoundException named too: the app-level HTML 404 handler is otherwise more specific.
    exception_handlers={HTTPException: json_error, NotFoundException: json_error},
    security=SECURITY,
)

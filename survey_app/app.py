"""The application factory: wires settings, database, sessions, templates and routes together."""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Litestar, Request, Response
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, State
from litestar.di import Provide
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers.base import BaseRouteHandler
from litestar.logging.config import LoggingConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Guard
from piccolo.engine.postgres import PostgresEngine

from survey_app.accounts.sessions import (
    DatabaseSessionStore,
    RotatingSessionConfig,
    session_cookie_name,
)
from survey_app.db import engine as database
from survey_app.ops.logging_filters import log_exception
from survey_app.ops.schedule import in_the_background
from survey_app.settings import Settings, load_settings
from survey_app.surveys.pages import survey_router
from survey_app.web import api_docs, assets
from survey_app.web.display import register_filters
from survey_app.web.headers import Edge
from survey_app.web.pages import pages_router
from survey_app.web.routers import api_router, staff_router

HERE = Path(__file__).parent
log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.UTC)


def _not_found(request: Request, exc: Exception) -> Response[Any]:
    return Template(template_name="errors/404.html", status_code=404)


def _method_not_allowed(request: Request, exc: Exception) -> Response[Any]:
    """An address that takes only form posts, opened as a page (a bookmark, a refresh, an old
    tab): a page that says where to go, never raw JSON. The API keeps its JSON answer."""
    allow = getattr(exc, "headers", None) or {}
    if request.url.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
        body = {"status_code": 405, "detail": "Method Not Allowed"}
        return Response(body, status_code=405, headers=allow)
    parent = request.url.path.rstrip("/").rsplit("/", 1)[0] or "/"
    return Template(
        template_name="errors/error.html",
        context={
            "heading": "This page is for sending a form",
            "message": "It cannot be opened on its own. Go to the page it belongs to, and check "
            "there whether what you sent was saved.",
            "back": parent,
        },
        status_code=405,
        headers=allow,
    )


def _server_error(request: Request, exc: Exception) -> Response[Any]:
    """A plain apology with a reference the operator can find in the log; never a stack trace."""
    reference = uuid.uuid4().hex[:12]
    log.error("unhandled error, reference %s", reference, exc_info=exc)
    if request.url.path.startswith("/api/"):
        body = {"status_code": 500, "detail": "Something went wrong", "reference": reference}
        return Response(body, status_code=500)
    return Template(
        template_name="errors/error.html", context={"reference": reference}, status_code=500
    )


#: The database could not be reached: a restart, a failover, or every connection busy.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    ConnectionError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
)
RETRY_AFTER_SECONDS = 30
#: No form or API body may be bigger; the placements CSV upload sets its own 10 MB on its route.
MAX_BODY_BYTES = 1024 * 1024


def _database_unavailable(request: Request, exc: Exception) -> Response[Any]:
    """Say plainly that nothing was saved and to try again; the request changed nothing."""
    log.warning("database unavailable for %s: %r", request.url.path, exc)
    return _plain_error(
        request,
        503,
        "Sorry, we could not save that just now",
        "The service is busy or restarting, so nothing was changed. Anything saved before "
        "is safe. Please wait a minute, then try again.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _plain_error(
    request: Request,
    status: int,
    heading: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """A refusal that says what was wrong: JSON under /api/, a page everywhere else."""
    if request.url.path.startswith("/api/"):
        body = {"status_code": status, "detail": detail}
        return Response(body, status_code=status, headers=headers)
    return Template(
        template_name="errors/error.html",
        context={"heading": heading, "message": detail},
        status_code=status,
        headers=headers,
    )


def _not_utf8(request: Request, exc: Exception) -> Response[Any]:
    """Bytes that are not UTF-8 text are the sender's mistake: a 400 that says so."""
    detail = "The request is not valid UTF-8 text; nothing was changed."
    return _plain_error(request, 400, "Sorry, we could not read that", detail)


def _too_large(request: Request, exc: Exception) -> Response[Any]:
    """A body over the limit is refused before it is read, in words the sender can act on."""
    limit = request.route_handler.resolve_request_max_body_size() or MAX_BODY_BYTES
    megabytes = limit // (1024 * 1024)
    detail = f"That was too large to send: the limit is {megabytes} MB. Nothing was saved."
    return _plain_error(request, 413, "That was too large to send", detail)


def _static_folder(settings: Settings) -> Path:
    """Where the built assets go: the configured folder, else a new private temporary one.

    Never the data folder (``load_settings`` refuses that): whatever is here may be served.
    """
    if settings.static_dir:
        return Path(settings.static_dir)
    folder = Path(tempfile.mkdtemp(prefix="survey-static-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _only_built_assets(manifest: dict[str, str]) -> Guard:
    """A guard on the static route: only files this process built are served, so nothing else
    that finds its way into the folder (a secret, a database) can be fetched by name."""
    built = frozenset(manifest.values())

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if str(connection.path_params.get("file_path", "")).lstrip("/") not in built:
            raise NotFoundException()

    return guard


def create_app(settings: Settings | None = None, clock: Clock = system_clock) -> Litestar:
    """Build the web application for these settings (read from the environment by default)."""
    settings = settings or load_settings()
    engine = database.engine_for(settings, server=True)
    for table in database.all_tables():
        table._meta.db = engine
    secure = settings.base_url.startswith("https://")
    static_folder = _static_folder(settings)
    manifest = assets.build(static_folder)

    start_schedule, stop_schedule = in_the_background(settings, clock)

    async def open_pool() -> None:
        if isinstance(engine, PostgresEngine) and settings.database_pool_size > 0:
            size = settings.database_pool_size
            await engine.start_connection_pool(min_size=min(2, size), max_size=size)

    async def close_pool() -> None:
        if isinstance(engine, PostgresEngine) and settings.database_pool_size > 0:
            await engine.close_connection_pool()
        if isinstance(engine, database.DurableSQLiteEngine):
            await engine.close_pool()

    def templates_callback(engine_: JinjaTemplateEngine) -> None:
        register_filters(engine_.engine)
        # Templates ship with the code: checking their files' times on every page is waste.
        engine_.engine.auto_reload = False
        engine_.engine.globals["asset"] = lambda name: f"/static/{manifest[name]}"

    app = Litestar(
        route_handlers=[
            pages_router,
            survey_router,
            staff_router,
            api_router,
            create_static_files_router(
                path="/static",
                directories=[static_folder],
                guards=[_only_built_assets(manifest)],
                # Names carry a content hash, so a cached copy can never be stale.
                cache_control=CacheControlHeader(max_age=31_536_000, public=True, immutable=True),
            ),
        ],
        dependencies={
            "settings": Provide(lambda: settings, sync_to_thread=False, use_cache=True),
            "now": Provide(clock, sync_to_thread=False),
        },
        state=State({"settings": settings, "clock": clock, "static_dir": str(static_folder)}),
        stores={"sessions": DatabaseSessionStore(clock)},
        middleware=[
            RotatingSessionConfig(
                store="sessions",
                key=session_cookie_name(settings),
                max_age=settings.session_idle_minutes * 60,
                renew_on_access=True,
                secure=secure,
                httponly=True,
                samesite="lax",
                # Assets and the health checks never need a session: no database read for them.
                exclude=["^/static/", "^/healthz$", "^/readyz$"],
            ).middleware
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=("__Host-" if secure else "") + "lv_csrf",
            cookie_secure=secure,
            exclude=["/api/"],
        ),
        template_config=TemplateConfig(
            directory=HERE / "web" / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=templates_callback,
        ),
        plugins=[HTMXPlugin()],
        openapi_config=OpenAPIConfig(
            title="Learner voice API",
            version="1",
            description="Placements, invitations and learner-voice reports for non-school AP.",
            components=api_docs.COMPONENTS,
            render_plugins=api_docs.render_plugins(manifest),
        ),
        exception_handlers={
            NotFoundException: _not_found,
            MethodNotAllowedException: _method_not_allowed,
            500: _server_error,
            **dict.fromkeys(DATABASE_UNAVAILABLE, _database_unavailable),
            UnicodeDecodeError: _not_utf8,
            RequestEntityTooLarge: _too_large,
        },
        # An unexpected error must reach the operator's log, not only the person who met it;
        # a routine 401 or 404 is an INFO line (``log_exception``).
        logging_config=LoggingConfig(
            log_exceptions="always", exception_logging_handler=log_exception
        ),
        on_startup=[open_pool, start_schedule],
        on_shutdown=[stop_schedule, close_pool],
        request_max_body_size=MAX_BODY_BYTES,
        compression_config=CompressionConfig(
            backend="gzip", minimum_size=500, gzip_compress_level=6
        ),
    )
    # Outside Litestar's own exception handling, so it sees every response, including the
    # refusals that routing and the exception handlers make (Litestar's ``middleware`` runs
    # only once a route has been found).
    app.asgi_handler = Edge(app.asgi_handler)
    return app

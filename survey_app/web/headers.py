"""Response headers: security headers on everything, and no caching of anything but the
static assets.

The security headers are set by ``Edge``, an ASGI middleware wrapped around the whole
application rather than an ``after_request`` hook: a hook runs only for a handler's own
response, so refusals made before or around a handler (404, 405, the CSRF 403, 401, 413, an
exception handler's page, a static file) went out without them. ``Cache-Control: no-store`` is
set there too, for the same reason: an API 400 or 401 or a staff 404 names what was asked for,
and a shared computer's browser cache or a proxy must not keep it.
"""

from __future__ import annotations

from typing import cast

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    # Browsers ignore this over plain http, so it is safe to send always.
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}

#: The only responses a browser or proxy may keep: content-hashed assets, which set their own
#: long ``Cache-Control`` (``app.py``). Everything else, errors included, is ``no-store``.
CACHEABLE_PREFIX = "/static/"


class Edge:
    """Around the whole application: every response gets the security headers, and a ``HEAD``
    is answered as the ``GET`` it stands for, without the body (monitoring tools use ``HEAD``;
    Litestar would otherwise refuse it with a 405 on every page)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = cast("HTTPScope", scope)["method"]
        head = method == "HEAD"
        # A staff page sent in answer to a form post (its problems, or a secret shown once) is
        # not an address to come back to: htmx's boost would put the post's address in the bar,
        # and a refresh would ask for it with GET and be refused. The bar keeps the form's.
        # (The pupil's pages are not boosted: they say for themselves what goes in history.)
        posted_page = method == "POST" and scope["path"].startswith("/staff")
        cacheable = scope["path"].startswith(CACHEABLE_PREFIX)
        if head:
            scope = cast("HTTPScope", {**scope, "method": "GET"})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if not cacheable:
                    # Replaced, not defaulted: fail closed if a handler ever asks for caching.
                    headers["Cache-Control"] = "no-store"
                if posted_page and not 300 <= message["status"] < 400:
                    headers.setdefault("HX-Push-Url", "false")
            elif head and message["type"] == "http.response.body":
                # The same headers (Content-Length included) as the GET, and no body.
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)

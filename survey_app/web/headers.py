"""Response headers: security headers on everything, no caching on private pages."""

from __future__ import annotations

from typing import Any

from litestar import Response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def security_headers(response: Response[Any]) -> Response[Any]:
    """Headers every response carries."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    # Browsers ignore this over plain http, so it is safe to send always.
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def private_page(response: Response[Any]) -> Response[Any]:
    """Survey and signed-in pages: as above, and never stored by a browser or proxy."""
    response.headers["Cache-Control"] = "no-store"
    return security_headers(response)

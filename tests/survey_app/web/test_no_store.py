"""Nothing that carries staff or pupil data, or names what was asked for, is kept by a browser
or proxy: errors included. Only the content-hashed static assets may be cached."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup

from tests.world import Clock, World, sign_in, token_for


def test_api_refusals_and_errors_are_not_cached(client: Any, world: World, clock: Clock) -> None:
    # No token at all: the 401 still says which list was asked for.
    unauthorised = client.get("/api/v1/schools")
    assert unauthorised.status_code == 401
    assert unauthorised.headers["cache-control"] == "no-store"
    headers = token_for(world, "la_officer", clock)
    refused = client.get("/api/v1/schools?foo=1", headers=headers)
    assert refused.status_code == 400
    assert refused.headers["cache-control"] == "no-store"
    missing = client.get("/api/v1/placements/99999", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"


def test_a_staff_not_found_page_is_not_cached(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    missing = client.get("/staff/you-said/99999")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-store"
    unknown = client.get("/staff/no-such-page")
    assert unknown.status_code == 404
    assert unknown.headers["cache-control"] == "no-store"


def test_pupil_pages_are_not_cached_but_static_assets_are(client: Any) -> None:
    code_page = client.get("/code")
    assert code_page.headers["cache-control"] == "no-store"
    page = BeautifulSoup(code_page.text, "html.parser")
    stylesheet = page.select_one("link[rel=stylesheet]")["href"]
    assert stylesheet.startswith("/static/")
    asset = client.get(stylesheet)
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    assert "max-age=31536000" in asset.headers["cache-control"]

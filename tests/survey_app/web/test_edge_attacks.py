"""The web edge under attack (security review, issue 14): what a stranger on the internet, a
page in a staff member's browser, or a careless upload can do to the service from outside."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from piccolo.engine.sqlite import SQLiteEngine

from survey_app.db.tables import Placement
from tests.survey_app.web.test_api import placement_body, token_for
from tests.world import Clock, World, run, sign_in

SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "strict-transport-security",
)


# The API takes bearer tokens only ----------------------------------------------------------


def test_a_page_in_a_signed_in_browser_cannot_create_a_placement_through_the_api(
    client: Any, world: World
) -> None:
    """A "simple" cross-site POST (text/plain, no preflight) carries the session cookie."""
    sign_in(client, world, "la_officer")
    response = client.post(
        "/api/v1/placements",
        content=json.dumps(placement_body(world)),
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    assert run(Placement.count()) == 0


def test_a_session_cookie_alone_reads_nothing_from_the_api(client: Any, world: World) -> None:
    sign_in(client, world, "la_officer")
    response = client.get("/api/v1/placements")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")


def test_a_bearer_token_still_works_alongside_a_session(
    client: Any, world: World, clock: Clock
) -> None:
    sign_in(client, world, "la_officer")
    token = token_for(world, "la_officer", clock)
    assert client.get("/api/v1/placements", headers=token).status_code == 200


# Security headers on every response --------------------------------------------------------


def _refusals(client: Any, world: World, clock: Clock) -> dict[int, Any]:
    token = token_for(world, "la_officer", clock)
    return {
        404: client.get("/no-such-page"),
        405: client.delete("/privacy"),
        403: client.post("/code", data={"code": "ABCD"}),
        401: client.get("/api/v1/placements"),
        400: client.post(
            "/api/v1/placements",
            content=b"{not json",
            headers={**token, "Content-Type": "application/json"},
        ),
        413: client.post(
            "/api/v1/placements",
            content=b"x" * (2 * 1024 * 1024),
            headers={**token, "Content-Type": "application/json"},
        ),
        302: client.get("/staff/placements", follow_redirects=False),
    }


def test_every_refusal_and_redirect_carries_the_security_headers(
    client: Any, world: World, clock: Clock
) -> None:
    for status, response in _refusals(client, world, clock).items():
        assert response.status_code == status, (status, response.text[:200])
        missing = [name for name in SECURITY_HEADERS if name not in response.headers]
        assert not missing, f"a {status} lacks {missing}"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_static_files_and_their_404s_carry_the_security_headers(client: Any) -> None:
    html = BeautifulSoup(client.get("/").text, "html.parser")
    stylesheet = html.select_one('link[rel="stylesheet"]')["href"]
    for response in (client.get(stylesheet), client.get("/static/css/nothing.css")):
        missing = [name for name in SECURITY_HEADERS if name not in response.headers]
        assert not missing, f"{response.url} ({response.status_code}) lacks {missing}"


# HEAD for monitoring, and a readiness check that asks the database -------------------------


@pytest.mark.parametrize(
    "page", ["/", "/accessibility", "/privacy", "/code", "/staff/sign-in", "/healthz", "/readyz"]
)
def test_monitoring_tools_can_ask_any_page_with_head(client: Any, page: str) -> None:
    response = client.head(page)
    assert response.status_code == 200
    assert response.content == b""
    assert "content-security-policy" in response.headers


def test_head_on_a_static_file_answers_without_the_file(client: Any) -> None:
    html = BeautifulSoup(client.get("/").text, "html.parser")
    response = client.head(html.select_one('link[rel="stylesheet"]')["href"])
    assert response.status_code == 200
    assert response.content == b""


def test_readiness_says_ready_when_the_database_answers(client: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.text.startswith("ready")


def test_readiness_says_plainly_when_the_database_is_unreachable(
    client: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    unreachable = SQLiteEngine(path=str(tmp_path / "no-such-folder" / "survey.db"))
    monkeypatch.setattr(Placement._meta, "db", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database" in response.text and "cannot be reached" in response.text
    assert "Traceback" not in response.text
    # Liveness never asks the database: the process is up, so a restart would not help.
    assert client.get("/healthz").status_code == 200

"""The web edge under attack (security review, issue 14): what a stranger on the internet, a
page in a staff member's browser, or a careless upload can do to the service from outside."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from piccolo.engine.sqlite import SQLiteEngine

from survey_app.cli import main
from survey_app.db.tables import Placement
from survey_app.settings import SettingsError, load_settings
from tests.survey_app.web.test_api import placement_body
from tests.world import Clock, World, csrf_token, run, sign_in, token_for

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


# CSV cells beyond Python's csv limit --------------------------------------------------------

HEADER = (
    "pupil_reference,year_group,provider,school,la_team,start_date,planned_end_date,"
    "hours_per_week,purpose,simplest_version\n"
)
GOOD = "OAK-1,8,Meadow Farm,Oak School,,06/01/2027,27/03/2027,9,Practical work,no\n"


def _upload(client: Any, text: str) -> Any:
    return client.post(
        "/staff/placements/import",
        files={"file": ("placements.csv", text.encode(), "text/csv")},
        data={"_csrf_token": csrf_token(client)},
    )


def test_a_cell_longer_than_pythons_csv_limit_is_a_row_error_and_nothing_is_imported(
    signed_in: Any, world: World
) -> None:
    huge = "x" * 200_000
    row = f"OAK-2,8,Meadow Farm,,,06/01/2027,,9,{huge},no\n"
    response = _upload(signed_in, HEADER + GOOD + row)
    assert response.status_code == 400
    rows = BeautifulSoup(response.text, "html.parser").select("#problems tbody tr")
    problems = [tuple(td.get_text(strip=True) for td in row.select("td")) for row in rows]
    assert any(p[:2] == ("3", "purpose") and "longer than" in p[2] for p in problems), problems
    assert run(Placement.count()) == 0


def test_an_unclosed_quote_swallowing_the_rest_of_the_file_is_a_row_error(
    signed_in: Any, world: World
) -> None:
    huge = "x" * 200_000
    response = _upload(signed_in, HEADER + GOOD + f'OAK-2,8,"{huge}\n')
    assert response.status_code == 400
    rows = BeautifulSoup(response.text, "html.parser").select("#problems tbody tr")
    problems = [tuple(td.get_text(strip=True) for td in row.select("td")) for row in rows]
    assert problems == [("3", "provider", "this cell is longer than 10,000 characters")]
    assert run(Placement.count()) == 0


def test_a_cell_beyond_even_the_readers_raised_limit_is_a_row_error_from_the_command_line(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file given to the command line has no upload cap: the reader's own refusal is words."""
    monkeypatch.setattr("survey_app.web.uploads.READER_CELL_LIMIT", 50_000)
    limit = csv.field_size_limit(50_000)
    try:
        big = tmp_path / "big.csv"
        big.write_text(HEADER + GOOD + f"OAK-2,8,Meadow Farm,,,06/01/2027,,9,{'x' * 60_000},no\n")
        email = world.logins["la_officer"][0]
        result = CliRunner().invoke(main, ["placements", "import", str(big), "--email", email])
    finally:
        csv.field_size_limit(limit)
    assert result.exit_code != 0
    assert "row 3, column file: this row cannot be read as CSV" in result.output
    assert "Traceback" not in result.output
    assert run(Placement.count()) == 0


# The data folder is private and never served -------------------------------------------------


@pytest.fixture
def planted_secret(settings: Any) -> Iterator[None]:
    """What a real data folder holds beside the database: the generated secret."""
    secret = Path(settings.var_dir) / "secret_key"
    created = not secret.exists()
    if created:
        secret.write_text("planted-secret")
    yield
    if created:
        secret.unlink()


@pytest.mark.parametrize(
    "path",
    [
        "/static/secret_key",
        "/static/survey.db",
        "/static/../secret_key",
        "/static/%2e%2e/secret_key",
        "/static/..%2fsecret_key",
        "/static/%2e%2e%2fsecret_key",
        "/static/css/..%2f..%2fsecret_key",
        "/static/..%5csecret_key",
        "/static/%2e%2e/survey.db",
    ],
)
def test_no_file_of_the_data_folder_is_served_under_static(
    client: Any, planted_secret: None, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "planted-secret" not in response.text
    assert b"SQLite format" not in response.content


def test_built_assets_are_not_kept_in_the_data_folder(client: Any, settings: Any) -> None:
    html = BeautifulSoup(client.get("/").text, "html.parser")
    name = html.select_one('link[rel="stylesheet"]')["href"].removeprefix("/static/")
    assert not list(Path(settings.var_dir).rglob(Path(name).name))


def test_a_stray_file_in_the_static_folder_is_not_served(client: Any, app: Any) -> None:
    """Even if the static folder were pointed somewhere holding secrets, only built assets go."""
    stray = Path(app.state.static_dir) / "secret_key"
    stray.write_text("planted-secret")
    try:
        assert client.get("/static/secret_key").status_code == 404
    finally:
        stray.unlink()


@pytest.mark.no_database
def test_the_static_folder_cannot_be_the_data_folder(tmp_path: Path) -> None:
    environ = {"SURVEY_VAR_DIR": str(tmp_path), "SURVEY_SECRET_KEY": "k"}
    with pytest.raises(SettingsError, match="SURVEY_STATIC_DIR"):
        load_settings({**environ, "SURVEY_STATIC_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="SURVEY_STATIC_DIR"):
        load_settings({**environ, "SURVEY_STATIC_DIR": str(tmp_path.parent)})

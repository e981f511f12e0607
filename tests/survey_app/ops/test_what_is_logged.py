"""What reaches the server's log: never a pupil's survey link or a password-reset link, and no
error tracebacks for the refusals that happen all day (not signed in, no such page)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from survey_app.ops.logging_filters import redact
from tests.live_server import LiveServer
from tests.world import Issued

RESET_TOKEN = "Zq8xResetTokenThatWouldTakeTheAccount0000000"
INVITATION_TOKEN = "StaffInvitationToken1234567890abcdef"


@pytest.mark.parametrize("via_cli", [False, True], ids=["uvicorn", "survey-app-serve"])
def test_a_pupils_link_and_a_reset_link_never_reach_the_server_log(
    live_env: dict[str, str], issued: Issued, via_cli: bool
) -> None:
    server = LiveServer(live_env, access_log=True, via_cli=via_cli).start()
    try:
        token = issued.path.removeprefix("/s/")
        assert httpx.get(f"{server.url}{issued.path}").status_code in (200, 302, 303)
        httpx.get(f"{server.url}/staff/password-reset/{RESET_TOKEN}")
        httpx.get(f"{server.url}/staff/invitation/{INVITATION_TOKEN}")
        httpx.get(f"{server.url}/s/{token}/no-such-page")
    finally:
        server.stop()
    log = server.log.read_text(errors="replace")
    assert "GET /s/[redacted]" in log, "the visit is logged, its token is not:\n" + log[-2000:]
    assert "GET /staff/password-reset/[redacted]" in log
    for secret in (token, RESET_TOKEN, INVITATION_TOKEN):
        assert secret not in log, log[-2000:]


@pytest.mark.no_database
def test_redaction_keeps_the_rest_of_the_path_and_the_query() -> None:
    assert redact('"GET /s/abc-DEF_123/q/2?x=1 HTTP/1.1"') == '"GET /s/[redacted]/q/2?x=1 HTTP/1.1"'
    assert redact("/staff/placements/12") == "/staff/placements/12"


@pytest.fixture
def litestar_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Litestar's own log (it does not pass records up to the root logger)."""
    logger = logging.getLogger("litestar")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="litestar")
    yield caplog
    logger.removeHandler(caplog.handler)


def test_routine_refusals_are_one_info_line_not_an_error_with_a_traceback(
    client: Any, litestar_log: pytest.LogCaptureFixture
) -> None:
    assert client.get("/staff/no-such-page").status_code == 404
    assert client.get("/api/v1/placements").status_code == 401
    refusals = [r for r in litestar_log.records if r.name == "litestar"]
    assert [r.levelname for r in refusals] == ["INFO", "INFO"], [r.getMessage() for r in refusals]
    assert all(r.exc_info is None for r in refusals), "no traceback for a refusal"
    assert "404 /staff/no-such-page" in refusals[0].getMessage()

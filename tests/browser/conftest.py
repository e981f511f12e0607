"""A real server process and Debian's headless Chromium (driven by Playwright, never downloaded)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "Chromium is not installed: CI must run the browser tests (.ci/run installs it)"
            )
        pytest.skip("SKIPPED browser tests: no Chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def live_server(settings: Any, migrated: None) -> Iterator[str]:
    """``survey-app serve`` on a free loopback port, against the test run's database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SURVEY_BASE_URL": base, "SURVEY_DATABASE_POOL_SIZE": "2"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "survey_app.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - loopback only
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"the server did not start: {output}") from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="package")
def browser(chromium: str) -> Iterator[Any]:
    """Chromium for this package's tests only: Playwright's sync API holds an event loop in this
    thread while it runs, which the rest of the suite's ``asyncio.run`` calls must not meet."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _page(browser: Any, width: int, height: int, **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    errors: list[str] = []

    def record(message: Any) -> None:
        # A page's own 4xx status (a kind "not found" page) is intended; its assets failing is not.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def failed_asset(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type not in (
            "document",
            "fetch",
            "xhr",
        ):
            errors.append(f"{response.status} {response.url}")

    page.on("console", record)
    page.on("response", failed_asset)
    yield page
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A fresh 360 x 740 browser, as on a cheap phone; fails on any console error (e.g. CSP)."""
    yield from _page(browser, 360, 740)


@pytest.fixture
def desk(browser: Any) -> Iterator[Any]:
    """A fresh office-PC-sized browser; fails on any console error."""
    yield from _page(browser, 1280, 900)


@pytest.fixture
def phone_no_js(browser: Any) -> Iterator[Any]:
    """A phone browser with JavaScript turned off."""
    yield from _page(browser, 360, 740, java_script_enabled=False)


@pytest.fixture
def checker(browser: Any) -> Iterator[Any]:
    """A browser that lets axe-core be injected (tests only: the CSP forbids inline scripts)."""
    yield from _page(browser, 360, 740, bypass_csp=True)

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
from pathlib import Path
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


AXE = sorted((Path(__file__).parent / "vendor").glob("axe-*.min.js"))[-1]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> list[str]:
    """Run axe-core with the WCAG 2.2 AA tags (target size runs only with wcag22aa)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in result["violations"]
    ]


SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || el.hidden || el.closest('[hidden]')) continue;
    if (el.classList.contains('govuk-skip-link')) continue;  // full size whenever focused
    // WCAG 2.5.8's inline exception: a link inside a sentence is sized by the text around it.
    if (el.tagName === 'A' && el.closest('p, li, dd, .govuk-summary-list__actions')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered (e.g. skip link off-screen)
    if (box.width < 24 || box.height < 24) {
      small.push(`${el.outerHTML.slice(0, 80)} ${box.width}x${box.height}`);
    }
  }
  return small;
}"""


def small_targets(page: Any) -> list[str]:
    """Interactive elements smaller than 24 x 24 CSS pixels (WCAG 2.2 2.5.8)."""
    return list(page.evaluate(SMALL_TARGETS))

"""What a pupil on a cheap phone waits for: Chromium on Slow 3G with a 4x slower CPU.

    .venv/bin/python benchmarks/pupil_browser_bench.py
    .venv/bin/python benchmarks/pupil_browser_bench.py --answers 8

Debian's Chromium (``/usr/bin/chromium``, driven by Playwright; never a downloaded browser) opens
a pupil's link on a fresh server (uvicorn, SQLite in a temporary directory, as the README says)
with the DevTools protocol's network emulation at Slow 3G (400 ms round trip, 400 kbit/s each
way) and ``Emulation.setCPUThrottlingRate`` 4. It times:

* the opening page: from the link being opened (cold cache) to the page loaded;
* each answer: from tapping Continue to the next question's heading on screen.

once with JavaScript on (htmx: one round trip per answer) and once with it off (the form posts,
the server redirects, the browser loads the next page: two round trips and a full page load).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live_server import LiveServer  # noqa: E402

SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms, added to every round trip
    "downloadThroughput": 400 * 1000 / 8,  # bytes per second
    "uploadThroughput": 400 * 1000 / 8,
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "survey_app.cli", "migrate"],
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


async def seed(env: dict[str, str], count: int) -> list[dict[str, Any]]:
    from benchmarks.throwaway import bind
    from tests.live_data import open_surveys

    return await open_surveys(await bind(env, pooled=False), count, dt.datetime.now(dt.UTC))


def walk(browser: Any, url: str, survey: dict[str, Any], javascript: bool, answers: int) -> dict:
    """One pupil's phone: open the link, start, answer ``answers`` questions; seconds each."""
    from questionnaires.loader import current

    questionnaire = current(survey["questionnaire_id"])
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=javascript
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    requests: list[str] = []

    def record(request: Any) -> None:
        if request.resource_type in ("document", "fetch", "xhr"):
            requests.append(request.method)

    page.on("request", record)

    started = time.perf_counter()
    page.goto(url + survey["link_path"], wait_until="load")
    opening = time.perf_counter() - started

    started = time.perf_counter()
    page.click("a.govuk-button:has-text('Start')")
    page.wait_for_url("**/survey/q/1", wait_until="load")
    first = time.perf_counter() - started

    total = len(questionnaire.questions)
    timings, per_answer = [], []
    for number, question in enumerate(questionnaire.questions[:answers], start=1):
        if question.kind == "choice":
            page.check("#answer-dont_know")
        else:
            page.fill("#answer", "It was good")
        requests.clear()
        started = time.perf_counter()
        page.click("button:has-text('Continue')")
        following = f"Question {number + 1} of {total}"
        page.wait_for_selector(f"text={following}")
        page.wait_for_selector("h1")
        timings.append(time.perf_counter() - started)
        per_answer.append(len(requests))
    context.close()
    return {
        "opening": opening,
        "first": first,
        "answers": timings,
        "requests": per_answer,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=6, help="answers timed in each mode")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="lv-browser-bench-"))
    env = {
        "SURVEY_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "SURVEY_VAR_DIR": str(work),
        "SURVEY_SECRET_KEY": "pupil-browser-bench",
        "SURVEY_DISPATCH_INTERVAL_MINUTES": "0",
    }
    migrate(env)
    surveys = asyncio.run(seed(env, 2))
    server = LiveServer(env).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            print(
                f"Chromium {browser.version}, Slow 3G (400 ms RTT, 400 kbit/s), CPU 4x slower; "
                f"{os.cpu_count()} cores; seconds"
            )
            print(
                f"{'':16} {'opening page':>13} {'Start to Q1':>12} {'answer median':>14} "
                f"{'answer max':>11} {'requests/answer':>16}"
            )
            for javascript, survey in zip((True, False), surveys, strict=True):
                found = walk(browser, server.url, survey, javascript, args.answers)
                name = "JavaScript on" if javascript else "JavaScript off"
                print(
                    f"{name:16} {found['opening']:13.2f} {found['first']:12.2f} "
                    f"{statistics.median(found['answers']):14.2f} {max(found['answers']):11.2f} "
                    f"{statistics.median(found['requests']):16.0f}"
                )
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

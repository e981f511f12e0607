"""The pupil's page path at full speed: a question page and an answer against ``/healthz``.

    .venv/bin/python benchmarks/pupil_bench.py              # wrk -t2 -c50 -d10s
    .venv/bin/python benchmarks/pupil_bench.py --seconds 5 --connections 20

It makes a fresh SQLite database in a temporary directory through the real migrations, opens
surveys for ``--pupils`` pupils through the service's own code, and starts ``uvicorn
survey_app.asgi:app`` on 127.0.0.1 as the README says (one worker, the default pool). Each pupil
opens their link over HTTP (a session cookie and a CSRF cookie) and answers question 1. Then, in
one run against the same server, ``wrk`` (``/usr/bin/wrk``) hammers in turn:

1. ``GET /healthz``: the floor, a no-op handler of the same server;
2. ``GET /survey/q/2``: a question page, with the pupil's saved answers;
3. ``POST /survey/q/1``: an answer, as without JavaScript (saved, then a 302 onwards);
4. ``POST /survey/q/1`` with ``HX-Request``: an answer with JavaScript, whose response is the next
   question's page (the whole of one tap, where the PRG answer is only half).

wrk's Lua script hands every request the next pupil's cookies and CSRF token in turn, so the
load is 50 different pupils, not one. It prints requests/s, p50 and p99 for each, and each
rate as a share of ``/healthz``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.live_server import LiveServer  # noqa: E402

SECRET = "pupil-bench-secret"

LUA = """
-- Each request goes out as the next pupil: their session cookie and their CSRF token.
local pupils = {}
for line in io.lines(os.getenv("PUPILS_FILE")) do
  local cookie, token = line:match("^(.-)\\t(.*)$")
  table.insert(pupils, {cookie = cookie, token = token})
end
local method = os.getenv("BENCH_METHOD")
local path = os.getenv("BENCH_PATH")
local htmx = os.getenv("BENCH_HTMX") == "1"
local body_of = os.getenv("BENCH_BODY") or ""
local counter = 0
local thread_offset = 0

function setup(thread)
  thread_offset = thread_offset + 1
  thread:set("offset", thread_offset)
end

function request()
  counter = counter + 1
  local pupil = pupils[((counter * 2 + (offset or 0)) % #pupils) + 1]
  local headers = {["Cookie"] = pupil.cookie}
  local body = nil
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = body_of .. "&_csrf_token=" .. pupil.token
  end
  if htmx then headers["HX-Request"] = "true" end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %.3f %.3f %.3f %d %d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.errors.status))
end
"""


def migrate(env: dict[str, str]) -> None:
    """Build the schema through the real migrations, as an operator would."""
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


async def sign_in_pupils(url: str, surveys: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each pupil opens their link and answers question 1: (cookie header, CSRF token) each."""
    pupils = []
    for survey in surveys:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            opened = await http.get(survey["link_path"])
            assert opened.status_code == 302, opened.text
            page = await http.get("/survey/q/1")
            token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
            assert token is not None, "the question page carries a CSRF token"
            answered = await http.post(
                "/survey/q/1", data={"answer": "dont_know", "_csrf_token": token.group(1)}
            )
            assert answered.status_code == 302, answered.text
            cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
            pupils.append((cookie, token.group(1)))
    return pupils


class Result:
    def __init__(self, line: str) -> None:
        _, requests, seconds, p50, p99, errors, status = line.split()
        self.requests, self.seconds = int(requests), float(seconds)
        self.rate = self.requests / self.seconds
        self.p50, self.p99 = float(p50), float(p99)
        self.errors, self.bad_status = int(errors), int(status)


def run_wrk(url: str, args: argparse.Namespace, script: Path, pupils: Path, **bench: str) -> Result:
    command = [
        args.wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url + bench["BENCH_PATH"],
    ]
    env = {**os.environ, "PUPILS_FILE": str(pupils), **bench}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))
    return Result(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lv-pupil-bench-"))
    env = {
        "SURVEY_DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "SURVEY_VAR_DIR": str(work),
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_DISPATCH_INTERVAL_MINUTES": "0",
    }
    migrate(env)
    surveys = asyncio.run(seed(env, args.pupils))
    server = LiveServer(env).start()
    try:
        pupils = asyncio.run(sign_in_pupils(server.url, surveys))
        pupils_file = work / "pupils.tsv"
        pupils_file.write_text("".join(f"{cookie}\t{token}\n" for cookie, token in pupils))
        script = work / "pupils.lua"
        script.write_text(LUA)
        answer = {
            "BENCH_METHOD": "POST",
            "BENCH_PATH": "/survey/q/1",
            "BENCH_BODY": "answer=dont_know",
        }
        runs = {
            "/healthz": {"BENCH_METHOD": "GET", "BENCH_PATH": "/healthz"},
            "question page (GET /survey/q/2)": {"BENCH_METHOD": "GET", "BENCH_PATH": "/survey/q/2"},
            "answer, no JS (POST, 302)": answer,
            "answer, htmx (POST, next page)": {**answer, "BENCH_HTMX": "1"},
        }
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, {len(pupils)} pupils, "
            f"SQLite, uvicorn survey_app.asgi:app (1 worker), {os.cpu_count()} cores"
        )
        results: dict[str, Result] = {}
        for name, bench in runs.items():
            results[name] = run_wrk(server.url, args, script, pupils_file, **bench)
        floor = results["/healthz"].rate
        print(f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x healthz':>10} {'errors':>7}")
        for name, result in results.items():
            print(
                f"{name:34} {result.rate:8.0f} {result.p50:8.1f} {result.p99:8.1f} "
                f"{result.rate / floor:10.2f} {result.errors:7d}"
            )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Pupils opening and completing surveys against the real server, at rising concurrency.

    .venv/bin/python benchmarks/load_bench.py                       # SQLite and PostgreSQL
    .venv/bin/python benchmarks/load_bench.py --databases sqlite --concurrency 10 50

For each database it makes a fresh one through the real migrations, opens surveys for enough
pupils through the service's own code, and starts ``uvicorn survey_app.asgi:app`` on 127.0.0.1
exactly as an operator would. Then, at each concurrency level, in the same run against the same
server:

1. the floor: that many clients call ``/healthz`` (a no-op endpoint of the same server) at the
   pupils' pace for ``--floor-seconds``;
2. that many pupils each complete whole surveys from the QR link to the thank-you page: every
   question page loaded and answered, then checked and sent. A pupil reads for ``--think``
   seconds on average (uniformly 0.5 to 1.5 times it) before each tap; pages reached by a
   redirect load at once, as in a browser. ``--think 0`` is the closed loop: every pupil taps the
   moment a page arrives, which measures the server's capacity rather than what pupils feel.
   Pupils arrive at random over the first ``--ramp`` seconds (10 by default: 200 pupils
   arriving in 10 s is a whole LA's year of leavers scanning QR codes in the same minute).

It reports requests per second and p50/p95/p99 latency for survey pages (GET), answers and
sends (POST) and the floor, the ratios of each to the floor, and every error. Each level is
bounded in pupils and in time (``--seconds``), so the run always stops by itself. At the end it
checks in the database that every pupil the server thanked has exactly one response.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.live_server import LiveServer  # noqa: E402
from tests.pupils import Pupil, Timing, first_positive_answers  # noqa: E402

SECRET = "load-bench-secret"


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank), in milliseconds."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))
    return ordered[rank] * 1000


class Summary:
    """Requests of one kind at one level: count, rate, latency percentiles, errors."""

    def __init__(self, timings: list[Timing], seconds: float) -> None:
        self.count = len(timings)
        self.rate = self.count / seconds if seconds else 0.0
        durations = [t.seconds for t in timings] or [0.0]
        self.p50 = percentile(durations, 0.50)
        self.p95 = percentile(durations, 0.95)
        self.p99 = percentile(durations, 0.99)
        self.errors = Counter(t.detail for t in timings if not t.ok)

    def line(self, name: str, floor: Summary | None) -> str:
        errors = sum(self.errors.values())
        ratio = f"  p99 {self.p99 / floor.p99:5.1f}x floor" if floor and floor.p99 else ""
        detail = f" {dict(self.errors)}" if errors else ""
        return (
            f"    {name:14} {self.count:7,} req {self.rate:8.1f}/s  p50 {self.p50:7.1f}  "
            f"p95 {self.p95:7.1f}  p99 {self.p99:7.1f} ms  errors {errors}{detail}{ratio}"
        )


async def floor_phase(url: str, concurrency: int, seconds: float, think: float) -> Summary:
    """``concurrency`` clients calling the no-op endpoint for ``seconds``, at pupils' pace.

    A pupil makes two requests per tap (the answer and the page it leads to), so each client
    pauses half a pupil's reading time between calls and arrives at random in the first pause.
    """
    timings: list[Timing] = []

    async def client(http: httpx.AsyncClient) -> None:
        await asyncio.sleep(random.uniform(0, think))
        async with http:
            while time.monotonic() < deadline:
                if think:
                    await asyncio.sleep(random.uniform(0.25, 0.75) * think)
                started = time.perf_counter()
                try:
                    response = await http.get("/healthz")
                    ok, detail = response.status_code == 200, f"HTTP {response.status_code}"
                except httpx.HTTPError as error:
                    ok, detail = False, type(error).__name__
                timings.append(Timing("floor", time.perf_counter() - started, ok, detail))

    clients = make_clients(url, concurrency)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(client(http) for http in clients))
    return Summary(timings, time.monotonic() - started)


def make_clients(url: str, count: int) -> list[httpx.AsyncClient]:
    """One client (cookie jar, connection) per simulated phone, made before the clock starts.

    Making an httpx client takes milliseconds of CPU; made inside the run, 200 of them would
    stall the load generator and show up as server latency.
    """
    return [httpx.AsyncClient(base_url=url, timeout=60) for _ in range(count)]


async def pupil_phase(
    url: str,
    surveys: list[dict[str, Any]],
    concurrency: int,
    seconds: float,
    think: float,
    ramp: float,
) -> tuple[dict[str, Summary], list[Any], list[str]]:
    """``concurrency`` pupils at once, each finishing whole surveys until the list or time ends."""
    from questionnaires.loader import current

    queue = list(surveys)
    timings: list[Timing] = []
    thanked: list[Any] = []
    failures: list[str] = []

    async def pupil_slot(http: httpx.AsyncClient) -> None:
        # Pupils arrive spread over the ramp, not all in the same millisecond.
        await asyncio.sleep(random.uniform(0, ramp))
        async with http:
            while queue and time.monotonic() < deadline:
                survey = queue.pop()
                http.cookies.clear()
                questionnaire = current(survey["questionnaire_id"])
                pupil = Pupil(
                    http,
                    survey["link_path"],
                    questionnaire,
                    first_positive_answers(questionnaire),
                    on_request=timings.append,
                    think=think,
                )
                try:
                    await pupil.complete()
                except Exception as error:
                    failures.append(f"{type(error).__name__}: {error}")
                if pupil.sent:
                    thanked.append(survey["id"])

    clients = make_clients(url, concurrency)
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(pupil_slot(http) for http in clients))
    elapsed = time.monotonic() - started
    by_kind = {
        "open link": [t for t in timings if t.kind == "open link"],
        "survey pages": [t for t in timings if t.kind == "page"],
        "answers": [t for t in timings if t.kind == "answer"],
        "sends": [t for t in timings if t.kind == "send"],
        "all": timings,
    }
    return {k: Summary(v, elapsed) for k, v in by_kind.items()}, thanked, failures


async def seed(env: dict[str, str], count: int) -> list[dict[str, Any]]:
    from benchmarks.throwaway import bind
    from tests.live_data import open_surveys

    return await open_surveys(await bind(env, pooled=False), count, dt.datetime.now(dt.UTC))


async def responses_for(env: dict[str, str], ids: list[Any]) -> Counter[Any]:
    from survey_app.db.tables import Response

    rows = await Response.select(Response.invitation).where(Response.invitation.is_in(ids))
    return Counter(row["invitation"] for row in rows)


def run_database(kind: str, args: argparse.Namespace) -> bool:
    from benchmarks.throwaway import fresh_database

    with fresh_database(
        kind,
        SURVEY_SECRET_KEY=SECRET,
        SURVEY_BASE_URL="http://127.0.0.1",
        SURVEY_DISPATCH_INTERVAL_MINUTES="0",
        SURVEY_DATABASE_POOL_SIZE=str(args.pool),
    ) as env:
        return run_against(kind, env, args)


def run_against(kind: str, env: dict[str, str], args: argparse.Namespace) -> bool:
    server = LiveServer(env, workers=args.workers)
    all_good = True
    try:
        wanted = sum(c * args.surveys_per_pupil for c in args.concurrency)
        surveys = asyncio.run(seed(env, wanted))
        print(
            f"{kind}: {len(surveys):,} open surveys; server with {args.workers} worker(s), "
            f"{os.cpu_count()} CPU(s)",
            flush=True,
        )
        server.start()
        thanked_all: list[Any] = []
        for concurrency in args.concurrency:
            batch = [surveys.pop() for _ in range(concurrency * args.surveys_per_pupil)]
            floor = asyncio.run(
                floor_phase(server.url, concurrency, args.floor_seconds, args.think)
            )
            summaries, thanked, failures = asyncio.run(
                pupil_phase(server.url, batch, concurrency, args.seconds, args.think, args.ramp)
            )
            thanked_all += thanked
            print(f"  {concurrency} at once: {len(thanked)}/{len(batch)} surveys completed")
            print(floor.line("floor /healthz", None))
            for name, summary in summaries.items():
                print(summary.line(name, floor))
            for failure in Counter(failures).most_common(5):
                print(f"    failure x{failure[1]}: {failure[0][:200]}")
            all_good = all_good and not failures
            sys.stdout.flush()
        server.stop()
        counts = asyncio.run(responses_for(env, thanked_all))
        duplicated = [k for k, v in counts.items() if v != 1]
        missing = [k for k in thanked_all if k not in counts]
        print(
            f"  check: {len(thanked_all)} thanked, {len(counts)} responses stored, "
            f"{len(missing)} missing, {len(duplicated)} duplicated",
            flush=True,
        )
        return all_good and not duplicated and not missing
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument(
        "--surveys-per-pupil", type=int, default=1, help="whole surveys each slot completes"
    )
    parser.add_argument("--seconds", type=float, default=180, help="time limit per level")
    parser.add_argument("--floor-seconds", type=float, default=20)
    parser.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="average seconds a pupil reads before each tap (0: closed loop, no reading)",
    )
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which the pupils arrive"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL pool size per worker")
    args = parser.parse_args()
    from benchmarks.throwaway import databases

    good = True
    for kind in databases(args.databases):
        good = run_database(kind, args) and good
    raise SystemExit(0 if good else 1)


if __name__ == "__main__":
    main()

"""The dispatcher issuing a year's invitations at once: 30,000 placements ending together.

    .venv/bin/python benchmarks/dispatch_bench.py                   # SQLite and PostgreSQL
    .venv/bin/python benchmarks/dispatch_bench.py --placements 30000 --databases sqlite

30,000 is about every non-school AP placement in England in a year. For each database it makes a
fresh one through the real migrations, records that many placements that ended yesterday (in
one LA, spread over years 4 to 11), then times one run of the dispatcher exactly as the server's
schedule and ``survey-app dispatch`` run it: every invitation issued with its hashed token and
short code, and the two opening emails for each queued in the outbox (not sent: sending is the
mail server's pace, not ours). Beside it, the same number of bare ``SELECT 1`` round trips shows
the floor of the database setup. It then checks that every placement has exactly one invitation
and that running the dispatcher again issues nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0
BATCH = 1000


async def run_once(env: dict[str, str], placements: int) -> dict[str, float]:
    from benchmarks.throwaway import bind
    from survey_app.db.tables import Invitation, LocalAuthority, OutboxMessage
    from survey_app.ops.schedule import run_scheduled_work
    from tests.live_data import an_area, ended_placements

    settings = await bind(env)
    now = dt.datetime.now(dt.UTC)
    area = await an_area()
    for start in range(0, placements, BATCH):
        await ended_placements(area, min(BATCH, placements - start), now, prefix=f"D{start}")

    started = time.perf_counter()
    for _ in range(200):
        await LocalAuthority.raw("SELECT 1")
    floor_ms = (time.perf_counter() - started) / 200 * 1000

    started = time.perf_counter()
    result = await run_scheduled_work(settings, now, None)
    seconds = time.perf_counter() - started
    issued = await Invitation.count()
    queued = await OutboxMessage.count()
    assert result.issued == issued == placements, (result.issued, issued, placements)
    assert queued >= 2 * placements, queued
    again = await run_scheduled_work(settings, now, None)
    assert again.issued == 0 and await Invitation.count() == placements
    return {"seconds": seconds, "queued": queued, "floor_ms": floor_ms}


def run_database(kind: str, placements: int) -> dict[str, float]:
    from benchmarks.throwaway import fresh_database

    with fresh_database(
        kind, SURVEY_SECRET_KEY="dispatch-bench", SURVEY_BASE_URL="https://voice.example"
    ) as env:
        return asyncio.run(run_once(env, placements))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--placements", type=int, default=30_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    from benchmarks.throwaway import databases

    good = True
    for kind in databases(args.databases):
        figures = run_database(kind, args.placements)
        seconds = figures["seconds"]
        per_invitation_ms = seconds / args.placements * 1000
        print(
            f"{kind:10} {args.placements:,} invitations issued and {figures['queued']:,.0f} "
            f"emails queued in {seconds:.1f} s ({args.placements / seconds:,.0f} a second; "
            f"{per_invitation_ms:.2f} ms each = {per_invitation_ms / figures['floor_ms']:.1f}x "
            f"a SELECT 1 round trip of {figures['floor_ms']:.2f} ms); target under "
            f"{TARGET_SECONDS:.0f} s: {'met' if seconds < TARGET_SECONDS else 'MISSED'}",
            flush=True,
        )
        good = good and seconds < TARGET_SECONDS
    raise SystemExit(0 if good else 1)


if __name__ == "__main__":
    main()

"""The placements export at county scale: 20,000 placements with their surveys, as XLSX and CSV.

    .venv/bin/python benchmarks/export_bench.py                     # SQLite and PostgreSQL
    .venv/bin/python benchmarks/export_bench.py --placements 20000 --databases sqlite

For each database it makes a fresh one through the real migrations, records that many ended
placements in one LA and issues their invitations with the service's own code, then times the
export exactly as ``/staff/placements.xlsx`` builds it (the scoped, filtered query, then the
workbook) for an LA officer, and the CSV of the same table. It reports seconds, the file sizes
and how much the process's peak memory grew, and checks the workbook has every row.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0
BATCH = 1000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run_once(env: dict[str, str], placements: int) -> dict[str, float]:
    import openpyxl

    from benchmarks.throwaway import bind
    from reports.exports import to_csv, to_xlsx
    from survey_app.accounts.scoping import Actor, Role
    from survey_app.placements.exports import placements_table
    from survey_app.placements.finding import placement_spec
    from survey_app.surveys.due import issue_due
    from survey_app.web.listing import parse
    from tests.live_data import an_area, ended_placements

    settings = await bind(env)
    now = dt.datetime.now(dt.UTC)
    area = await an_area()
    for start in range(0, placements, BATCH):
        await ended_placements(area, min(BATCH, placements - start), now, prefix=f"X{start}")
    await issue_due(settings, now)
    actor = Actor(
        user_id=0, email="bench@example.test", role=Role.LA_OFFICER, local_authority_id=area["la"]
    )

    before = _peak_mb()
    started = time.perf_counter()
    spec = await placement_spec(actor, now)
    query, _ = parse(spec, {})
    table = await placements_table(settings, actor, spec, query, now)
    query_seconds = time.perf_counter() - started
    workbook = to_xlsx([table])
    xlsx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    text = to_csv(table)
    csv_seconds = time.perf_counter() - started + query_seconds
    grown = _peak_mb() - before
    sheet = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)["Placements"]
    assert sheet.max_row == placements + 1, (sheet.max_row, placements)
    return {
        "query": query_seconds,
        "xlsx": xlsx_seconds,
        "csv": csv_seconds,
        "xlsx_mb": len(workbook) / 1e6,
        "csv_mb": len(text) / 1e6,
        "grown_mb": grown,
    }


def run_database(kind: str, placements: int) -> dict[str, float]:
    from benchmarks.throwaway import fresh_database

    with fresh_database(
        kind, SURVEY_SECRET_KEY="export-bench", SURVEY_BASE_URL="https://voice.example"
    ) as env:
        return asyncio.run(run_once(env, placements))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--placements", type=int, default=20_000)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    from benchmarks.throwaway import databases

    good = True
    for kind in databases(args.databases):
        f = run_database(kind, args.placements)
        print(
            f"{kind:10} {args.placements:,} placements: query {f['query']:.1f} s; XLSX "
            f"{f['xlsx']:.1f} s ({f['xlsx_mb']:.1f} MB); CSV {f['csv']:.1f} s "
            f"({f['csv_mb']:.1f} MB); peak memory grew {f['grown_mb']:.0f} MB; target under "
            f"{TARGET_SECONDS:.0f} s: {'met' if f['xlsx'] < TARGET_SECONDS else 'MISSED'}",
            flush=True,
        )
        good = good and f["xlsx"] < TARGET_SECONDS
    raise SystemExit(0 if good else 1)


if __name__ == "__main__":
    main()

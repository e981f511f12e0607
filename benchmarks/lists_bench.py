"""Every staff list's first page and a filtered search at county scale, against ``/healthz``.

    .venv/bin/python benchmarks/lists_bench.py
    .venv/bin/python benchmarks/lists_bench.py --placements 20000 --responses 100000 --runs 15

It builds a fresh SQLite database through the real migrations and bulk-loads the reports
benchmark's county (``reports_bench.rows``: 300 providers, 400 schools, years 4-11 over three
academic years, 12 indicator answers and sometimes a released comment per response), one placement
per response: ``--placements`` of them (20,000) belong to the LA whose lists are measured and the
rest (80,000) to a second LA on the same database, so 100,000 responses in all. To that it adds
2,000 safeguarding alerts, 45,000 outbox messages (30,000 the LA's), 60 staff, 200 comments waiting
for review, and ``updated_at`` spread over the three years. Then it starts ``uvicorn
survey_app.asgi:app`` on 127.0.0.1 (one worker, as the README runs it), signs in as the LA's
administrator (password and authenticator code, as a person would) and, in one run against that
server, times ``GET /healthz`` and each list's first page and a filtered search over HTTP: the
median of ``--runs`` requests after one warm-up, and each as a multiple of ``/healthz``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import pyotp  # noqa: E402

from benchmarks.reports_bench import COLUMNS as REPORT_COLUMNS  # noqa: E402
from benchmarks.reports_bench import ORG_COLUMNS, organisations, rows, sqlite_value  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

SECRET = "lists-bench-secret"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "correct horse battery"
ADMIN = "admin@bigshire.example"
MEASURED_LA, OTHER_LA = 1, 2
T0 = dt.datetime(2023, 9, 1, 10, tzinfo=dt.UTC)


def county(placements: int, responses: int) -> dict[str, list[tuple[object, ...]]]:
    """The reports benchmark's rows, the first ``placements`` in the measured LA."""
    data = {**organisations(), **rows(responses)}
    data["local_authority"].append((OTHER_LA, "Othershire", "E10000098", "", ""))
    for table, la_at in (("placement", 1), ("response", 9), ("answer", 9)):
        key = 1 if table == "answer" else 0
        data[table] = [
            (*row[:la_at], OTHER_LA, *row[la_at + 1 :]) if row[key] > placements else row
            for row in data[table]
        ]
    return data


def load(path: str, placements: int, responses: int) -> None:
    data = county(placements, responses)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    with connection:
        for table, columns in {**ORG_COLUMNS, **REPORT_COLUMNS}.items():
            marks = ", ".join("?" * len(columns))
            names = ", ".join(f'"{c}"' for c in columns)
            connection.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 - fixed names
                ([sqlite_value(v) for v in row] for row in data[table]),
            )
        # Changes spread over three years, so updated_since selects a realistic slice.
        connection.execute(
            "UPDATE placement SET updated_at = datetime(?, '+' || (abs(random()) % 1500000) "
            "|| ' minutes') || '+00:00'",
            (T0.strftime("%Y-%m-%d %H:%M:%S"),),
        )
        # 200 of the measured LA's comments still waiting for review.
        connection.execute(
            "UPDATE answer SET review_status = 'pending', released_text = NULL WHERE id IN "
            "(SELECT id FROM answer WHERE review_status IS NOT NULL AND local_authority = 1 "
            "LIMIT 200)"
        )
        invitations = connection.execute(
            "SELECT invitation.id, invitation.placement FROM invitation JOIN placement "
            "ON placement.id = invitation.placement WHERE placement.local_authority = 1 LIMIT 2000"
        ).fetchall()
        connection.executemany(
            "INSERT INTO safeguarding_alert (invitation, question_id, answer_value, raised_at, "
            "status, reason, matched_terms, action) VALUES (?, 'felt_safe', 'no', ?, ?, "
            "'answer', '', '')",
            (
                (
                    invitation,
                    sqlite_value(T0 + dt.timedelta(hours=n)),
                    "closed" if n < 1900 else ("new" if n % 2 else "acknowledged"),
                )
                for n, (invitation, _) in enumerate(invitations)
            ),
        )
        kinds = ["survey_opened", "reminder", "digest", "safeguarding"]
        connection.executemany(
            "INSERT INTO outbox_message (local_authority, dedupe_key, kind, recipient, subject, "
            "body, status, attempts, next_attempt_at, created_at, sent_at) "
            "VALUES (?, ?, ?, ?, ?, 'Hello', ?, 0, ?, ?, ?)",
            (
                (
                    MEASURED_LA if n % 3 else OTHER_LA,
                    f"bench:{n}",
                    kinds[n % 4],
                    f"school{n % 400}@example.test",
                    f"A survey for pupil B-{n}",
                    "sent" if n % 10 else "pending",
                    sqlite_value(T0 + dt.timedelta(minutes=n)),
                    sqlite_value(T0 + dt.timedelta(minutes=n)),
                    sqlite_value(T0 + dt.timedelta(minutes=n + 1)) if n % 10 else None,
                )
                for n in range(45_000)
            ),
        )
    connection.execute("ANALYZE")
    connection.close()


async def add_staff(env: dict[str, str]) -> None:
    from argon2 import PasswordHasher

    from benchmarks.throwaway import bind
    from survey_app.accounts.second_factor import encrypt
    from survey_app.db.staff_tables import StaffUser

    await bind(env, pooled=False)
    now = dt.datetime.now(dt.UTC)
    await StaffUser.insert(
        StaffUser(
            email=ADMIN,
            password_hash=PasswordHasher().hash(PASSWORD),
            role="la_admin",
            local_authority=MEASURED_LA,
            created_at=now,
            totp_secret_encrypted=encrypt(SECRET, TOTP),
        ),
        *[
            StaffUser(
                email=f"person{n:03d}@bigshire.example",
                password_hash="",
                role="la_officer" if n % 2 else "school_contact",
                local_authority=MEASURED_LA,
                school=None if n % 2 else 1 + n,
                created_at=now,
            )
            for n in range(60)
        ],
    )


def sign_in(http: httpx.Client) -> None:
    def token(path: str) -> str:
        found = re.search(r'name="_csrf_token" value="([^"]+)"', http.get(path).text)
        assert found is not None, path
        return found.group(1)

    signed = http.post(
        "/staff/sign-in",
        data={"email": ADMIN, "password": PASSWORD, "_csrf_token": token("/staff/sign-in")},
    )
    assert signed.status_code == 302 and signed.headers["location"] == "/staff/mfa", signed.text
    coded = http.post(
        "/staff/mfa", data={"code": pyotp.TOTP(TOTP).now(), "_csrf_token": token("/staff/mfa")}
    )
    assert coded.status_code == 302 and coded.headers["location"] == "/staff", coded.text


def median_ms(http: httpx.Client, path: str, runs: int, headers: dict[str, str]) -> float:
    first = http.get(path, headers=headers)
    assert first.status_code == 200, (path, first.status_code, first.text[:300])
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = http.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, path
    return statistics.median(times)


def cases(api_next: str) -> dict[str, str]:
    since = "2026-01-01T00:00:00Z"
    return {
        "/healthz": "/healthz",
        "placements, first page": "/staff/placements",
        "placements, reference search": "/staff/placements?q=b-1999",
        "placements, provider + year + term": (
            "/staff/placements?provider=7&year_group=8&term=2025-3&sort=reference"
        ),
        "placements, survey answered, last page": (
            "/staff/placements?survey=answered&sort=start&page=400"
        ),
        "providers, first page": "/staff/providers",
        "providers, name + rating": "/staff/providers?q=provider+1&rating=green",
        "schools, first page": "/staff/schools",
        "schools, name + missing email": "/staff/schools?q=school+3&email=missing",
        "staff, first page": "/staff/people",
        "staff, role + email": "/staff/people?role=la_officer&q=person0",
        "safeguarding alerts, first page (open)": "/staff/safeguarding",
        "safeguarding alerts, all + reference": "/staff/safeguarding?status=all&q=b-1",
        "comments, first page (waiting)": "/staff/comments",
        "comments, released + provider": "/staff/comments?status=released&provider=7",
        "outbox, first page": "/staff/outbox",
        "outbox, sent reminders + recipient": (
            "/staff/outbox?status=sent&kind=reminder&q=school12"
        ),
        "API placements, first page (limit 50)": "/api/v1/placements",
        "API placements, next page (cursor)": api_next,
        "API placements, updated_since + year": (
            f"/api/v1/placements?updated_since={since}&year_group=8"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--placements", type=int, default=20_000)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from benchmarks.throwaway import fresh_database

    with fresh_database("sqlite", SURVEY_SECRET_KEY=SECRET) as env:
        try:
            run_bench(env, args)
        finally:
            # Half a gigabyte of made-up county: not left behind in /tmp.
            shutil.rmtree(env["SURVEY_VAR_DIR"], ignore_errors=True)


def run_bench(env: dict[str, str], args: argparse.Namespace) -> None:
    env["SURVEY_DISPATCH_INTERVAL_MINUTES"] = "0"
    started = time.perf_counter()
    load(env["SURVEY_DATABASE_URL"].removeprefix("sqlite:///"), args.placements, args.responses)
    asyncio.run(add_staff(env))
    print(
        f"loaded {args.responses:,} responses, {args.placements:,} placements in the measured "
        f"LA, in {time.perf_counter() - started:.0f} s; SQLite, uvicorn survey_app.asgi:app "
        f"(1 worker), {os.cpu_count()} cores; median of {args.runs} requests",
        flush=True,
    )
    results = measure_all(env, asyncio.run(api_token(env)), args.runs)
    floor = results["/healthz"]
    print(f"{'':42} {'ms':>8} {'x healthz':>10}")
    for name, ms in results.items():
        print(f"{name:42} {ms:8.1f} {ms / floor:10.1f}", flush=True)


def measure_all(env: dict[str, str], token: str, runs: int) -> dict[str, float]:
    """Every case against one fresh server: /healthz first, then each list."""
    server = LiveServer(env).start()
    try:
        with httpx.Client(base_url=server.url, timeout=60) as http:
            sign_in(http)
            api = {"Authorization": f"Bearer {token}"}
            following = http.get("/api/v1/placements", headers=api).json()["next"]
            results = {}
            # The link is absolute under SURVEY_BASE_URL: the same path and query on this server.
            parts = urlsplit(following)
            for name, path in cases(f"{parts.path}?{parts.query}").items():
                headers = api if path.startswith("/api/") else {}
                results[name] = median_ms(http, path, runs, headers)
                print(f"  {name}: {results[name]:.1f} ms", file=sys.stderr, flush=True)
        return results
    finally:
        server.stop()


async def api_token(env: dict[str, str]) -> str:
    from benchmarks.throwaway import bind
    from survey_app.accounts.users import create_api_token
    from survey_app.db.staff_tables import StaffUser

    await bind(env, pooled=False)
    admin = await StaffUser.select(StaffUser.id).where(StaffUser.email == ADMIN).first()
    assert admin is not None
    return await create_api_token(admin["id"], "lists-bench", dt.datetime.now(dt.UTC))


if __name__ == "__main__":
    main()

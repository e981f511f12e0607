"""How long reports take on a large county's data, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/reports_bench.py                 # 10,000 and 100,000 responses
    .venv/bin/python benchmarks/reports_bench.py --sizes 10000 100000 1000000

For each size it builds a fresh database through the real migrations, bulk-loads that many
responses (one LA, 300 providers, 400 schools, years 4-11 over three academic years, 12 indicator
answers and sometimes a comment each; 40% of placements also answered a start survey and most of
those one or two half-termly check-ins, with the real questionnaires' question ids and answer
values), then times the provider report, the area summary, "what changed" (issue 18) on each, the
school page with its pupils' journeys and the QA visit pack (report and PDF) through the service's
own functions. Each figure is the median of
seven runs after one warm-up, beside a trivial query on the same connection setup (``SELECT 1``
through Piccolo), so the ratio says what the report costs over the floor. PostgreSQL runs on a
throwaway cluster on 127.0.0.1 when the server is installed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROVIDERS, SCHOOLS = 300, 400
INDICATORS = [
    "felt_safe",
    "trusted_adult",
    "learning_support",
    "challenge",
    "progress",
    "understood_why",
    "involved_in_decisions",
    "home_school_contact",
    "next_steps",
    "sessions_missed",
    "feelings_about_learning",
    "overall_rating",
]
POLARITY = ["positive"] * 6 + ["neutral"] * 2 + ["negative", "not_known"]
#: Of the placements, the share whose pupil also answered a start survey (issue 18), and how many
#: half-termly check-ins such a pupil then answered (none, one or two) with what weights.
STARTED_SHARE = 0.4
CHECK_INS, CHECK_IN_WEIGHTS = (0, 1, 2), (0.3, 0.45, 0.25)
START = dt.datetime(2023, 9, 1, 10, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 8, 31, 10, tzinfo=dt.UTC)


def questions(questionnaire_id: str, version: int) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """A shipped questionnaire's indicator questions: (question id, indicator, options as
    (value, polarity)), so the made-up answers are ones a pupil could give and pair up."""
    from questionnaires.loader import all_versions

    questionnaire = all_versions()[(questionnaire_id, version)]
    return [
        (q.id, q.indicator, [(o.value, o.polarity) for o in q.options])
        for q in questionnaire.questions
        if q.indicator
    ]


def latest_version(questionnaire_id: str) -> int:
    from questionnaires.loader import all_versions

    return max(v for (name, v) in all_versions() if name == questionnaire_id)


def rows(n: int, seed: int = 7) -> dict[str, list[tuple[Any, ...]]]:
    """Every row to load, made up but shaped like three years of a large county.

    ``n`` is the number of end surveys (one placement each), as before start surveys and
    check-ins were added: those come on top, for a share of the same placements.
    """
    from reports.periods import academic_year_of, term_key

    rng = random.Random(seed)
    span = (NOW - START).total_seconds()
    out: dict[str, list[tuple[Any, ...]]] = {
        "placement": [],
        "invitation": [],
        "response": [],
        "answer": [],
    }
    bands = ("years_4_6", "years_7_9", "years_10_11")
    # The end survey's 12 indicators as version 1 asks them (its question ids and answer values).
    end_scales = {
        band: {indicator: (qid, options) for qid, indicator, options in questions(f"end_{band}", 1)}
        for band in bands
    }
    journey_questions = {
        (kind, band): (f"{kind}_{band}", latest_version(f"{kind}_{band}"))
        for kind in ("start", "review")
        for band in bands
    }
    journey_scales = {key: questions(*name) for key, name in journey_questions.items()}
    answer_id = 0
    extra_response = n

    def survey(
        response_id: int,
        placement: int,
        kind: str,
        questionnaire: tuple[str, int],
        band: str,
        submitted: dt.datetime,
        period: str,
    ) -> tuple[Any, ...]:
        """An invitation and its response; returns the dimensions its answers carry."""
        day = submitted.date()
        invitation = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        place = out["placement"][placement - 1]
        out["invitation"].append(
            (
                invitation,
                placement,
                kind,
                period,
                questionnaire[0],
                uuid.uuid4().hex + uuid.uuid4().hex,
                uuid.uuid4().hex + uuid.uuid4().hex,
                0,
                submitted - dt.timedelta(days=2),
                submitted + dt.timedelta(days=26),
                "completed",
                submitted,
            )
        )
        out["response"].append(
            (
                response_id,
                invitation,
                questionnaire[0],
                questionnaire[1],
                band,
                submitted,
                False,
                term_key(day),
                academic_year_of(day),
                1,
                place[4],
                place[2],
                kind,
            )
        )
        # The report dimensions every answer carries: LA, provider, school, year, term, year.
        return (1, place[4], place[2], place[6], term_key(day), academic_year_of(day), kind)

    for number in range(1, n + 1):
        submitted = START + dt.timedelta(seconds=rng.random() * span)
        day = submitted.date()
        year = rng.randint(4, 11)
        band = "years_4_6" if year <= 6 else "years_7_9" if year <= 9 else "years_10_11"
        out["placement"].append(
            (
                number,
                1,
                1 + number % SCHOOLS,
                f"school:{1 + number % SCHOOLS}",
                1 + rng.randrange(PROVIDERS),
                f"B-{number}",
                year,
                day - dt.timedelta(days=90),
                day,
                day,
                9.0,
                "",
                False,
                submitted,
            )
        )
        dimensions = survey(number, number, "end", (f"end_{band}", 1), band, submitted, "")
        for indicator in INDICATORS:
            answer_id += 1
            question_id, options = end_scales[band][indicator]
            value, polarity = rng.choice(options)
            out["answer"].append(
                (
                    answer_id,
                    number,
                    question_id,
                    indicator,
                    value,
                    polarity,
                    None,
                    None,
                    None,
                    *dimensions,
                )
            )
        if rng.random() < 0.3:
            answer_id += 1
            out["answer"].append(
                (
                    answer_id,
                    number,
                    "anything_else",
                    None,
                    None,
                    None,
                    "It was good.",
                    "released",
                    "It was good.",
                    *dimensions,
                )
            )
        if rng.random() >= STARTED_SHARE:
            continue
        # A start survey ten days in, then a check-in at each of the next half terms.
        began = submitted - dt.timedelta(days=80)
        check_ins = rng.choices(CHECK_INS, CHECK_IN_WEIGHTS)[0]
        journey = [("start", began, "")] + [
            ("review", began + dt.timedelta(days=25 * (i + 1)), f"r{i + 1}")
            for i in range(check_ins)
        ]
        for kind, when, period in journey:
            extra_response += 1
            dimensions = survey(
                extra_response, number, kind, journey_questions[(kind, band)], band, when, period
            )
            for question_id, indicator, options in journey_scales[(kind, band)]:
                answer_id += 1
                value, polarity = rng.choice(options)
                out["answer"].append(
                    (
                        answer_id,
                        extra_response,
                        question_id,
                        indicator,
                        value,
                        polarity,
                        None,
                        None,
                        None,
                        *dimensions,
                    )
                )
    return out


COLUMNS = {
    "placement": [
        "id",
        "local_authority",
        "school",
        "commissioner_key",
        "provider",
        "pupil_reference",
        "year_group",
        "start_date",
        "planned_end_date",
        "ended_on",
        "hours_per_week",
        "purpose",
        "simplest_version",
        "created_at",
    ],
    "invitation": [
        "id",
        "placement",
        "kind",
        "period",
        "questionnaire_id",
        "token_hash",
        "short_code_hash",
        "revocation_counter",
        "opened_at",
        "expires_at",
        "status",
        "completed_at",
    ],
    "response": [
        "id",
        "invitation",
        "questionnaire_id",
        "questionnaire_version",
        "band",
        "submitted_at",
        "needs_follow_up",
        "term",
        "academic_year",
        "local_authority",
        "provider",
        "school",
        "kind",
    ],
    "answer": [
        "id",
        "response",
        "question_id",
        "indicator",
        "value",
        "polarity",
        "text",
        "review_status",
        "released_text",
        "local_authority",
        "provider",
        "school",
        "year_group",
        "term",
        "academic_year",
        "kind",
    ],
}


def organisations() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "local_authority": [(1, "Bigshire", "E10000099", "", "")],
        "school": [(s, 1, f"School {s}", "", "") for s in range(1, SCHOOLS + 1)],
        "provider": [(p, f"Provider {p}") for p in range(1, PROVIDERS + 1)],
        "provider_record": [
            (p, 1, p, "unregistered", "approved", "green", "vocational")
            for p in range(1, PROVIDERS + 1)
        ],
    }


ORG_COLUMNS = {
    "local_authority": ["id", "name", "code", "safeguarding_email", "contact_email"],
    "school": ["id", "local_authority", "name", "urn", "contact_email"],
    "provider": ["id", "name"],
    "provider_record": [
        "id",
        "local_authority",
        "provider",
        "registration_status",
        "qa_stage",
        "rag_rating",
        "offer_types",
    ],
}


def sqlite_value(value: Any) -> Any:
    """A value as Piccolo stores it in SQLite, for the benchmarks' raw bulk inserts."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load_sqlite(path: str, data: dict[str, list[tuple[Any, ...]]]) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous = OFF")
    with connection:
        for table, columns in {**ORG_COLUMNS, **COLUMNS}.items():
            marks = ", ".join("?" * len(columns))
            names = ", ".join(f'"{c}"' for c in columns)
            connection.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 - fixed names
                ([sqlite_value(v) for v in row] for row in data[table]),
            )
    connection.execute("ANALYZE")
    connection.close()


async def load_postgres(url: str, data: dict[str, list[tuple[Any, ...]]]) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        for table, columns in {**ORG_COLUMNS, **COLUMNS}.items():
            records = [
                tuple(
                    uuid.UUID(v)
                    if table in ("invitation", "response")
                    and c in ("id", "invitation")
                    and isinstance(v, str)
                    else v
                    for c, v in zip(columns, row, strict=True)
                )
                for row in data[table]
            ]
            await connection.copy_records_to_table(table, records=records, columns=columns)
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def median_ms(work: Callable[[], Awaitable[Any]], runs: int = 7) -> float:
    await work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure(env: dict[str, str], total: int) -> dict[str, float]:
    from markupsafe import Markup

    from benchmarks.throwaway import bind
    from reports.charts import charts_for
    from survey_app.accounts.scoping import Actor, Role
    from survey_app.db.tables import Provider
    from survey_app.organisations.provider_records import record_of
    from survey_app.qa import visit_pack as qa_pack
    from survey_app.reporting.access import open_school_page
    from survey_app.reporting.area_queries import area_summary
    from survey_app.reporting.journey_queries import (
        area_changes_for,
        provider_changes,
        school_journeys,
    )
    from survey_app.reporting.queries import provider_report
    from survey_app.reporting.school_queries import pupils_spec
    from survey_app.web.listing import parse

    settings = await bind(env)
    officer = Actor(user_id=1, email="bench@example", role=Role.LA_OFFICER, local_authority_id=1)
    from survey_app.reporting.tallies import rebuild

    # The bulk load bypassed the service, so count the tallies the way a migration would.
    await rebuild()
    summary = await area_summary(settings, officer)
    assert summary.responses == total, (summary.responses, total)
    felt_safe = next(h for h in summary.headlines if h.key == "felt_safe")
    assert felt_safe.answered is not None and felt_safe.answered > 0.8 * total
    area_changed = await area_changes_for(settings, officer)
    assert area_changed is not None and area_changed.pupils, "no pupil has a pair"
    provider_staff = Actor(
        user_id=2, email="p@example", role=Role.PROVIDER_STAFF, local_authority_id=1, provider_id=7
    )
    school_contact = Actor(
        user_id=3, email="s@example", role=Role.SCHOOL_CONTACT, local_authority_id=1, school_id=7
    )

    async def floor() -> None:
        await Provider.raw("SELECT 1")

    async def provider_page(actor: Actor) -> None:
        # What the provider page reads: the report, then what changed (pages.provider_detail).
        await provider_report(settings, actor, 7, NOW)
        await provider_changes(settings, actor, 7, NOW)

    async def area_page() -> None:
        await area_summary(settings, officer)
        await area_changes_for(settings, officer)

    async def school_page() -> None:
        # The school contact's first page of pupils and their journeys (pages.school_page).
        query, errors = parse(pupils_spec(7), {})
        report, _ = await open_school_page(settings, school_contact, 7, NOW, query, errors)
        await school_journeys(school_contact, 7, [p.placement_id for p in report.placements])

    async def pack() -> None:
        report = await provider_report(settings, officer, 7, NOW)
        assert report is not None
        provider = await record_of(officer, 7)
        assert provider is not None
        facts = await qa_pack.visit_facts(officer, provider, NOW.date())
        changes = await provider_changes(settings, officer, 7, NOW)
        charts = {name: Markup(svg) for name, svg in charts_for(report).items()}  # noqa: S704
        await asyncio.to_thread(qa_pack.render, report, facts, charts, NOW, changes)

    return {
        "floor (SELECT 1)": await median_ms(floor),
        "provider report (LA)": await median_ms(lambda: provider_report(settings, officer, 7, NOW)),
        "provider report (provider's own view)": await median_ms(
            lambda: provider_report(settings, provider_staff, 7, NOW)
        ),
        "provider report, one academic year": await median_ms(
            lambda: provider_report(settings, officer, 7, NOW, 2025)
        ),
        "area summary": await median_ms(lambda: area_summary(settings, officer)),
        "area summary, one academic year": await median_ms(
            lambda: area_summary(settings, officer, 2025)
        ),
        "what changed, provider (LA)": await median_ms(
            lambda: provider_changes(settings, officer, 7, NOW)
        ),
        "what changed, provider (provider's view)": await median_ms(
            lambda: provider_changes(settings, provider_staff, 7, NOW)
        ),
        "what changed, area": await median_ms(lambda: area_changes_for(settings, officer)),
        "provider page: report + what changed (LA)": await median_ms(
            lambda: provider_page(officer)
        ),
        "provider page: report + what changed (provider)": await median_ms(
            lambda: provider_page(provider_staff)
        ),
        "area page: summary + what changed": await median_ms(area_page),
        "school page: 50 pupils + their journeys": await median_ms(school_page),
        "QA visit pack (report + what changed + PDF)": await median_ms(pack, runs=3),
    }


def run_size(kind: str, n: int) -> dict[str, float]:
    from benchmarks.throwaway import fresh_database

    with fresh_database(kind, SURVEY_SECRET_KEY="bench") as env:
        url = env["SURVEY_DATABASE_URL"]
        started = time.perf_counter()
        data = {**organisations(), **rows(n)}
        if kind == "sqlite":
            load_sqlite(url.removeprefix("sqlite:///"), data)
        else:
            asyncio.run(load_postgres(url, data))
        print(
            f"  loaded {n:,} end surveys ({len(data['response']):,} responses of every kind, "
            f"{len(data['answer']):,} answers) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        return asyncio.run(measure(env, n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = parser.parse_args()
    from benchmarks.throwaway import databases

    results: dict[tuple[str, int], dict[str, float]] = {}
    for kind in databases(args.databases):
        for n in args.sizes:
            print(f"{kind}, {n:,} responses", flush=True)
            results[(kind, n)] = run_size(kind, n)
            for name, ms in results[(kind, n)].items():
                floor = results[(kind, n)]["floor (SELECT 1)"]
                print(f"  {name:50} {ms:9.1f} ms  ({ms / floor:7.0f} x floor)", flush=True)
    print("\nGrowth (time at the largest size / time at the smallest, against the size ratio):")
    for kind in args.databases:
        sizes = sorted(n for k, n in results if k == kind)
        if len(sizes) < 2:
            continue
        small, large = results[(kind, sizes[0])], results[(kind, sizes[-1])]
        for name in small:
            if name.startswith("floor"):
                continue
            print(
                f"  {kind:8} {name:50} x{large[name] / small[name]:6.1f} "
                f"for x{sizes[-1] / sizes[0]:.0f} the responses"
            )


if __name__ == "__main__":
    main()

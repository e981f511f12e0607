"""The migration to one provider per deployment keeps every LA's QA record, on both databases.

It runs against a fresh database in a process of its own (Piccolo binds its engine when the
service is imported): migrated to just before the change, given providers the old way, then
migrated forward.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.db.engine import is_postgres
from tests.world import postgres_cluster, run

ROOT = Path(__file__).parents[3]


def migrate_old_data(url: str, var_dir: Path) -> dict[str, list[dict[str, object]]]:
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
        "PICCOLO_CONF": "survey_app.db.piccolo_conf",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.survey_app.organisations.old_providers"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, list[dict[str, object]]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


EXPECTED_RECORDS = [
    {
        "local_authority": 1,
        "provider": 1,
        # Each LA's own name for the provider starts as the only name it had.
        "name": "Meadow Farm Ltd.",
        "contact_email": "m@west.example",
        "registration_status": "unregistered",
        "offer_types": "vocational,mentoring",
        "qa_stage": "approved",
        "rag_rating": "amber",
        "rag_reason": "Records late",
        "rated": "2026-10-01",
        "visited": "2026-10-02",
    },
    {
        "local_authority": 2,
        "provider": 2,
        "name": "Quay Tutors",
        "contact_email": "q@east.example",
        "registration_status": "under_review",
        "offer_types": "tutoring",
        "qa_stage": "visited",
        "rag_rating": "red",
        "rag_reason": "",
        "rated": None,
        "visited": None,
    },
]


def check(moved: dict[str, list[dict[str, object]]]) -> None:
    assert moved["records"] == EXPECTED_RECORDS, "each provider's QA record is now its LA's"
    assert moved["providers"] == [
        {"id": 1, "name": "Meadow Farm Ltd.", "match_key": "meadowfarmltd|"},
        {"id": 2, "name": "Quay Tutors", "match_key": "quaytutors|"},
    ]
    assert moved["qa_visit"] == moved["qa_action"] == [{"local_authority": 2, "provider": 2}]
    assert moved["qa_record_change"] == [{"local_authority": 1, "provider": 1}]


@pytest.mark.no_database
@pytest.mark.skipif(is_postgres(), reason="the PostgreSQL leg migrates a PostgreSQL database")
def test_each_providers_qa_record_moves_to_its_las_record_on_sqlite(tmp_path: Path) -> None:
    check(migrate_old_data(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path))


@pytest.mark.no_database
@pytest.mark.skipif(not is_postgres(), reason="needs the PostgreSQL leg's cluster")
def test_each_providers_qa_record_moves_to_its_las_record_on_postgresql(tmp_path: Path) -> None:
    import asyncpg

    server = f"postgresql://postgres@127.0.0.1:{postgres_cluster().port}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(f"{server}/postgres")
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    run(admin("DROP DATABASE IF EXISTS survey_provider_move"))
    run(admin("CREATE DATABASE survey_provider_move"))
    try:
        check(migrate_old_data(f"{server}/survey_provider_move", tmp_path))
    finally:
        run(admin("DROP DATABASE IF EXISTS survey_provider_move"))

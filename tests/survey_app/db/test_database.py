"""The database edge: durable SQLite settings, migrations, and a schema with no personal fields."""

from __future__ import annotations

import ast
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from survey_app.db.engine import all_tables, is_postgres
from survey_app.db.tables import Placement
from tests.world import postgres_cluster, run

ROOT = Path(__file__).parents[3]
MIGRATIONS = ROOT / "survey_app" / "db" / "piccolo_migrations"


@pytest.mark.skipif(is_postgres(), reason="SQLite pragmas apply only to the SQLite leg")
def test_sqlite_runs_in_wal_with_full_sync_and_a_busy_timeout() -> None:
    async def pragmas() -> dict[str, object]:
        engine = Placement._meta.db
        connection = await engine.get_connection()
        try:
            values = {}
            for name in ("journal_mode", "synchronous", "busy_timeout"):
                async with connection.execute(f"PRAGMA {name}") as cursor:
                    (values[name],) = (await cursor.fetchone()).values()
            return values
        finally:
            await connection.close()

    assert run(pragmas()) == {"journal_mode": "wal", "synchronous": 2, "busy_timeout": 30000}


def test_schema_comes_from_migrations() -> None:
    from piccolo.apps.migrations.tables import Migration

    applied = run(Migration.select(Migration.name).where(Migration.app_name == "survey_app"))
    assert len(applied) == len(list(MIGRATIONS.glob("survey_app_*.py"))) >= 14


FORBIDDEN = (
    "first_name",
    "forename",
    "surname",
    "last_name",
    "dob",
    "birth",
    "upn",
    "address",
    "postcode",
)


#: Organisations' public or business addresses, never a pupil's: a school's as DfE publishes
#: it in GIAS, a provider's premises on the LA's register.
ORGANISATION_ADDRESSES = {
    ("School", "postcode"),
    ("ProviderRecord", "address"),
    ("ProviderRecord", "postcode"),
}


def test_no_table_has_a_column_for_pupil_names_birth_dates_or_addresses() -> None:
    for table in all_tables():
        for column in table._meta.columns:
            name = column._meta.name.lower()
            if (table.__name__, name) in ORGANISATION_ADDRESSES:
                continue
            assert not any(word in name for word in FORBIDDEN), f"{table.__name__}.{name}"


#: Live code that changes as the service grows: an applied migration must not change with it.
LIVE_CODE = ("survey_app", "reports", "questionnaires", "accessibility")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_no_migration_imports_live_code_that_may_change() -> None:
    offending = {
        path.name: sorted(m for m in imported_modules(path) if m.split(".")[0] in LIVE_CODE)
        for path in sorted(MIGRATIONS.glob("survey_app_*.py"))
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_migrations_have_unique_ids_in_the_order_of_their_file_numbers() -> None:
    # Piccolo runs migrations in ID order and records them by ID: two with one ID means the
    # second never runs on a database that has the first (two branches once chose the same one).
    ids = [
        re.search(r'^ID = "([^"]+)"', path.read_text(), re.M)
        for path in sorted(MIGRATIONS.glob("survey_app_*.py"))
    ]
    found = [match.group(1) if match else "" for match in ids]
    assert "" not in found, "every migration declares its ID"
    assert len(set(found)) == len(found), "no two migrations share an ID"
    assert found == sorted(found), "file numbers follow the IDs Piccolo orders by"


#: Indexes made by raw SQL in migrations: present only if every raw step ran.
RAW_INDEXES = {
    "invitation_one_live_per_period",
    "answer_one_per_question",
    "draft_answer_one_per_question",
    "safeguarding_alert_one_per_question",
    "placement_identity",
    "placement_identity_any_case",
    "response_provider",
    "answer_area",
    "answer_provider",
    "indicator_tally_key",
    "school_urn_per_la",
    "provider_record_one_per_la",
    "published_figures_key",
}


def migrate_command(url: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """``survey-app migrate`` as an operator runs it, on the database at ``url``."""
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_VAR_DIR": str(var_dir),
        "PYTHONPATH": str(ROOT),
    }
    command = [str(Path(sys.executable).parent / "survey-app"), "migrate"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.no_database
@pytest.mark.skipif(is_postgres(), reason="the PostgreSQL leg migrates a fresh PostgreSQL database")
def test_migrate_builds_an_empty_sqlite_database_from_nothing(tmp_path: Path) -> None:
    database = tmp_path / "fresh.sqlite3"
    result = migrate_command(f"sqlite:///{database}", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "database is up to date" in result.stdout
    with sqlite3.connect(database) as connection:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert RAW_INDEXES <= names


@pytest.mark.no_database
@pytest.mark.skipif(not is_postgres(), reason="needs the PostgreSQL leg's cluster")
def test_migrate_builds_an_empty_postgresql_database_from_nothing(tmp_path: Path) -> None:
    import asyncpg

    cluster = postgres_cluster()
    server = f"postgresql://postgres@127.0.0.1:{cluster.port}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(f"{server}/postgres")
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    async def index_names() -> set[str]:
        connection = await asyncpg.connect(f"{server}/survey_fresh")
        try:
            return {
                row["indexname"]
                for row in await connection.fetch("SELECT indexname FROM pg_indexes")
            }
        finally:
            await connection.close()

    run(admin("DROP DATABASE IF EXISTS survey_fresh"))
    run(admin("CREATE DATABASE survey_fresh"))
    try:
        result = migrate_command(f"{server}/survey_fresh", tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "database is up to date" in result.stdout
        assert RAW_INDEXES <= run(index_names())
    finally:
        run(admin("DROP DATABASE IF EXISTS survey_fresh"))

"""The database edge: durable SQLite settings, migrations, and a schema with no personal fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.db.engine import all_tables, is_postgres
from survey_app.db.tables import Placement
from tests.world import run


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
    folder = Path(__file__).parents[3] / "survey_app" / "db" / "piccolo_migrations"
    assert len(applied) == len(list(folder.glob("survey_app_*.py"))) >= 14


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


def test_no_table_has_a_column_for_pupil_names_birth_dates_or_addresses() -> None:
    for table in all_tables():
        for column in table._meta.columns:
            name = column._meta.name.lower()
            assert not any(word in name for word in FORBIDDEN), f"{table.__name__}.{name}"

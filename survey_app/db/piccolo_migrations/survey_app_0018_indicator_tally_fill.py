"""Make each tally unique on its key, and count every answer already given.

The recount is copied here as ``survey_app.reporting.tallies.rebuild`` stood, rather than
imported, so a later change to the live code cannot change what this migration does.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T11:55:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indicator tallies: unique key, filled from the answers."

_KEY = "local_authority, academic_year, provider, indicator, polarity"
STATEMENTS = [
    f"CREATE UNIQUE INDEX IF NOT EXISTS indicator_tally_key ON indicator_tally ({_KEY})",
    "DELETE FROM indicator_tally",
    f"INSERT INTO indicator_tally ({_KEY}, answers) "
    f"SELECT {_KEY}, COUNT(*) FROM answer "
    "WHERE indicator IS NOT NULL AND polarity IS NOT NULL "
    f"GROUP BY {_KEY}",
]


class IndicatorTally(Table, tablename="indicator_tally"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await IndicatorTally.raw(statement)

    async def run_backwards() -> None:
        await IndicatorTally.raw("DROP INDEX IF EXISTS indicator_tally_key")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

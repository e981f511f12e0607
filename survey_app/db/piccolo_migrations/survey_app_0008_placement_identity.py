"""Fill in each placement's commissioner key and make the placement identity unique.

A placement is identified by its LA, commissioner (school or LA team), pupil reference, provider
and start date, so a re-uploaded CSV or a retried API call updates instead of duplicating.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T10:09:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "Placement identity: unique (LA, commissioner, pupil reference, provider, start)."

STATEMENTS = [
    "UPDATE placement SET commissioner_key = CASE WHEN school IS NOT NULL "
    "THEN 'school:' || CAST(school AS TEXT) ELSE 'team:' || LOWER(COALESCE(la_team, '')) END",
    "CREATE UNIQUE INDEX IF NOT EXISTS placement_identity ON placement "
    "(local_authority, commissioner_key, pupil_reference, provider, start_date)",
]


class Placement(Table, tablename="placement"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await Placement.raw(statement)

    async def run_backwards() -> None:
        await Placement.raw("DROP INDEX IF EXISTS placement_identity")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

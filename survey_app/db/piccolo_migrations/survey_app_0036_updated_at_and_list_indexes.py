"""Lists at county scale: placements record when they last changed, and the lists' filters and
orders have indexes.

``placement.updated_at`` lets a school's system ask only for what changed (the API's
``updated_since``) and gives the API's cursor a stable order. Existing placements start from
when they were recorded. The indexes serve each staff list's default order and its commonest
filters within one authority, so a first page and a filtered search stay fast with tens of
thousands of rows.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Placements: updated_at; indexes for the lists' filters and orders."

#: name -> (table, columns): copied here, not derived from live code, so it never changes.
INDEXES = {
    "placement_la_updated": ("placement", "local_authority, updated_at, id"),
    "placement_la_start": ("placement", "local_authority, start_date, id"),
    "placement_la_reference": ("placement", "local_authority, pupil_reference, id"),
    "placement_la_year": ("placement", "local_authority, year_group, id"),
}


class Placement(Table, tablename="placement"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        # Raw SQL, not add_column: Piccolo runs a migration's raw steps before its column steps,
        # and the backfill and index need the column first. TIMESTAMPTZ is the type Piccolo
        # gives a Timestamptz column on both SQLite and PostgreSQL.
        await Placement.raw("ALTER TABLE placement ADD COLUMN updated_at TIMESTAMPTZ")
        await Placement.raw("UPDATE placement SET updated_at = created_at WHERE updated_at IS NULL")
        for name, (table, columns) in INDEXES.items():
            await Placement.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")

    async def run_backwards() -> None:
        for name in INDEXES:
            await Placement.raw(f"DROP INDEX IF EXISTS {name}")
        await Placement.raw("ALTER TABLE placement DROP COLUMN updated_at")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

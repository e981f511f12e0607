"""One publication per LA, provider and audience: a new one replaces the last."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T13:10:58:012293"
VERSION = "1.38.0"
DESCRIPTION = "Published figures: unique per LA, provider and audience."

_KEY = "local_authority, provider, audience"


class PublishedFigures(Table, tablename="published_figures"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        await PublishedFigures.raw(
            f"CREATE UNIQUE INDEX IF NOT EXISTS published_figures_key ON published_figures ({_KEY})"
        )

    async def run_backwards() -> None:
        await PublishedFigures.raw("DROP INDEX IF EXISTS published_figures_key")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

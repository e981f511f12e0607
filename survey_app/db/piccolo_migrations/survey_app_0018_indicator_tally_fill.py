"""Make each tally unique on its key, and count every answer already given."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T11:55:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indicator tallies: unique key, filled from the answers."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        from survey_app.db.tables import IndicatorTally
        from survey_app.reporting.tallies import rebuild

        await IndicatorTally.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS indicator_tally_key ON indicator_tally "
            "(local_authority, academic_year, provider, indicator, polarity)"
        )
        await rebuild()

    async def run_backwards() -> None:
        from survey_app.db.tables import IndicatorTally

        await IndicatorTally.raw("DROP INDEX IF EXISTS indicator_tally_key")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

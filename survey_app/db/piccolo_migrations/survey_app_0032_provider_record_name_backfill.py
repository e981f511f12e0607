"""Every existing provider record starts with the shared name: the only name any council has
had for the provider so far. From now on each council's record keeps its own."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T14:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Provider records: names filled from the shared provider row."


class ProviderRecord(Table, tablename="provider_record"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def backfill() -> None:
        await ProviderRecord.raw(
            "UPDATE provider_record SET name = "
            "(SELECT provider.name FROM provider WHERE provider.id = provider_record.provider) "
            "WHERE name = ''"
        )

    async def backwards() -> None:
        await ProviderRecord.raw("UPDATE provider_record SET name = ''")

    manager.add_raw(backfill)
    manager.add_raw_backwards(backwards)
    return manager

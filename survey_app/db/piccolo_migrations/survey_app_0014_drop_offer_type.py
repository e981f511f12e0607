from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-23T11:27:08:221202"
VERSION = "1.38.0"
DESCRIPTION = "Drop the single offer type"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="survey_app", description=DESCRIPTION
    )

    manager.drop_column(
        table_class_name="Provider",
        tablename="provider",
        column_name="offer_type",
        db_column_name="offer_type",
        schema=None,
    )

    return manager

"""Each LA keeps its own name for a provider, as it keeps everything else it types about one.

Until now the name was the shared provider row's, so a second council linking the same provider
saw the first council's spelling of it. The next migration fills the new column (Piccolo runs a
migration's raw steps before its added columns, so the backfill cannot live here).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Provider records: the LA's own name for the provider."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="ProviderRecord",
        tablename="provider_record",
        column_name="name",
        db_column_name="name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager

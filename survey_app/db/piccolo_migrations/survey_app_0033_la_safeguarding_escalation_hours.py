"""Each council may choose how many hours its safeguarding contact has to pick up an alert.

Existing councils start with NULL: "use the deployment's SURVEY_SAFEGUARDING_ESCALATION_HOURS",
which is what applied before.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T14:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "LA settings: safeguarding_escalation_hours."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="LaSettings",
        tablename="la_settings",
        column_name="safeguarding_escalation_hours",
        db_column_name="safeguarding_escalation_hours",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": None,
            "null": True,
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

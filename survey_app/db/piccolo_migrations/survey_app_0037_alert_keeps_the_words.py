"""A safeguarding alert keeps every flagged thing the pupil wrote for its question.

Before, the alert page read the pupil's current answer: a child who wrote a disclosure and then
changed it to "nothing" (or another browser on the same link that sent over it) left the
safeguarding contact reading "nothing". Existing alerts start empty and fall back to the answer
as it now stands, as before.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T16:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Safeguarding alert: words."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="SafeguardingAlert",
        tablename="safeguarding_alert",
        column_name="words",
        db_column_name="words",
        column_class_name="Text",
        column_class=Text,
        params={
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

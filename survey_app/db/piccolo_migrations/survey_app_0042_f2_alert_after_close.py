"""Safeguarding alerts say whether the pupil's answer came after their survey had closed.

A pupil still on a question when their survey closed (its link expired, a newer survey opened,
or it was withdrawn) who then says they feel unsafe raises an alert all the same; the adult
reading it is told the survey had closed. Every alert raised before this was on an open survey,
hence the default.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T21:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Safeguarding alerts: whether the answer came after the survey had closed."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="SafeguardingAlert",
        tablename="safeguarding_alert",
        column_name="after_close",
        db_column_name="after_close",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
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

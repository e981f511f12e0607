"""Responses can be partial: answers saved but never sent, kept when the link closed.

Every existing response was sent by the pupil, so each starts as not partial.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T14:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Responses: partial (kept when the link closed, never sent)."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Response",
        tablename="response",
        column_name="partial",
        db_column_name="partial",
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

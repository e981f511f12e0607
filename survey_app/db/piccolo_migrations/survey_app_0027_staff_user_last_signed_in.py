"""Staff users record when they last signed in, for the staff page.

Existing users start with a null time ("never", as far as the service knows) until their next
sign-in.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T12:57:51:849266"
VERSION = "1.38.0"
DESCRIPTION = "Staff users: last_signed_in_at."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="StaffUser",
        tablename="staff_user",
        column_name="last_signed_in_at",
        db_column_name="last_signed_in_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
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

"""API tokens expire and record when they were last used.

Tokens made before this migration keep a null expiry; the live code treats those as expiring
``SURVEY_API_TOKEN_DAYS`` after they were created, so no old token lives for ever.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T12:15:09:543673"
VERSION = "1.38.0"
DESCRIPTION = "API tokens: expires_at and last_used_at."


def _nullable_timestamp() -> dict[str, object]:
    return {
        "default": None,
        "null": True,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    for column in ("expires_at", "last_used_at"):
        manager.add_column(
            table_class_name="ApiToken",
            tablename="api_token",
            column_name=column,
            db_column_name=column,
            column_class_name="Timestamptz",
            column_class=Timestamptz,
            params=_nullable_timestamp(),
            schema=None,
        )
    return manager

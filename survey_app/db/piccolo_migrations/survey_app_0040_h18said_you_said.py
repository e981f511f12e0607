"""A provider's "You said, we did" entries: what pupils said and what changed, reviewed and
published by the LA, shown to pupils starting there.

Written out column by column (not imported from the live tables), so the migration never changes
as the code grows.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class LocalAuthority(Table, tablename="local_authority", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


class Provider(Table, tablename="provider", schema=None):
    id = Serial(null=False, primary_key=True, db_column_name="id")


ID = "2026-11-29T17:32:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "You said, we did: a provider's published response to its pupils' views."


def _params(**overrides: Any) -> dict[str, Any]:
    return {
        "default": None,
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **overrides,
    }


def _foreign_key(references: type[Table]) -> dict[str, Any]:
    return _params(
        references=references,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        index=True,
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_table(class_name="YouSaid", tablename="you_said", schema=None, columns=None)
    columns: list[tuple[str, type[Any], dict[str, Any]]] = [
        ("local_authority", ForeignKey, _foreign_key(LocalAuthority)),
        ("provider", ForeignKey, _foreign_key(Provider)),
        ("you_said", Text, _params(default="")),
        ("we_did", Text, _params(default="")),
        ("status", Varchar, _params(length=12, default="draft", index=True)),
        ("review_note", Text, _params(default="")),
        ("created_by", Integer, _params(null=True)),
        ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
        ("submitted_at", Timestamptz, _params(null=True)),
        ("published_at", Timestamptz, _params(null=True)),
    ]
    for name, column_class, params in columns:
        manager.add_column(
            table_class_name="YouSaid",
            tablename="you_said",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager

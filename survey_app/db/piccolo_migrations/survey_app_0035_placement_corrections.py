"""Placements can be corrected: a status (cancelled as entered in error) and a history of
every correction (``placement_change``: what changed, when, by whom).

Existing placements are all active; the status column's default fills them on SQLite and
PostgreSQL alike.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Placement(Table, tablename="placement", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-11-29T14:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Placements: status (cancelled as entered in error) and placement_change history"


def _params(**overrides: object) -> dict[str, object]:
    return {
        "default": "",
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


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Placement",
        tablename="placement",
        column_name="status",
        db_column_name="status",
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=12, default="active", index=True),
        schema=None,
    )
    manager.add_table(
        class_name="PlacementChange", tablename="placement_change", schema=None, columns=None
    )
    manager.add_column(
        table_class_name="PlacementChange",
        tablename="placement_change",
        column_name="placement",
        db_column_name="placement",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            default=None,
            references=Placement,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            index=True,
        ),
        schema=None,
    )
    for name, length in (("field", 40), ("old_value", 200), ("new_value", 200)):
        manager.add_column(
            table_class_name="PlacementChange",
            tablename="placement_change",
            column_name=name,
            db_column_name=name,
            column_class_name="Varchar",
            column_class=Varchar,
            params=_params(length=length),
            schema=None,
        )
    manager.add_column(
        table_class_name="PlacementChange",
        tablename="placement_change",
        column_name="changed_by",
        db_column_name="changed_by",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(default=None, null=True),
        schema=None,
    )
    manager.add_column(
        table_class_name="PlacementChange",
        tablename="placement_change",
        column_name="changed_at",
        db_column_name="changed_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params=_params(default=None),
        schema=None,
    )
    return manager

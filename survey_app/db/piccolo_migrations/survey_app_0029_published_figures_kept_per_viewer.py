"""Keep each publication of a provider's figures as shown outside the LA (counts only), so an
erasure or retention cannot be read off the difference between two views."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Text, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T13:09:43:032788"
VERSION = "1.38.0"
DESCRIPTION = "Published figures kept per LA, provider and audience (counts only)."
# The unique index comes in the next migration: raw steps run before a migration's tables exist.

def _params(**extra: object) -> dict[str, object]:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **extra,
    }


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    manager.add_table(
        class_name="PublishedFigures", tablename="published_figures", schema=None, columns=None
    )
    for name, class_name, column_class, params in (
        ("local_authority", "Integer", Integer, _params(default=0)),
        ("provider", "Integer", Integer, _params(default=0)),
        ("audience", "Varchar", Varchar, _params(length=40, default="")),
        ("cut", "Varchar", Varchar, _params(length=8, default="")),
        ("figures", "Text", Text, _params(default="")),
    ):
        manager.add_column(
            table_class_name="PublishedFigures",
            tablename="published_figures",
            column_name=name,
            db_column_name=name,
            column_class_name=class_name,
            column_class=column_class,
            params=params,
            schema=None,
        )

    return manager

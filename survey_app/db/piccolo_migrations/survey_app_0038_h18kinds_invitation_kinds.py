"""Invitation kinds: a start survey, a review each half term, the end survey.

An invitation gains ``period`` (the first day of a review's half term; "" for start and end, so
every existing invitation keeps its meaning), and the unique index becomes one invitation per
placement, kind and period. Each LA may turn the start and review surveys on or off and choose
how many days into a placement the start survey opens (NULL: the deployment's setting).

The index is raw SQL as in 0002: SQLite cannot add a table constraint after creation, a unique
index does the same job on both engines, and it is what ``ON CONFLICT`` targets.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Integer
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-29T17:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Invitations: start and review kinds, one per placement, kind and period."


class Invitation(Table, tablename="invitation"):
    """The table by name only, for raw SQL (never the live ``survey_app.db.tables``)."""


def _params(default: object, null: bool) -> dict[str, object]:
    return {
        "default": default,
        "null": null,
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
    for name, column_class in (
        ("start_survey", Boolean),
        ("start_survey_days", Integer),
        ("review_survey", Boolean),
    ):
        manager.add_column(
            table_class_name="LaSettings",
            tablename="la_settings",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=_params(None, True),
            schema=None,
        )

    async def run() -> None:
        # Raw steps run before the manager's column steps, so the column the index needs is
        # added here too (the same statement on both engines).
        await Invitation.raw(
            "ALTER TABLE invitation ADD COLUMN period VARCHAR(10) NOT NULL DEFAULT ''"
        )
        await Invitation.raw("DROP INDEX IF EXISTS invitation_one_per_kind")
        await Invitation.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS invitation_one_per_period "
            "ON invitation (placement, kind, period)"
        )

    async def run_backwards() -> None:
        await Invitation.raw("DROP INDEX IF EXISTS invitation_one_per_period")
        await Invitation.raw("ALTER TABLE invitation DROP COLUMN period")
        await Invitation.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS invitation_one_per_kind "
            "ON invitation (placement, kind)"
        )

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

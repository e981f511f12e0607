"""A council sets itself up: its DfE LA number, its schools' GIAS details and status, a URN
unique within each LA, and single-use staff invitations (only the keyed hash of a token kept)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-29T12:13:42:077915"
VERSION = "1.38.0"
DESCRIPTION = "LA DfE number, schools from GIAS (status, URN unique per LA), staff invitations"


class StaffUser(Table, tablename="staff_user", schema=None):
    """The referenced table as it stands here, not imported from the live tables module."""

    id = Serial(null=False, primary_key=True, db_column_name="id")


class School(Table, tablename="school"):
    """The table by name only, for raw SQL."""


#: A URN names one school within an LA; schools typed in without one may share the empty URN.
#: Partial unique indexes work the same on SQLite and PostgreSQL.
URN_INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS school_urn_per_la ON school (local_authority, urn) "
    "WHERE urn <> ''"
)


def _params(**overrides: object) -> dict[str, object]:
    params: dict[str, object] = {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
    }
    params.update(overrides)
    return params


def _varchar(
    manager: MigrationManager, table: str, tablename: str, name: str, length: int, **extra: object
) -> None:
    manager.add_column(
        table_class_name=table,
        tablename=tablename,
        column_name=name,
        db_column_name=name,
        column_class_name="Varchar",
        column_class=Varchar,
        params=_params(length=length, default=extra.pop("default", ""), **extra),
        schema=None,
    )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    # Raw statements run before the columns are added; this index needs only existing columns.
    async def run() -> None:
        await School.raw(URN_INDEX)

    async def run_backwards() -> None:
        await School.raw("DROP INDEX IF EXISTS school_urn_per_la")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)

    _varchar(manager, "LocalAuthority", "local_authority", "dfe_number", 3)
    _varchar(manager, "School", "school", "establishment_number", 8)
    _varchar(manager, "School", "school", "establishment_type", 100)
    _varchar(manager, "School", "school", "phase", 60)
    _varchar(manager, "School", "school", "postcode", 10)
    _varchar(manager, "School", "school", "ukprn", 10)
    _varchar(manager, "School", "school", "status", 10, default="open", index=True)

    manager.add_table(
        class_name="StaffInvitation", tablename="staff_invitation", schema=None, columns=None
    )
    manager.add_column(
        table_class_name="StaffInvitation",
        tablename="staff_invitation",
        column_name="user",
        db_column_name="user",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params=_params(
            references=StaffUser,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            index=True,
        ),
        schema=None,
    )
    _varchar(manager, "StaffInvitation", "staff_invitation", "token_hash", 64, unique=True)
    manager.add_column(
        table_class_name="StaffInvitation",
        tablename="staff_invitation",
        column_name="invited_by",
        db_column_name="invited_by",
        column_class_name="Integer",
        column_class=Integer,
        params=_params(default=None, null=True),
        schema=None,
    )
    for name, null in (("created_at", False), ("expires_at", False), ("used_at", True)):
        manager.add_column(
            table_class_name="StaffInvitation",
            tablename="staff_invitation",
            column_name=name,
            db_column_name=name,
            column_class_name="Timestamptz",
            column_class=Timestamptz,
            params=_params(default=None if null else TimestamptzNow(), null=null),
            schema=None,
        )
    return manager

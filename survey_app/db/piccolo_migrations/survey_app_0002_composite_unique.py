"""Composite unique indexes: one invitation per placement and kind, one answer per question.

Written by hand because SQLite cannot add a table constraint after creation; a unique index
does the same job on both engines and is what ``ON CONFLICT`` targets.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "One invitation per placement and kind; one answer per response and question."

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS invitation_one_per_kind ON invitation (placement, kind)",
    "CREATE UNIQUE INDEX IF NOT EXISTS answer_one_per_question ON answer (response, question_id)",
]


class Invitation(Table, tablename="invitation"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await Invitation.raw(statement)

    async def run_backwards() -> None:
        await Invitation.raw("DROP INDEX IF EXISTS invitation_one_per_kind")
        await Invitation.raw("DROP INDEX IF EXISTS answer_one_per_question")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

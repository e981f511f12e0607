"""One draft answer and one safeguarding alert per invitation and question.

Raw steps run before a migration's table changes, so these follow 0004 on their own; a unique
index does the job of a constraint on both engines (SQLite cannot add one later).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T09:34:48:000000"
VERSION = "1.38.0"
DESCRIPTION = "One draft answer and one safeguarding alert per invitation and question."

STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS draft_answer_one_per_question "
    "ON draft_answer (invitation, question_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS safeguarding_alert_one_per_question "
    "ON safeguarding_alert (invitation, question_id)",
]


class DraftAnswer(Table, tablename="draft_answer"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await DraftAnswer.raw(statement)

    async def run_backwards() -> None:
        await DraftAnswer.raw("DROP INDEX IF EXISTS draft_answer_one_per_question")
        await DraftAnswer.raw("DROP INDEX IF EXISTS safeguarding_alert_one_per_question")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

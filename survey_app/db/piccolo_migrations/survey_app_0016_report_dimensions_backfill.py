"""Copy report dimensions onto responses and answers from their placement, then index them.

Reports are one GROUP BY over an index range of ``answer``: ``answer_area`` serves the area
summary (LA, year, provider, indicator, polarity) and ``answer_provider`` the provider report.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T11:54:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Backfill answer dimensions; composite report indexes."

_FROM = (
    "FROM response r JOIN invitation i ON i.id = r.invitation "
    "JOIN placement p ON p.id = i.placement WHERE r.id = answer.response"
)
STATEMENTS = [
    "UPDATE response SET "
    "local_authority = (SELECT p.local_authority FROM invitation i JOIN placement p "
    "ON p.id = i.placement WHERE i.id = response.invitation), "
    "provider = (SELECT p.provider FROM invitation i JOIN placement p "
    "ON p.id = i.placement WHERE i.id = response.invitation), "
    "school = (SELECT p.school FROM invitation i JOIN placement p "
    "ON p.id = i.placement WHERE i.id = response.invitation) WHERE provider = 0",
    # Covers both the area's count per provider and year and one provider's per term.
    "CREATE INDEX IF NOT EXISTS response_provider ON response "
    "(local_authority, provider, academic_year, term)",
    f"UPDATE answer SET local_authority = (SELECT p.local_authority {_FROM}), "
    f"provider = (SELECT p.provider {_FROM}), school = (SELECT p.school {_FROM}), "
    f"year_group = (SELECT p.year_group {_FROM}), term = (SELECT r.term {_FROM}), "
    f"academic_year = (SELECT r.academic_year {_FROM}) WHERE provider = 0",
    "CREATE INDEX IF NOT EXISTS answer_area ON answer "
    "(local_authority, academic_year, provider, indicator, polarity)",
    "CREATE INDEX IF NOT EXISTS answer_provider ON answer "
    "(provider, academic_year, term, year_group, indicator, polarity)",
]


class Answer(Table, tablename="answer"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await Answer.raw(statement)

    async def run_backwards() -> None:
        await Answer.raw("DROP INDEX IF EXISTS answer_area")
        await Answer.raw("DROP INDEX IF EXISTS answer_provider")
        await Answer.raw("DROP INDEX IF EXISTS response_provider")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

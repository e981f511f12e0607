"""A placement's identity compares the pupil reference in any case.

"FORM-DUP1" and "form-dup1" typed for one pupil, provider and start date are one placement: the
new unique index ``placement_identity_any_case`` (an expression index on ``LOWER`` of the
reference, which SQLite and PostgreSQL both support) refuses the second. The exact-case index
``placement_identity`` (0008) stays: it is what the recording upsert names as its conflict target.

A live database may already hold such duplicates, each perhaps with surveys and answers of its
own. The migration neither merges nor deletes them (that is a person's decision, made by
cancelling one as entered in error): the oldest of each set takes the identity, and the later
ones are left out of the index by a partial-index condition naming their ids, so the migration
cannot fail on them and a retry lands on the oldest. Raw SQL naming the table only: never the
live ``survey_app.db.tables``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Placement identity: the pupil reference in any case."

#: Placements that repeat an older one's identity but for the case of the pupil reference.
LATER_DUPLICATES = (
    "SELECT later.id AS id FROM placement AS later WHERE EXISTS ("
    "SELECT 1 FROM placement AS earlier"
    " WHERE earlier.local_authority = later.local_authority"
    " AND earlier.commissioner_key = later.commissioner_key"
    " AND LOWER(earlier.pupil_reference) = LOWER(later.pupil_reference)"
    " AND earlier.provider = later.provider"
    " AND earlier.start_date = later.start_date"
    " AND earlier.id < later.id"
    ") ORDER BY later.id"
)
INDEX = (
    "CREATE UNIQUE INDEX IF NOT EXISTS placement_identity_any_case ON placement "
    "(local_authority, commissioner_key, LOWER(pupil_reference), provider, start_date)"
)


class Placement(Table, tablename="placement"):
    """The table by name only, for raw SQL."""


async def create_index() -> None:
    """Create the index, leaving out the later of any duplicates already recorded."""
    later = [int(row["id"]) for row in await Placement.raw(LATER_DUPLICATES)]
    # Ids are integers read from the database, so writing them into the SQL is safe; a partial
    # index's condition cannot take bound parameters on SQLite.
    condition = f" WHERE id NOT IN ({', '.join(str(i) for i in later)})" if later else ""
    await Placement.raw(INDEX + condition)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run_backwards() -> None:
        await Placement.raw("DROP INDEX IF EXISTS placement_identity_any_case")

    manager.add_raw(create_index)
    manager.add_raw_backwards(run_backwards)
    return manager

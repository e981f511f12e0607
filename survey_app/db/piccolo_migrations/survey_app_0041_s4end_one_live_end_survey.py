"""One invitation per placement, kind and period among those still standing: a withdrawn
(``revoked``) one no longer counts.

An end survey opened early and then withdrawn because the placement's planned end moved later
must be able to open again nearer the new end, as a new invitation with a new link; the old
index (``invitation_one_per_period``) refused that. The new one is a partial unique index, which
SQLite (3.8+) and PostgreSQL both support, and which ``INSERT ... ON CONFLICT DO NOTHING`` (no
conflict target) still honours on both, so issuing stays idempotent. Raw SQL as in 0038, naming
the table only: never the live ``survey_app.db.tables``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T20:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Invitations: one live per placement, kind and period (a withdrawn one is left out)."


class Invitation(Table, tablename="invitation"):
    """The table by name only, for raw SQL."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        # Create the new index before dropping the old: every row the old one allowed, the new
        # one allows (it constrains a subset of rows by the same columns).
        await Invitation.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS invitation_one_live_per_period "
            "ON invitation (placement, kind, period) WHERE status <> 'revoked'"
        )
        await Invitation.raw("DROP INDEX IF EXISTS invitation_one_per_period")

    async def run_backwards() -> None:
        # Fails, as it should, if a placement has a withdrawn survey and a live one of the same
        # kind and period: going back would mean forgetting one of them.
        await Invitation.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS invitation_one_per_period "
            "ON invitation (placement, kind, period)"
        )
        await Invitation.raw("DROP INDEX IF EXISTS invitation_one_live_per_period")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

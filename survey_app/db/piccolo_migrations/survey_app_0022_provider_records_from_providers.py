"""Move each provider's QA record into a record for the LA that kept it.

Until now a provider belonged to one LA and carried that LA's QA record. Each existing provider
becomes a shared identity row, and its contact email, registration, offer and QA fields become
its LA's ``provider_record``; its visits, actions and record changes gain that LA. The name
normalisation is copied here as ``survey_app.organisations.provider_register.match_key`` stood,
rather than imported, so a later change to the live code cannot change what this migration does.
"""

import re

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T12:14:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "Provider records: each provider's QA record moved to its LA's record."

_MOVED = (
    "contact_email, registration_status, offer_types, qa_stage, rag_rating, rag_rated_on, "
    "rag_reason, last_visit_on"
)
STATEMENTS = [
    "CREATE UNIQUE INDEX IF NOT EXISTS provider_record_one_per_la "
    "ON provider_record (local_authority, provider)",
    f"INSERT INTO provider_record (local_authority, provider, {_MOVED}, address, postcode, "
    "contact_name, contact_phone, setting_type, safeguarding_lead, safeguarding_contact, "
    "archived) "
    f"SELECT local_authority, id, {_MOVED}, '', '', '', '', '', '', '', FALSE FROM provider",
    *[
        f"UPDATE {table} SET local_authority = "
        f"(SELECT provider.local_authority FROM provider WHERE provider.id = {table}.provider)"
        for table in ("qa_visit", "qa_action", "qa_record_change")
    ],
    # SQLite cannot drop an indexed column: the next migration drops provider.local_authority.
    "DROP INDEX IF EXISTS provider_local_authority",
]


def _match_key(name: str, postcode: str) -> str:
    def squeeze(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    return f"{squeeze(name)}|{squeeze(postcode)}"


class Provider(Table, tablename="provider"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    async def run() -> None:
        for statement in STATEMENTS:
            await Provider.raw(statement)
        # No postcode was kept before: the key is the name alone until the LA adds one.
        for row in await Provider.raw("SELECT id, name FROM provider"):
            await Provider.raw(
                "UPDATE provider SET match_key = {} WHERE id = {}",
                _match_key(row["name"], ""),
                row["id"],
            )

    async def run_backwards() -> None:
        await Provider.raw("DROP INDEX IF EXISTS provider_record_one_per_la")
        await Provider.raw("DELETE FROM provider_record")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

"""Run by ``test_provider_migration`` in a process of its own, on the database the environment
names: migrate to just before provider records, add providers the old way, migrate forward, and
print what became of them as JSON."""

import asyncio
import json

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.table import Table

#: The last migration before provider records.
BEFORE = "2026-11-23T11:55:26:000000"


class T(Table, tablename="provider"):
    """Any table will do for raw SQL."""


async def main() -> None:
    assert (await run_forwards(app_name="survey_app", migration_id=BEFORE)).success
    await T.raw(
        "INSERT INTO local_authority (name, code, safeguarding_email, contact_email) "
        "VALUES ('West', 'E1', '', ''), ('East', 'E2', '', '')"
    )
    await T.raw(
        "INSERT INTO provider (local_authority, name, contact_email, "
        "registration_status, qa_stage, rag_rating, rag_reason, offer_types, "
        "rag_rated_on, last_visit_on) VALUES "
        "(1, 'Meadow Farm Ltd.', 'm@west.example', 'unregistered', 'approved', 'amber', "
        "'Records late', 'vocational,mentoring', '2026-10-01', '2026-10-02'), "
        "(2, 'Quay Tutors', 'q@east.example', 'under_review', 'visited', 'red', '', "
        "'tutoring', NULL, NULL)"
    )
    await T.raw(
        "INSERT INTO qa_visit (provider, visited_on, kind, summary, officers, "
        "learner_voice_discussed, learner_voice_note) "
        "VALUES (2, '2026-10-02', 'routine', 'Visit', 'J. Patel', FALSE, '')"
    )
    await T.raw(
        "INSERT INTO qa_action (provider, visit, description, due_on, status) "
        "VALUES (2, 1, 'Fix the gate', '2026-12-01', 'open')"
    )
    await T.raw(
        "INSERT INTO qa_record_change (provider, field, old_value, new_value, reason, "
        "effective_on, changed_at) VALUES (1, 'rag_rating', 'green', 'amber', 'Late', "
        "'2026-10-01', '2026-10-01T10:00:00+00:00')"
    )
    assert (await run_forwards(app_name="survey_app")).success
    out: dict[str, object] = {}
    out["providers"] = await T.raw("SELECT id, name, match_key FROM provider ORDER BY id")
    out["records"] = await T.raw(
        "SELECT local_authority, provider, name, contact_email, registration_status, offer_types, "
        "qa_stage, rag_rating, rag_reason, CAST(rag_rated_on AS VARCHAR(10)) AS rated, "
        "CAST(last_visit_on AS VARCHAR(10)) AS visited FROM provider_record ORDER BY provider"
    )
    for table in ("qa_visit", "qa_action", "qa_record_change"):
        out[table] = await T.raw(f"SELECT local_authority, provider FROM {table}")  # noqa: S608
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())

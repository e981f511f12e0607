"""Responses and answers keep the kind of survey they answer (start, review or end).

Copied from the invitation when the response is saved, as the LA, provider and term are, so
reports can count end-of-placement surveys only without a join. Every existing response answered
an end survey (the only kind until now), hence the default.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T17:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Responses and answers: the kind of survey they answer."


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)
    for class_name, table in (("Response", "response"), ("Answer", "answer")):
        manager.add_column(
            table_class_name=class_name,
            tablename=table,
            column_name="kind",
            db_column_name="kind",
            column_class_name="Varchar",
            column_class=Varchar,
            params={
                "length": 10,
                "default": "end",
                "null": False,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager

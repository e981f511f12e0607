"""Outbox secrets sealed: a column for each message's encrypted links, and the links in messages
already delivered (or never sendable) taken out of their stored bodies.

Before this, every queued email's body held its working links (a pupil's survey link and short
code, a password-reset link) where any LA colleague could read them on the outbox page. Bodies
still waiting to go are left whole so they are delivered working; the rest lose their links.
The patterns are copied here rather than imported so a later change cannot change what this
migration does.
"""

import re

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-29T12:13:42:794145"
VERSION = "1.38.0"
DESCRIPTION = "Outbox: secrets sealed apart from the body; links out of delivered bodies"

LINK = re.compile(r"https?://\S*(?:/s/|/staff/password-reset/|/staff/invitation/)\S+")
CODE = re.compile(r"^(Short code: )\S+", re.MULTILINE)
HIDDEN_LINK = "[link hidden: only the recipient sees it]"
HIDDEN_CODE = r"\g<1>[code hidden: only the recipient sees it]"


class OutboxMessage(Table, tablename="outbox_message"):
    """The table by name only, for raw SQL: declared here rather than imported from the live
    ``survey_app.db.tables``, so a later change there cannot change what this migration does."""


def _without_secrets(body: str) -> str:
    return CODE.sub(HIDDEN_CODE, LINK.sub(HIDDEN_LINK, body))


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="survey_app", description=DESCRIPTION)

    manager.add_column(
        table_class_name="OutboxMessage",
        tablename="outbox_message",
        column_name="secrets_sealed",
        db_column_name="secrets_sealed",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": None,
            "null": True,
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

    async def take_links_out() -> None:
        rows = await OutboxMessage.raw(
            "SELECT id, body FROM outbox_message "
            "WHERE status NOT IN ('pending', 'sending') "
            "AND kind IN ('survey_opened', 'reminder', 'password_reset')"
        )
        for row in rows:
            body = _without_secrets(row["body"])
            if body != row["body"]:
                await OutboxMessage.raw(
                    "UPDATE outbox_message SET body = {} WHERE id = {}", body, row["id"]
                )

    manager.add_raw(take_links_out)
    return manager

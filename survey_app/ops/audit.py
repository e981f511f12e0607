"""The audit log: sign-ins, refusals, report views, imports, exports. Append-only here: this
module inserts and reads, and nothing in the application updates or deletes audit rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from litestar import Request
from litestar.exceptions import NotFoundException

from survey_app.accounts.scoping import Actor
from survey_app.db.tables import AuditEvent


def _client(request: Request | None, secret: str) -> str:
    if request is None or request.client is None:
        return ""
    return hmac.new(secret.encode(), request.client.host.encode(), hashlib.sha256).hexdigest()[:16]


async def record(
    action: str,
    *,
    now: dt.datetime,
    actor: Actor | None = None,
    user_id: int | None = None,
    object_type: str = "",
    object_id: object = "",
    outcome: str = "ok",
    request: Request | None = None,
    secret: str = "",
) -> None:
    """Write one audit event (ids and actions only: never a password, token or comment)."""
    await AuditEvent.insert(
        AuditEvent(
            at=now,
            user_id=actor.user_id if actor else user_id,
            local_authority=actor.local_authority_id if actor else None,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            client=_client(request, secret),
        )
    )


async def refuse(
    actor: Actor, object_type: str, object_id: object, now: dt.datetime
) -> NotFoundException:
    """Log a refused attempt on an object outside the actor's scope; returns the 404 to raise."""
    await record(
        "access.refused",
        now=now,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        outcome="refused",
    )
    return NotFoundException()

"""The audit log: sign-ins, refusals, report views, imports, exports. Append-only here: this
module inserts and reads, and nothing in the application updates or deletes audit rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from litestar import Request
from litestar.exceptions import NotFoundException

from survey_app.accounts.scoping import Actor
from survey_app.db.staff_tables import AuditEvent, StaffUser
from survey_app.ops.statuses import AuditOutcome


def pupil_key(secret: str, la_code: str, reference: str) -> str:
    """A keyed hash naming one pupil of one LA, logged and remembered instead of the reference.

    The same pupil always gets the same key, so a subject-access export finds the audit rows about
    them and a restore can recognise an erased pupil; without the server secret nobody can tell
    which reference it stands for, even by trying every likely reference.
    """
    message = f"pupil\x00{la_code}\x00{reference}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def client_hash(request: Request | None, secret: str) -> str:
    """The request's address as the audit log keeps it: a keyed hash, never the address."""
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
    outcome: AuditOutcome = AuditOutcome.OK,
    request: Request | None = None,
    secret: str = "",
    local_authority: int | None = None,
) -> None:
    """Write one audit event (ids and actions only: never a password, token, comment or pupil
    reference; a pupil is named by ``pupil_key``).

    An event about a user with no actor (an invitation, a sign-in, a new token or second factor)
    is filed under that user's LA: an event with no LA shows on no council's audit page, so an
    administrator could otherwise invite an account or mint a token unseen by the others."""
    if actor is not None:
        user_id, local_authority = actor.user_id, actor.local_authority_id
    elif local_authority is None and user_id is not None:
        row = (
            await StaffUser.select(StaffUser.local_authority).where(StaffUser.id == user_id).first()
        )
        local_authority = row["local_authority"] if row else None
    await AuditEvent.insert(
        AuditEvent(
            at=now,
            user_id=user_id,
            local_authority=local_authority,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            client=client_hash(request, secret),
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
        outcome=AuditOutcome.REFUSED,
    )
    return NotFoundException()

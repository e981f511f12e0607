"""How an audited action ended, as stored in ``audit_event.outcome``.

A leaf module: it imports nothing from ``survey_app``, so ``survey_app.db.staff_tables`` can name
it as the column's ``choices`` without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class AuditOutcome(StrEnum):
    OK = "ok"
    #: A wrong password or code.
    FAILED = "failed"
    #: Asked for something outside the actor's scope or role.
    REFUSED = "refused"
    #: Slowed down: too many tries.
    THROTTLED = "throttled"
    #: A file or form refused as a whole (nothing was changed).
    REJECTED = "rejected"

"""What an outbox message is and where it stands, as stored in ``outbox_message.kind``/``.status``.

A leaf module: it imports nothing from ``survey_app``, so ``survey_app.db.tables`` can name these
as its columns' ``choices`` without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    SURVEY_OPENED = "survey_opened"
    REMINDER = "reminder"
    DIGEST = "digest"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a kind of email, not a password)
    STAFF_INVITATION = "staff_invitation"
    SAFEGUARDING = "safeguarding"
    ESCALATION = "escalation"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a kind of email, not a password)


class MessageStatus(StrEnum):
    PENDING = "pending"
    #: Claimed by one sender; a claim gone stale is sent again.
    SENDING = "sending"
    SENT = "sent"
    #: Kept, never dropped, so the LA sees whose contact details are missing.
    NO_ADDRESS = "no_address"
    #: Its secrets no longer unseal (the server secret was changed): trying again cannot help.
    UNREADABLE = "unreadable"
    #: Its pupil's link was replaced (survey reissued) or withdrawn (placement cancelled) before
    #: it went: sending it would hand out a dead link, so it is kept, marked, and never sent.
    WITHDRAWN = "withdrawn"

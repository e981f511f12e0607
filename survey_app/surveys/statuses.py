"""What an invitation is for and where it stands, as stored in ``invitation.kind``/``.status``.

A leaf module: it imports nothing from ``survey_app``, so ``survey_app.db.tables`` can name these
as its columns' ``choices`` without an import cycle. Adding a kind of invitation starts here.
"""

from __future__ import annotations

from enum import StrEnum


class InvitationKind(StrEnum):
    """Which survey of a placement's journey an invitation opens (one per kind and period)."""

    #: A short baseline a set number of days after the placement starts.
    START = "start"
    #: A very short check-in each half term, for placements that run longer than one.
    REVIEW = "review"
    #: The survey at the end of a placement: the one every report's figures count.
    END = "end"


class InvitationStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    #: Refused when read, though nothing in the service sets it yet. A link past its expiry
    #: stays ``open`` in the database and is shown as expired.
    REVOKED = "revoked"

"""Whether a school is open, as stored in ``school.status``.

A leaf module: it imports nothing from ``survey_app``, so ``survey_app.db.tables`` can name it
as the column's ``choices`` without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class SchoolStatus(StrEnum):
    OPEN = "open"
    #: Keeps its placements and results but is not offered for new placements.
    CLOSED = "closed"

"""Where a placement stands, as stored in ``placement.status``.

A leaf module: it imports nothing from ``survey_app``, so ``survey_app.db.tables`` can name these
as its columns' ``choices`` without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class PlacementStatus(StrEnum):
    ACTIVE = "active"
    #: Entered in error: its survey is withdrawn, and it is left out of chasing and reports.
    #: Kept rather than deleted, so its history says who cancelled it and when.
    CANCELLED = "cancelled"

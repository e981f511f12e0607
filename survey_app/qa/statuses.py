"""Kinds of QA visit and where a QA action stands, as stored in ``qa_visit.kind`` and
``qa_action.status``.

A leaf module: it imports nothing from ``survey_app``, so ``survey_app.db.tables`` can name these
as its columns' ``choices`` without an import cycle.
"""

from __future__ import annotations

from enum import StrEnum


class VisitKind(StrEnum):
    ROUTINE = "routine"
    SPOT_CHECK = "spot_check"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"

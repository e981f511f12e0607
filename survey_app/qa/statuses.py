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


class YouSaidStatus(StrEnum):
    """Where a provider's "You said, we did" entry stands, as stored in ``you_said.status``."""

    #: Being written (by the provider, or the LA on its behalf); also where the LA sends it back.
    DRAFT = "draft"
    #: Waiting for the LA's review.
    SUBMITTED = "submitted"
    #: Shown to pupils starting at the provider; at most one per provider per LA.
    PUBLISHED = "published"
    #: Taken down (by the LA, or replaced by a newer published entry): kept, never shown.
    WITHDRAWN = "withdrawn"

"""Where a safeguarding alert or a free-text answer's review stands, as stored.

``safeguarding_alert.status`` and ``answer.review_status``. A leaf module: it imports nothing
from ``survey_app``, so ``survey_app.db.tables`` can name these as its columns' ``choices``.
"""

from __future__ import annotations

from enum import StrEnum


class AlertStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    #: An action has been recorded.
    CLOSED = "closed"


class ReviewStatus(StrEnum):
    #: Waiting for the safeguarding contact; reports show nothing of it yet.
    PENDING = "pending"
    RELEASED = "released"
    WITHHELD = "withheld"

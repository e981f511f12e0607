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


class HelpReason(StrEnum):
    """Why an alert was raised (``safeguarding_alert.reason``), and so what the help page says."""

    #: The pupil chose an option marked for safeguarding ("Not safe", "I want to talk").
    ANSWER = "answer"
    #: The pupil's own words matched the screening list: an adult will read what they wrote.
    WORDS = "words"

"""Where a placement's end-of-placement survey stands, as the placements list filters by it.

Derived from the invitation's stored status and expiry (``surveys/statuses.py``), not stored.
"""

from __future__ import annotations

from enum import StrEnum


class SurveyState(StrEnum):
    #: No survey issued yet (the placement has not ended, or it is being prepared).
    NOT_ISSUED = "not_issued"
    #: Open and not past its expiry: waiting for the pupil.
    WAITING = "waiting"
    ANSWERED = "answered"
    #: Open in the database but past its expiry: closed, not answered.
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


SURVEY_STATE_LABELS = {
    SurveyState.NOT_ISSUED: "Not open yet",
    SurveyState.WAITING: "Waiting for pupil",
    SurveyState.ANSWERED: "Completed",
    SurveyState.CLOSED: "Closed, not answered",
    SurveyState.WITHDRAWN: "Withdrawn",
}

"""Where a placement's end-of-placement survey stands, as the list, its filter and its export
name it. Derived from the placement and its invitation, never stored."""

from __future__ import annotations

from enum import StrEnum


class SurveyState(StrEnum):
    #: The placement has not ended: no survey yet.
    NOT_OPEN_YET = "not_open_yet"
    #: Ended, its survey not issued yet (the scheduled work issues it within minutes).
    BEING_PREPARED = "being_prepared"
    WAITING = "waiting"
    COMPLETED = "completed"
    #: Open in the database but past its expiry: the link no longer works.
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


SURVEY_STATE_LABEL = {
    SurveyState.NOT_OPEN_YET: "Not open yet",
    SurveyState.BEING_PREPARED: "Survey being prepared",
    SurveyState.WAITING: "Waiting for pupil",
    SurveyState.COMPLETED: "Completed",
    SurveyState.CLOSED: "Closed, not answered",
    SurveyState.WITHDRAWN: "Withdrawn",
}

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
    #: Withdrawn because its placement was cancelled (the pupil's link says kindly they need not
    #: do it), or, for an end survey not yet started, because its placement's planned end moved
    #: later (the link says when it will open; ``placements/end_moves.py``). A link past its
    #: expiry stays ``open`` in the database and is shown as expired (``SurveyState``).
    REVOKED = "revoked"


class SurveyState(StrEnum):
    """Where a placement's survey stands as staff and the API are told: worked out from the
    invitation's stored status and the clock, never stored itself."""

    #: The placement has not reached the day its survey opens.
    NOT_OPEN_YET = "not_open_yet"
    #: Due now: the scheduled work issues it within minutes.
    PREPARING = "preparing"
    OPEN = "open"
    COMPLETED = "completed"
    #: Its closing time passed with no answer: "Closed, not answered".
    EXPIRED = "expired"
    #: The placement was cancelled as entered in error.
    WITHDRAWN = "withdrawn"


#: What the placements list's survey filter offers, in the words the list shows. "Preparing" (due,
#: issued within minutes) is found under "Not open yet": either way there is no link yet.
SURVEY_FILTER_LABELS: dict[SurveyState, str] = {
    SurveyState.NOT_OPEN_YET: "Not open yet",
    SurveyState.OPEN: "Waiting for pupil",
    SurveyState.COMPLETED: "Completed",
    SurveyState.EXPIRED: "Closed, not answered",
    SurveyState.WITHDRAWN: "Withdrawn",
}

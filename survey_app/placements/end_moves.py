"""When a placement's planned end moves later (a term added, common in AP) after its end survey
opened early: the end survey follows the placement's real end.

The one code path the placement page and the API share (``corrections.edit_placement``) and the
CSV re-import (``csv_import.import_placements``) both call ``follow_later_end`` in the
transaction that moved the date.

* Not answered and not started: withdrawn, with the mechanics used when a placement is
  cancelled (``surveys/link_changes.withdraw``: its link stops, unsent emails about it are
  withdrawn, it leaves the chasing list and the QR slips). The pupil's link then says kindly
  that the survey is not open yet and when it will open (``surveys/due.postponed_end``), and
  the dispatcher issues a new end survey at the new time (``surveys/due.due_placements`` counts
  only end surveys still standing); check-ins resume in the extra time by the usual rules.
* Part-answered (answers saved as drafts, or kept as a partial response when its link closed):
  kept as it is. What the pupil said is never thrown away, and a second end survey would give
  the placement two end-of-placement answers in the reports; so the pupil may finish it, it
  stays on the chasing list, and no second end survey is issued.
* Answered: kept and counted as it was given; no second end survey is issued.

Each case is one line in the placement's history, in plain words. Moving the end earlier is left
as it was (the dispatcher opens the end survey when its day comes); a retry of the same
correction changes nothing, so adds no line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.db.tables import DraftAnswer, Invitation, Response
from survey_app.organisations.la_settings import EffectiveSettings
from survey_app.placements.changes import survey_field
from survey_app.surveys.due import end_survey_opens
from survey_app.surveys.link_changes import withdraw
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import today_in_england

#: The history's field for what happened to the survey itself (``changes.SURVEY_CHANGES``).
FIELD = survey_field("survey_status", InvitationKind.END)


#: The history line for an answered end survey, kept when the placement was extended.
ANSWERED = (
    FIELD,
    "Answered",
    "End survey kept: the pupil has answered it, and what they said is counted; "
    "no second end survey will be issued",
)


def _day(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def moved_later(old_end: dt.date | None, new_end: dt.date | None) -> bool:
    """The planned end moved later, or was cleared (no end known: later than any date)."""
    if old_end is None:
        return False
    return new_end is None or new_end > old_end


def _ends(new_end: dt.date | None, opens_on: dt.date | None) -> str:
    if new_end is None or opens_on is None:
        return (
            "the placement no longer has a planned end date; "
            "it will open when the placement is ended"
        )
    return f"the placement now ends on {_day(new_end)}; it will open on {_day(opens_on)}"


async def follow_later_end(
    placement: dict[str, Any],
    new_end: dt.date | None,
    authority: EffectiveSettings,
    now: dt.datetime,
) -> list[tuple[str, str, str]]:
    """The end survey of ``placement`` (its row as it was before the correction) after its
    planned end moved to ``new_end``; returns the history line (field, from, to), if any.

    Only for a placement not yet ended whose end moved later so far that its end survey would
    not be open yet; a placement that has ended surveys by the day it ended. Call inside the
    transaction that moved the date.
    """
    if placement["ended_on"] is not None or not moved_later(placement["planned_end_date"], new_end):
        return []
    opens_on = end_survey_opens(new_end, authority)
    if opens_on is not None and opens_on <= today_in_england(now):
        # Still within the days before the end when it opens: it stays as it is.
        return []
    survey: dict[str, Any] | None = (
        await Invitation.select(Invitation.id, Invitation.status)
        .where(
            Invitation.placement == placement["id"],
            Invitation.kind == InvitationKind.END,
            Invitation.status != InvitationStatus.REVOKED,
        )
        .first()
    )
    if survey is None:
        return []
    if survey["status"] == InvitationStatus.COMPLETED:
        return [ANSWERED]
    started = await DraftAnswer.exists().where(
        DraftAnswer.invitation == survey["id"]
    ) or await Response.exists().where(Response.invitation == survey["id"])
    if started:
        return [
            (
                FIELD,
                "Started, not sent",
                "End survey kept open: the pupil has started it, and what they said is kept; "
                "no second end survey will be issued",
            )
        ]
    await withdraw(survey["id"], now)
    # Withdrawing is conditional on it still being open: a pupil who sent it a moment ago
    # keeps it, and the history says so rather than that it was withdrawn.
    if not await Invitation.exists().where(
        Invitation.id == survey["id"], Invitation.status == InvitationStatus.REVOKED
    ):
        return [ANSWERED]
    return [(FIELD, "Open, not answered", f"End survey withdrawn: {_ends(new_end, opens_on)}")]

"""A placement's surveys as staff and the API see them: each survey's state as of now (from its
stored status and the clock), the latest survey of any kind with its safeguarding flag, and
every survey of a placement, oldest first."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from survey_app.db.engine import batches
from survey_app.db.tables import Invitation, Response, SafeguardingAlert
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.invitations import InvitationLink, link_for
from survey_app.surveys.statuses import InvitationStatus, SurveyState
from survey_app.time_in_england import today_in_england


class InvitationView(msgspec.Struct, frozen=True):
    id: uuid.UUID
    #: start, review or end (``surveys/statuses.py``).
    kind: str
    #: As it stands now: ``open``, ``completed``, ``expired`` (closed, not answered) or
    #: ``revoked`` (withdrawn when its placement was cancelled, or an end survey withdrawn when
    #: its placement was extended: a new one opens nearer the new end).
    status: str
    questionnaire_id: str
    opened_at: dt.datetime
    expires_at: dt.datetime
    completed_at: dt.datetime | None
    #: Only while the pupil can still answer: an expired or withdrawn survey shows no dead link.
    link: InvitationLink | None
    #: Goes up by one each time the survey is reissued; send it back to reissue only once.
    link_version: int = 0
    #: A review's half term (its first day, "2027-01-01"); "" for start and end surveys.
    period: str = ""


def survey_state(
    row: dict[str, Any],
    invitation: dict[str, Any] | None,
    now: dt.datetime,
    opens_on: dt.date | None,
) -> SurveyState:
    """Where a placement's survey stands now, from its stored statuses and the clock."""
    if invitation is None:
        if row["status"] == PlacementStatus.CANCELLED:
            return SurveyState.WITHDRAWN
        today = today_in_england(now)
        if (row["ended_on"] and row["ended_on"] <= today) or (opens_on and opens_on <= today):
            return SurveyState.PREPARING
        return SurveyState.NOT_OPEN_YET
    if invitation["status"] == InvitationStatus.COMPLETED:
        return SurveyState.COMPLETED
    if invitation["status"] == InvitationStatus.REVOKED:
        return SurveyState.WITHDRAWN
    if invitation["expires_at"] < now:
        return SurveyState.EXPIRED
    return SurveyState.OPEN


#: What the API's ``invitation.status`` says for each state an invitation can be in.
INVITATION_STATUS = {
    SurveyState.OPEN: InvitationStatus.OPEN,
    SurveyState.COMPLETED: InvitationStatus.COMPLETED,
    SurveyState.EXPIRED: SurveyState.EXPIRED,
    SurveyState.WITHDRAWN: InvitationStatus.REVOKED,
}


def invitation_view(
    settings: Settings, invitation: dict[str, Any], now: dt.datetime
) -> InvitationView:
    """What staff and the API are shown of an invitation as it stands ``now``: the link only
    while the pupil can still answer, so an expired or withdrawn survey shows no dead link."""
    state = survey_state({}, invitation, now, None)
    return InvitationView(
        id=invitation["id"],
        kind=invitation["kind"],
        status=INVITATION_STATUS[state],
        questionnaire_id=invitation["questionnaire_id"],
        opened_at=invitation["opened_at"],
        expires_at=invitation["expires_at"],
        completed_at=invitation["completed_at"],
        link=(
            link_for(settings, invitation["id"], invitation["revocation_counter"])
            if state == SurveyState.OPEN
            else None
        ),
        link_version=invitation["revocation_counter"],
        period=invitation["period"],
    )


async def latest_surveys(placement_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each placement's latest survey (the one open, if any: opening one closes the others),
    flagged if the pupil asked for help or felt unsafe in any of its surveys."""
    if not placement_ids:
        return {}
    rows = await (
        Invitation.select()
        .where(Invitation.placement.is_in(placement_ids))
        .order_by(Invitation.opened_at)
    )
    if not rows:
        return {}
    ids = [row["id"] for row in rows]
    flagged = {
        row["invitation"]
        for row in await Response.select(Response.invitation).where(
            Response.invitation.is_in(ids),
            Response.needs_follow_up == True,  # noqa: E712
        )
    }
    # An alert is never undone by a later answer: a pupil who said "Not safe" and then changed
    # it (or a browser that sent over their answers) still needs following up.
    flagged |= {
        row["invitation"]
        for row in await SafeguardingAlert.select(SafeguardingAlert.invitation).where(
            SafeguardingAlert.invitation.is_in(ids)
        )
    }
    return latest_with_flags(rows, flagged)


def latest_with_flags(
    rows: list[dict[str, Any]], flagged_invitations: set[uuid.UUID]
) -> dict[int, dict[str, Any]]:
    """Each placement's latest survey from its invitation rows (oldest first), flagged when the
    pupil asked for help or felt unsafe in any of that placement's surveys."""
    flagged = {row["placement"] for row in rows if row["id"] in flagged_invitations}
    latest = {row["placement"]: row for row in rows}
    return {
        placement: {**row, "needs_follow_up": placement in flagged}
        for placement, row in latest.items()
    }


async def every_invitation(
    settings: Settings, placement_ids: list[int], now: dt.datetime
) -> dict[int, list[InvitationView]]:
    """Every invitation of these placements (start, reviews, end), oldest first, each as it
    stands ``now``.

    The caller passes placements it has already scoped to the actor.
    """
    found: dict[int, list[InvitationView]] = {}
    for batch in batches(placement_ids):
        rows = await (
            Invitation.select()
            .where(Invitation.placement.is_in(list(batch)))
            .order_by(Invitation.opened_at)
        )
        for row in rows:
            found.setdefault(row["placement"], []).append(invitation_view(settings, row, now))
    return found

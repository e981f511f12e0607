"""Correcting a placement's survey: cancelling the placement as entered in error (its survey
withdrawn), reissuing the survey or extending its closing date. Each is kept in the placement's
history (``placements/changes.py``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from survey_app.accounts.scoping import Actor
from survey_app.db.engine import transaction
from survey_app.db.tables import Placement
from survey_app.placements.changes import (
    NO_SUCH_SURVEY,
    chosen_invitation,
    not_the_latest,
    placement_invitations,
    placement_to_correct,
    remember,
    survey_field,
)
from survey_app.placements.records import CANCELLED_ALREADY
from survey_app.placements.rules import FieldError, read_date
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.link_changes import extend_expiry, replace_link, withdraw
from survey_app.surveys.statuses import InvitationStatus
from survey_app.time_in_england import date_in_england, today_in_england

#: Why a closed survey cannot be reissued, when extending it is what would help.
CLOSED_EXTEND_FIRST = "This survey has closed: extend its closing date first, which reopens it"
#: A survey may be kept open at most this long from today.
MAX_EXTENSION = dt.timedelta(days=365)


class SurveyReissue(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Reissue the survey. Give the ``link_version`` you last saw so that a retried request
    reissues once: if the survey was reissued since, nothing changes."""

    link_version: int | None = None
    #: Which of the placement's surveys (start, check-in or end); by default the latest.
    invitation_id: uuid.UUID | None = None


class SurveyExtension(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Keep the survey open until the end of this day: 2026-12-18 or 18/12/2026."""

    #: Checked only once the placement is found, so a missing date on someone else's
    #: placement is "not found" like any other request about it.
    closes_on: str | None = None
    #: Which of the placement's surveys (start, check-in or end); by default the latest.
    invitation_id: uuid.UUID | None = None


async def cancel_placement(
    actor: Actor, placement_id: int, now: dt.datetime
) -> tuple[bool, list[FieldError]]:
    """Cancel a placement entered in error: its survey is withdrawn (the pupil's link then
    says so) and it leaves chasing and reports. An answered survey is never thrown away: such
    a placement is corrected, not cancelled. Cancelling twice changes nothing the second time."""
    row = await placement_to_correct(actor, placement_id)
    if row is None:
        return False, []
    if row["status"] == PlacementStatus.CANCELLED:
        return True, []
    invitations = await placement_invitations(placement_id)
    # A start survey or check-in answered counts too: what the pupil said is kept.
    if any(found["status"] == InvitationStatus.COMPLETED for found in invitations):
        return True, [
            FieldError(
                "cancel",
                "The pupil has answered one of this placement's surveys, so it cannot be "
                "cancelled: correct its details instead, so that what they said is kept",
            )
        ]
    async with transaction():
        cancelled = (
            await Placement.update({Placement.status: PlacementStatus.CANCELLED})
            .where(Placement.id == placement_id, Placement.status == PlacementStatus.ACTIVE)
            .returning(Placement.id)
        )
        if not cancelled:
            return True, []
        # Every survey still open, of every kind: none of them should have been asked.
        for invitation in invitations:
            await withdraw(invitation["id"], now)
        await remember(
            placement_id, actor, now, [("status", "Active", "Cancelled as entered in error")]
        )
    return True, []


async def reissue_survey(
    settings: Settings,
    actor: Actor,
    placement_id: int,
    link_version: int | None,
    now: dt.datetime,
    invitation_id: uuid.UUID | None = None,
) -> tuple[bool, list[FieldError]]:
    """Give the placement's open survey a new link and short code; the old ones stop working.
    ``link_version`` is the version the requester saw: stale, and nothing changes (a double
    submit reissues once). ``invitation_id`` names the survey (start, check-in or end); by
    default the placement's latest, the one waiting."""
    row = await placement_to_correct(actor, placement_id)
    if row is None:
        return False, []
    invitation = await chosen_invitation(placement_id, invitation_id)
    if invitation_id is not None and invitation is None:
        return True, [FieldError("reissue", NO_SUCH_SURVEY)]
    problem = _survey_problem(row, invitation, now, reopening=False)
    # An older survey that closed cannot be extended either once a later one opened: say that,
    # not "extend it first", which the officer would try and be refused.
    if problem in (None, CLOSED_EXTEND_FIRST) and invitation_id is not None:
        problem = await not_the_latest(placement_id, invitation_id) or problem
    if problem:
        return True, [FieldError("reissue", problem)]
    assert invitation is not None
    seen = invitation["revocation_counter"] if link_version is None else link_version
    async with transaction():
        version = await replace_link(settings, invitation["id"], seen, now)
        if version is not None:
            await remember(
                placement_id,
                actor,
                now,
                [
                    (
                        survey_field("survey_link", invitation["kind"]),
                        f"version {seen}",
                        f"version {version} (the old one stops)",
                    )
                ],
            )
    return True, []


def closing_date_from_text(text: str, today: dt.date) -> tuple[dt.date | None, list[FieldError]]:
    """The new closing date of a survey, as typed: after today, within a year."""
    errors: list[FieldError] = []
    if not text.strip():
        return None, [FieldError("closes_on", "Enter the date the survey should close")]
    closes_on = read_date("closes_on", text, errors)
    if closes_on is None:
        return None, errors
    if closes_on < today:
        errors.append(FieldError("closes_on", "New closing date must be today or later"))
    elif closes_on > today + MAX_EXTENSION:
        errors.append(FieldError("closes_on", "New closing date must be within a year from today"))
    return closes_on, errors


async def extend_survey(
    actor: Actor,
    placement_id: int,
    closes_text: str,
    now: dt.datetime,
    invitation_id: uuid.UUID | None = None,
) -> tuple[bool, list[FieldError]]:
    """Keep an unanswered survey open until the end of a later day, reopening it if it had
    closed. Asking again for the date it already closes on changes nothing. ``invitation_id``
    names the survey (start, check-in or end); by default the placement's latest."""
    row = await placement_to_correct(actor, placement_id)
    if row is None:
        return False, []
    invitation = await chosen_invitation(placement_id, invitation_id)
    if invitation_id is not None and invitation is None:
        return True, [FieldError("closes_on", NO_SUCH_SURVEY)]
    problem = _survey_problem(row, invitation, now, reopening=True)
    if problem is None and invitation_id is not None:
        problem = await not_the_latest(placement_id, invitation_id)
    if problem:
        return True, [FieldError("closes_on", problem)]
    assert invitation is not None
    closes_on, errors = closing_date_from_text(closes_text, today_in_england(now))
    if errors or closes_on is None:
        return True, errors
    closed_on = date_in_england(invitation["expires_at"])
    if closes_on == closed_on:
        return True, []
    if closes_on < closed_on:
        return True, [
            FieldError(
                "closes_on",
                f"New closing date must be after the date it closes now ({closed_on:%-d %B %Y})",
            )
        ]
    async with transaction():
        if await extend_expiry(invitation["id"], closes_on):
            await remember(
                placement_id,
                actor,
                now,
                [
                    (
                        survey_field("survey_closes", invitation["kind"]),
                        closed_on.isoformat(),
                        closes_on.isoformat(),
                    )
                ],
            )
    return True, []


def _survey_problem(
    row: dict[str, Any], invitation: dict[str, Any] | None, now: dt.datetime, *, reopening: bool
) -> str | None:
    """Why this placement's survey cannot be reissued (or extended), in plain words."""
    if row["status"] == PlacementStatus.CANCELLED:
        return CANCELLED_ALREADY
    if invitation is None:
        return "This placement's survey has not opened yet"
    if invitation["status"] == InvitationStatus.COMPLETED:
        return "The pupil has already answered this survey"
    if invitation["status"] != InvitationStatus.OPEN:
        return "This survey was withdrawn"
    if not reopening and invitation["expires_at"] < now:
        return CLOSED_EXTEND_FIRST
    return None

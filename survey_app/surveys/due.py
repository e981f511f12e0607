"""Which placements are due a survey now, of each kind, and issuing them all: the end survey
first, then half-termly check-ins, then start surveys, so a pupil never has two open at once
(``surveys/invitations.py`` issues each batch)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from typing import Any

import msgspec

from reports.periods import half_term_start
from survey_app.db.tables import Invitation, Placement
from survey_app.organisations.la_settings import (
    EffectiveSettings,
    all_effective,
    effective_settings,
)
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.invitations import issue_for
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import today_in_england

#: A placement "runs longer than a half term" once it has run this many days (six weeks).
HALF_TERM_DAYS = 42
#: Fewest days between a pupil's surveys: a review waits until the last survey is this old.
REVIEW_GAP_DAYS = 35
#: No check-in this close to the day the end survey opens: the end survey asks it all.
NO_REVIEW_BEFORE_END_DAYS = 21


def end_survey_opens(planned_end: dt.date | None, authority: EffectiveSettings) -> dt.date | None:
    """The day the end survey of a placement not yet ended opens: the LA's chosen days before
    its planned end (None: no planned end, so it opens on the day the placement is ended)."""
    if planned_end is None:
        return None
    return planned_end - dt.timedelta(days=authority.invitation_open_days_before)


def live(kind: InvitationKind) -> Any:
    """A where-clause: the placement's surveys of this kind that still stand, answered or not.

    A withdrawn survey (``revoked``) is not one: it was never the pupil's to answer, so it does
    not stop the survey of its kind opening again (an end survey withdrawn when the planned end
    moved later opens again nearer the new end; ``placements/end_moves.py``). A cancelled
    placement's withdrawn surveys never come back: every finder below asks for active
    placements only.
    """
    return (Invitation.kind == kind) & (Invitation.status != InvitationStatus.REVOKED)


def next_survey(
    placement: dict[str, Any], authority: EffectiveSettings, today: dt.date
) -> tuple[InvitationKind, dt.date | None]:
    """For a placement with no survey yet: which survey opens first and on what day (None: the
    end survey, on the day the placement is ended, having no planned end).

    The same rules as ``due_starts``, ``due_reviews`` and ``due_placements`` below, read as
    dates: a start survey (if the LA has them) unless it would open after the end survey or its
    window has passed (recorded late: skipped); else a check-in (if the LA has them) once the
    placement has run a half term, unless that is too close to the end survey; else the end
    survey, the LA's chosen days before the planned end (or when it has ended).
    """
    if placement["ended_on"]:
        return InvitationKind.END, placement["ended_on"]
    start: dt.date = placement["start_date"]
    end_opens = end_survey_opens(placement["planned_end_date"], authority)
    if authority.start_survey:
        start_opens = start + dt.timedelta(days=authority.start_survey_days)
        still_a_baseline = today < start_opens + dt.timedelta(days=authority.invitation_expiry_days)
        if still_a_baseline and (end_opens is None or start_opens < end_opens):
            return InvitationKind.START, start_opens
    if authority.review_survey:
        review_opens = max(start + dt.timedelta(days=HALF_TERM_DAYS), today)
        if end_opens is None or review_opens < end_opens - dt.timedelta(
            days=NO_REVIEW_BEFORE_END_DAYS
        ):
            return InvitationKind.REVIEW, review_opens
    return InvitationKind.END, end_opens


class PostponedEnd(msgspec.Struct, frozen=True):
    """An end survey withdrawn because its placement's planned end moved later
    (``placements/end_moves.py``), as its old link tells the pupil."""

    #: The day the new end survey opens; None when it opens on the day the placement is ended.
    opens_on: dt.date | None
    #: The new end survey has opened already (with a new link): this link is not the one.
    reissued: bool


async def postponed_end(settings: Settings, invitation_id: uuid.UUID) -> PostponedEnd | None:
    """For a withdrawn invitation: whether it is an end survey withdrawn because the placement
    was extended (a withdrawn end survey of a placement still active: cancelling is the only
    other way a survey is withdrawn, and it cancels the placement), and when it opens again."""
    placement = Invitation.placement
    row = (
        await Invitation.select(
            Invitation.kind,
            Invitation.status,
            Invitation.placement,
            placement.status.as_alias("placement_status"),
            placement.planned_end_date.as_alias("planned_end_date"),
            placement.ended_on.as_alias("ended_on"),
            placement.local_authority.as_alias("local_authority"),
        )
        .where(Invitation.id == invitation_id)
        .first()
    )
    if (
        row is None
        or row["kind"] != InvitationKind.END
        or row["status"] != InvitationStatus.REVOKED
        or row["placement_status"] != PlacementStatus.ACTIVE
    ):
        return None
    reissued = await Invitation.exists().where(
        Invitation.placement == row["placement"], live(InvitationKind.END)
    )
    if row["ended_on"] is not None:
        return PostponedEnd(opens_on=row["ended_on"], reissued=reissued)
    authority = await effective_settings(settings, row["local_authority"])
    return PostponedEnd(
        opens_on=end_survey_opens(row["planned_end_date"], authority), reissued=reissued
    )


async def due_placements(settings: Settings, now: dt.datetime, limit: int = 5000) -> list[int]:
    """Placements whose end-of-placement survey should open now and has not."""
    today = today_in_england(now)
    # Each LA may choose how many days before the planned end its surveys open: one condition
    # per distinct choice, so still one query however many LAs share a deployment.
    by_days: dict[int, list[int]] = {}
    for authority in (await all_effective(settings)).values():
        by_days.setdefault(authority.invitation_open_days_before, []).append(authority.la_id)
    planned_due = [
        (Placement.local_authority.is_in(la_ids))
        & (Placement.planned_end_date <= today + dt.timedelta(days=days))
        for days, la_ids in by_days.items()
    ]
    planned = functools.reduce(operator.or_, planned_due) if planned_due else None
    ended = (Placement.ended_on.is_not_null()) & (Placement.ended_on <= today)
    has_invitation = Invitation.select(Invitation.placement).where(live(InvitationKind.END))
    due = (
        await Placement.select(Placement.id)
        .where(
            ended
            if planned is None
            else ended | ((Placement.planned_end_date.is_not_null()) & planned),
            Placement.id.not_in(has_invitation),
            # Entered in error: no survey is ever issued for it.
            Placement.status == PlacementStatus.ACTIVE,
        )
        .order_by(Placement.id)
        .limit(limit)
    )
    return [row["id"] for row in due]


def _not_ended(today: dt.date) -> Any:
    return (Placement.ended_on.is_null()) | (Placement.ended_on > today)


async def due_reviews(settings: Settings, now: dt.datetime, limit: int = 5000) -> list[int]:
    """Placements whose check-in for this half term should open now and has not.

    For LAs with reviews on: the placement has run longer than a half term, has not ended, has
    no end survey (a review due when the end survey opens is skipped) and is not within
    ``NO_REVIEW_BEFORE_END_DAYS`` of it, has no review this half term, and its last survey
    opened at least ``REVIEW_GAP_DAYS`` ago.
    """
    today = today_in_england(now)
    # One condition per LA: each chooses how many days before the planned end its end survey
    # opens, and whether it has reviews at all.
    far_from_end = [
        (Placement.local_authority == authority.la_id)
        & (
            Placement.planned_end_date.is_null()
            | (
                Placement.planned_end_date
                > today
                + dt.timedelta(
                    days=authority.invitation_open_days_before + NO_REVIEW_BEFORE_END_DAYS
                )
            )
        )
        for authority in (await all_effective(settings)).values()
        if authority.review_survey
    ]
    if not far_from_end:
        return []
    period = half_term_start(today).isoformat()
    # A withdrawn survey asked the pupil nothing: it is neither their end survey nor their
    # last survey (an end survey withdrawn when the placement was extended lets check-ins
    # resume in the extra time, by the usual rules).
    recent = Invitation.select(Invitation.placement).where(
        live(InvitationKind.END)
        | ((Invitation.kind == InvitationKind.REVIEW) & (Invitation.period == period))
        | (
            (Invitation.opened_at > now - dt.timedelta(days=REVIEW_GAP_DAYS))
            & (Invitation.status != InvitationStatus.REVOKED)
        )
    )
    due = (
        await Placement.select(Placement.id)
        .where(
            functools.reduce(operator.or_, far_from_end),
            Placement.start_date <= today - dt.timedelta(days=HALF_TERM_DAYS),
            _not_ended(today),
            Placement.id.not_in(recent),
            Placement.status == PlacementStatus.ACTIVE,
        )
        .order_by(Placement.id)
        .limit(limit)
    )
    return [row["id"] for row in due]


async def due_starts(settings: Settings, now: dt.datetime, limit: int = 5000) -> list[int]:
    """Placements whose start survey should open now and has not.

    For LAs with start surveys on: the placement started the LA's chosen number of days ago (but
    not so long ago that the start survey would already have closed: a late baseline is not a
    baseline), has not ended, and has had no survey of any kind (a start not yet opened when a
    review or the end survey opens is skipped).
    """
    today = today_in_england(now)
    windows = [
        (Placement.local_authority == authority.la_id)
        & (Placement.start_date <= today - dt.timedelta(days=authority.start_survey_days))
        & (
            Placement.start_date
            > today
            - dt.timedelta(days=authority.start_survey_days + authority.invitation_expiry_days)
        )
        for authority in (await all_effective(settings)).values()
        if authority.start_survey
    ]
    if not windows:
        return []
    due = (
        await Placement.select(Placement.id)
        .where(
            functools.reduce(operator.or_, windows),
            _not_ended(today),
            Placement.id.not_in(Invitation.select(Invitation.placement)),
            Placement.status == PlacementStatus.ACTIVE,
        )
        .order_by(Placement.id)
        .limit(limit)
    )
    return [row["id"] for row in due]


async def issue_due(settings: Settings, now: dt.datetime) -> int:
    """Issue every invitation that is due; running it again issues nothing new.

    End surveys first, then reviews, then start surveys: each later kind skips placements the
    earlier ones have just given a survey, so a pupil never has two open at once.
    """
    total = 0
    period = half_term_start(today_in_england(now)).isoformat()
    steps = (
        (due_placements, InvitationKind.END, ""),
        (due_reviews, InvitationKind.REVIEW, period),
        (due_starts, InvitationKind.START, ""),
    )
    for finder, kind, kind_period in steps:
        while batch := await finder(settings, now):
            issued = await issue_for(settings, batch, now, kind, kind_period)
            total += issued
            if not issued:
                break
    return total

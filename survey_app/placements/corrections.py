"""Correcting a placement: editing it, cancelling it as entered in error, reissuing its survey
or extending its closing date. Each correction is kept in the placement's history
(``placement_change``: what changed, when, by whom), shown on the placement page.

Every function takes the actor and finds the placement through ``scope()``: a placement out of
scope is "not found" (``found`` False), and provider staff may correct nothing (``NotAllowed``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec

from questionnaires.bands import questionnaire_for
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import Invitation, Placement, PlacementChange, School
from survey_app.organisations.provider_records import provider_names
from survey_app.placements.records import (
    CANCELLED_ALREADY,
    NotAllowed,
    check_references,
)
from survey_app.placements.rules import (
    FORM_LABELS,
    FieldError,
    PlacementIn,
    commissioner_key,
    read_date,
    read_placement,
)
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.link_changes import extend_expiry, replace_link, withdraw
from survey_app.surveys.statuses import InvitationStatus
from survey_app.time_in_england import date_in_england, today_in_england

#: What an edit may change. The pupil reference is how the commissioner knows the pupil, and
#: the placement's identity: a wrong one is cancelled and recorded afresh.
EDITABLE = (
    "provider_id",
    "school_id",
    "la_team",
    "year_group",
    "start_date",
    "planned_end_date",
    "hours_per_week",
    "purpose",
)
#: Copied onto the pupil's response when they answer (reports count by them): fixed from then on.
FIXED_ONCE_ANSWERED = ("provider_id", "school_id", "la_team", "year_group", "simplest_version")
#: A survey may be kept open at most this long from today.
MAX_EXTENSION = dt.timedelta(days=365)
#: History rows that are about the survey, not a field, with how the page names them.
SURVEY_CHANGES = {
    "status": "Status",
    "survey_link": "Survey link and code",
    "survey_closes": "Survey closes",
}


class PlacementEdit(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A correction through the API: only the fields given change. Values are read by the
    same reader as a new placement; give ``planned_end_date`` or ``school_id`` as null to
    clear it (a school's placement moved to an LA team, or an end date not known after all)."""

    provider_id: int | str | msgspec.UnsetType = msgspec.UNSET
    school_id: int | str | msgspec.UnsetType | None = msgspec.UNSET
    la_team: str | msgspec.UnsetType | None = msgspec.UNSET
    year_group: int | str | msgspec.UnsetType = msgspec.UNSET
    start_date: str | msgspec.UnsetType = msgspec.UNSET
    planned_end_date: str | msgspec.UnsetType | None = msgspec.UNSET
    hours_per_week: float | str | msgspec.UnsetType = msgspec.UNSET
    purpose: str | msgspec.UnsetType = msgspec.UNSET


#: Said when the survey named is not one of the placement's.
NO_SUCH_SURVEY = "This placement has no survey with that id"


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


class Change(msgspec.Struct, frozen=True):
    """One line of a placement's history, as the page shows it."""

    changed_at: dt.datetime
    what: str
    old_value: str
    new_value: str
    by: str


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


async def _placement(actor: Actor, placement_id: int) -> dict[str, Any] | None:
    if actor.role == Role.PROVIDER_STAFF:
        raise NotAllowed("Provider staff cannot correct placements")
    row: dict[str, Any] | None = (
        await Placement.select(*Placement.all_columns())
        .where(Placement.id == placement_id, scope(actor, Placement))
        .first()
    )
    return row


async def _invitation(
    placement_id: int, invitation_id: uuid.UUID | None = None
) -> dict[str, Any] | None:
    """The survey the officer chose (one of this placement's, of any kind), or by default the
    placement's latest: the one waiting, if any, since opening a survey closes the others."""
    query = Invitation.select(*Invitation.all_columns()).where(Invitation.placement == placement_id)
    if invitation_id is not None:
        query = query.where(Invitation.id == invitation_id)
    row: dict[str, Any] | None = await query.order_by(Invitation.opened_at, ascending=False).first()
    return row


async def _invitations(placement_id: int) -> list[dict[str, Any]]:
    """Every survey of the placement: start, check-ins and end."""
    rows: list[dict[str, Any]] = await Invitation.select(*Invitation.all_columns()).where(
        Invitation.placement == placement_id
    )
    return rows


def _current_values(row: dict[str, Any]) -> dict[str, object]:
    """The placement as the one reader takes it, so an edit is checked like a new one."""
    return {
        "provider_id": row["provider"],
        "pupil_reference": row["pupil_reference"],
        "year_group": row["year_group"],
        "start_date": row["start_date"].isoformat(),
        "planned_end_date": (
            row["planned_end_date"].isoformat() if row["planned_end_date"] else None
        ),
        "hours_per_week": row["hours_per_week"],
        "purpose": row["purpose"],
        "school_id": row["school"],
        "la_team": row["la_team"],
        "simplest_version": row["simplest_version"],
    }


def _stored(placement: PlacementIn) -> dict[str, object]:
    return {
        "provider_id": placement.provider_id,
        "school_id": placement.school_id,
        "la_team": placement.la_team,
        "year_group": placement.year_group,
        "start_date": placement.start_date,
        "planned_end_date": placement.planned_end_date,
        "hours_per_week": placement.hours_per_week,
        "purpose": placement.purpose,
    }


async def _names(placement: dict[str, object], la_id: int) -> dict[str, object]:
    """Provider and school by name, as the history shows them: the provider by the name this
    placement's LA keeps for it, never the one another council typed."""
    shown = dict(placement)
    if placement["provider_id"] is not None:
        names = await provider_names([(la_id, int(str(placement["provider_id"])))])
        shown["provider_id"] = names.get(
            (la_id, int(str(placement["provider_id"]))), placement["provider_id"]
        )
    if placement["school_id"] is not None:
        row = await School.select(School.name).where(School.id == placement["school_id"]).first()
        shown["school_id"] = row["name"] if row else placement["school_id"]
    return shown


async def edit_placement(
    actor: Actor, placement_id: int, values: Mapping[str, object], now: dt.datetime
) -> tuple[bool, list[FieldError]]:
    """Correct a placement's fields (those of ``EDITABLE`` given in ``values``); returns
    (found, problems). Read and checked as a new placement is; nothing changes on a problem."""
    row = await _placement(actor, placement_id)
    if row is None:
        return False, []
    if row["status"] == PlacementStatus.CANCELLED:
        return True, [FieldError("purpose", CANCELLED_ALREADY)]
    current = _current_values(row)
    merged = {**current, **{key: values[key] for key in EDITABLE if key in values}}
    placement, errors = read_placement(merged)
    if placement is None:
        return True, errors
    placement, errors = await check_references(actor, placement, kept_provider=row["provider"])
    if errors:
        return True, errors
    before = {
        "provider_id": row["provider"],
        "school_id": row["school"],
        "la_team": row["la_team"],
        "year_group": row["year_group"],
        "start_date": row["start_date"],
        "planned_end_date": row["planned_end_date"],
        "hours_per_week": row["hours_per_week"],
        "purpose": row["purpose"],
    }
    after = _stored(placement)
    changed = [field for field in EDITABLE if before[field] != after[field]]
    if not changed:
        return True, []
    invitations = await _invitations(placement_id)
    # Any answered survey, start or check-in too: its answers are kept as they were given.
    answered = any(found["status"] == InvitationStatus.COMPLETED for found in invitations)
    if answered:
        errors += [
            FieldError(
                field,
                f"{FORM_LABELS[field]} cannot change: the pupil has answered their survey, "
                "and their answers are counted as they were given",
            )
            for field in changed
            if field in FIXED_ONCE_ANSWERED
        ]
    if row["ended_on"] and placement.start_date > row["ended_on"]:
        errors.append(
            FieldError("start_date", "Start date must be on or before the day the placement ended")
        )
    key = commissioner_key(placement.school_id, placement.la_team)
    if await Placement.exists().where(
        Placement.local_authority == row["local_authority"],
        Placement.commissioner_key == key,
        Placement.pupil_reference == row["pupil_reference"],
        Placement.provider == placement.provider_id,
        Placement.start_date == placement.start_date,
        Placement.id != placement_id,
    ):
        errors.append(
            FieldError(
                "start_date",
                "This pupil already has a placement with that provider and start date",
            )
        )
    if errors:
        return True, errors
    shown_before = await _names(before, row["local_authority"])
    shown_after = await _names(after, row["local_authority"])
    async with transaction():
        await Placement.update(
            {
                Placement.provider: placement.provider_id,
                Placement.school: placement.school_id,
                Placement.la_team: placement.la_team,
                Placement.commissioner_key: key,
                Placement.year_group: placement.year_group,
                Placement.start_date: placement.start_date,
                Placement.planned_end_date: placement.planned_end_date,
                Placement.hours_per_week: placement.hours_per_week,
                Placement.purpose: placement.purpose,
            }
        ).where(Placement.id == placement_id)
        if not answered and "year_group" in changed:
            # An unanswered survey, of whichever kind, follows the corrected year group to its
            # age band's wording of that kind.
            for invitation in invitations:
                questionnaire = questionnaire_for(
                    invitation["kind"], placement.year_group, simplest=row["simplest_version"]
                )
                await Invitation.update({Invitation.questionnaire_id: questionnaire}).where(
                    Invitation.id == invitation["id"], Invitation.status == InvitationStatus.OPEN
                )
        await _remember(
            placement_id,
            actor,
            now,
            [
                (field, _as_text(shown_before[field]), _as_text(shown_after[field]))
                for field in changed
            ],
        )
    return True, []


async def cancel_placement(
    actor: Actor, placement_id: int, now: dt.datetime
) -> tuple[bool, list[FieldError]]:
    """Cancel a placement entered in error: its survey is withdrawn (the pupil's link then
    says so) and it leaves chasing and reports. An answered survey is never thrown away: such
    a placement is corrected, not cancelled. Cancelling twice changes nothing the second time."""
    row = await _placement(actor, placement_id)
    if row is None:
        return False, []
    if row["status"] == PlacementStatus.CANCELLED:
        return True, []
    invitations = await _invitations(placement_id)
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
        await _remember(
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
    row = await _placement(actor, placement_id)
    if row is None:
        return False, []
    invitation = await _invitation(placement_id, invitation_id)
    if invitation_id is not None and invitation is None:
        return True, [FieldError("reissue", NO_SUCH_SURVEY)]
    problem = _survey_problem(row, invitation, now, reopening=False)
    if problem is None and invitation_id is not None:
        problem = await _not_the_latest(placement_id, invitation_id)
    if problem:
        return True, [FieldError("reissue", problem)]
    assert invitation is not None
    seen = invitation["revocation_counter"] if link_version is None else link_version
    async with transaction():
        version = await replace_link(settings, invitation["id"], seen, now)
        if version is not None:
            await _remember(
                placement_id,
                actor,
                now,
                [("survey_link", f"version {seen}", f"version {version} (the old one stops)")],
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
    row = await _placement(actor, placement_id)
    if row is None:
        return False, []
    invitation = await _invitation(placement_id, invitation_id)
    if invitation_id is not None and invitation is None:
        return True, [FieldError("closes_on", NO_SUCH_SURVEY)]
    problem = _survey_problem(row, invitation, now, reopening=True)
    if problem is None and invitation_id is not None:
        problem = await _not_the_latest(placement_id, invitation_id)
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
            await _remember(
                placement_id,
                actor,
                now,
                [("survey_closes", closed_on.isoformat(), closes_on.isoformat())],
            )
    return True, []


async def _not_the_latest(placement_id: int, invitation_id: uuid.UUID) -> str | None:
    """A pupil never has two surveys open at once: an earlier survey stays closed once a later
    one has opened."""
    latest = await _invitation(placement_id)
    if latest is not None and latest["id"] != invitation_id:
        return "A later survey of this placement has opened since, so this one stays closed"
    return None


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
        return "This survey has closed: extend its closing date first, which reopens it"
    return None


async def _remember(
    placement_id: int, actor: Actor, now: dt.datetime, changes: list[tuple[str, str, str]]
) -> None:
    await PlacementChange.insert(
        *[
            PlacementChange(
                placement=placement_id,
                field=field,
                old_value=old[:200],
                new_value=new[:200],
                changed_by=actor.user_id,
                changed_at=now,
            )
            for field, old, new in changes
        ]
    )
    # Every correction is a change a school's system must see (``updated_since`` in the API).
    await Placement.update({Placement.updated_at: now}).where(Placement.id == placement_id)


async def history(actor: Actor, placement_id: int) -> list[Change]:
    """What changed on a placement, when and by whom, newest first."""
    rows = (
        await PlacementChange.select()
        .where(PlacementChange.placement == placement_id, scope(actor, PlacementChange))
        .order_by(PlacementChange.id, ascending=False)
    )
    user_ids = list({row["changed_by"] for row in rows if row["changed_by"] is not None})
    emails = (
        {
            user["id"]: user["email"]
            for user in await StaffUser.select(StaffUser.id, StaffUser.email).where(
                StaffUser.id.is_in(user_ids)
            )
        }
        if user_ids
        else {}
    )
    return [
        Change(
            changed_at=row["changed_at"],
            what=SURVEY_CHANGES.get(row["field"]) or FORM_LABELS.get(row["field"], row["field"]),
            old_value=row["old_value"],
            new_value=row["new_value"],
            by=emails.get(row["changed_by"], "a user since removed"),
        )
        for row in rows
    ]

"""Editing a placement: its fields corrected, each change kept in its history
(``placements/changes.py``). Cancelling, reissuing and extending its survey are in
``placements/survey_corrections.py``.

Every function takes the actor and finds the placement through ``scope()``: a placement out of
scope is "not found" (``found`` False), and provider staff may correct nothing (``NotAllowed``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import msgspec

from questionnaires.bands import questionnaire_for
from survey_app.accounts.scoping import Actor
from survey_app.db.engine import transaction
from survey_app.db.tables import Invitation, Placement, School
from survey_app.ops.audit import record
from survey_app.organisations.la_settings import effective_settings
from survey_app.organisations.provider_records import provider_names
from survey_app.placements.changes import (
    as_text,
    placement_invitations,
    placement_to_correct,
    remember,
    survey_field,
)
from survey_app.placements.end_moves import follow_later_end
from survey_app.placements.identity import reference_is_any_of
from survey_app.placements.readdressing import MOVED, REDATED, readdress_unsent, tell_the_new_ones
from survey_app.placements.records import CANCELLED_ALREADY, check_references
from survey_app.placements.rules import (
    FORM_LABELS,
    FieldError,
    PlacementIn,
    check_end,
    commissioner_key,
    read_date,
    read_placement,
    reference_key,
)
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import date_in_england, end_of_day_in_england, today_in_england

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
    "simplest_version",
    "ended_on",
)
#: Copied onto the pupil's response when they answer (reports count by them): fixed from then on.
FIXED_ONCE_ANSWERED = ("provider_id", "school_id", "la_team", "year_group", "simplest_version")


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
    simplest_version: bool | str | msgspec.UnsetType = msgspec.UNSET
    #: The day it ended, for a placement that has ended (one that has not is ended, not edited).
    ended_on: str | msgspec.UnsetType = msgspec.UNSET


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
        "simplest_version": placement.simplest_version,
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


#: The history's words for who was told of a survey already open when its placement moved.
TOLD = {
    frozenset({"commissioner"}): "the new school (or LA team) is emailed that it is open",
    frozenset({"provider"}): "the new provider is emailed that it is open",
    frozenset({"commissioner", "provider"}): "the new school (or LA team) and provider are "
    "emailed that it is open",
}


async def edit_placement(
    settings: Settings,
    actor: Actor,
    placement_id: int,
    values: Mapping[str, object],
    now: dt.datetime,
) -> tuple[bool, list[FieldError]]:
    """Correct a placement's fields (those of ``EDITABLE`` given in ``values``); returns
    (found, problems). Read and checked as a new placement is; nothing changes on a problem."""
    row = await placement_to_correct(actor, placement_id)
    if row is None:
        return False, []
    if row["status"] == PlacementStatus.CANCELLED:
        return True, [FieldError("purpose", CANCELLED_ALREADY)]
    current = _current_values(row)
    merged = {**current, **{key: values[key] for key in EDITABLE if key in values}}
    placement, errors = read_placement(merged)
    ended_on = row["ended_on"]
    if "ended_on" in values:
        ended_on = _read_end(values["ended_on"], row["ended_on"], now, errors)
    if placement is None or errors:
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
        "simplest_version": row["simplest_version"],
        "ended_on": row["ended_on"],
    }
    after = {**_stored(placement), "ended_on": ended_on}
    changed = [field for field in EDITABLE if before[field] != after[field]]
    if not changed:
        return True, []
    invitations = await placement_invitations(placement_id)
    # Any answered survey, start or check-in too: its answers are kept as they were given.
    answered = any(found["status"] == InvitationStatus.COMPLETED for found in invitations)
    # The end survey opens and closes by the placement's end; start and check-ins do not. The
    # one still standing: an earlier one may have been withdrawn when the end moved later.
    invitation = next(
        (
            i
            for i in invitations
            if i["kind"] == InvitationKind.END and i["status"] != InvitationStatus.REVOKED
        ),
        None,
    )
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
    if ended_on and placement.start_date > ended_on:
        errors += (
            check_end(placement.start_date, ended_on)
            if "ended_on" in changed
            else [
                FieldError(
                    "start_date", "Start date must be on or before the day the placement ended"
                )
            ]
        )
    key = commissioner_key(placement.school_id, placement.la_team)
    if await Placement.exists().where(
        Placement.local_authority == row["local_authority"],
        Placement.commissioner_key == key,
        # In any case, as the placement's identity compares references.
        reference_is_any_of(Placement.pupil_reference, [reference_key(row["pupil_reference"])]),
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
                Placement.simplest_version: placement.simplest_version,
                Placement.ended_on: ended_on,
            }
        ).where(Placement.id == placement_id)
        survey_changes: list[tuple[str, str, str]] = []
        if not answered and {"year_group", "simplest_version"} & set(changed):
            # An unanswered survey, of whichever kind, follows the corrected year group to its
            # age band's wording of that kind, and the corrected choice of the simplest version.
            for each in invitations:
                questionnaire = questionnaire_for(
                    each["kind"], placement.year_group, simplest=placement.simplest_version
                )
                await Invitation.update({Invitation.questionnaire_id: questionnaire}).where(
                    Invitation.id == each["id"], Invitation.status == InvitationStatus.OPEN
                )
        if invitation is not None and not answered and "ended_on" in changed:
            assert row["ended_on"] is not None and ended_on is not None
            survey_changes += await _survey_follows_end(invitation, ended_on - row["ended_on"], now)
        if "planned_end_date" in changed:
            # Extended after its end survey opened early: withdrawn to open again nearer the new
            # end, or kept (and said so) once the pupil has answered or started it.
            survey_changes += await follow_later_end(
                row,
                placement.planned_end_date,
                await effective_settings(settings, row["local_authority"]),
                now,
            )
        # Emails still waiting went to (and name) the old school or provider, or give the old
        # closing date. An LA team renamed is written to at the same LA address, in the same words.
        moved = bool({"provider_id", "school_id"} & set(changed))
        # Moved: every survey's waiting emails; redated: only the end survey's give the date.
        rewrite = invitations if moved else [invitation] if invitation and survey_changes else []
        rewritten = 0
        if not answered:
            for each in rewrite:
                rewritten += await readdress_unsent(
                    settings, each["id"], now, MOVED if moved else REDATED
                )
        # A survey already open whose opening emails went out to the old school or provider:
        # the new one is told now, or it would never hear of it.
        told: set[str] = set()
        if not answered and moved:
            for each in invitations:
                told.update(
                    await tell_the_new_ones(
                        settings,
                        each["id"],
                        now,
                        commissioner=key.replace(":", "-") if "school_id" in changed else None,
                        provider=placement.provider_id if "provider_id" in changed else None,
                    )
                )
        if told:
            survey_changes.append(("survey_told", "", TOLD[frozenset(told)]))
            await record(
                "outbox.told_new",
                now=now,
                actor=actor,
                object_type="placement",
                object_id=f"{placement_id} told={'+'.join(sorted(told))}",
            )
        if rewritten:
            await record(
                "outbox.readdressed",
                now=now,
                actor=actor,
                object_type="placement",
                object_id=f"{placement_id} messages={rewritten}",
            )
        await remember(
            placement_id,
            actor,
            now,
            [
                (field, as_text(shown_before[field]), as_text(shown_after[field]))
                for field in changed
            ]
            + survey_changes,
        )
    return True, []


def _read_end(
    value: object, ended_on: dt.date | None, now: dt.datetime, errors: list[FieldError]
) -> dt.date | None:
    """The corrected day a placement ended: a day, not before it started (checked with the
    rest), and not in the future. Only a placement that has ended has one to correct: ending
    one is done from its page, which opens its survey."""
    if ended_on is None:
        if value not in (None, ""):
            errors.append(
                FieldError(
                    "ended_on",
                    "This placement has not ended yet: end it from its page, "
                    "which opens its survey",
                )
            )
        return None
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(FieldError("ended_on", "Enter the date the placement ended"))
        return ended_on
    corrected = read_date("ended_on", value, errors)
    if corrected is not None and corrected > today_in_england(now):
        errors.append(FieldError("ended_on", "End date cannot be in the future"))
    return corrected or ended_on


async def _survey_follows_end(
    invitation: dict[str, Any], moved_by: dt.timedelta, now: dt.datetime
) -> list[tuple[str, str, str]]:
    """An unanswered survey opened and closes by its placement's end: corrected, both move by
    as many days as the end did (it never opens later than now). Returns the history line."""
    if invitation["status"] != InvitationStatus.OPEN or not moved_by:
        return []
    closed_on = date_in_england(invitation["expires_at"])
    closes_on = closed_on + moved_by
    await Invitation.update(
        {
            Invitation.opened_at: min(invitation["opened_at"] + moved_by, now),
            Invitation.expires_at: end_of_day_in_england(closes_on),
        }
    ).where(Invitation.id == invitation["id"], Invitation.status == InvitationStatus.OPEN)
    field = survey_field("survey_closes", invitation["kind"])
    return [(field, closed_on.isoformat(), closes_on.isoformat())]

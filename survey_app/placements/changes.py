"""A placement's corrections, shared by the edit and the survey's corrections: finding the
placement and its survey as the actor may correct them, and its history (``placement_change``:
what changed, when, by whom), shown on the placement page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import Invitation, Placement, PlacementChange
from survey_app.placements.records import NotAllowed
from survey_app.placements.rules import FORM_LABELS
from survey_app.web.display import SURVEY_KIND

#: History rows that are about the survey, not a field, with how the page names them.
SURVEY_CHANGES = {
    "status": "Status",
    "survey_link": "Survey link and code",
    "survey_closes": "Survey closes",
    "survey_told": "Open survey",
    "survey_status": "Survey",
}


def survey_field(field: str, kind: str) -> str:
    """A survey change's history field with the survey it was made to (``survey_closes:start``):
    a placement with a start survey, check-ins and an end survey needs its history to say which."""
    return f"{field}:{kind}"


def what_changed(field: str) -> str:
    """How the history names a field: a survey change with its survey, e.g. "Survey closes
    (start survey)"; rows recorded without one keep their plain name."""
    base, _, kind = field.partition(":")
    named = SURVEY_CHANGES.get(base) or FORM_LABELS.get(base, base)
    return f"{named} ({SURVEY_KIND[kind].lower()})" if kind in SURVEY_KIND else named


class Change(msgspec.Struct, frozen=True):
    """One line of a placement's history, as the page shows it."""

    changed_at: dt.datetime
    what: str
    old_value: str
    new_value: str
    by: str


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


async def placement_to_correct(actor: Actor, placement_id: int) -> dict[str, Any] | None:
    if actor.role == Role.PROVIDER_STAFF:
        raise NotAllowed("Provider staff cannot correct placements")
    row: dict[str, Any] | None = (
        await Placement.select(*Placement.all_columns())
        .where(Placement.id == placement_id, scope(actor, Placement))
        .first()
    )
    return row


#: Said when the survey named is not one of the placement's.
NO_SUCH_SURVEY = "This placement has no survey with that id"


async def chosen_invitation(
    placement_id: int, invitation_id: uuid.UUID | None = None
) -> dict[str, Any] | None:
    """The survey the officer chose (one of this placement's, of any kind), or by default the
    placement's latest: the one waiting, if any, since opening a survey closes the others."""
    query = Invitation.select(*Invitation.all_columns()).where(Invitation.placement == placement_id)
    if invitation_id is not None:
        query = query.where(Invitation.id == invitation_id)
    row: dict[str, Any] | None = await query.order_by(Invitation.opened_at, ascending=False).first()
    return row


async def placement_invitations(placement_id: int) -> list[dict[str, Any]]:
    """Every survey of the placement: start, check-ins and end."""
    rows: list[dict[str, Any]] = await Invitation.select(*Invitation.all_columns()).where(
        Invitation.placement == placement_id
    )
    return rows


async def not_the_latest(placement_id: int, invitation_id: uuid.UUID) -> str | None:
    """A pupil never has two surveys open at once: an earlier survey stays closed once a later
    one has opened."""
    latest = await chosen_invitation(placement_id)
    if latest is not None and latest["id"] != invitation_id:
        return "A later survey of this placement has opened since, so this one stays closed"
    return None


async def remember(
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
            what=what_changed(row["field"]),
            old_value=row["old_value"],
            new_value=row["new_value"],
            by=emails.get(row["changed_by"], "a user since removed"),
        )
        for row in rows
    ]

"""Recording, listing and ending placements, always within what the actor may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import transaction
from survey_app.db.tables import (
    Placement,
    Provider,
    School,
)
from survey_app.ops.audit import refuse
from survey_app.organisations.la_settings import EffectiveSettings, all_effective
from survey_app.organisations.provider_records import add_provider_names, in_use
from survey_app.placements.identity import upsert_placements
from survey_app.placements.rules import (
    URN,
    FieldError,
    PlacementIn,
    check_end,
    check_placement,
    is_id,
)
from survey_app.placements.statuses import PlacementStatus
from survey_app.placements.survey_views import (
    InvitationView,
    invitation_view,
    latest_surveys,
    survey_state,
)
from survey_app.settings import Settings
from survey_app.surveys.due import next_survey
from survey_app.surveys.invitations import (
    issue_for,
)
from survey_app.surveys.statuses import InvitationStatus, SurveyState
from survey_app.time_in_england import today_in_england

#: Said when a change is asked of a placement that was cancelled as entered in error.
CANCELLED_ALREADY = "This placement was cancelled as entered in error, so it cannot be changed"


class NotAllowed(Exception):
    """The actor's role may not do this at all (as opposed to an object they cannot see)."""


class PlacementView(msgspec.Struct, frozen=True):
    id: int
    pupil_reference: str
    year_group: int
    provider_id: int
    provider_name: str
    school_id: int | None
    school_name: str | None
    la_team: str | None
    start_date: dt.date
    planned_end_date: dt.date | None
    ended_on: dt.date | None
    hours_per_week: float
    purpose: str
    simplest_version: bool
    invitation: InvitationView | None
    #: The pupil asked for help or said they felt unsafe; None where the viewer may not know.
    needs_follow_up: bool | None = None
    #: ``active``, or ``cancelled`` as entered in error.
    status: str = PlacementStatus.ACTIVE
    #: Where its latest survey (start, check-in or end) stands: not_open_yet (none yet),
    #: preparing, open, completed, expired, withdrawn.
    survey: str = SurveyState.NOT_OPEN_YET
    #: While no survey has opened: the day the first one opens (None: the end survey, on the
    #: day the placement is ended, as it has no planned end) ...
    survey_opens_on: dt.date | None = None
    #: ... and which it is: ``start``, ``review`` or ``end`` (``surveys/due.next_survey``).
    survey_opens_kind: str | None = None


PLACEMENT_COLUMNS: tuple[Any, ...] = (
    *Placement.all_columns(),
    Placement.school.name.as_alias("school_name"),
)


def _view(
    row: dict[str, Any],
    invitation: dict[str, Any] | None,
    settings: Settings,
    actor: Actor,
    now: dt.datetime,
    authority: EffectiveSettings,
) -> PlacementView:
    if (
        invitation is not None
        and invitation["status"] == InvitationStatus.REVOKED
        and row["status"] == PlacementStatus.ACTIVE
    ):
        # Its end survey was withdrawn when the placement was extended: the next survey is not
        # open yet (a check-in in the extra time, or the end survey again), never a baseline.
        opens_kind, opens_on = next_survey(
            row, msgspec.structs.replace(authority, start_survey=False), today_in_england(now)
        )
        state = survey_state(row, None, now, opens_on)
    else:
        opens_kind, opens_on = next_survey(row, authority, today_in_england(now))
        state = survey_state(row, invitation, now, opens_on)
    shown = None
    if invitation is not None:
        shown = invitation_view(settings, invitation, now)
    return PlacementView(
        id=row["id"],
        pupil_reference=row["pupil_reference"],
        year_group=row["year_group"],
        provider_id=row["provider"],
        provider_name=row["provider_name"],
        school_id=row["school"],
        school_name=row["school_name"],
        la_team=row["la_team"],
        start_date=row["start_date"],
        planned_end_date=row["planned_end_date"],
        ended_on=row["ended_on"],
        hours_per_week=row["hours_per_week"],
        purpose=row["purpose"],
        simplest_version=row["simplest_version"],
        invitation=shown,
        # Providers see totals only, never what one pupil said.
        needs_follow_up=(
            None
            if actor.role == Role.PROVIDER_STAFF or invitation is None
            else bool(invitation.get("needs_follow_up"))
        ),
        status=row["status"],
        survey=state,
        survey_opens_on=opens_on if state == SurveyState.NOT_OPEN_YET else None,
        survey_opens_kind=opens_kind if state == SurveyState.NOT_OPEN_YET else None,
    )


async def views_of(
    settings: Settings,
    actor: Actor,
    rows: list[dict[str, Any]],
    now: dt.datetime,
    invitations: dict[int, dict[str, Any]] | None = None,
) -> list[PlacementView]:
    """Placement rows (selected with ``PLACEMENT_COLUMNS``) as views with their surveys, each
    survey's state as of ``now``; each provider named as the placement's council names it.

    ``invitations`` (each placement's latest survey of any kind, by placement id, with
    ``needs_follow_up``: ``survey_views.latest_with_flags``) may
    be read by the caller, as an export of thousands of rows does by subquery rather than by a
    list of ids; otherwise they are read here."""
    await add_provider_names(rows, "local_authority")
    if invitations is None:
        invitations = await latest_surveys([row["id"] for row in rows])
    # Each LA's choices (``organisations/la_settings.py``) say which survey opens first, when.
    authorities = await all_effective(settings)
    return [
        _view(
            row,
            invitations.get(row["id"]),
            settings,
            actor,
            now,
            authorities[row["local_authority"]],
        )
        for row in rows
    ]


async def get_placement(
    settings: Settings, actor: Actor, placement_id: int, now: dt.datetime | None = None
) -> PlacementView | None:
    """One placement, or None when it does not exist or is outside the actor's scope."""
    now = now or dt.datetime.now(dt.UTC)
    row = (
        await Placement.select(*PLACEMENT_COLUMNS)
        .where(Placement.id == placement_id, scope(actor, Placement))
        .first()
    )
    if row is None:
        return None
    await add_provider_names([row], "local_authority")
    invitations = await latest_surveys([placement_id])
    authorities = await all_effective(settings)
    return _view(
        row,
        invitations.get(placement_id),
        settings,
        actor,
        now,
        authorities[row["local_authority"]],
    )


async def placement_or_refuse(
    settings: Settings, actor: Actor, placement_id: int, now: dt.datetime
) -> PlacementView:
    """The placement for a page or API answer about it; outside the actor's scope (or missing)
    the refusal is audited and raised as "not found", the same for both."""
    placement = await get_placement(settings, actor, placement_id, now)
    if placement is None:
        raise await refuse(actor, "placement", placement_id, now)
    return placement


class CommissionerEmails(msgspec.Struct, frozen=True):
    """Where a placement's survey requests go: the school's own email or, while it has none
    (or there is no school, only an LA team), the council contact email
    (``surveys/invitations.opening_messages``)."""

    school_email: str
    council_email: str


async def commissioner_emails(placement_id: int) -> CommissionerEmails:
    """The addresses a placement's survey requests go to; the caller has scoped the placement."""
    row = (
        await Placement.select(
            Placement.school.contact_email.as_alias("school_email"),
            Placement.local_authority.contact_email.as_alias("council_email"),
        )
        .where(Placement.id == placement_id)
        .first()
    )
    if row is None:
        return CommissionerEmails("", "")
    return CommissionerEmails(row["school_email"] or "", row["council_email"] or "")


async def check_references(
    actor: Actor, placement: PlacementIn, *, kept_provider: int | None = None
) -> tuple[PlacementIn, list[FieldError]]:
    """Every rule of a placement, and that its school and provider are the actor's to name: a
    school contact names only their own school. ``kept_provider`` (on a correction) is the
    provider it already had, allowed even if the LA has since archived it."""
    errors: list[FieldError] = []
    if placement.school_urn and placement.school_id is None and URN.match(placement.school_urn):
        # Named by URN: found among the schools the actor may see, like an id would be.
        found = (
            await School.select(School.id)
            .where(School.urn == placement.school_urn, scope(actor, School))
            .first()
        )
        if found is None:
            errors.append(
                FieldError(
                    "school_urn", f"There is no school with URN {placement.school_urn} in your area"
                )
            )
        else:
            placement = msgspec.structs.replace(placement, school_id=found["id"], school_urn=None)
    if actor.role == Role.SCHOOL_CONTACT:
        if placement.la_team:
            errors.append(FieldError("la_team", "A school records placements for its own pupils"))
        if placement.school_id not in (None, actor.school_id):
            errors.append(FieldError("school_id", "You can only record placements for your school"))
        placement = msgspec.structs.replace(
            placement, school_id=actor.school_id, school_urn=None, la_team=None
        )
    errors += check_placement(placement)
    # Ids out of range were refused above; only real candidates are looked up.
    if (
        is_id(placement.provider_id)
        and placement.provider_id != kept_provider
        and not await Provider.exists().where(
            Provider.id == placement.provider_id, scope(actor, Provider), in_use(actor)
        )
    ):
        errors.append(
            FieldError(
                "provider_id",
                "There is no provider with that id in your area, or it is archived",
            )
        )
    if (
        placement.school_id is not None
        and is_id(placement.school_id)
        and not await School.exists().where(School.id == placement.school_id, scope(actor, School))
    ):
        errors.append(FieldError("school_id", "There is no school with that id in your area"))
    return placement, errors


async def create_placement(
    actor: Actor, placement: PlacementIn, now: dt.datetime
) -> tuple[int | None, list[FieldError]]:
    """Record a placement the actor commissions; returns its id or the problems found."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotAllowed("Provider staff cannot record placements")
    placement, errors = await check_references(actor, placement)
    if errors:
        return None, errors
    async with transaction():
        rows = await upsert_placements(actor.local_authority_id, [placement], now)
    return int(rows[0]["id"]), []


async def end_placement(
    settings: Settings,
    actor: Actor,
    placement_id: int,
    ended_on: dt.date | None,
    now: dt.datetime,
) -> tuple[bool, list[FieldError]]:
    """End a placement and open its survey at once; (False, []) when it is out of scope."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotAllowed("Provider staff cannot end placements")
    row = (
        await Placement.select(*Placement.all_columns())
        .where(Placement.id == placement_id, scope(actor, Placement))
        .first()
    )
    if row is None:
        return False, []
    if row["status"] == PlacementStatus.CANCELLED:
        return True, [FieldError("ended_on", CANCELLED_ALREADY)]
    ended_on = ended_on or today_in_england(now)
    errors = check_end(row["start_date"], ended_on)
    if ended_on > today_in_england(now):
        errors.append(FieldError("ended_on", "End date cannot be in the future"))
    if errors:
        return True, errors
    # Imported here: ``changes`` needs this module's NotAllowed, so a top-level import would
    # be circular.
    from survey_app.placements.changes import as_text, remember

    async with transaction():
        await Placement.update({Placement.ended_on: ended_on, Placement.updated_at: now}).where(
            Placement.id == placement_id
        )
        # Ending is a change like any correction: its history says when and who (a repeat of
        # the same day changes nothing and adds no line).
        if row["ended_on"] != ended_on:
            await remember(
                placement_id,
                actor,
                now,
                [("ended_on", as_text(row["ended_on"]), as_text(ended_on))],
            )
    # A separate step: if the server stops here, the dispatcher issues it on its next run.
    await issue_for(settings, [placement_id], now)
    return True, []

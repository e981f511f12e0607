"""Finding placements at county scale: the list's filters and orders, for the page and the API.

One ``ListSpec`` (``web/listing.py``) serves both, so the API filters exactly as the page does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.columns.combination import WhereRaw

from questionnaires.bands import YEAR_GROUPS
from reports.periods import AUTUMN, SPRING, SUMMER, term_end, term_label
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.tables import Placement, Provider, School
from survey_app.organisations.provider_records import named_providers
from survey_app.placements.records import PLACEMENT_COLUMNS, PlacementView, views_of
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.statuses import (
    SURVEY_FILTER_LABELS,
    InvitationStatus,
    SurveyState,
)
from survey_app.time_in_england import today_in_england
from survey_app.web.api_lists import ApiQuery, fetch_after
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListPage,
    ListQuery,
    ListSpec,
    Sort,
    clauses,
    contains,
    fetch_page,
    ordered,
)

TERM_STARTS = {SPRING: (1, 1), SUMMER: (5, 1), AUTUMN: (9, 1)}


def _term_start(key: str) -> dt.date:
    year, number = (int(part) for part in key.split("-"))
    month, day = TERM_STARTS[number]
    return dt.date(year, month, day)


def _term_choices(today: dt.date) -> tuple[tuple[str, str], ...]:
    """Terms from two academic years back to the next one, newest first."""
    first = today.year - 3
    keys = [f"{year}-{number}" for year in range(first, today.year + 2) for number in (1, 2, 3)]
    return tuple((key, term_label(key)) for key in reversed(keys))


def _during_term(key: str) -> Any:
    """Placements that ran at some time in the term: started by its end, not ended before it."""
    start, end = _term_start(key), term_end(key)
    return (Placement.start_date <= end) & (
        (Placement.ended_on >= start)
        | (
            Placement.ended_on.is_null()
            & (Placement.planned_end_date.is_null() | (Placement.planned_end_date >= start))
        )
    )


#: The placement's latest survey of any kind (start, check-in or end; the one the list shows), as
#: a correlated subquery: index look-ups by placement (its ``placement`` index), where
#: ``IN (SELECT ...)`` read every invitation. Opening a survey closes the others, so
#: the latest is the one waiting, if any.
_LATEST_SURVEY = (
    "EXISTS (SELECT 1 FROM invitation WHERE invitation.placement = placement.id"
    " AND NOT EXISTS (SELECT 1 FROM invitation AS later"
    " WHERE later.placement = placement.id AND later.opened_at > invitation.opened_at)"
)
_ANY_SURVEY = "EXISTS (SELECT 1 FROM invitation WHERE invitation.placement = placement.id)"


def _survey(now: dt.datetime) -> Any:
    def where(value: str) -> Any:
        state = SurveyState(value)
        if state == SurveyState.NOT_OPEN_YET:
            # A cancelled placement never had its survey: it is "withdrawn", not "not open yet".
            # An active one whose latest survey was withdrawn (its end survey, when the
            # placement was extended) waits for its next one.
            return (
                WhereRaw(f"NOT {_ANY_SURVEY}")
                | WhereRaw(
                    f"{_LATEST_SURVEY} AND invitation.status = {{}})",
                    InvitationStatus.REVOKED.value,
                )
            ) & (Placement.status == PlacementStatus.ACTIVE)
        if state == SurveyState.COMPLETED:
            return WhereRaw(
                f"{_LATEST_SURVEY} AND invitation.status = {{}})",
                InvitationStatus.COMPLETED.value,
            )
        if state == SurveyState.WITHDRAWN:
            # Only cancelling withdraws a placement's survey for good (it withdraws them all).
            return Placement.status == PlacementStatus.CANCELLED
        # Open in the database: waiting until its expiry, closed (not answered) after it.
        after = ">" if state == SurveyState.OPEN else "<="
        return WhereRaw(
            f"{_LATEST_SURVEY} AND invitation.status = {{}}"
            f" AND invitation.expires_at {after} {{}})",
            InvitationStatus.OPEN.value,
            now,
        )

    return where


SORTS = {
    "newest": Sort("Most recently recorded first", ((Placement.id, False),)),
    "start": Sort("Start date, latest first", ((Placement.start_date, False),)),
    "start_asc": Sort("Start date, earliest first", ((Placement.start_date, True),)),
    "reference": Sort("Pupil reference, A to Z", ((Placement.pupil_reference, True),)),
    "year": Sort("Year group, youngest first", ((Placement.year_group, True),)),
}


async def placement_spec(actor: Actor, now: dt.datetime) -> ListSpec:
    """The placements list's filters for this actor (only providers and schools they see)."""
    fields = [
        Field(
            name="q",
            label="Pupil reference",
            kind=FieldKind.SEARCH,
            where=contains(Placement.pupil_reference),
            hint="All or part of it",
        ),
        Field(
            name="provider",
            label="Provider",
            kind=FieldKind.CHOICE,
            where=lambda value: Placement.provider == int(value),
            choices=await provider_choices(actor),
        ),
    ]
    # A school contact is offered their own school only (scope() sees no other): a school they
    # cannot see is then a bad filter, named and nothing listed (a file not made), as for any
    # other role, never silently ignored to list their own school's rows instead.
    schools = (
        await School.select(School.id, School.name)
        .where(scope(actor, School))
        .order_by(School.name)
    )
    fields.append(
        Field(
            name="school",
            label="School",
            kind=FieldKind.CHOICE,
            where=lambda value: Placement.school == int(value),
            choices=tuple((str(row["id"]), row["name"]) for row in schools),
            # A school contact has only their own school: nothing to choose, so no control.
            offered=actor.role != Role.SCHOOL_CONTACT,
        )
    )
    fields += [
        Field(
            name="survey",
            label="Survey",
            kind=FieldKind.CHOICE,
            where=_survey(now),
            choices=tuple((state.value, label) for state, label in SURVEY_FILTER_LABELS.items()),
        ),
        Field(
            name="year_group",
            label="Year group",
            kind=FieldKind.CHOICE,
            where=lambda value: Placement.year_group == int(value),
            choices=tuple((str(year), f"Year {year}") for year in YEAR_GROUPS),
        ),
        Field(
            name="term",
            label="Term",
            kind=FieldKind.CHOICE,
            where=_during_term,
            choices=_term_choices(today_in_england(now)),
            hint="Placements running at any time in the term",
        ),
        Field(
            name="started_from",
            label="Started on or after",
            kind=FieldKind.DATE,
            where=lambda day: Placement.start_date >= day,
        ),
        Field(
            name="started_to",
            label="Started on or before",
            kind=FieldKind.DATE,
            where=lambda day: Placement.start_date <= day,
        ),
    ]
    return ListSpec(
        path="/staff/placements",
        noun=("placement", "placements"),
        fields=tuple(fields),
        sorts=SORTS,
    )


async def find_placements(
    settings: Settings,
    actor: Actor,
    spec: ListSpec,
    query: ListQuery,
    errors: list[Any],
    now: dt.datetime,
) -> tuple[ListPage, list[PlacementView]]:
    """One page of the placements the actor may see, with each survey's status."""
    found = await fetch_page(spec, query, errors, actor, Placement, PLACEMENT_COLUMNS)
    return found, await views_of(settings, actor, found.rows, now)


def matching(actor: Actor, spec: ListSpec, query: ListQuery) -> list[Any]:
    """The list's where-clauses for this query: ``scope()`` first, then its filters."""
    return [scope(actor, Placement), *clauses(spec, query)]


async def all_placements(actor: Actor, spec: ListSpec, query: ListQuery) -> list[dict[str, Any]]:
    """Every placement the list would show for this query, across all its pages, in the list's
    order (for a download: what is on screen, page after page, never cut at one page)."""
    select = Placement.select(*PLACEMENT_COLUMNS).where(*matching(actor, spec, query))
    rows: list[dict[str, Any]] = await ordered(select, spec, query.sort, Placement)
    return rows


async def sync_placements(
    settings: Settings,
    actor: Actor,
    spec: ListSpec,
    query: ApiQuery,
    now: dt.datetime,
    *,
    with_survey: bool = False,
) -> tuple[list[PlacementView], str | None]:
    """The API's page: placements in change order after the cursor, and the next cursor;
    ``with_survey`` keeps only those with a survey of any kind (the invitations list)."""
    extra = [WhereRaw(_ANY_SURVEY)] if with_survey else []
    found = await fetch_after(
        spec,
        query,
        settings.secret_key,
        actor,
        Placement,
        Placement.updated_at,
        PLACEMENT_COLUMNS,
        extra,
    )
    return await views_of(settings, actor, found.rows, now), found.next_cursor


def provider_choices_of(rows: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    """(id, name) choices for a provider filter, from rows of ``Provider.id, Provider.name``."""
    return tuple((str(row["id"]), row["name"]) for row in rows)


async def provider_choices(actor: Actor) -> tuple[tuple[str, str], ...]:
    """The providers the actor may see, by name, as choices for a filter."""
    # By the name the actor's council keeps, in its order: never another council's spelling.
    return provider_choices_of(
        await named_providers(actor.local_authority_id, scope(actor, Provider))
    )

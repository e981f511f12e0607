"""The chasing page's other lists, paged like every list (``web/listing.py``): open-ended
placements and surveys that may not be the pupil's own.

Each has its own ``prefix`` (``open_page``, ``not_own_page``) so the page's three lists page
independently, and each page link keeps the others' places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from survey_app.accounts.scoping import Actor, placement_path
from survey_app.chasing.reminders import open_ended_clauses
from survey_app.db.tables import Placement, Response
from survey_app.organisations.provider_records import add_provider_names
from survey_app.settings import Settings
from survey_app.web.listing import ListPage, ListSpec, Sort, fetch_page, parse

OPEN_ENDED = ListSpec(
    path="/staff/chasing",
    noun=("open-ended placement", "open-ended placements"),
    fields=(),
    sorts={"started": Sort("Longest running first", ((Placement.start_date, True),))},
    prefix="open_",
)

NOT_OWN = ListSpec(
    path="/staff/chasing",
    noun=("survey that may not be the pupil's own", "surveys that may not be the pupil's own"),
    fields=(),
    sorts={"newest": Sort("Newest first", ((Response.submitted_at, False),))},
    prefix="not_own_",
)

OPEN_ENDED_FIELDS = (
    Placement.id,
    Placement.pupil_reference,
    Placement.start_date,
    Placement.la_team,
    Placement.local_authority,
    Placement.provider,
    Placement.school.name.as_alias("school_name"),
)

_placement = placement_path(Response)
NOT_OWN_FIELDS = (
    Response.id,
    Response.submitted_at,
    Response.possibly_not_own_why.as_alias("why"),
    _placement.id.as_alias("placement_id"),
    _placement.pupil_reference.as_alias("reference"),
    Response.provider,
    Response.local_authority,
)


async def open_ended_page(
    settings: Settings, actor: Actor, now: dt.datetime, params: Mapping[str, str]
) -> ListPage:
    """One page of placements with no end date that have run too long, longest first."""
    query, errors = parse(OPEN_ENDED, params)
    found = await fetch_page(
        OPEN_ENDED,
        query,
        errors,
        actor,
        Placement,
        OPEN_ENDED_FIELDS,
        open_ended_clauses(settings, now),
    )
    await add_provider_names(found.rows, "local_authority")
    return found.beside(params)


async def not_own_page(actor: Actor, params: Mapping[str, str]) -> ListPage:
    """One page of responses sent where provider staff were at hand (see
    surveys/provenance.py), newest first: for the LA only (the page's guard)."""
    query, errors = parse(NOT_OWN, params)
    found = await fetch_page(
        NOT_OWN,
        query,
        errors,
        actor,
        Response,
        NOT_OWN_FIELDS,
        [Response.possibly_not_own.eq(True)],
    )
    rows: list[dict[str, Any]] = found.rows
    await add_provider_names(rows, "local_authority")
    return found.beside(params)

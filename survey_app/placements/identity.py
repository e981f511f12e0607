"""A placement's identity, the one place placements are matched: by the LA, commissioner,
pupil reference (in any case), provider and start date. Recording (the form, the API, a file)
inserts or updates by it, and every look-up by reference goes through ``reference_is_any_of``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import msgspec
from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw

from survey_app.db.engine import batches
from survey_app.db.tables import Placement
from survey_app.placements.rules import (
    PlacementIn,
    commissioner_key,
    placement_identity,
    reference_key,
)

IDENTITY = (
    Placement.local_authority,
    Placement.commissioner_key,
    Placement.pupil_reference,
    Placement.provider,
    Placement.start_date,
)
UPDATED_ON_REPEAT = [
    Placement.school,
    Placement.la_team,
    Placement.year_group,
    Placement.planned_end_date,
    Placement.hours_per_week,
    Placement.purpose,
    Placement.simplest_version,
    Placement.updated_at,
]


def reference_is_any_of(column: Column, keys: Sequence[str]) -> WhereRaw:
    """The pupil reference in ``column`` is one of ``keys`` (each a ``reference_key``), in
    whatever case it was recorded: the one way placements are matched by reference."""
    name = column._meta.get_full_name(with_alias=False)
    marks = ", ".join("{}" for _ in keys)
    return WhereRaw(f"LOWER({name}) IN ({marks})", *keys)


async def as_recorded(local_authority_id: int, placements: list[PlacementIn]) -> list[PlacementIn]:
    """The placements with each pupil reference spelt as the placement it names was first
    recorded, so a retry typed in another case updates that placement.

    The insert's conflict target is the exact-case index ``placement_identity`` (Piccolo
    cannot name an expression as a target); the any-case index ``placement_identity_any_case``
    stops a duplicate that slips past this, such as two first recordings racing. Where a
    database already held duplicates in different cases (before migration 0043), the oldest
    is the one a retry lands on."""
    keys = sorted({reference_key(p.pupil_reference) for p in placements})
    recorded: dict[tuple[str, str, int, dt.date], str] = {}
    for batch in batches(keys):
        rows = (
            await Placement.select(
                Placement.commissioner_key,
                Placement.pupil_reference,
                Placement.provider,
                Placement.start_date,
            )
            .where(
                Placement.local_authority == local_authority_id,
                reference_is_any_of(Placement.pupil_reference, batch),
            )
            .order_by(Placement.id)
        )
        for row in rows:
            identity = (
                row["commissioner_key"],
                reference_key(row["pupil_reference"]),
                row["provider"],
                row["start_date"],
            )
            recorded.setdefault(identity, row["pupil_reference"])
    return [
        msgspec.structs.replace(
            p, pupil_reference=recorded.get(placement_identity(p), p.pupil_reference)
        )
        for p in placements
    ]


async def upsert_placements(
    local_authority_id: int, placements: list[PlacementIn], now: dt.datetime
) -> list[dict[str, Any]]:
    """Insert placements, or update those already recorded with the same identity (LA,
    commissioner, pupil reference in any case, provider, start date); call inside a
    transaction. A placement keeps its reference as first recorded."""
    placements = await as_recorded(local_authority_id, placements)
    result: list[dict[str, Any]] = await (
        Placement.insert(
            *[
                Placement(
                    local_authority=local_authority_id,
                    school=p.school_id,
                    la_team=(p.la_team or "").strip() or None,
                    commissioner_key=commissioner_key(p.school_id, p.la_team),
                    provider=p.provider_id,
                    pupil_reference=p.pupil_reference.strip(),
                    year_group=p.year_group,
                    start_date=p.start_date,
                    planned_end_date=p.planned_end_date,
                    hours_per_week=p.hours_per_week,
                    purpose=p.purpose.strip(),
                    simplest_version=p.simplest_version,
                    created_at=now,
                    updated_at=now,
                )
                for p in placements
            ]
        )
        .on_conflict(target=IDENTITY, action="DO UPDATE", values=UPDATED_ON_REPEAT)
        .returning(Placement.id)
    )
    return result

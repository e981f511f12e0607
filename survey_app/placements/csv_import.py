"""Importing placements from a CSV file: checked whole first, then written in one go, or not at all.

Accepts what Excel writes: UTF-8 with or without a byte-order mark, UK dates (23/11/2026) as
well as ISO (2026-11-23). Providers are named by id or name; schools by URN, id or name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import batches, transaction
from survey_app.db.tables import Placement, Provider, School
from survey_app.placements.records import NotAllowed, upsert_placements
from survey_app.placements.rules import PlacementIn, check_placement

COLUMNS = (
    "pupil_reference",
    "year_group",
    "provider",
    "school",
    "la_team",
    "start_date",
    "planned_end_date",
    "hours_per_week",
    "purpose",
    "simplest_version",
)
REQUIRED = ("pupil_reference", "year_group", "provider", "start_date", "hours_per_week")
MAX_ROWS = 50_000


class RowError(msgspec.Struct, frozen=True):
    """A problem in one cell, as Excel numbers it (the header is row 1)."""

    row: int
    column: str
    message: str


class ImportResult(msgspec.Struct, frozen=True):
    rows: int
    created: int
    updated: int
    errors: list[RowError]


def parse_date(text: str) -> dt.date:
    """A date as 23/11/2026 (as Excel shows it in the UK) or 2026-11-23."""
    text = text.strip()
    for form in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _rows(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower().replace(" ", "_") for name in next(reader, [])]
    return header, reader


async def _lookups(actor: Actor) -> tuple[dict[str, int], dict[str, int]]:
    providers: dict[str, int] = {}
    for row in await Provider.select(Provider.id, Provider.name).where(scope(actor, Provider)):
        providers[str(row["id"])] = row["id"]
        providers[row["name"].strip().lower()] = row["id"]
    schools: dict[str, int] = {}
    for row in await School.select(School.id, School.name, School.urn).where(scope(actor, School)):
        schools[str(row["id"])] = row["id"]
        schools[row["name"].strip().lower()] = row["id"]
        if row["urn"]:
            schools[row["urn"].strip()] = row["id"]
    return providers, schools


def _check_row(
    number: int,
    cells: dict[str, str],
    actor: Actor,
    providers: dict[str, int],
    schools: dict[str, int],
) -> tuple[PlacementIn | None, list[RowError]]:
    errors: list[RowError] = []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    for column in REQUIRED:
        if not cells.get(column, "").strip():
            problem(column, f"{column} is empty")
    provider_id = providers.get(cells.get("provider", "").strip().lower())
    if cells.get("provider", "").strip() and provider_id is None:
        problem(
            "provider", f"there is no provider called {cells['provider'].strip()!r} in your area"
        )
    school_text = cells.get("school", "").strip()
    school_id = schools.get(school_text.lower()) if school_text else None
    if school_text and school_id is None:
        problem("school", f"there is no school {school_text!r} in your area")
    if actor.role == Role.SCHOOL_CONTACT:
        if school_id not in (None, actor.school_id):
            problem("school", "you can only import placements for your own school")
        school_id = actor.school_id
    dates: dict[str, dt.date | None] = {}
    for column in ("start_date", "planned_end_date"):
        text = cells.get(column, "").strip()
        dates[column] = None
        if text:
            try:
                dates[column] = parse_date(text)
            except ValueError:
                problem(column, f"{text!r} is not a date like 23/11/2026 or 2026-11-23")
    numbers: dict[str, float] = {}
    for column, kind in (("year_group", int), ("hours_per_week", float)):
        text = cells.get(column, "").strip()
        if text:
            try:
                numbers[column] = kind(text)
            except ValueError:
                problem(column, f"{text!r} is not a number")
    if errors:
        return None, errors
    placement = PlacementIn(
        provider_id=provider_id or 0,
        pupil_reference=cells["pupil_reference"].strip(),
        year_group=int(numbers["year_group"]),
        start_date=dates["start_date"] or dt.date.min,
        planned_end_date=dates["planned_end_date"],
        hours_per_week=numbers["hours_per_week"],
        purpose=cells.get("purpose", "").strip(),
        school_id=school_id,
        la_team=None
        if actor.role == Role.SCHOOL_CONTACT
        else cells.get("la_team", "").strip() or None,
        simplest_version=cells.get("simplest_version", "").strip().lower()
        in ("yes", "y", "true", "1"),
    )
    for error in check_placement(placement):
        column = {"school_id": "school", "provider_id": "provider"}.get(error.field, error.field)
        problem(column, error.message)
    return (None, errors) if errors else (placement, [])


async def import_placements(
    actor: Actor,
    data: bytes,
    now: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check every row; if all are good, create or update them all in one transaction."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotAllowed("Provider staff cannot import placements")
    try:
        header, reader = _rows(data)
    except UnicodeDecodeError:
        return ImportResult(
            0,
            0,
            0,
            [RowError(1, "file", "the file is not UTF-8 text: save it as 'CSV UTF-8' from Excel")],
        )
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing or unknown:
        errors = [RowError(1, c, f"the column {c} is missing") for c in missing]
        errors += [RowError(1, c, f"{c} is not a column we know") for c in unknown]
        return ImportResult(0, 0, 0, errors)
    providers, schools = await _lookups(actor)
    good: list[PlacementIn] = []
    errors = []
    seen: dict[tuple[Any, ...], int] = {}
    total = 0
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        total += 1
        if number > MAX_ROWS + 1:
            errors.append(RowError(number, "file", f"a file can hold at most {MAX_ROWS} rows"))
            break
        cells = dict(zip(header, row, strict=False))
        placement, row_errors = _check_row(number, cells, actor, providers, schools)
        errors += row_errors
        if placement is not None:
            key = (
                placement.school_id,
                placement.la_team,
                placement.pupil_reference,
                placement.provider_id,
                placement.start_date,
            )
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        "pupil_reference",
                        f"repeats row {seen[key]} (same pupil, provider and start)",
                    )
                )
            seen[key] = number
            good.append(placement)
        if progress:
            progress(1)
    if errors:
        return ImportResult(total, 0, 0, errors)
    before = await Placement.count().where(Placement.local_authority == actor.local_authority_id)
    async with transaction():
        for batch in batches(good):
            await upsert_placements(actor.local_authority_id, list(batch), now)
    after = await Placement.count().where(Placement.local_authority == actor.local_authority_id)
    return ImportResult(len(good), after - before, len(good) - (after - before), [])

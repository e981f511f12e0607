"""Importing placements from a CSV or XLSX file: checked whole first, then written in one go, or
not at all.

Accepts what Excel writes: its own XLSX, CSV in UTF-8 with or without a byte-order mark or in
Windows-1252 (``survey_app.web.uploads``, the reader every import shares), UK dates (23/11/2026) as
well as ISO (2026-11-23). Providers are named by id or name; schools by URN, id or name. Each
row is read by the same reader as the staff form and the API (``rules.read_placement``), so a
bad value gets the same words here as there.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import msgspec

from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import batches, transaction
from survey_app.db.tables import Placement, Provider, School
from survey_app.organisations.la_settings import effective_settings
from survey_app.organisations.provider_records import in_use, named_providers
from survey_app.placements.changes import remember
from survey_app.placements.end_moves import follow_later_end, moved_later
from survey_app.placements.identity import reference_is_any_of, upsert_placements
from survey_app.placements.records import NotAllowed
from survey_app.placements.rules import (
    MAX_ID,
    URN,
    PlacementIn,
    commissioner_key,
    placement_identity,
    read_date,
    read_placement,
    reference_key,
)
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.web.uploads import UploadError, read_rows

COLUMNS = (
    "pupil_reference",
    "year_group",
    "provider",
    "school",
    "school_urn",
    "la_team",
    "start_date",
    "planned_end_date",
    "hours_per_week",
    "purpose",
    "simplest_version",
)
REQUIRED = ("pupil_reference", "year_group", "provider", "start_date", "hours_per_week")
MAX_ROWS = 50_000
#: No column needs more (the longest, purpose, takes 1,000); a longer cell is a row error.
MAX_CELL_CHARACTERS = 10_000


#: What makes two rows the same placement (``rules.placement_identity``).
Identity = tuple[str, str, int, dt.date]


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


def _rows(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    # The one upload reader: CSV (UTF-8 or Windows-1252) or Excel's own XLSX, by content.
    reader = read_rows(data)
    header = [name.strip().lower().replace(" ", "_") for name in next(reader, [])]
    return header, reader


def _numbered(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str] | RowError]]:
    """Each record with its row number (the header is row 1); a record the reader cannot read
    ends the file as a row error rather than an exception."""
    number = 1
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield number, RowError(number, "file", f"this row cannot be read as CSV: {error}")
            return
        yield number, row


def _too_long(number: int, header: list[str], row: list[str]) -> list[RowError]:
    return [
        RowError(
            number,
            header[index] if index < len(header) else f"column {index + 1}",
            f"this cell is longer than {MAX_CELL_CHARACTERS:,} characters",
        )
        for index, cell in enumerate(row)
        if len(cell) > MAX_CELL_CHARACTERS
    ]


async def _lookups(actor: Actor) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    providers: dict[str, int] = {}
    # Only providers offered for new placements: one the LA has archived is refused, as on the
    # form and in the API. Matched by the name the LA keeps for it, never another council's.
    offered = await named_providers(
        actor.local_authority_id, scope(actor, Provider) & in_use(actor)
    )
    for row in offered:
        providers[str(row["id"])] = row["id"]
        providers[row["name"].strip().lower()] = row["id"]
    schools: dict[str, int] = {}
    urns: dict[str, int] = {}
    for row in await School.select(School.id, School.name, School.urn).where(scope(actor, School)):
        schools[str(row["id"])] = row["id"]
        schools[row["name"].strip().lower()] = row["id"]
        if row["urn"]:
            schools[row["urn"].strip()] = row["id"]
            urns[row["urn"].strip()] = row["id"]
    return providers, schools, urns


#: Where a field of the placement is a column of the file under another name.
COLUMN_OF = {"provider_id": "provider", "school_id": "school"}


def _check_row(
    number: int,
    cells: dict[str, str],
    actor: Actor,
    lookups: tuple[dict[str, int], dict[str, int], dict[str, int]],
    unread: set[str],
) -> tuple[PlacementIn | None, list[RowError], Identity | None]:
    """One row read and checked: the placement (or None), its problems, and its identity when
    the cells that make it could be read (so a repeat is found even in a row with problems).
    Columns in ``unread`` (missing from the file, or a cell too long to read) are named once
    elsewhere: no "Enter the ..." for them here."""
    providers, schools, urns = lookups
    errors: list[RowError] = []

    def problem(column: str, message: str) -> None:
        if column not in unread:
            errors.append(RowError(number, column, message))

    values: dict[str, object] = {name: cells.get(name, "") for name in COLUMNS}
    # Providers and schools are named in the file; the shared reader takes their ids. One that
    # cannot be found is named here, and stands in as a placeholder id so the reader checks
    # the rest of the row without also asking for it.
    provider_text = cells.get("provider", "").strip()
    provider_id = providers.get(provider_text.lower()) if provider_text else None
    if provider_text and provider_id is None:
        problem(
            "provider",
            f'There is no provider called "{provider_text}" in your area, or it is archived',
        )
        provider_id = MAX_ID
    school_text = cells.get("school", "").strip()
    school_id = schools.get(school_text.lower()) if school_text else None
    if school_text and school_id is None:
        problem("school", f'There is no school "{school_text}" in your area')
        school_id = MAX_ID
    # school_urn names the school by URN alone, so a URN can never be read as a name or an id.
    urn_text = cells.get("school_urn", "").strip()
    if urn_text:
        by_urn = urns.get(urn_text)
        if school_text and by_urn is not None and by_urn != school_id:
            problem("school_urn", "The school and school_urn columns name different schools")
        elif by_urn is None and URN.match(urn_text):
            problem("school_urn", f"There is no school with URN {urn_text} in your area")
        if by_urn is not None or URN.match(urn_text):
            school_id = by_urn or MAX_ID
            # Read as an id from here on; a malformed URN stays for the reader to name.
            urn_text = ""
    values["school_urn"] = urn_text
    if actor.role == Role.SCHOOL_CONTACT:
        if school_id not in (None, actor.school_id):
            problem("school", "You can only import placements for your own school")
        school_id = actor.school_id
        values["la_team"] = ""
    values["provider_id"], values["school_id"] = provider_id, school_id
    placement, field_errors = read_placement(values)
    for error in field_errors:
        problem(COLUMN_OF.get(error.field, error.field), error.message)
    if placement is not None and not errors:
        return placement, [], placement_identity(placement)
    return None, errors, _identity_of(values)


def _identity_of(values: dict[str, object]) -> Identity | None:
    """The identity of a row that has problems, when the cells that make it were read."""
    reference = reference_key(str(values["pupil_reference"]))
    provider_id = values["provider_id"]
    start = read_date("start_date", values["start_date"], [])
    school_id = values["school_id"]
    if not reference or not isinstance(provider_id, int) or provider_id == MAX_ID or not start:
        return None
    if school_id == MAX_ID:
        return None
    school = school_id if isinstance(school_id, int) else None
    return (commissioner_key(school, str(values["la_team"])), reference, provider_id, start)


async def _ends_moved_later(
    actor: Actor, good: list[PlacementIn]
) -> list[tuple[dict[str, Any], dt.date | None]]:
    """The placements already recorded (active, not ended) whose row moves their planned end
    later: each as it was, with its new planned end."""
    wanted = {placement_identity(p): p.planned_end_date for p in good}
    moved: list[tuple[dict[str, Any], dt.date | None]] = []
    references = sorted({key[1] for key in wanted})  # each a reference_key
    for batch in batches(references):
        rows = await Placement.select(*Placement.all_columns()).where(
            Placement.local_authority == actor.local_authority_id,
            reference_is_any_of(Placement.pupil_reference, batch),
            Placement.status == PlacementStatus.ACTIVE,
            Placement.ended_on.is_null(),
            scope(actor, Placement),
        )
        for row in rows:
            key = (
                row["commissioner_key"],
                reference_key(row["pupil_reference"]),
                row["provider"],
                row["start_date"],
            )
            if key in wanted and moved_later(row["planned_end_date"], wanted[key]):
                moved.append((row, wanted[key]))
    return moved


async def import_placements(
    actor: Actor,
    data: bytes,
    now: dt.datetime,
    progress: Callable[[int], None] | None = None,
    *,
    settings: Settings,
) -> ImportResult:
    """Check every row; if all are good, create or update them all in one transaction.

    A row that moves a placement's planned end later is a correction like one made on its page:
    its end survey, opened early, follows the new end (``placements/end_moves.py``), in its
    history."""
    if actor.role == Role.PROVIDER_STAFF:
        raise NotAllowed("Provider staff cannot import placements")
    try:
        header, reader = _rows(data)
    except UploadError as problem:
        return ImportResult(0, 0, 0, [RowError(1, "file", str(problem))])
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    # Named once here; the rows are still checked for everything else, so one upload finds
    # every problem it can.
    errors = [RowError(1, c, f"the column {c} is missing") for c in missing]
    errors += [RowError(1, c, f"{c} is not a column we know") for c in unknown]
    lookups = await _lookups(actor)
    good: list[PlacementIn] = []
    seen: dict[Identity, int] = {}
    total = 0
    for number, row in _numbered(reader):
        if isinstance(row, RowError):
            errors.append(row)
            break
        if not any(cell.strip() for cell in row):
            continue
        total += 1
        if number > MAX_ROWS + 1:
            errors.append(RowError(number, "file", f"a file can hold at most {MAX_ROWS} rows"))
            break
        too_long = _too_long(number, header, row)
        errors += too_long
        cells = dict(zip(header, row, strict=False))
        # A cell too long to read is named once above; the rest of its row is still checked.
        unread = set(missing) | {error.column for error in too_long}
        if too_long and len(row) < len(header):
            # The row ended inside that cell (an unclosed quote swallows the rest of the file):
            # the columns after it were never reached, so they are not asked for.
            unread |= set(header[len(row) :])
        cells.update(dict.fromkeys({error.column for error in too_long}, ""))
        placement, row_errors, key = _check_row(number, cells, actor, lookups, unread)
        errors += row_errors
        if key is not None:
            # The same identity the database upserts on, so a repeat is named here rather than
            # silently merged (SQLite) or refused mid-insert (PostgreSQL).
            if key in seen:
                errors.append(
                    RowError(
                        number,
                        "pupil_reference",
                        f"repeats row {seen[key]} (same pupil, provider and start)",
                    )
                )
            seen.setdefault(key, number)
        if placement is not None:
            good.append(placement)
        if progress:
            progress(1)
    if errors:
        return ImportResult(total, 0, 0, errors)
    before = await Placement.count().where(Placement.local_authority == actor.local_authority_id)
    moved = await _ends_moved_later(actor, good)
    authority = await effective_settings(settings, actor.local_authority_id) if moved else None
    async with transaction():
        for batch in batches(good):
            await upsert_placements(actor.local_authority_id, list(batch), now)
        for was, new_end in moved:
            assert authority is not None
            if lines := await follow_later_end(was, new_end, authority, now):
                await remember(was["id"], actor, now, lines)
    after = await Placement.count().where(Placement.local_authority == actor.local_authority_id)
    return ImportResult(len(good), after - before, len(good) - (after - before), [])

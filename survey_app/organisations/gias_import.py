"""Bringing an authority's schools up to date with a GIAS export (``gias.py`` reads the file).

Its open establishments are added, or updated by URN; a school GIAS lists as closed is marked
closed and keeps its history; schools the file does not mention are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from survey_app.db.engine import batches, transaction
from survey_app.db.tables import LocalAuthority, School
from survey_app.organisations.authorities import OrganisationError
from survey_app.organisations.gias import Establishment, GiasError, read_gias
from survey_app.organisations.rules import DFE_NUMBER, urn_problem
from survey_app.organisations.schools import CLOSED, OPEN

#: What a GIAS row sets on a school; the contact email is the council's own and never touched.
GIAS_FIELDS = ("name", "establishment_number", "establishment_type", "phase", "postcode", "ukprn")


class ImportResult(msgspec.Struct, frozen=True):
    """What an import did, or (with errors) why it did nothing."""

    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    errors: list[GiasError] = msgspec.field(default_factory=list)


async def _dfe_number(la_id: int) -> str:
    row = (
        await LocalAuthority.select(LocalAuthority.dfe_number)
        .where(LocalAuthority.id == la_id)
        .first()
    )
    if row is None:
        raise OrganisationError("There is no such local authority")
    if not row["dfe_number"]:
        raise OrganisationError(
            "This authority has no DfE LA number, so its schools cannot be found in GIAS"
        )
    return str(row["dfe_number"])


def check_also(also_la: Sequence[str], also_urn: Sequence[str]) -> list[GiasError]:
    """Problems with the out-of-area authorities and schools asked for."""
    errors = [
        GiasError(0, "also-la", f"{code!r} is not a DfE LA number (three digits, such as 845)")
        for code in also_la
        if not DFE_NUMBER.match(code)
    ]
    errors += [
        GiasError(0, "also-urn", problem) for urn in also_urn if (problem := urn_problem(urn))
    ]
    return errors


def _changes(existing: dict[str, object], found: Establishment) -> dict[str, object]:
    wanted: dict[str, object] = {field: getattr(found, field) for field in GIAS_FIELDS}
    wanted["status"] = OPEN if found.is_open else CLOSED
    return {field: value for field, value in wanted.items() if existing[field] != value}


async def import_gias(
    la_id: int,
    data: bytes,
    *,
    also_la: Sequence[str] = (),
    also_urn: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Bring one authority's schools up to date with a GIAS export.

    Its open establishments (those of its DfE number, of ``also_la`` and the ``also_urn``
    schools) are added, or updated by URN; a school of ours the file lists as closed is marked
    closed; schools the file does not mention are left as they are. The whole file is checked
    first: with any problem, nothing is written.
    """
    errors = check_also(also_la, also_urn)
    if errors:
        return ImportResult(errors=errors)
    dfe_number = await _dfe_number(la_id)
    read = read_gias(data, {dfe_number, *also_la}, also_urn, progress)
    if read.errors:
        return ImportResult(rows_read=read.rows_read, errors=read.errors)
    if not any(found.is_open for found in read.establishments):
        return ImportResult(
            rows_read=read.rows_read,
            errors=[
                GiasError(
                    0,
                    "file",
                    f"the file has no open establishment with LA (code) {dfe_number}"
                    + (" or the others asked for" if also_la or also_urn else "")
                    + ": is it the GIAS establishment export, and this authority's?",
                )
            ],
        )
    existing = {
        row["urn"]: row
        for row in await School.select(School.id, School.urn, School.status, *GIAS_FIELDS).where(
            School.local_authority == la_id, School.urn != ""
        )
    }
    new: list[School] = []
    updates: list[tuple[int, dict[str, object]]] = []
    unchanged = closed = 0
    for found in read.establishments:
        row = existing.get(found.urn)
        if row is None:
            if found.is_open:
                new.append(
                    School(
                        local_authority=la_id,
                        urn=found.urn,
                        status=OPEN,
                        **{field: getattr(found, field) for field in GIAS_FIELDS},
                    )
                )
            continue
        changes = _changes(row, found)
        if changes.get("status") == CLOSED:
            closed += 1
        if changes:
            updates.append((row["id"], changes))
        else:
            unchanged += 1
    async with transaction():
        for batch in batches(new):
            await School.insert(*batch)
        # Only the schools whose details changed are written: a re-import of an unchanged
        # file writes nothing, and an authority has hundreds of schools, not thousands.
        for school_id, changes in updates:
            await School.update(changes).where(  # type: ignore[arg-type]
                School.id == school_id, School.local_authority == la_id
            )
    return ImportResult(
        rows_read=read.rows_read,
        created=len(new),
        updated=len(updates),
        unchanged=unchanged,
        closed=closed,
    )

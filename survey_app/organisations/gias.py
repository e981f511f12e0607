"""Reading DfE's Get Information About Schools (GIAS) establishment export.

The export is published as one CSV of every establishment in England (about 50,000 rows and
130 columns), in Windows-1252; a file re-saved by Excel may be UTF-8 with or without a
byte-order mark, and both are read. Only a few columns are used; the rest are passed over.
Rows are matched first on the cheap ``LA (code)`` and ``URN`` cells, so the other authorities'
rows are never checked, and one bad row elsewhere in England cannot stop a council's import.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import msgspec

from survey_app.numbers import is_digits
from survey_app.organisations.rules import URN, name_problem
from survey_app.web.uploads import UploadError, read_rows

#: GIAS's own header names for what a school record keeps.
URN_COLUMN = "URN"
LA_CODE = "LA (code)"
COLUMNS = {
    "urn": URN_COLUMN,
    "la_code": LA_CODE,
    "la_name": "LA (name)",
    "establishment_number": "EstablishmentNumber",
    "name": "EstablishmentName",
    "establishment_type": "TypeOfEstablishment (name)",
    "status": "EstablishmentStatus (name)",
    "phase": "PhaseOfEducation (name)",
    "postcode": "Postcode",
    "ukprn": "UKPRN",
}
#: GIAS statuses of an establishment that is teaching pupils today.
OPEN_STATUSES = {"open", "open, but proposed to close"}
#: Stored lengths (``db/tables.py``); longer values are cut rather than refused, as they are
#: descriptions DfE publishes, not something the council typed.
LENGTHS = {"establishment_number": 8, "establishment_type": 100, "phase": 60, "postcode": 10}


class Establishment(msgspec.Struct, frozen=True):
    """One GIAS row that concerns the authority, as a school record keeps it."""

    urn: str
    name: str
    la_code: str
    establishment_number: str
    establishment_type: str
    phase: str
    postcode: str
    ukprn: str
    is_open: bool


class GiasError(msgspec.Struct, frozen=True):
    """A problem in the file, by its row as a spreadsheet numbers it (the header is row 1)."""

    row: int
    column: str
    message: str


class GiasRows(msgspec.Struct, frozen=True):
    establishments: list[Establishment]
    errors: list[GiasError]
    rows_read: int


def count_rows(data: bytes) -> int:
    """Roughly how many rows a file has (for a progress bar): its line breaks."""
    return max(data.count(b"\n") - 1, 0)


def read_gias(
    data: bytes,
    dfe_numbers: Collection[str],
    urns: Collection[str] = (),
    progress: Callable[[int], None] | None = None,
) -> GiasRows:
    """The establishments of these DfE LA numbers, and these URNs wherever they are, open or not;
    every problem in those rows (or a missing column) named."""
    try:
        reader = read_rows(data)
    except UploadError as unreadable:
        return GiasRows([], [GiasError(1, "file", str(unreadable))], 0)
    header = [name.strip() for name in next(reader, [])]
    position = {name: index for index, name in enumerate(header)}
    missing = [name for name in COLUMNS.values() if name not in position]
    if missing:
        return GiasRows(
            [],
            [
                GiasError(1, name, f"the column {name!r} is missing: is this a GIAS export?")
                for name in missing
            ],
            0,
        )
    index = {field: position[column] for field, column in COLUMNS.items()}
    la_at, urn_at, width = index["la_code"], index["urn"], len(header)
    wanted_las, wanted_urns = set(dfe_numbers), set(urns)
    found: list[Establishment] = []
    errors: list[GiasError] = []
    rows = 0
    seen: dict[str, int] = {}
    step = 0
    for number, cells in enumerate(reader, start=2):
        rows += 1
        step += 1
        if progress and step == 1000:
            progress(step)
            step = 0
        if len(cells) < width:
            if not any(cell.strip() for cell in cells):
                continue
            cells = cells + [""] * (width - len(cells))
        urn = cells[urn_at].strip()
        if cells[la_at].strip() not in wanted_las and urn not in wanted_urns:
            continue
        values = {field: cells[at].strip() for field, at in index.items()}
        row_errors = []
        if not URN.match(urn):
            row_errors.append(GiasError(number, URN_COLUMN, f"URN {urn!r} is not a number"))
        elif urn in seen:
            row_errors.append(GiasError(number, URN_COLUMN, f"URN {urn} repeats row {seen[urn]}"))
        if problem := name_problem(values["name"], "EstablishmentName"):
            row_errors.append(GiasError(number, COLUMNS["name"], problem))
        seen.setdefault(urn, number)
        errors += row_errors
        if row_errors:
            continue
        for field, length in LENGTHS.items():
            values[field] = values[field][:length]
        ukprn = values["ukprn"]
        found.append(
            Establishment(
                urn=urn,
                name=values["name"],
                la_code=values["la_code"],
                establishment_number=values["establishment_number"],
                establishment_type=values["establishment_type"],
                phase=values["phase"],
                postcode=values["postcode"].upper(),
                ukprn=ukprn if is_digits(ukprn) and len(ukprn) <= 10 else "",
                is_open=values["status"].lower() in OPEN_STATUSES,
            )
        )
    if progress and step:
        progress(step)
    return GiasRows(found, errors, rows)

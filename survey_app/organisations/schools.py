"""An authority's schools: imported from GIAS, added and edited by hand, contact emails filled in.

Everything here works on one authority's schools only (``School.local_authority``): the pages
pass the signed-in person's authority, the commands the one named by its ONS code. A school
with placements is never deleted: a school GIAS lists as closed is marked closed, keeps its
history, and is no longer offered for new placements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from reports.exports import Table
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.engine import batches, transaction
from survey_app.db.tables import LocalAuthority, School
from survey_app.organisations.authorities import OrganisationError
from survey_app.organisations.gias import Establishment, GiasError, read_gias
from survey_app.organisations.rules import DFE_NUMBER, email_problem, name_problem, urn_problem
from survey_app.organisations.statuses import SchoolStatus
from survey_app.web.listing import (
    Field,
    FieldKind,
    ListPage,
    ListQuery,
    ListSpec,
    Sort,
    contains,
    fetch_page,
)
from survey_app.web.uploads import UploadError, read_rows

OPEN, CLOSED = SchoolStatus.OPEN, SchoolStatus.CLOSED
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


class SchoolRow(msgspec.Struct, frozen=True):
    id: int
    name: str
    urn: str
    contact_email: str
    establishment_type: str
    phase: str
    postcode: str
    status: str


class SchoolPage(msgspec.Struct, frozen=True):
    found: ListPage
    schools: list[SchoolRow]
    missing_email: int


class FieldProblem(msgspec.Struct, frozen=True):
    field: str
    message: str


class EmailRowError(msgspec.Struct, frozen=True):
    """A problem in one row of a contact email file (the header is row 1)."""

    row: int
    column: str
    message: str


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


def check_school(name: str, urn: str, contact_email: str) -> list[FieldProblem]:
    """Every problem with a school typed in by hand."""
    problems = []
    if problem := name_problem(name, "Name"):
        problems.append(FieldProblem("name", problem))
    if urn and (problem := urn_problem(urn)):
        problems.append(FieldProblem("urn", problem))
    if contact_email and (problem := email_problem(contact_email, "Contact email")):
        problems.append(FieldProblem("contact_email", problem))
    return problems


async def _urn_taken(la_id: int, urn: str, school_id: int | None) -> bool:
    query = School.exists().where(School.local_authority == la_id, School.urn == urn)
    if school_id is not None:
        query = query.where(School.id != school_id)
    return bool(await query)


async def add_school(
    la_id: int, *, name: str, urn: str = "", contact_email: str = ""
) -> tuple[int | None, list[FieldProblem]]:
    """Add a school by hand: its id, or the problems found."""
    name, urn, contact_email = name.strip(), urn.strip(), contact_email.strip().lower()
    problems = check_school(name, urn, contact_email)
    async with transaction():
        if urn and not problems and await _urn_taken(la_id, urn, None):
            problems.append(FieldProblem("urn", f"There is already a school with URN {urn}"))
        if problems:
            return None, problems
        rows = await School.insert(
            School(
                local_authority=la_id,
                name=name,
                urn=urn,
                contact_email=contact_email,
                status=OPEN,
            )
        ).returning(School.id)
    return int(rows[0]["id"]), []


async def update_school(
    la_id: int, school_id: int, *, name: str, urn: str, contact_email: str, status: str
) -> list[FieldProblem]:
    """Change a school of this authority by hand; the problems found, if any."""
    name, urn, contact_email = name.strip(), urn.strip(), contact_email.strip().lower()
    problems = check_school(name, urn, contact_email)
    if status not in (OPEN, CLOSED):
        problems.append(FieldProblem("status", "Choose open or closed"))
    async with transaction():
        if urn and not problems and await _urn_taken(la_id, urn, school_id):
            problems.append(FieldProblem("urn", f"There is already a school with URN {urn}"))
        if problems:
            return problems
        await School.update(
            {
                School.name: name,
                School.urn: urn,
                School.contact_email: contact_email,
                School.status: status,
            }
        ).where(School.id == school_id, School.local_authority == la_id)
    return []


async def read_contact_emails(
    la_id: int, data: bytes
) -> tuple[dict[str, str], list[EmailRowError]]:
    """A two-column file of ``URN,email`` as {URN: email}, with every bad row named."""
    try:
        reader = read_rows(data)
    except UploadError as unreadable:
        return {}, [EmailRowError(1, "file", str(unreadable))]
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in ("urn", "email") if name not in header]
    if missing:
        return {}, [
            EmailRowError(
                1, name, f"the column {name} is missing: the header row must be URN,email"
            )
            for name in missing
        ]
    urn_at, email_at = header.index("urn"), header.index("email")
    ours = {
        row["urn"]
        for row in await School.select(School.urn).where(
            School.local_authority == la_id, School.urn != ""
        )
    }
    emails: dict[str, str] = {}
    rows: dict[str, int] = {}
    errors: list[EmailRowError] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        urn, email = cells[urn_at].strip(), cells[email_at].strip().lower()
        if not email:
            # The downloaded list has every school; a row left blank is one not filled in yet,
            # so it changes nothing (a council fills in what it has, in as many goes as it likes).
            continue
        if urn not in ours:
            unknown = urn_problem(urn) or f"There is no school with URN {urn} in your area"
            errors.append(EmailRowError(number, "URN", unknown))
        elif urn in rows:
            errors.append(EmailRowError(number, "URN", f"URN {urn} repeats row {rows[urn]}"))
        if problem := email_problem(email, "Email"):
            errors.append(EmailRowError(number, "email", problem))
        rows.setdefault(urn, number)
        emails[urn] = email
    if not emails and not errors:
        errors.append(EmailRowError(2, "file", "the file has no rows under its header"))
    return emails, errors


async def set_contact_emails(la_id: int, data: bytes) -> tuple[int, list[EmailRowError]]:
    """Fill in contact emails from a ``URN,email`` file: all of them, or (with any bad row)
    none. Returns how many schools were given an email."""
    emails, errors = await read_contact_emails(la_id, data)
    if errors:
        return 0, errors
    async with transaction():
        for urn, email in emails.items():
            await School.update({School.contact_email: email}).where(
                School.local_authority == la_id, School.urn == urn
            )
    return len(emails), []


def _school_row(row: dict[str, object]) -> SchoolRow:
    return SchoolRow(**row)  # type: ignore[arg-type]


SCHOOL_FIELDS = (
    School.id,
    School.name,
    School.urn,
    School.contact_email,
    School.establishment_type,
    School.phase,
    School.postcode,
    School.status,
)


def school_spec() -> ListSpec:
    """The schools list's filters: name or URN, open or closed, contact email missing."""
    return ListSpec(
        path="/staff/schools",
        noun=("school", "schools"),
        fields=(
            Field(
                name="q",
                label="Name or URN",
                kind=FieldKind.SEARCH,
                where=contains(School.name, School.urn),
            ),
            Field(
                name="status",
                label="Status",
                kind=FieldKind.CHOICE,
                where=lambda value: School.status == value,
                choices=tuple((status.value, status.value.capitalize()) for status in SchoolStatus),
            ),
            Field(
                name="email",
                label="Contact email",
                kind=FieldKind.CHOICE,
                where=lambda value: (
                    School.contact_email == "" if value == "missing" else School.contact_email != ""
                ),
                choices=(("missing", "Missing"), ("present", "Given")),
            ),
        ),
        sorts={
            "name": Sort("Name, A to Z", ((School.name, True),)),
            "urn": Sort("URN", ((School.urn, True),)),
        },
    )


async def school_page(
    actor: Actor, spec: ListSpec, query: ListQuery, errors: list[Any]
) -> SchoolPage:
    """One page of the schools the actor may see, with how many of all of them lack an email."""
    found = await fetch_page(spec, query, errors, actor, School, SCHOOL_FIELDS)
    missing = await School.count().where(scope(actor, School), School.contact_email == "")
    return SchoolPage(found, [_school_row(r) for r in found.rows], missing)


async def schools_table(where: object) -> Table:
    """Every school ``where`` lets in, by URN, email and name, ready to fill in the emails and
    upload again (the email upload reads these headings)."""
    rows = (
        await School.select(School.urn, School.contact_email, School.name, School.status)
        .where(
            where  # type: ignore[arg-type]
        )
        .order_by(School.name)
    )
    return Table(
        "Schools",
        ["URN", "email", "name", "status"],
        [
            [row["urn"], row["contact_email"], row["name"], str(row["status"]).capitalize()]
            for row in rows
        ],
        key="schools",
    )


async def school_id_for_urn(where: object, urn: str) -> int | None:
    """The school with this URN among those ``where`` lets in."""
    row = await School.select(School.id).where(where, School.urn == urn.strip()).first()  # type: ignore[arg-type]
    return int(row["id"]) if row else None

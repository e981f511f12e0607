"""An authority's schools: imported from GIAS, added and edited by hand, contact emails filled in.

Everything here works on one authority's schools only (``School.local_authority``): the pages
pass the signed-in person's authority, the commands the one named by its ONS code. A school
with placements is never deleted: a school GIAS lists as closed is marked closed, keeps its
history, and is no longer offered for new placements.

Here: adding and editing a school by hand, and the schools list and download. The GIAS import
is in ``gias_import.py``; filling in contact emails from a file in ``school_emails.py``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from reports.exports import Table
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.engine import transaction
from survey_app.db.tables import LocalAuthority, School
from survey_app.organisations.rules import email_problem, name_problem, urn_problem
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

OPEN, CLOSED = SchoolStatus.OPEN, SchoolStatus.CLOSED


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
    #: Where survey requests for a school without its own email go instead ("" if nowhere).
    council_email: str = ""


class FieldProblem(msgspec.Struct, frozen=True):
    field: str
    message: str


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
    council = (
        await LocalAuthority.select(LocalAuthority.contact_email)
        .where(LocalAuthority.id == actor.local_authority_id)
        .first()
    )
    council_email = council["contact_email"] if council else ""
    return SchoolPage(found, [_school_row(r) for r in found.rows], missing, council_email)


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

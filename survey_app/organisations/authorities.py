"""Local authorities: made once at the server by the council's IT (``survey-app la add``)."""

from __future__ import annotations

import msgspec

from survey_app.db.engine import transaction
from survey_app.db.tables import LocalAuthority
from survey_app.organisations.rules import DFE_NUMBER, ONS_CODE, email_problem, name_problem


class OrganisationError(Exception):
    """An authority or school could not be saved; the message says why in plain words."""


class Authority(msgspec.Struct, frozen=True):
    id: int
    name: str
    code: str
    dfe_number: str
    contact_email: str


def check_authority(name: str, code: str, dfe_number: str, contact_email: str) -> list[str]:
    """Every problem with a new authority's details."""
    problems = []
    if problem := name_problem(name, "Name", 120):
        problems.append(problem)
    if not ONS_CODE.match(code):
        problems.append(
            f"The ONS code must be a letter and eight digits, such as E10000011, not {code!r}"
        )
    if not DFE_NUMBER.match(dfe_number):
        problems.append(
            "The DfE LA number must be three digits, as in GIAS's 'LA (code)' column "
            f"(such as 845), not {dfe_number!r}"
        )
    if contact_email and (problem := email_problem(contact_email, "Contact email")):
        problems.append(problem)
    return problems


async def create_authority(
    *, name: str, code: str, dfe_number: str, contact_email: str = "", safeguarding_email: str = ""
) -> int:
    """Add a local authority; refuses a second one with the same name, code or DfE number."""
    name, code, dfe_number = name.strip(), code.strip().upper(), dfe_number.strip()
    problems = check_authority(name, code, dfe_number, contact_email)
    if problems:
        raise OrganisationError("; ".join(problems))
    async with transaction():
        clash = (
            await LocalAuthority.select(LocalAuthority.name)
            .where(
                (LocalAuthority.code == code)
                | (LocalAuthority.name == name)
                | (LocalAuthority.dfe_number == dfe_number)
            )
            .first()
        )
        if clash is not None:
            raise OrganisationError(
                f"{clash['name']} already has that name, ONS code or DfE number"
            )
        rows = await LocalAuthority.insert(
            LocalAuthority(
                name=name,
                code=code,
                dfe_number=dfe_number,
                contact_email=contact_email,
                safeguarding_email=safeguarding_email,
            )
        ).returning(LocalAuthority.id)
    return int(rows[0]["id"])


FIELDS = (
    LocalAuthority.id,
    LocalAuthority.name,
    LocalAuthority.code,
    LocalAuthority.dfe_number,
    LocalAuthority.contact_email,
)


async def list_authorities() -> list[Authority]:
    """Every authority on this deployment, by name."""
    rows = await LocalAuthority.select(*FIELDS).order_by(LocalAuthority.name)
    return [Authority(**row) for row in rows]


async def authority_by_code(code: str) -> Authority | None:
    """The authority with this ONS code."""
    row = (
        await LocalAuthority.select(*FIELDS)
        .where(LocalAuthority.code == code.strip().upper())
        .first()
    )
    return Authority(**row) if row else None


async def authority_by_id(la_id: int) -> Authority | None:
    """The authority with this id."""
    row = await LocalAuthority.select(*FIELDS).where(LocalAuthority.id == la_id).first()
    return Authority(**row) if row else None


async def authority_name(la_id: int) -> str:
    """The authority's name, as download file names carry it."""
    row = await LocalAuthority.select(LocalAuthority.name).where(LocalAuthority.id == la_id).first()
    return str(row["name"]) if row else "la"

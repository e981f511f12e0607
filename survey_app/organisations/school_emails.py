"""Schools' contact emails filled in from a ``URN,email`` file (the schools download, filled in
and uploaded again): all of the file's rows, or with any bad row none, each bad row named.
"""

from __future__ import annotations

import msgspec

from survey_app.db.engine import transaction
from survey_app.db.tables import School
from survey_app.organisations.rules import email_problem, urn_problem
from survey_app.web.uploads import UploadError, read_rows


class EmailRowError(msgspec.Struct, frozen=True):
    """A problem in one row of a contact email file (the header is row 1)."""

    row: int
    column: str
    message: str


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

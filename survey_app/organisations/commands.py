"""``survey-app la`` and ``survey-app schools``: a council sets itself up from the console."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import click

from survey_app.ops.console import la_id_of, now, run, settings_or_exit


class Problem(Protocol):
    """A problem in a file: its row (0 for none), column and message."""

    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def message(self) -> str: ...


#: Who the first administrator's invitation says set it up: the person at the server.
CONSOLE_INVITER = "your council's IT team"


@click.group()
def la() -> None:
    """Local authorities on this deployment."""


@la.command("add")
@click.option("--name", required=True, help="The authority's name, as staff and schools know it.")
@click.option("--code", required=True, help="Its ONS code, such as E10000011.")
@click.option(
    "--dfe-number", required=True, help="Its DfE LA number, as in GIAS's 'LA (code)', such as 845."
)
@click.option("--admin-email", required=True, help="Its first administrator, who is invited.")
def la_add(name: str, code: str, dfe_number: str, admin_email: str) -> None:
    """Create a local authority and invite its first administrator; prints the invitation link."""
    from survey_app.accounts.invitations import invite
    from survey_app.accounts.scoping import Role
    from survey_app.accounts.users import AccountError
    from survey_app.db.engine import transaction
    from survey_app.ops.audit import record
    from survey_app.organisations.authorities import OrganisationError, create_authority

    settings = settings_or_exit()

    async def add() -> str:
        # One transaction: an authority is never left without its administrator's invitation.
        async with transaction():
            la_id = await create_authority(name=name, code=code, dfe_number=dfe_number)
            invited = await invite(
                settings,
                email=admin_email,
                role=Role.LA_ADMIN,
                local_authority_id=la_id,
                invited_by=None,
                inviter=CONSOLE_INVITER,
                now=now(),
            )
        await record("la.created", now=now(), object_type="local_authority", object_id=la_id)
        return invited.link

    try:
        link = run(add())
    except (OrganisationError, AccountError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {name.strip()} ({code.strip().upper()}, DfE {dfe_number.strip()})")
    click.echo(f"invited {admin_email.strip().lower()} as its administrator; an email is queued.")
    click.echo("Their invitation link (works once, for 7 days; give it only to them):")
    click.echo(f"  {link}")


@la.command("list")
def la_list() -> None:
    """List the local authorities on this deployment."""
    from survey_app.organisations.authorities import list_authorities

    settings_or_exit()
    authorities = run(list_authorities())
    if not authorities:
        click.echo("no local authorities yet: add one with `survey-app la add`")
        return
    click.echo(f"{'ONS code':10} {'DfE':4} name")
    for authority in authorities:
        click.echo(f"{authority.code:10} {authority.dfe_number or '-':4} {authority.name}")


@click.group()
def schools() -> None:
    """An authority's schools."""


def _report_errors(errors: Sequence[Problem], what: str) -> None:
    for error in errors:
        where = f"row {error.row}, " if error.row else ""
        click.echo(f"{where}{error.column}: {error.message}", err=True)
    raise click.ClickException(f"{len(errors)} problems found; nothing was {what}")


@schools.command("import")
@click.argument("gias_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--la", "la_code", required=True, help="ONS code of the authority.")
@click.option(
    "--also-la", multiple=True, help="Also the open schools of this DfE LA number (repeatable)."
)
@click.option("--also-urn", multiple=True, help="Also this school, wherever it is (repeatable).")
def schools_import(
    gias_file: str, la_code: str, also_la: tuple[str, ...], also_urn: tuple[str, ...]
) -> None:
    """Import an authority's open schools from a GIAS establishment export (CSV)."""
    from survey_app.organisations.authorities import OrganisationError
    from survey_app.organisations.gias import count_rows
    from survey_app.organisations.gias_import import ImportResult, import_gias

    settings_or_exit()
    data = Path(gias_file).read_bytes()

    async def run_import() -> ImportResult:
        la_id = await la_id_of(la_code.strip().upper())
        with click.progressbar(
            length=count_rows(data), label="Reading GIAS rows", file=sys.stderr
        ) as bar:
            return await import_gias(
                la_id, data, also_la=also_la, also_urn=also_urn, progress=bar.update
            )

    try:
        result = run(run_import())
    except OrganisationError as error:
        raise click.ClickException(str(error)) from None
    if result.errors:
        _report_errors(result.errors, "imported")
    click.echo(
        f"read {result.rows_read} rows: {result.created} schools added, "
        f"{result.updated} updated ({result.closed} now closed), {result.unchanged} unchanged"
    )


@schools.command("emails")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--la", "la_code", required=True, help="ONS code of the authority.")
def schools_emails(csv_file: str, la_code: str) -> None:
    """Fill in schools' contact emails from a CSV of URN,email: all, or none if a row is bad."""
    from survey_app.organisations.school_emails import EmailRowError, set_contact_emails

    settings_or_exit()
    data = Path(csv_file).read_bytes()

    async def fill() -> tuple[int, list[EmailRowError]]:
        return await set_contact_emails(await la_id_of(la_code.strip().upper()), data)

    count, errors = run(fill())
    if errors:
        _report_errors(errors, "changed")
    click.echo(f"set the contact email of {count} school{'s' if count != 1 else ''}")

"""``survey-app providers``: importing a council's provider register from the console."""

from __future__ import annotations

from pathlib import Path

import click

from survey_app.ops.console import now, run, settings_or_exit


@click.group()
def providers() -> None:
    """Manage the provider register."""


@providers.command("import")
@click.argument("register_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--la", "la_code", required=True, help="The LA's ONS code, such as E10000011.")
def providers_import(register_file: str, la_code: str) -> None:
    """Import an LA's provider register (XLSX or CSV): every cell checked first, nothing
    written if one is wrong; providers already in the register are updated."""
    from survey_app.db.tables import LocalAuthority
    from survey_app.organisations.provider_register import ImportOutcome, import_file

    settings_or_exit()
    path = Path(register_file)

    async def run_import() -> ImportOutcome:
        la = await LocalAuthority.select(LocalAuthority.id).where(
            LocalAuthority.code == la_code.strip().upper()
        )
        if not la:
            raise click.ClickException(f"there is no local authority with code {la_code}")
        return await import_file(la[0]["id"], path.read_bytes(), path.name, now())

    result = run(run_import())
    if result.ignored_columns:
        click.echo(
            "columns not recognised, left out: " + ", ".join(result.ignored_columns),
            err=True,
        )
    if result.errors:
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} problems found; nothing was imported")
    click.echo(
        f"imported the register: {result.added} added, {result.linked} already known to the "
        f"service and added to this LA's register, {result.updated} updated"
    )

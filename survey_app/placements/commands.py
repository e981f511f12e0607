"""``survey-app placements``: importing a placements CSV from the console."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey_app.ops.console import now, run, settings_or_exit, user_id_of


@click.group()
def placements() -> None:
    """Manage placements."""


@placements.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--email", required=True, help="The staff user the import is made as (their scope).")
def placements_import(csv_file: str, email: str) -> None:
    """Import placements from a CSV or XLSX file: every row checked first; nothing written if
    one is bad."""

    from survey_app.accounts.users import actor_for_user
    from survey_app.placements.csv_import import import_placements

    settings = settings_or_exit()
    data = Path(csv_file).read_bytes()
    rows = max(data.count(b"\n") - 1, 0)

    async def run_import() -> object:
        user_id = await user_id_of(email)
        actor = await actor_for_user(user_id)
        if actor is None:
            raise click.ClickException(f"there is no active user with email {email}")
        with click.progressbar(length=rows, label="Checking rows", file=sys.stderr) as bar:
            return await import_placements(
                actor, data, now(), progress=bar.update, settings=settings
            )

    result = run(run_import())
    errors = getattr(result, "errors", [])
    if errors:
        for error in errors:
            click.echo(f"row {error.row}, column {error.column}: {error.message}", err=True)
        raise click.ClickException(f"{len(errors)} problems found; nothing was imported")
    click.echo(
        f"imported {result.rows} placements: {result.created} new, {result.updated} updated"  # type: ignore[attr-defined]
    )

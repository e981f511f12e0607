"""``survey-app backup``, ``restore`` and ``pupil``: keeping data safe, answering data rights."""

from __future__ import annotations

from pathlib import Path

import click

from survey_app.ops.console import la_id_of, now, run, settings_or_exit


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Write a consistent copy of the whole database to TARGET (safe while the server runs)."""
    from survey_app.ops.backups import BackupError
    from survey_app.ops.backups import backup as take_backup

    try:
        take_backup(settings_or_exit(), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {target} ({target.stat().st_size:,} bytes)")


@click.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: everything now in the database is replaced.")
def restore(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE (stop the servers first)."""
    from survey_app.ops.backups import BackupError
    from survey_app.ops.backups import restore as put_back

    settings = settings_or_exit()
    if not yes:
        raise click.ClickException("add --yes to confirm: the database is replaced by the backup")
    from survey_app.ops.erasures import ledger_before_restore, reapply

    # Read before restoring: the backup's ledger is older, and may not have the newest erasures.
    ledger = run(ledger_before_restore(settings))
    try:
        put_back(settings, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    # The erasures need the current tables, so an older backup is brought up to date first.
    run(_migrate())
    erased = run(reapply(settings, ledger))
    click.echo(
        f"restored from {source}; database migrated; {len(ledger)} erasures re-applied "
        f"({erased} pupils in the backup erased again)"
    )


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="survey_app")
    if not result.success:
        raise click.ClickException(f"restored, but migrating failed: {result.message}")


@click.group()
def pupil() -> None:
    """Subject-access requests: export or erase everything held about one pupil reference."""


@pupil.command("export")
@click.option("--la", "la_code", required=True, help="ONS code of the local authority.")
@click.option("--reference", required=True, help="The pupil reference.")
def pupil_export(la_code: str, reference: str) -> None:
    """Print, as JSON, everything linked to a pupil reference (answers included)."""
    import msgspec

    from survey_app.ops.audit import pupil_key, record
    from survey_app.ops.data_rights import export_pupil

    settings = settings_or_exit()

    async def export() -> bytes:
        la = await la_id_of(la_code)
        result = await export_pupil(la, reference, secret=settings.secret_key)
        # The log names the pupil by key: a reference kept there would outlive an erasure.
        await record(
            "pupil.exported",
            now=now(),
            object_type="pupil",
            object_id=pupil_key(settings.secret_key, la_code, reference),
            local_authority=la,
        )
        return msgspec.json.format(msgspec.json.encode(result))

    click.echo(run(export()).decode())


@pupil.command("erase")
@click.option("--la", "la_code", required=True, help="ONS code of the local authority.")
@click.option("--reference", required=True, help="The pupil reference.")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
def pupil_erase(la_code: str, reference: str, yes: bool) -> None:
    """Delete everything linked to a pupil reference: placements, surveys, answers, emails.

    The erasure is remembered (as a keyed hash, never the reference), so a restore from an
    older backup erases the pupil again.
    """
    from survey_app.ops.erasures import forget_pupil

    settings = settings_or_exit()
    if not yes:
        raise click.ClickException("add --yes to confirm: erasure cannot be undone")

    async def erase() -> int:
        return await forget_pupil(settings, await la_id_of(la_code), reference, now())

    click.echo(f"erased {run(erase())} placements and everything linked to them")

"""The ``survey-app`` command line: serve, migrate, demo, dispatch, user and token management."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from survey_app.accounts.scoping import Role
from survey_app.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@click.group()
def main() -> None:
    """Learner voice for children in non-school alternative provision."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (default SURVEY_HOST).")
@click.option("--port", default=None, type=int, help="Port to listen on (default SURVEY_PORT).")
@click.option("--workers", default=1, show_default=True, help="Worker processes.")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application."""
    import uvicorn

    settings = _settings()
    uvicorn.run(
        "survey_app.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
    )


async def _migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="survey_app")
    if not result.success:
        raise click.ClickException(f"migration failed: {result.message}")


@main.command()
def migrate() -> None:
    """Apply database migrations (safe to run again)."""
    _settings()
    _run(_migrate())
    click.echo("database is up to date")


@main.command()
def demo() -> None:
    """Load demonstration data once, and print the demo sign-ins."""
    from survey_app.ops.demo import DEMO_LOGINS, DEMO_TOTP_SECRET, load_demo

    settings = _settings()
    loaded = _run(load_demo(settings, _now()))
    click.echo("demo data loaded" if loaded else "demo data already loaded; nothing added")
    click.echo("Demo sign-ins (at /staff/sign-in):")
    for login in DEMO_LOGINS:
        click.echo(f"  {login.role:24} {login.email:33} {login.password}")
    code = f"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())"
    click.echo(
        "The LA officer and safeguarding contact also need a code: add the key "
        f'{DEMO_TOTP_SECRET} to an authenticator app, or run\n  .venv/bin/python -c "{code}"'
    )


@main.command()
def dispatch() -> None:
    """Issue due surveys, queue reminders and digests, send the outbox (idempotent; for cron)."""
    from survey_app.chasing.reminders import dispatch as run_dispatch
    from survey_app.mail.outbox import transport_for

    settings = _settings()
    transport = None if settings.demo_mode else transport_for(settings)
    result = _run(run_dispatch(settings, _now(), transport))
    click.echo(f"issued {result.issued} invitation{'s' if result.issued != 1 else ''}")
    click.echo(
        f"queued {result.reminders_queued} reminders and {result.digests_queued} digests; "
        f"sent {result.sent} messages, {result.failed} to retry"
        + (" (demo mode: nothing sent, see /staff/outbox)" if settings.demo_mode else "")
    )


@main.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path) -> None:
    """Write a consistent copy of the whole database to TARGET (safe while the server runs)."""
    from survey_app.ops.backups import BackupError
    from survey_app.ops.backups import backup as take_backup

    try:
        take_backup(_settings(), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {target} ({target.stat().st_size:,} bytes)")


@main.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: everything now in the database is replaced.")
def restore(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE (stop the servers first)."""
    from survey_app.ops.backups import BackupError
    from survey_app.ops.backups import restore as put_back

    settings = _settings()
    if not yes:
        raise click.ClickException("add --yes to confirm: the database is replaced by the backup")
    try:
        put_back(settings, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored from {source}; run survey-app migrate if the backup is older")


async def _user_id(email: str) -> int:
    from survey_app.db.tables import StaffUser

    row = (
        await StaffUser.select(StaffUser.id).where(StaffUser.email == email.strip().lower()).first()
    )
    if row is None:
        raise click.ClickException(f"there is no user with email {email}")
    return int(row["id"])


@main.group()
def user() -> None:
    """Manage staff users."""


@user.command("add")
@click.option("--email", required=True, help="The user's email address; they sign in with it.")
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may see."
)
@click.option("--la", "la_code", required=True, help="ONS code of their local authority.")
@click.option("--school-id", type=int, default=None, help="Their school (school contacts).")
@click.option("--provider-id", type=int, default=None, help="Their provider (provider staff).")
def user_add(
    email: str, role: str, la_code: str, school_id: int | None, provider_id: int | None
) -> None:
    """Create a staff user; the password is read from standard input, never an argument."""
    from survey_app.accounts.users import AccountError, create_user
    from survey_app.db.tables import LocalAuthority

    _settings()
    password = sys.stdin.readline().rstrip("\n")

    async def add() -> int:
        la = (
            await LocalAuthority.select(LocalAuthority.id)
            .where(LocalAuthority.code == la_code)
            .first()
        )
        if la is None:
            raise click.ClickException(f"there is no local authority with code {la_code}")
        return await create_user(
            email=email,
            password=password,
            role=Role(role),
            local_authority_id=la["id"],
            school_id=school_id,
            provider_id=provider_id,
            now=_now(),
        )

    try:
        user_id = _run(add())
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    from survey_app.ops.audit import record

    _run(
        record(
            f"user.created.{role}",
            now=_now(),
            user_id=user_id,
            object_type="user",
            object_id=user_id,
        )
    )
    click.echo(f"created user {user_id} ({email})", err=True)


@user.command("disable")
@click.option("--email", required=True, help="The user to disable.")
def user_disable(email: str) -> None:
    """Disable a staff user: every session ends and every API token is revoked, at once."""
    from survey_app.accounts.sessions import end_sessions_of
    from survey_app.accounts.users import revoke_api_tokens
    from survey_app.db.tables import StaffUser
    from survey_app.ops.audit import record

    _settings()

    async def disable() -> None:
        user_id = await _user_id(email)
        await StaffUser.update({StaffUser.active: False}).where(StaffUser.id == user_id)
        await end_sessions_of(user_id)
        await revoke_api_tokens(user_id, _now())
        await record(
            "user.disabled", now=_now(), user_id=user_id, object_type="user", object_id=user_id
        )

    _run(disable())
    click.echo(f"disabled {email}: signed out everywhere, API tokens revoked")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("add")
@click.option("--email", required=True, help="The user the token acts for.")
@click.option("--label", default="", help="A note of what the token is for.")
def token_add(email: str, label: str) -> None:
    """Create an API token and print it, alone, on standard output (shown only this once)."""
    from survey_app.accounts.users import AccountError, create_api_token

    _settings()

    async def add() -> str:
        user_id = await _user_id(email)
        return await create_api_token(user_id, label, _now())

    try:
        click.echo(_run(add()))
    except AccountError as error:
        raise click.ClickException(str(error)) from None


@token.command("revoke")
@click.option("--email", required=True, help="Revoke every API token of this user.")
def token_revoke(email: str) -> None:
    """Revoke a user's API tokens at once (a leaked token, or someone leaving)."""
    from survey_app.accounts.users import revoke_api_tokens
    from survey_app.ops.audit import record

    _settings()

    async def revoke() -> int:
        user_id = await _user_id(email)
        count = await revoke_api_tokens(user_id, _now())
        await record(
            "api_token.revoked",
            now=_now(),
            user_id=user_id,
            object_type="user",
            object_id=user_id,
        )
        return count

    count = _run(revoke())
    click.echo(f"revoked {count} token{'s' if count != 1 else ''}")


@main.group()
def questionnaires() -> None:
    """Check the questionnaire data files."""


@questionnaires.command("check")
@click.option(
    "--directory",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Check these files instead of the shipped questionnaires.",
)
def questionnaires_check(directory: str | None) -> None:
    """Validate every questionnaire and check its wording against its band's reading targets."""
    from pathlib import Path

    from accessibility.readability import check_questionnaire
    from accessibility.targets import TARGETS
    from questionnaires.loader import DATA_DIR, QuestionnaireError, load_directory

    try:
        loaded = load_directory(Path(directory) if directory else DATA_DIR)
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from None
    failed = False
    click.echo(f"{'band':12} {'item':36} {'grade':>5} {'words':>5}  verdict")
    for (questionnaire_id, version), questionnaire in sorted(loaded.items()):
        result = check_questionnaire(questionnaire)
        for item in result.items:
            name = item.item[:36]
            click.echo(
                f"{item.band:12} {name:36} {item.grade:5.1f} {item.words:5d}  {item.verdict}"
            )
        target = TARGETS[questionnaire.band]
        verdict = "ok" if not result.problems else "FAIL: " + "; ".join(result.problems)
        click.echo(
            f"{result.band:12} {'AVERAGE ' + questionnaire_id + ' v' + str(version):36} "
            f"{result.average_grade:5.1f} {'':5}  {verdict} (target {target.max_average_grade})"
        )
        failed = failed or not result.passed
    if failed:
        raise click.ClickException("some questionnaire text is above its band's reading targets")
    click.echo("all questionnaire text meets its band's reading targets")


if __name__ == "__main__":
    main()


@main.group()
def placements() -> None:
    """Manage placements."""


@placements.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--email", required=True, help="The staff user the import is made as (their scope).")
def placements_import(csv_file: str, email: str) -> None:
    """Import placements from a CSV file: every row checked first; nothing written if one is bad."""
    from pathlib import Path

    from survey_app.accounts.users import actor_for_user
    from survey_app.placements.csv_import import import_placements

    _settings()
    data = Path(csv_file).read_bytes()
    rows = max(data.count(b"\n") - 1, 0)

    async def run_import() -> object:
        user_id = await _user_id(email)
        actor = await actor_for_user(user_id)
        if actor is None:
            raise click.ClickException(f"there is no active user with email {email}")
        with click.progressbar(length=rows, label="Checking rows", file=sys.stderr) as bar:
            return await import_placements(actor, data, _now(), progress=bar.update)

    result = _run(run_import())
    errors = getattr(result, "errors", [])
    if errors:
        for error in errors:
            click.echo(f"row {error.row}, column {error.column}: {error.message}", err=True)
        raise click.ClickException(f"{len(errors)} problems found; nothing was imported")
    click.echo(
        f"imported {result.rows} placements: {result.created} new, {result.updated} updated"  # type: ignore[attr-defined]
    )


@main.group()
def pupil() -> None:
    """Subject-access requests: export or erase everything held about one pupil reference."""


async def _la_id(code: str) -> int:
    from survey_app.db.tables import LocalAuthority

    row = await LocalAuthority.select(LocalAuthority.id).where(LocalAuthority.code == code).first()
    if row is None:
        raise click.ClickException(f"there is no local authority with code {code}")
    return int(row["id"])


@pupil.command("export")
@click.option("--la", "la_code", required=True, help="ONS code of the local authority.")
@click.option("--reference", required=True, help="The pupil reference.")
def pupil_export(la_code: str, reference: str) -> None:
    """Print, as JSON, everything linked to a pupil reference (answers included)."""
    import msgspec

    from survey_app.ops.audit import record
    from survey_app.ops.data_rights import export_pupil

    _settings()

    async def export() -> bytes:
        la = await _la_id(la_code)
        result = await export_pupil(la, reference)
        await record(
            "pupil.exported",
            now=_now(),
            object_type="pupil",
            object_id=reference,
        )
        return msgspec.json.format(msgspec.json.encode(result))

    click.echo(_run(export()).decode())


@pupil.command("erase")
@click.option("--la", "la_code", required=True, help="ONS code of the local authority.")
@click.option("--reference", required=True, help="The pupil reference.")
@click.option("--yes", is_flag=True, help="Confirm: this cannot be undone.")
def pupil_erase(la_code: str, reference: str, yes: bool) -> None:
    """Delete everything linked to a pupil reference: placements, surveys, answers, emails."""
    from survey_app.ops.audit import record
    from survey_app.ops.data_rights import erase_pupil

    _settings()
    if not yes:
        raise click.ClickException("add --yes to confirm: erasure cannot be undone")

    async def erase() -> int:
        la = await _la_id(la_code)
        count = await erase_pupil(la, reference)
        await record("pupil.erased", now=_now(), object_type="pupil", object_id=reference)
        return count

    click.echo(f"erased {_run(erase())} placements and everything linked to them")

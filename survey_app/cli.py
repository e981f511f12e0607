"""The ``survey-app`` command line: serving, migrating, the scheduled work and the demo here; each
feature's own commands (users and tokens, placements, backups and pupils' data) in its folder."""

from __future__ import annotations

from pathlib import Path

import click

from survey_app.accounts.commands import token, user
from survey_app.ops.commands import backup, pupil, restore
from survey_app.ops.console import now, run, settings_or_exit
from survey_app.organisations.commands import la, schools
from survey_app.organisations.provider_commands import providers
from survey_app.placements.commands import placements


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

    settings = settings_or_exit()
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
    settings_or_exit()
    run(_migrate())
    click.echo("database is up to date")


@main.command()
def demo() -> None:
    """Load demonstration data once, and print the demo sign-ins."""
    from survey_app.ops.demo import DEMO_LOGINS, DEMO_TOTP_SECRET, load_demo

    settings = settings_or_exit()
    loaded = run(load_demo(settings, now()))
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
    """Run the scheduled work once: issue due surveys, chase, escalate, retain, send (for cron)."""
    from survey_app.mail.outbox import transport_for
    from survey_app.ops.schedule import run_scheduled_work as run_dispatch

    settings = settings_or_exit()
    transport = None if settings.demo_mode else transport_for(settings)
    result = run(run_dispatch(settings, now(), transport))
    click.echo(f"issued {result.issued} invitation{'s' if result.issued != 1 else ''}")
    if result.partial_kept:
        click.echo(f"kept {result.partial_kept} unsent surveys as partial responses")
    click.echo(
        f"queued {result.reminders_queued} reminders and {result.digests_queued} digests; "
        f"sent {result.sent} messages, {result.failed} to retry"
        + (" (demo mode: nothing sent, see /staff/outbox)" if settings.demo_mode else "")
    )


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
        target = TARGETS[questionnaire.reading_band or questionnaire.band]
        verdict = "ok" if not result.problems else "FAIL: " + "; ".join(result.problems)
        click.echo(
            f"{result.band:12} {'AVERAGE ' + questionnaire_id + ' v' + str(version):36} "
            f"{result.average_grade:5.1f} {'':5}  {verdict} (target {target.max_average_grade})"
        )
        failed = failed or not result.passed
    if failed:
        raise click.ClickException("some questionnaire text is above its band's reading targets")
    click.echo("all questionnaire text meets its band's reading targets")


main.add_command(user)
main.add_command(token)
main.add_command(placements)
main.add_command(providers)
main.add_command(backup)
main.add_command(restore)
main.add_command(pupil)
main.add_command(la)
main.add_command(schools)

if __name__ == "__main__":
    main()

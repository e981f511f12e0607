"""``survey-app user`` and ``survey-app token``: staff accounts and API tokens from the console."""

from __future__ import annotations

import sys

import click

from survey_app.accounts.scoping import Role
from survey_app.ops.console import now, run, settings_or_exit, user_id_of


@click.group()
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
    from survey_app.db.tables import LocalAuthority, Provider, ProviderRecord, School

    settings_or_exit()
    password = sys.stdin.readline().rstrip("\n")

    async def add() -> int:
        la = (
            await LocalAuthority.select(LocalAuthority.id)
            .where(LocalAuthority.code == la_code)
            .first()
        )
        if la is None:
            raise click.ClickException(f"there is no local authority with code {la_code}")
        # A user tied to another LA's school or provider would see that LA's pupils' feedback.
        if school_id is not None:
            school = await School.select(School.local_authority).where(School.id == school_id)
            if not school:
                raise click.ClickException(f"there is no school with id {school_id}")
            if school[0]["local_authority"] != la["id"]:
                raise click.ClickException(
                    f"school {school_id} is not in local authority {la_code}: "
                    "a user may only be tied to their own LA's schools and providers"
                )
        if provider_id is not None:
            if not await Provider.exists().where(Provider.id == provider_id):
                raise click.ClickException(f"there is no provider with id {provider_id}")
            # A provider is shared by the LAs that use it: it is this LA's if it keeps a record.
            if not await ProviderRecord.exists().where(
                ProviderRecord.provider == provider_id, ProviderRecord.local_authority == la["id"]
            ):
                raise click.ClickException(
                    f"provider {provider_id} is not in local authority {la_code}'s register: "
                    "a user may only be tied to their own LA's schools and providers"
                )
        return await create_user(
            email=email,
            password=password,
            role=Role(role),
            local_authority_id=la["id"],
            school_id=school_id,
            provider_id=provider_id,
            now=now(),
        )

    try:
        user_id = run(add())
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    from survey_app.ops.audit import record

    run(
        record(
            f"user.created.{role}",
            now=now(),
            user_id=user_id,
            object_type="user",
            object_id=user_id,
        )
    )
    click.echo(f"created user {user_id} ({email})", err=True)


@user.command("invite")
@click.option(
    "--email", required=True, help="The person's email address; the invitation goes there."
)
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may see."
)
@click.option("--la", "la_code", required=True, help="ONS code of their local authority.")
@click.option(
    "--school-urn", default="", help="Their school's URN (or exact name): school contacts."
)
@click.option(
    "--provider", default="", help="Their provider's name on the LA's register: provider staff."
)
def user_invite(email: str, role: str, la_code: str, school_urn: str, provider: str) -> None:
    """Invite a staff user by email and print their single-use link (7 days), as `la add` does."""
    from survey_app.accounts.invitations import invite
    from survey_app.accounts.staff_organisations import organisation_for
    from survey_app.accounts.users import AccountError
    from survey_app.db.tables import LocalAuthority
    from survey_app.organisations.commands import CONSOLE_INVITER

    settings = settings_or_exit()

    async def send() -> str:
        la = (
            await LocalAuthority.select(LocalAuthority.id)
            .where(LocalAuthority.code == la_code.strip().upper())
            .first()
        )
        if la is None:
            raise click.ClickException(f"there is no local authority with code {la_code}")
        # Only this LA's schools and register: a user tied to another LA's would see its pupils.
        school_id, provider_id = await organisation_for(la["id"], Role(role), school_urn, provider)
        invited = await invite(
            settings,
            email=email,
            role=Role(role),
            local_authority_id=la["id"],
            invited_by=None,
            inviter=CONSOLE_INVITER,
            now=now(),
            school_id=school_id,
            provider_id=provider_id,
        )
        return invited.link

    try:
        link = run(send())
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"invited {email.strip().lower()} as {role}; an email is queued.")
    click.echo("Their invitation link (works once, for 7 days; give it only to them):")
    click.echo(f"  {link}")


@user.command("disable")
@click.option("--email", required=True, help="The user to disable.")
def user_disable(email: str) -> None:
    """Disable a staff user: every session ends and every API token is revoked, at once."""
    from survey_app.accounts.sessions import end_sessions_of
    from survey_app.accounts.users import revoke_api_tokens
    from survey_app.db.staff_tables import StaffUser
    from survey_app.ops.audit import record

    settings_or_exit()

    async def disable() -> None:
        user_id = await user_id_of(email)
        await StaffUser.update({StaffUser.active: False}).where(StaffUser.id == user_id)
        await end_sessions_of(user_id)
        await revoke_api_tokens(user_id, now())
        await record(
            "user.disabled", now=now(), user_id=user_id, object_type="user", object_id=user_id
        )

    run(disable())
    click.echo(f"disabled {email}: signed out everywhere, API tokens revoked")


@click.group()
def token() -> None:
    """Manage API tokens."""


@token.command("add")
@click.option("--email", required=True, help="The user the token acts for.")
@click.option("--label", default="", help="A note of what the token is for.")
def token_add(email: str, label: str) -> None:
    """Create an API token and print it, alone, on standard output (shown only this once)."""
    from survey_app.accounts.users import AccountError, create_api_token

    settings_or_exit()

    async def add() -> str:
        user_id = await user_id_of(email)
        return await create_api_token(user_id, label, now())

    try:
        click.echo(run(add()))
    except AccountError as error:
        raise click.ClickException(str(error)) from None


@token.command("revoke")
@click.option("--email", required=True, help="Revoke every API token of this user.")
def token_revoke(email: str) -> None:
    """Revoke a user's API tokens at once (a leaked token, or someone leaving)."""
    from survey_app.accounts.users import revoke_api_tokens
    from survey_app.ops.audit import record

    settings_or_exit()

    async def revoke() -> int:
        user_id = await user_id_of(email)
        count = await revoke_api_tokens(user_id, now())
        await record(
            "api_token.revoked",
            now=now(),
            user_id=user_id,
            object_type="user",
            object_id=user_id,
        )
        return count

    count = run(revoke())
    click.echo(f"revoked {count} token{'s' if count != 1 else ''}")

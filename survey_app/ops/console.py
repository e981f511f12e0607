"""What every ``survey-app`` command needs: the settings, a way to run async code, the time,
and finding the user or local authority a command names (a plain error, never a traceback)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from survey_app.settings import Settings, SettingsError, load_settings

T = TypeVar("T")


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def user_id_of(email: str) -> int:
    from survey_app.db.staff_tables import StaffUser

    row = (
        await StaffUser.select(StaffUser.id).where(StaffUser.email == email.strip().lower()).first()
    )
    if row is None:
        raise click.ClickException(f"there is no user with email {email}")
    return int(row["id"])


async def la_id_of(code: str) -> int:
    from survey_app.db.tables import LocalAuthority

    row = await LocalAuthority.select(LocalAuthority.id).where(LocalAuthority.code == code).first()
    if row is None:
        raise click.ClickException(f"there is no local authority with code {code}")
    return int(row["id"])

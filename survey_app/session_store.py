"""A Litestar session store in the database, so every server instance shares staff sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import msgspec
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store

from survey_app.database import transaction
from survey_app.settings import Settings
from survey_app.tables import StaffSession


def _key_hash(key: str) -> str:
    # The session id is a bearer secret: keep only its hash, like invitation tokens.
    return hashlib.sha256(key.encode()).hexdigest()


def _seconds(value: int | dt.timedelta | None) -> int:
    if value is None:
        return 24 * 3600
    return int(value.total_seconds()) if isinstance(value, dt.timedelta) else value


def _user_of(data: str) -> int | None:
    try:
        decoded = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return None
    user = decoded.get("user_id") if isinstance(decoded, dict) else None
    return user if isinstance(user, int) else None


async def end_sessions_of(user_id: int) -> None:
    """End every session of this user on every server instance (sign-out, disablement)."""
    await StaffSession.delete().where(StaffSession.user_id == user_id)


#: The session cookie's name ("__Host-" is added on HTTPS, where browsers honour it).
SESSION_COOKIE = "lv_session"


def session_cookie_name(settings: Settings) -> str:
    """The session cookie's name: "__Host-" bound to this host whenever we are on HTTPS."""
    return ("__Host-" if settings.base_url.startswith("https://") else "") + SESSION_COOKIE


#: Set on a request's state by sign-in: the response carries a brand-new session id.
ROTATE = "rotate_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a new session id when asked (at sign-in), so a planted id is never signed in."""

    def get_session_id(self, connection: ASGIConnection) -> str:  # type: ignore[type-arg]
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE):
            if "new_session_id" not in state:
                state["new_session_id"] = self.generate_session_id()
            return str(state["new_session_id"])
        return super().get_session_id(connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


class DatabaseSessionStore(Store):
    """Implements Litestar's ``Store`` over the ``staff_session`` table, on the app's clock."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock

    async def set(
        self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None
    ) -> None:
        data = value.decode() if isinstance(value, bytes) else value
        expires_at = self.clock() + dt.timedelta(seconds=_seconds(expires_in))
        async with transaction():
            await StaffSession.insert(
                StaffSession(
                    key_hash=_key_hash(key),
                    data=data,
                    expires_at=expires_at,
                    user_id=_user_of(data),
                )
            ).on_conflict(
                target=StaffSession.key_hash,
                action="DO UPDATE",
                values=[StaffSession.data, StaffSession.expires_at, StaffSession.user_id],
            )

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        row = (
            await StaffSession.select(StaffSession.data, StaffSession.expires_at)
            .where(StaffSession.key_hash == _key_hash(key))
            .first()
        )
        if row is None or row["expires_at"] <= self.clock():
            return None
        if renew_for:
            await StaffSession.update(
                {StaffSession.expires_at: self.clock() + dt.timedelta(seconds=_seconds(renew_for))}
            ).where(StaffSession.key_hash == _key_hash(key))
        return str(row["data"]).encode()

    async def delete(self, key: str) -> None:
        await StaffSession.delete().where(StaffSession.key_hash == _key_hash(key))

    async def delete_all(self) -> None:
        await StaffSession.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = (
            await StaffSession.select(StaffSession.expires_at)
            .where(StaffSession.key_hash == _key_hash(key))
            .first()
        )
        if row is None:
            return None
        return max(0, int((row["expires_at"] - self.clock()).total_seconds()))

"""A Litestar session store in the database, so every server instance shares staff sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffSession
from survey_app.settings import Settings

#: How stale a session's expiry may get before reading it writes a new one.
RENEW_GRANULARITY = dt.timedelta(minutes=1)


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


async def purge_stale(now: dt.datetime) -> None:
    """Delete staff sessions past their expiry and throttle counters past their window: they
    let nobody in and block nobody, and the counters hold (keyed hashes of) personal data."""
    from survey_app.web.throttle import purge

    await StaffSession.delete().where(StaffSession.expires_at <= now)
    await purge(now)


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


async def start_fresh_session(request: Request, settings: Settings, data: dict[str, Any]) -> None:
    """Hold ``data`` under a brand-new session id, ending the one the browser sent.

    Every step that raises what a session may do (the right password, an accepted invitation,
    the second factor, a pupil's link or code) does this: an id planted in the browser
    beforehand (a shared PC, a cookie set from a sibling host) then holds nothing of it.
    """
    old = request.cookies.get(session_cookie_name(settings))
    if old:
        await request.app.stores.get("sessions").delete(old)
    request.scope.setdefault("state", {})[ROTATE] = True
    request.set_session(data)


#: The session as it was read from the store, to tell whether a request changed it.
LOADED = "session_as_loaded"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a new session id when asked (at sign-in), so a planted id is never signed in.

    It also writes to the database only when a session changed: an anonymous request (a health
    check, the home page) creates no session row and gets no session cookie, and a request that
    only reads its session refreshes the cookie without writing the same data back.
    """

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:  # type: ignore[type-arg]
        data = await super().load_from_connection(connection)
        state = connection.scope.setdefault("state", {})
        state[LOADED] = self.serialize_data(data, connection.scope) if data else None
        return data

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection,  # type: ignore[type-arg]
    ) -> None:
        state = connection.scope.setdefault("state", {})
        had_cookie = bool(connection.cookies.get(self.config.key))
        if not scope_session and scope_session is not Empty:
            if not had_cookie:
                return
            scope_session = Empty
        unchanged = (
            scope_session is not Empty
            and not state.get(ROTATE)
            and state.get(LOADED) == self.serialize_data(scope_session, connection.scope)
        )
        if not unchanged:
            await super().store_in_message(scope_session, message, connection)
            return
        # The store renewed the expiry as it read the session; the cookie is renewed here.
        cookie_params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        MutableScopeHeaders.from_message(message).add(
            "Set-Cookie",
            Cookie(
                value=self.get_session_id(connection), key=self.config.key, **cookie_params
            ).to_header(header=""),
        )

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
        now = self.clock()
        if row is None or row["expires_at"] <= now:
            return None
        renewed = now + dt.timedelta(seconds=_seconds(renew_for)) if renew_for else None
        # Renewing at most once a minute spares a write on nearly every page a pupil loads;
        # the idle timeout is then exact to within that minute.
        if renewed is not None and renewed - row["expires_at"] >= RENEW_GRANULARITY:
            await StaffSession.update({StaffSession.expires_at: renewed}).where(
                StaffSession.key_hash == _key_hash(key)
            )
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

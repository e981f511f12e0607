"""A Litestar session store in the database, so every server instance shares staff sessions."""

from __future__ import annotations

import datetime as dt
import hashlib

from litestar.stores.base import Store

from survey_app.database import transaction
from survey_app.tables import StaffSession


def _key_hash(key: str) -> str:
    # The session id is a bearer secret: keep only its hash, like invitation tokens.
    return hashlib.sha256(key.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _seconds(value: int | dt.timedelta | None) -> int:
    if value is None:
        return 24 * 3600
    return int(value.total_seconds()) if isinstance(value, dt.timedelta) else value


class DatabaseSessionStore(Store):
    """Implements Litestar's ``Store`` over the ``staff_session`` table."""

    async def set(
        self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None
    ) -> None:
        data = value.decode() if isinstance(value, bytes) else value
        expires_at = _now() + dt.timedelta(seconds=_seconds(expires_in))
        async with transaction():
            await StaffSession.insert(
                StaffSession(key_hash=_key_hash(key), data=data, expires_at=expires_at)
            ).on_conflict(
                target=StaffSession.key_hash,
                action="DO UPDATE",
                values=[StaffSession.data, StaffSession.expires_at],
            )

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        row = (
            await StaffSession.select(StaffSession.data, StaffSession.expires_at)
            .where(StaffSession.key_hash == _key_hash(key))
            .first()
        )
        if row is None or row["expires_at"] <= _now():
            return None
        if renew_for:
            await StaffSession.update(
                {StaffSession.expires_at: _now() + dt.timedelta(seconds=_seconds(renew_for))}
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
        return max(0, int((row["expires_at"] - _now()).total_seconds()))

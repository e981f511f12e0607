"""Slowing down guessing: too many failed link or code look-ups from one address get a 429.

Only failures count, so a class at a provider typing correct codes from one school address is
never blocked; someone trying codes at random is, after a handful of misses.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from survey_app.db.engine import transaction
from survey_app.db.tables import LookupFailure
from survey_app.settings import Settings


def _key(address: str) -> str:
    # Addresses and emails are personal data: only a hash is kept, and only for the window.
    return hashlib.sha256(f"lookup-failures:{address}".encode()).hexdigest()


async def clear(address: str) -> None:
    """Forget the failures counted for this key (after a successful sign-in)."""
    await LookupFailure.delete().where(LookupFailure.key_hash == _key(address))


async def is_blocked(
    settings: Settings, address: str, now: dt.datetime, limit: int | None = None
) -> bool:
    """True when this key (an address, or e.g. "signin-account:<email>") has used up its
    failures for the current window; ``limit`` defaults to the link-and-code limit."""
    row = (
        await LookupFailure.select(LookupFailure.window_started_at, LookupFailure.failures)
        .where(LookupFailure.key_hash == _key(address))
        .first()
    )
    if row is None:
        return False
    window = dt.timedelta(minutes=settings.lookup_failure_window_minutes)
    allowed = settings.lookup_failure_limit if limit is None else limit
    return row["window_started_at"] + window > now and row["failures"] >= allowed


async def record_failure(settings: Settings, address: str, now: dt.datetime) -> None:
    """Count one failed look-up, starting a new window when the last one has passed."""
    key = _key(address)
    window = dt.timedelta(minutes=settings.lookup_failure_window_minutes)
    async with transaction():
        row = (
            await LookupFailure.select(LookupFailure.window_started_at)
            .where(LookupFailure.key_hash == key)
            .first()
        )
        if row is None:
            inserted = (
                await LookupFailure.insert(
                    LookupFailure(key_hash=key, window_started_at=now, failures=1)
                )
                .on_conflict(action="DO NOTHING")
                .returning(LookupFailure.id)
            )
            if inserted:
                return
        elif row["window_started_at"] + window <= now:
            await LookupFailure.update(
                {LookupFailure.window_started_at: now, LookupFailure.failures: 1}
            ).where(LookupFailure.key_hash == key)
            return
        # Within the window, or another server inserted the row a moment ago.
        await LookupFailure.update({LookupFailure.failures: LookupFailure.failures + 1}).where(
            LookupFailure.key_hash == key
        )

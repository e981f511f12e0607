"""Slowing down guessing: too many failed link or code look-ups from one address get a 429.

Only failures count, so a class at a provider typing correct codes from one school address is
never blocked; someone trying codes at random is, after a handful of misses.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from survey_app.database import transaction
from survey_app.settings import Settings
from survey_app.tables import LookupFailure


def _key(address: str) -> str:
    # Addresses are personal data: only a hash is kept, and only for the window.
    return hashlib.sha256(f"lookup-failures:{address}".encode()).hexdigest()


async def is_blocked(settings: Settings, address: str, now: dt.datetime) -> bool:
    """True when this address has used up its failed look-ups for the current window."""
    row = (
        await LookupFailure.select(LookupFailure.window_started_at, LookupFailure.failures)
        .where(LookupFailure.key_hash == _key(address))
        .first()
    )
    if row is None:
        return False
    window = dt.timedelta(minutes=settings.lookup_failure_window_minutes)
    return (
        row["window_started_at"] + window > now and row["failures"] >= settings.lookup_failure_limit
    )


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

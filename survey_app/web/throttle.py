"""Slowing down guessing: too many failed link or code look-ups from one address get a 429.

Only failures count, so a class at a provider typing correct codes from one school address is
never blocked; someone trying codes at random is, after a handful of misses. The same counters
slow down sign-in guessing and password-reset flooding (``accounts/pages.py`` says how).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from survey_app.db.engine import transaction
from survey_app.db.tables import LookupFailure
from survey_app.settings import Settings

#: The longest window any counter uses; rows older than this are purged by the schedule.
LONGEST_WINDOW = dt.timedelta(hours=24)


def _key(settings: Settings, address: str) -> str:
    # Addresses and emails are personal data: only a keyed hash is kept, and only for the
    # window. Keyed with the server secret, so a copy of the table cannot be matched against
    # a list of addresses or emails by hashing them.
    return hmac.new(
        settings.secret_key.encode(), f"lookup-failures:{address}".encode(), hashlib.sha256
    ).hexdigest()


def _window(settings: Settings, window: dt.timedelta | None) -> dt.timedelta:
    return window or dt.timedelta(minutes=settings.lookup_failure_window_minutes)


async def clear(settings: Settings, address: str) -> None:
    """Forget the failures counted for this key (after a successful sign-in)."""
    await LookupFailure.delete().where(LookupFailure.key_hash == _key(settings, address))


async def is_blocked(
    settings: Settings,
    address: str,
    now: dt.datetime,
    limit: int | None = None,
    window: dt.timedelta | None = None,
) -> bool:
    """True when this key (an address, or e.g. "signin-account:<email>") has used up its
    failures for the current window; ``limit`` defaults to the link-and-code limit, ``window``
    to the look-up window."""
    row = (
        await LookupFailure.select(LookupFailure.window_started_at, LookupFailure.failures)
        .where(LookupFailure.key_hash == _key(settings, address))
        .first()
    )
    if row is None:
        return False
    allowed = settings.lookup_failure_limit if limit is None else limit
    return row["window_started_at"] + _window(settings, window) > now and (
        row["failures"] >= allowed
    )


async def record_failure(
    settings: Settings, address: str, now: dt.datetime, window: dt.timedelta | None = None
) -> None:
    """Count one failed look-up, starting a new window when the last one has passed."""
    key = _key(settings, address)
    length = _window(settings, window)
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
        elif row["window_started_at"] + length <= now:
            await LookupFailure.update(
                {LookupFailure.window_started_at: now, LookupFailure.failures: 1}
            ).where(LookupFailure.key_hash == key)
            return
        # Within the window, or another server inserted the row a moment ago.
        await LookupFailure.update({LookupFailure.failures: LookupFailure.failures + 1}).where(
            LookupFailure.key_hash == key
        )


async def purge(now: dt.datetime) -> int:
    """Delete counters whose window has long passed (they block nothing); returns how many."""
    gone = (
        await LookupFailure.delete()
        .where(LookupFailure.window_started_at < now - LONGEST_WINDOW)
        .returning(LookupFailure.id)
    )
    return len(gone)

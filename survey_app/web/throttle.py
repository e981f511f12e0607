"""Slowing down guessing: too many failed link or code look-ups from one address get a 429.

Only failures count, so a class at a provider typing correct codes from one school address is
never blocked; someone trying codes at random is, after a handful of misses. The same counters
slow down sign-in guessing and password-reset flooding (``accounts/pages.py`` says how).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac

import msgspec

from survey_app.db.engine import transaction
from survey_app.db.staff_tables import LookupFailure
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


# Typed codes and links: see ``lookup_verdict``.

#: How many times the per-code limit an address may fail before it is stopped outright.
ADDRESS_LIMIT_FACTOR = 10
#: The longest a look-up from a busy address is made to wait.
MAX_ADDRESS_DELAY_SECONDS = 5.0


async def pause(seconds: float) -> None:
    """Wait before answering (tests replace this to record the delay instead)."""
    await asyncio.sleep(seconds)


def _code_key(code: str) -> str:
    # As ``normalise_short_code`` reads it: any case, spaces and dashes ignored.
    return "code-half:" + "".join(ch for ch in code.upper() if ch.isalnum())[:4]


class LookupVerdict(msgspec.Struct, frozen=True):
    """Whether a link or code look-up may go ahead now, and after how long a wait."""

    blocked: bool
    delay_seconds: float = 0.0


async def lookup_verdict(
    settings: Settings, address: str, now: dt.datetime, code: str | None = None
) -> LookupVerdict:
    """Decide a look-up from ``address`` (of ``code``, when one was typed), in one read.

    The limits above, keyed by address alone, let ten pupils' typos behind one school's network
    address lock the whole class out. Codes are throttled on two keys instead:

    * per code: failures are also counted against the first half of the code typed (the four
      characters before the dash). Someone who has glimpsed half of one pupil's code and guesses
      the rest piles failures on that half; after ``lookup_failure_limit`` of them that code (and
      any sharing its first half, 1 in 531,441) waits out the window, even typed right. Different
      pupils' typos fall on different halves, so they never add up against anyone's code.
    * per address: a much higher limit (``ADDRESS_LIMIT_FACTOR`` times as many failures) and,
      below it, delays rather than a block: after ``lookup_failure_limit`` failures each look-up
      from the address waits a second more, up to ``MAX_ADDRESS_DELAY_SECONDS``. A class typing
      from one address is slowed a little at worst; random guessing of 38-bit codes is slowed,
      then stopped (a delay alone would not stop parallel requests; the hard limit does).

    Links carry 256-bit tokens: only the address key applies to them.
    """
    keys = {_key(settings, address): "address"}
    if code:
        keys[_key(settings, _code_key(code))] = "code"
    window = dt.timedelta(minutes=settings.lookup_failure_window_minutes)
    rows = await LookupFailure.select(
        LookupFailure.key_hash, LookupFailure.window_started_at, LookupFailure.failures
    ).where(LookupFailure.key_hash.is_in(list(keys)))
    failures = {
        keys[row["key_hash"]]: row["failures"]
        for row in rows
        if row["window_started_at"] + window > now
    }
    limit = settings.lookup_failure_limit
    from_address = failures.get("address", 0)
    if failures.get("code", 0) >= limit or from_address >= limit * ADDRESS_LIMIT_FACTOR:
        return LookupVerdict(blocked=True)
    if from_address >= limit:
        delay = min(float(from_address - limit + 1), MAX_ADDRESS_DELAY_SECONDS)
        return LookupVerdict(blocked=False, delay_seconds=delay)
    return LookupVerdict(blocked=False)


async def record_lookup_failure(
    settings: Settings, address: str, now: dt.datetime, code: str | None = None
) -> None:
    """Count a failed link or code look-up against the address and, for a code, its first half."""
    await record_failure(settings, address, now)
    if code:
        await record_failure(settings, _code_key(code), now)

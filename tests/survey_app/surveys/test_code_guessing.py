"""Typed codes: a class's typos behind one school address never lock out right codes, while
guessing (at random from one address, or at one pupil's code) is slowed and then stopped."""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.web import throttle
from tests.world import Clock, Issued, post_form


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the code page made, recorded instead of waited out."""
    seen: list[float] = []

    async def pause(seconds: float) -> None:
        seen.append(seconds)

    monkeypatch.setattr(throttle, "pause", pause, raising=False)
    return seen


def _typo(n: int) -> str:
    # Different pupils' slips, misread: each a different code.
    letters = "346789ABCDEFGHJKMNPQRTUVWXY"
    return f"{letters[n % 27]}{letters[(n // 27) % 27]}3A-B4C{letters[n % 27]}"


def test_a_classs_typos_from_one_address_do_not_block_a_right_code(
    pupil: Any, issued: Issued, settings: Any, pauses: list[float]
) -> None:
    for n in range(settings.lookup_failure_limit * 2):
        assert post_form(pupil, "/code", {"code": _typo(n)}).status_code == 404
    opened = post_form(pupil, "/code", {"code": issued.code}, follow_redirects=False)
    assert (opened.status_code, opened.headers["location"]) == (302, "/survey")
    assert pauses and max(pauses) <= throttle.MAX_ADDRESS_DELAY_SECONDS, "slowed, not stopped"


def test_guessing_one_pupils_code_locks_that_code_only(
    pupil: Any, issued: Issued, settings: Any, clock: Clock, pauses: list[float]
) -> None:
    prefix = issued.code[:4]
    for n in range(settings.lookup_failure_limit):
        post_form(pupil, "/code", {"code": f"{prefix}-{_typo(n)[:4]}"})
    attacked = post_form(pupil, "/code", {"code": issued.code})
    assert attacked.status_code == 429, "the code under attack waits out the window"
    clock.advance(minutes=settings.lookup_failure_window_minutes)
    opened = post_form(pupil, "/code", {"code": issued.code}, follow_redirects=False)
    assert opened.headers["location"] == "/survey"


def test_random_guessing_from_one_address_is_stopped_well_above_a_classs_typos(
    pupil: Any, issued: Issued, settings: Any, clock: Clock, pauses: list[float]
) -> None:
    limit = settings.lookup_failure_limit * throttle.ADDRESS_LIMIT_FACTOR
    for n in range(limit):
        post_form(pupil, "/code", {"code": _typo(n)})
    blocked = post_form(pupil, "/code", {"code": issued.code})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) == settings.lookup_failure_window_minutes * 60
    assert pupil.get("/s/also-wrong").status_code == 429
    clock.advance(minutes=settings.lookup_failure_window_minutes)
    allowed = post_form(pupil, "/code", {"code": issued.code}, follow_redirects=False)
    assert allowed.headers["location"] == "/survey"

"""Pupils' journeys (a start answer, then a later one) for the "what changed" tests, shared
rather than copied into each test file: the terms they are answered in and the changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.world import Clock, World, give_journeys

#: Spring and summer 2026: complete terms on the suite's clock (23 November 2026), so published.
SPRING = dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
SAFER = ({"felt_safe": "a_bit_safe"}, {"felt_safe": "very_safe"})
LESS_SAFE = ({"felt_safe": "very_safe"}, {"felt_safe": "not_very_safe"})
#: The page's columns after the indicator, in order, and the same figures' keys in the JSON.
FIGURES = ("paired", "better", "same", "worse", "cannot_compare")


def journeys(world: World, settings: Any, clock: Clock, count: int, **kwargs: Any) -> None:
    """``count`` pupils who answered a start survey in spring and a later one in summer (or as
    ``started``/``answered_later`` say), changing as ``change`` says (safer by default)."""
    start, later = kwargs.pop("change", SAFER)
    give_journeys(
        world,
        settings,
        clock,
        count,
        start=start,
        later=later,
        started=kwargs.pop("started", SPRING),
        answered_later=kwargs.pop("answered_later", SUMMER),
        **kwargs,
    )


def two_providers_journeys(world: World, settings: Any, clock: Clock) -> None:
    """An area with 4 pupils safer at the first provider, 3 less safe at the second, and 2 more
    there who answered only "fitting in" both times: too few to publish that question."""
    journeys(world, settings, clock, 4, prefix="A")
    journeys(
        world, settings, clock, 3, change=LESS_SAFE, prefix="B", provider=world.second_provider
    )
    journeys(
        world,
        settings,
        clock,
        2,
        change=({"belonging": "sometimes"}, {"belonging": "always"}),
        prefix="C",
        provider=world.second_provider,
    )

"""The "What changed" sections (issue 18) in a real browser: axe-clean at desktop and phone
widths, with targets big enough and no sideways scroll, on the provider report, the area summary
and the school's report with its pupils' journeys."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.test_staff_reports import check_pages, sign_in
from tests.world import Clock, World, give_journeys


@pytest.fixture
def journeys(world: World, settings: Any, clock: Clock) -> None:
    """Seven pupils with a start and an end answer, published; two with 'fitting in' too."""
    spring = dt.datetime(2026, 2, 2, 10, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
    give_journeys(
        world,
        settings,
        clock,
        5,
        start={"felt_safe": "a_bit_safe"},
        later={"felt_safe": "very_safe"},
        started=spring,
        answered_later=summer,
    )
    give_journeys(
        world,
        settings,
        clock,
        2,
        start={"felt_safe": "dont_know", "belonging": "sometimes"},
        later={"felt_safe": "safe", "belonging": "always"},
        started=spring,
        answered_later=summer,
        prefix="B",
    )


def test_what_changed_sections_pass_axe(
    live_server: str, world: World, checker: Any, journeys: None
) -> None:
    sign_in(checker, live_server, world, "la_officer")
    checker.goto(f"{live_server}/staff/providers/{world.provider}")
    assert checker.locator("#changes").is_visible()
    problems = check_pages(
        checker,
        live_server,
        [
            f"/staff/providers/{world.provider}",
            "/staff/area",
            f"/staff/schools/{world.school}/report",
        ],
    )
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
    checker.goto(f"{live_server}/staff/schools/{world.school}/report")
    assert checker.locator("#journeys table.app-journey").count() == 7

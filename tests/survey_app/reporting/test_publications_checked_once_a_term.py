"""A kept publication of "what changed" is checked against every answer again only when an answer
has been saved or erased since, or a term has ended (``reports.journeys.checked_at``), not on
every view: reading every answer of a county's pupils takes seconds (README, "What changed at
county scale")."""

from __future__ import annotations

from typing import Any

import pytest

from survey_app.reporting import journey_queries
from tests.survey_app.reporting.journeys_given import journeys
from tests.survey_app.reporting.test_area_differencing import JANUARY, published_copies
from tests.world import Clock, World, sign_in


@pytest.fixture
def live_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts each time the live counts are read."""
    reads: list[int] = []
    real = journey_queries.changed_counts

    async def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(journey_queries, "changed_counts", counted)
    return reads


def test_the_area_reads_every_answer_again_only_after_an_answer_or_a_term(
    client: Any, world: World, settings: Any, clock: Clock, live_reads: list[int]
) -> None:
    journeys(world, settings, clock, settings.disclosure_threshold, prefix="A")
    first = published_copies(client, world, clock)
    assert len(live_reads) == 1
    assert published_copies(client, world, clock) == first
    assert len(live_reads) == 1, "nothing saved or erased: no second read"
    journeys(world, settings, clock, 1, prefix="B")
    assert published_copies(client, world, clock) == first, "one more pupil moves nothing"
    assert len(live_reads) == 2, "an answer saved since: checked again"
    clock.now = JANUARY
    published_copies(client, world, clock)
    assert len(live_reads) == 3, "a new term: checked again"


def test_a_provider_reads_the_live_counts_again_only_after_an_answer(
    client: Any, world: World, settings: Any, clock: Clock, live_reads: list[int]
) -> None:
    journeys(world, settings, clock, settings.disclosure_threshold, prefix="P")
    sign_in(client, world, "provider_staff")
    path = f"/staff/providers/{world.provider}"
    assert client.get(path).status_code == 200
    assert len(live_reads) == 1
    assert client.get(path).status_code == 200
    assert len(live_reads) == 1
    journeys(world, settings, clock, 1, prefix="Q")
    assert client.get(path).status_code == 200
    assert len(live_reads) == 2

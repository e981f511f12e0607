"""The area summary: headlines, the providers table, and prompts to consider a spot-check."""

from __future__ import annotations

from typing import Any

import pytest

from reports.area import ProviderCount, ProviderLine, build_area_summary, wilson_upper
from reports.qa_history import RecordChange, rating_on

pytestmark = pytest.mark.no_database


def line(provider_id: int, responses: int) -> ProviderLine:
    return ProviderLine(provider_id, f"Provider {provider_id}", responses + 2, responses)


def safe(provider_id: int, positive: int, negative: int) -> list[ProviderCount]:
    return [
        ProviderCount(provider_id, 2026, "felt_safe", "positive", positive),
        ProviderCount(provider_id, 2026, "felt_safe", "negative", negative),
    ]


def summary_of(lines: list[ProviderLine], counts: list[ProviderCount]) -> Any:
    return build_area_summary(
        period_label="All",
        providers=lines,
        responses_by_year={(line.provider_id, 2026): line.responses for line in lines},
        counts=counts,
        threshold=5,
    )


def test_a_provider_well_below_the_area_on_safety_prompts_a_spot_check() -> None:
    counts = safe(1, 36, 4) + safe(2, 38, 2) + safe(3, 6, 14)
    summary = summary_of([line(1, 40), line(2, 40), line(3, 20)], counts)
    (prompt,) = summary.spot_check_prompts
    assert prompt.provider_id == 3 and prompt.indicator == "felt_safe"
    assert prompt.upper_bound < prompt.area_share_positive


def test_a_small_dip_is_not_flagged() -> None:
    counts = safe(1, 36, 4) + safe(2, 7, 3)
    summary = summary_of([line(1, 40), line(2, 10)], counts)
    assert summary.spot_check_prompts == []


def test_headlines_give_the_share_and_how_many_answered() -> None:
    summary = summary_of([line(1, 40), line(2, 40)], safe(1, 30, 10) + safe(2, 30, 10))
    felt_safe = next(h for h in summary.headlines if h.key == "felt_safe")
    assert felt_safe.answered == 80 and felt_safe.share_positive == 0.75
    assert summary.providers_with_responses == 2


def test_wilson_upper_bound_is_above_the_observed_share() -> None:
    assert 0.3 < wilson_upper(3, 10) < 0.65
    assert wilson_upper(0, 0) == 1.0


def test_the_rating_in_force_on_a_day_follows_the_history() -> None:
    import datetime as dt

    changes = [
        RecordChange("rag_rating", "green", "amber", dt.date(2026, 3, 1)),
        RecordChange("rag_rating", "amber", "red", dt.date(2026, 10, 1)),
    ]
    kwargs = {"current": "red", "rated_on": dt.date(2026, 10, 1)}
    assert rating_on(dt.date(2026, 1, 1), changes, **kwargs) == "green"
    assert rating_on(dt.date(2026, 6, 1), changes, **kwargs) == "amber"
    assert rating_on(dt.date(2026, 11, 1), changes, **kwargs) == "red"
    assert rating_on(dt.date(2026, 1, 1), [], **kwargs) == "not_rated"


def test_a_third_saying_i_dont_know_what_happens_next_is_a_third_unclear() -> None:
    counts = [
        ProviderCount(1, 2026, "next_steps", "positive", 20),
        ProviderCount(1, 2026, "next_steps", "not_known", 10),
        ProviderCount(1, 2026, "home_school_contact", "positive", 10),
        ProviderCount(1, 2026, "home_school_contact", "negative", 15),
        ProviderCount(1, 2026, "home_school_contact", "not_known", 5),
    ]
    summary = summary_of([line(1, 30)], counts)
    by_key = {h.key: h for h in summary.headlines}
    next_steps, contact = by_key["next_steps"], by_key["home_school_contact"]
    assert next_steps.answered == 30 and next_steps.share_positive == 0.6667
    assert next_steps.share_negative == 0.3333 and next_steps.share_dont_know is None
    assert contact.answered == 30 and contact.share_negative == 0.5
    assert contact.share_dont_know == 0.1667

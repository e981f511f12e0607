"""Disclosure control: no published table lets anyone see, or work out, a group under k."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.aggregation import GroupedCount, breakdown_results
from reports.area import ProviderCount, ProviderLine, build_area_summary
from reports.disclosure import grid, is_suppressed, protect

pytestmark = pytest.mark.no_database

counts_strategy = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3), st.integers(0, 40), max_size=8
)
threshold_strategy = st.integers(2, 10)


def published(counts: dict[str, int], k: int) -> tuple[dict[str, int], int | None]:
    """What a reader sees: the shown groups and the total (None when hidden)."""
    protection = protect(counts, k)
    shown = {key: n for key, n in counts.items() if protection.shows(key)}
    return shown, None if protection.total_hidden else sum(counts.values())


@settings(max_examples=400, deadline=None)
@given(counts_strategy, threshold_strategy)
def test_no_shown_group_is_under_k(counts: dict[str, int], k: int) -> None:
    shown, _ = published(counts, k)
    assert not any(is_suppressed(n, k) for n in shown.values())


@settings(max_examples=400, deadline=None)
@given(counts_strategy, threshold_strategy)
def test_a_hidden_group_cannot_be_worked_out_from_the_total(counts: dict[str, int], k: int) -> None:
    shown, total = published(counts, k)
    hidden = [key for key in counts if key not in shown]
    if total is None:
        assert is_suppressed(sum(counts.values()), k) or not hidden
        return
    remainder = total - sum(shown.values())
    # What subtraction reveals is the hidden groups together: never one group, never under k.
    assert remainder == 0 or (len([k_ for k_ in hidden if counts[k_]]) >= 2 and remainder >= k)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(2020, 2030), st.integers(0, 30), max_size=6), threshold_strategy)
def test_period_filters_cannot_be_subtracted_to_reveal_a_small_group(
    by_year: dict[int, int], k: int
) -> None:
    """All-years minus the years one may open leaves either nothing or at least k pupils."""
    protection = protect(by_year, k)
    openable = [year for year in by_year if protection.shows(year)]
    if protection.total_hidden:
        return
    rest = sum(by_year.values()) - sum(by_year[year] for year in openable)
    assert rest == 0 or rest >= k


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2025-3", "2026-1", "2026-2"]),
            st.sampled_from(["positive", "neutral", "negative", "not_known"]),
            st.integers(1, 6),
        ),
        max_size=12,
    ),
    threshold_strategy,
)
def test_indicator_trends_hide_small_terms_and_one_more(
    rows: list[tuple[str, str, int]], k: int
) -> None:
    counts = [GroupedCount(term, "felt_safe", polarity, n) for term, polarity, n in rows]
    results = breakdown_results(counts, ["2025-3", "2026-1", "2026-2"], threshold=k)
    for result in results:
        respondents = {
            term: sum(n for t, _, n in rows if t == term) for term in ["2025-3", "2026-1", "2026-2"]
        }
        hidden = [c.group for c in result.cells if c.suppressed]
        shown = [c for c in result.cells if not c.suppressed]
        assert all(not is_suppressed(respondents[c.group], k) for c in shown)
        hidden_total = sum(respondents[g] for g in hidden)
        overall = sum(respondents.values())
        # Either nothing can be subtracted out, or the overall figure is itself hidden (under k).
        assert hidden_total == 0 or hidden_total >= k or is_suppressed(overall, k)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(1, 5), st.sampled_from([2024, 2025, 2026])),
        st.integers(0, 25),
        min_size=1,
        max_size=12,
    ),
    threshold_strategy,
)
def test_no_view_of_the_area_table_and_no_difference_between_views_reveals_a_small_group(
    responses: dict[tuple[int, int], int], k: int
) -> None:
    """Every period view and the all-years view, together: each sum they publish is safe."""
    providers = sorted({p for p, _ in responses})
    lines = [ProviderLine(p, f"P{p}", 0, 0) for p in providers]
    counts = [ProviderCount(p, y, "felt_safe", "positive", n) for (p, y), n in responses.items()]
    published: dict[tuple[Any, Any], int] = {}
    for year in [None, 2024, 2025, 2026]:
        summary = build_area_summary(
            period_label="x",
            providers=[
                ProviderLine(
                    p,
                    f"P{p}",
                    0,
                    sum(n for (q, y), n in responses.items() if q == p and year in (None, y)),
                )
                for p in providers
            ],
            responses_by_year=responses,
            counts=counts,
            threshold=k,
            academic_year=year,
        )
        column = "all" if year is None else year
        for row in summary.providers:
            if row.responses is not None:
                published[(row.provider_id, column)] = row.responses
        if summary.responses is not None:
            published[("total", column)] = summary.responses
    assert all(not is_suppressed(n, k) for n in published.values())
    values, relations = grid(dict(responses.items()))
    for total, parts in relations:
        unknown = [p for p in parts if p not in published and values[p]]
        if total in published:
            assert not unknown or (len(unknown) >= 2 and sum(values[p] for p in unknown) >= k)
        else:
            # A hidden total cannot be rebuilt from its shown parts.
            assert unknown or values[total] == 0
    assert lines


def test_one_small_group_takes_the_next_smallest_with_it() -> None:
    protection = protect({"a": 2, "b": 30, "c": 9, "d": 0}, 5)
    assert protection.hidden == frozenset({"a", "c"}) and not protection.total_hidden


def test_a_total_under_k_hides_everything() -> None:
    protection = protect({"a": 2, "b": 1}, 5)
    assert protection.total_hidden and protection.hidden == frozenset({"a", "b"})

"""Disclosure control: no published table lets anyone see, or work out, a group under k."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.aggregation import GroupedCount, breakdown_results
from reports.area import ProviderCount, ProviderLine, build_area_summary
from reports.disclosure import is_suppressed, protect

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
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=6),
    threshold_strategy,
)
def test_the_published_area_table_never_shows_a_provider_under_k(
    providers: list[tuple[int, int]], k: int
) -> None:
    lines = [
        ProviderLine(
            provider_id=n, name=f"P{n}", rag_rating="green", invitations=i + r, responses=r
        )
        for n, (r, i) in enumerate(providers, start=1)
    ]
    counts = [
        ProviderCount(n, "felt_safe", "positive", r) for n, (r, _) in enumerate(providers, start=1)
    ]
    summary = build_area_summary(period_label="All", providers=lines, counts=counts, threshold=k)
    shown = [row for row in summary.providers if not row.suppressed]
    assert all(not is_suppressed(row.responses or 0, k) for row in shown)
    hidden_total = sum(
        r for row, (r, _) in zip(summary.providers, providers, strict=True) if row.suppressed
    )
    if summary.responses is not None:
        assert hidden_total == 0 or hidden_total >= k
    else:
        assert is_suppressed(sum(r for r, _ in providers), k)
    for row in summary.providers:
        for cell in row.cells:
            assert cell.suppressed or not is_suppressed(cell.answered or 0, k)


def test_one_small_group_takes_the_next_smallest_with_it() -> None:
    protection = protect({"a": 2, "b": 30, "c": 9, "d": 0}, 5)
    assert protection.hidden == frozenset({"a", "c"}) and not protection.total_hidden


def test_a_total_under_k_hides_everything() -> None:
    protection = protect({"a": 2, "b": 1}, 5)
    assert protection.total_hidden and protection.hidden == frozenset({"a", "b"})

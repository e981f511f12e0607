"""Differencing with "I don't know" as a share of its own: the area summary, in every view (each
academic year and all years), shows positive, neutral, negative and "I don't know" shares on its
headlines, and the provider report shows them to provider staff at each publication; still no
figure, nor the difference of any two, rests on fewer than k pupils.

Which pupils a figure rests on is found from the summary itself: a pupil is behind a figure if
changing their answer (to any other answer, "I don't know" included) moves it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.aggregation import GroupedCount
from reports.area import AreaSummary, ProviderCount, ProviderLine, build_area_summary
from reports.disclosure import is_suppressed
from reports.provider import QARecord, build_provider_report
from reports.provider_counts import ProviderCounts

pytestmark = pytest.mark.no_database

ANSWERS = ("positive", "neutral", "negative", "not_known")
YEARS = (2025, 2026)
#: One indicator of each meaning: "I don't know" counted as not knowing, and as its own share.
INDICATORS = ("next_steps", "home_school_contact")

#: (provider, academic year, answer to next steps, answer on home-school contact)
Pupil = tuple[int, int, str, str]
pupils_strategy = st.lists(
    st.tuples(
        st.sampled_from([1, 1, 2, 3]),
        st.sampled_from(YEARS),
        st.sampled_from(ANSWERS),
        st.sampled_from(ANSWERS),
    ),
    max_size=24,
)


def summary_at(pupils: list[Pupil], year: int | None, k: int) -> AreaSummary:
    by_year: dict[tuple[int, int], int] = {}
    counts: list[ProviderCount] = []
    for provider, academic_year, next_steps, contact in pupils:
        by_year[(provider, academic_year)] = by_year.get((provider, academic_year), 0) + 1
        counts.append(ProviderCount(provider, academic_year, "next_steps", next_steps, 1))
        counts.append(ProviderCount(provider, academic_year, "home_school_contact", contact, 1))
    lines = [
        ProviderLine(
            p,
            f"Provider {p}",
            20,
            sum(n for (q, y), n in by_year.items() if q == p and year in (None, y)),
        )
        for p in (1, 2, 3)
    ]
    return build_area_summary(
        period_label="view",
        providers=lines,
        responses_by_year=by_year,
        counts=counts,
        threshold=k,
        academic_year=year,
    )


def figures(pupils: list[Pupil], k: int) -> dict[tuple[Any, ...], Any]:
    """Every share shown, in every view, keyed by (view, where, which)."""
    shown: dict[tuple[Any, ...], Any] = {}
    for year in (None, *YEARS):
        summary = summary_at(pupils, year, k)
        for h in summary.headlines:
            if h.answered is None:
                continue
            for name in ("share_positive", "share_neutral", "share_negative", "share_dont_know"):
                shown[(year, "headline", h.key, name)] = getattr(h, name)
        for row in summary.providers:
            for cell in row.cells:
                if not cell.suppressed:
                    shown[(year, row.provider_id, cell.key)] = cell.share_positive
    return shown


def sets_behind(pupils: list[Pupil], k: int) -> dict[tuple[Any, ...], frozenset[int]]:
    base = figures(pupils, k)
    members: dict[tuple[Any, ...], set[int]] = {key: set() for key in base}
    for n, (provider, year, next_steps, contact) in enumerate(pupils):
        for other in ANSWERS:
            for changed in ((provider, year, other, contact), (provider, year, next_steps, other)):
                moved = figures([*pupils[:n], changed, *pupils[n + 1 :]], k)
                assert moved.keys() == base.keys(), "what is shown never depends on the answers"
                for key, value in moved.items():
                    if value != base[key]:
                        members[key].add(n)
    return {key: frozenset(s) for key, s in members.items()}


@settings(max_examples=150, deadline=None)
@given(pupils_strategy, st.sampled_from([2, 3, 5]))
def test_no_share_nor_difference_of_two_isolates_fewer_than_k_pupils(
    pupils: list[Pupil], k: int
) -> None:
    distinct = {s for s in sets_behind(pupils, k).values() if s}
    for s in distinct:
        assert not is_suppressed(len(s), k), "a share rests on fewer than k pupils"
        for t in distinct:
            if s < t:
                assert not is_suppressed(len(t - s), k), "two views differ by fewer than k"


def test_one_pupil_saying_i_dont_know_in_a_small_year_cannot_be_read_off_the_all_years_view() -> (
    None
):
    """Year 2026 has one pupil; their "I don't know" is in the all-years headline, but the
    year's own headline is hidden, so all years minus 2025 cannot be worked out."""
    pupils: list[Pupil] = [(1, 2025, "positive", "positive")] * 3 + [
        (2, 2025, "positive", "negative")
    ] * 3
    lonely: Pupil = (2, 2026, "not_known", "not_known")
    every_year = summary_at([*pupils, lonely], None, 5)
    year_2026 = summary_at([*pupils, lonely], 2026, 5)
    year_2025 = summary_at([*pupils, lonely], 2025, 5)
    assert all(h.answered is None for h in year_2026.headlines)
    # Either the all-years headline or the 2025 one must be hidden: both shown would give the
    # lonely pupil's answer as their difference.
    shown_both = [
        h.key
        for h, g in zip(every_year.headlines, year_2025.headlines, strict=True)
        if h.answered is not None and g.answered is not None
    ]
    assert shown_both == []


# The provider report as its staff see it, at every publication they could have saved.
TERMS = ["2025-3", "2026-1", "2026-2", "2026-3"]
TODAYS = [dt.date(2026, 1, 15), dt.date(2026, 5, 15), dt.date(2026, 9, 15), dt.date(2027, 1, 15)]
VIEWER = 1
RECORD = QARecord("registered", [], "approved", "green", None, "", None, [])

#: (provider, term, answer to next steps, answer on feeling safe)
Answered = tuple[int, str, str, str]
answered_strategy = st.lists(
    st.tuples(
        st.sampled_from([VIEWER, VIEWER, 2]),
        st.sampled_from(TERMS),
        st.sampled_from(ANSWERS),
        st.sampled_from(ANSWERS),
    ),
    max_size=20,
)


def provider_counts(pupils: list[Answered]) -> ProviderCounts:
    by_term: dict[str, int] = defaultdict(int)
    terms: dict[tuple[str, str, str], int] = defaultdict(int)
    rest_by_term: dict[str, int] = defaultdict(int)
    rest: dict[tuple[str, str, str], int] = defaultdict(int)
    for provider, term, next_steps, safe in pupils:
        own = provider == VIEWER
        (by_term if own else rest_by_term)[term] += 1
        for indicator, polarity in (("next_steps", next_steps), ("felt_safe", safe)):
            (terms if own else rest)[(term, indicator, polarity)] += 1
    return ProviderCounts(
        invitations=20,
        responses_by_year={},
        responses_by_term=dict(by_term),
        response_cells=[],
        term_counts=[GroupedCount(t, i, p, n) for (t, i, p), n in terms.items()],
        year_group_counts=[],
        option_counts=[],
        comments=[],
        rest_term_counts=[GroupedCount(t, i, p, n) for (t, i, p), n in rest.items()],
        rest_responses_by_term=dict(rest_by_term),
    )


def provider_figures(pupils: list[Answered], k: int) -> dict[tuple[Any, ...], Any]:
    shown: dict[tuple[Any, ...], Any] = {}
    for view, today in enumerate(TODAYS):
        report = build_provider_report(
            provider_id=VIEWER,
            provider_name="P",
            qa_record=RECORD,
            history=[],
            counts=provider_counts(pupils),
            questionnaires={},
            academic_year=None,
            today=today,
            k=k,
            controlled=True,
        )
        for i in report.indicators:
            if not i.suppressed:
                for name in ("positive", "neutral", "negative", "dont_know", "share_dont_know"):
                    shown[(view, "total", i.key, name)] = getattr(i, name)
            if i.area_answered is not None:
                shown[(view, "rest", i.key)] = i.area_share_positive
        for b in report.by_term:
            for c in b.cells:
                if not c.suppressed and c.answered:
                    shown[(view, "term", b.key, c.group)] = c.share_positive
    return shown


@settings(max_examples=120, deadline=None)
@given(answered_strategy, st.sampled_from([2, 3, 5]))
def test_provider_staff_cannot_isolate_fewer_than_k_with_the_dont_know_share(
    pupils: list[Answered], k: int
) -> None:
    base = provider_figures(pupils, k)
    members: dict[tuple[Any, ...], set[int]] = {key: set() for key in base}
    for n, (provider, term, next_steps, safe) in enumerate(pupils):
        for other in ANSWERS:
            for changed in ((provider, term, other, safe), (provider, term, next_steps, other)):
                moved = provider_figures([*pupils[:n], changed, *pupils[n + 1 :]], k)
                assert moved.keys() == base.keys(), "what is shown never depends on the answers"
                for key, value in moved.items():
                    if value != base[key]:
                        members[key].add(n)
    distinct = {frozenset(s) for s in members.values() if s}
    for s in distinct:
        assert not is_suppressed(len(s), k), "a figure rests on fewer than k pupils"
        for t in distinct:
            if s < t:
                assert not is_suppressed(len(t - s), k), "two views differ by fewer than k"

"""Differencing: no two views a provider can get, set against each other, isolate fewer than k.

The views are every figure of the provider's report (totals, by term, by school year, by
questionnaire band, the rest of the area beside it) at every publication a provider could have
saved. Each figure is a sum over a set of pupils' responses; which set is found from the report
itself, by flipping one pupil's answer and seeing which figures move. Counts of pupils (how many
answered) rest on the same sets as the shares beside them, since every pupil here answers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.loader import current, versions_of
from reports.aggregation import GroupedCount, OptionCount
from reports.disclosure import is_suppressed, pooled_cuts, steady
from reports.periods import publication_term
from reports.provider import ProviderReport, QARecord, build_provider_report
from reports.provider_counts import ProviderCounts, ResponseCell

pytestmark = pytest.mark.no_database

TERMS = ["2025-3", "2026-1", "2026-2", "2026-3", "2027-1"]
#: A day in each term after the first: each publishes the term before it.
TODAYS = [dt.date(2026, 1, 15), dt.date(2026, 5, 15), dt.date(2026, 9, 15), dt.date(2027, 1, 15)]
BANDS = {5: "end_years_4_6", 8: "end_years_7_9", 10: "end_years_10_11"}
VIEWER = 1
RECORD = QARecord("registered", [], "approved", "green", None, "", None, [])

#: (provider, term, year group, felt safe?)
Pupil = tuple[int, str, int, bool]
pupils_strategy = st.lists(
    st.tuples(
        st.sampled_from([VIEWER, VIEWER, 2, 3]),
        st.sampled_from(TERMS),
        st.sampled_from([5, 8, 10, 10]),
        st.booleans(),
    ),
    max_size=26,
)


def _value(band: str, positive: bool) -> str:
    question = next(q for q in current(band).questions if q.id == "felt_safe")
    wanted = "positive" if positive else "negative"
    return next(o.value for o in question.options if o.polarity == wanted)


def counts_for(pupils: list[Pupil]) -> ProviderCounts:
    own = [p for p in pupils if p[0] == VIEWER]
    rest = [p for p in pupils if p[0] != VIEWER]
    by_term: dict[str, int] = defaultdict(int)
    cells: dict[tuple[str, str, int], int] = defaultdict(int)
    terms: dict[tuple[str, str], int] = defaultdict(int)
    years: dict[tuple[str, str, str], int] = defaultdict(int)
    options: dict[tuple[str, str, str], int] = defaultdict(int)
    for _, term, year, positive in own:
        polarity = "positive" if positive else "negative"
        by_term[term] += 1
        cells[(term, BANDS[year], year)] += 1
        terms[(term, polarity)] += 1
        years[(str(year), term, polarity)] += 1
        options[(BANDS[year], _value(BANDS[year], positive), term)] += 1
    rest_terms: dict[tuple[str, str], int] = defaultdict(int)
    rest_by_term: dict[str, int] = defaultdict(int)
    for _, term, _, positive in rest:
        rest_terms[(term, "positive" if positive else "negative")] += 1
        rest_by_term[term] += 1
    return ProviderCounts(
        invitations=20,
        responses_by_year={},
        responses_by_term=dict(by_term),
        response_cells=[ResponseCell(t, b, y, n) for (t, b, y), n in cells.items()],
        term_counts=[GroupedCount(t, "felt_safe", p, n) for (t, p), n in terms.items()],
        year_group_counts=[GroupedCount(y, "felt_safe", p, n, t) for (y, t, p), n in years.items()],
        option_counts=[OptionCount(b, "felt_safe", v, n, t) for (b, v, t), n in options.items()],
        comments=[],
        rest_term_counts=[GroupedCount(t, "felt_safe", p, n) for (t, p), n in rest_terms.items()],
        rest_responses_by_term=dict(rest_by_term),
    )


def report_at(pupils: list[Pupil], today: dt.date, k: int) -> ProviderReport:
    counts = counts_for(pupils)
    return build_provider_report(
        provider_id=VIEWER,
        provider_name="P",
        qa_record=RECORD,
        history=[],
        counts=counts,
        questionnaires={
            b: versions_of(b) for b in {o.questionnaire_id for o in counts.option_counts}
        },
        academic_year=None,
        today=today,
        k=k,
        controlled=True,
    )


def figures(report: ProviderReport, view: int) -> dict[tuple[Any, ...], Any]:
    """Every figure shown, keyed by (publication, breakdown, group...)."""
    shown: dict[tuple[Any, ...], Any] = {}
    for i in report.indicators:
        if not i.suppressed:
            shown[(view, "total", i.key)] = i.positive
        if i.area_answered is not None:
            shown[(view, "rest", i.key)] = i.area_share_positive
    for name, rows in (("term", report.by_term), ("year", report.by_year_group)):
        for b in rows:
            for c in b.cells:
                if not c.suppressed and c.answered:
                    shown[(view, name, b.key, c.group)] = c.share_positive
    for q in report.questions:
        if not q.suppressed:
            for o in q.options:
                shown[(view, "band", q.questionnaire_id, q.question_id, o.value)] = o.count
    return shown


def all_views(pupils: list[Pupil], k: int) -> dict[tuple[Any, ...], Any]:
    views: dict[tuple[Any, ...], Any] = {}
    for view, today in enumerate(TODAYS):
        views |= figures(report_at(pupils, today, k), view)
    return views


def sets_behind(pupils: list[Pupil], k: int) -> dict[tuple[Any, ...], frozenset[int]]:
    """Each shown figure's set of pupils: those whose flipped answer moves it."""
    base = all_views(pupils, k)
    members: dict[tuple[Any, ...], set[int]] = {key: set() for key in base}
    for n, (provider, term, year, positive) in enumerate(pupils):
        flipped = [*pupils[:n], (provider, term, year, not positive), *pupils[n + 1 :]]
        moved = all_views(flipped, k)
        assert moved.keys() == base.keys(), "what is shown never depends on what pupils said"
        for key, value in moved.items():
            if value != base[key]:
                members[key].add(n)
    return {key: frozenset(pupils_) for key, pupils_ in members.items()}


@settings(max_examples=200, deadline=None)
@given(pupils_strategy, st.sampled_from([2, 2, 3, 4, 5]))
def test_no_difference_between_any_two_views_isolates_fewer_than_k_pupils(
    pupils: list[Pupil], k: int
) -> None:
    sets = sets_behind(pupils, k)
    distinct = {s for s in sets.values() if s}
    for s in distinct:
        assert not is_suppressed(len(s), k), "a figure rests on fewer than k pupils"
        for t in distinct:
            if s < t:
                assert not is_suppressed(len(t - s), k), "two views differ by fewer than k"
    # And a total minus every group shown beside it, in one view (the remainder).
    by_breakdown: dict[tuple[Any, ...], list[frozenset[int]]] = defaultdict(list)
    for key, s in sets.items():
        if key[1] in ("term", "year", "band") and s:
            by_breakdown[(key[0], key[1], key[2] if key[1] != "band" else "felt_safe")].append(s)
    for (view, _, indicator), groups in by_breakdown.items():
        total = sets.get((view, "total", indicator))
        if total:
            remainder = total - frozenset().union(*groups)
            assert not is_suppressed(len(remainder), k)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(TERMS), st.integers(0, 12)), st.integers(2, 8))
def test_publications_move_in_steps_of_at_least_k(by_term: dict[str, int], k: int) -> None:
    cuts = pooled_cuts(by_term, TERMS[-1], k)
    published = [sum(n for t, n in by_term.items() if t <= cut) for cut in cuts]
    steps = [b - a for a, b in zip([0, *published], published, strict=False)]
    assert all(step >= k for step in steps)
    # Nothing left unpublished that would make a step of k on its own.
    assert sum(by_term.values()) - (published[-1] if published else 0) < k


def test_one_more_response_in_the_current_term_changes_nothing_published() -> None:
    six = [(VIEWER, "2026-2", 10, True)] * 6
    before = report_at(six, dt.date(2026, 11, 23), 5)
    after = report_at([*six, (VIEWER, "2026-3", 5, False)], dt.date(2026, 11, 23), 5)
    assert before == after and before.responses == 6
    assert publication_term(dt.date(2026, 11, 23)) == "2026-2"


def test_a_breakdown_with_a_small_group_in_any_step_is_withheld() -> None:
    by_term = {"2026-1": 6, "2026-2": 5}
    cuts = pooled_cuts(by_term, "2026-2", 5)
    assert cuts == ["2026-1", "2026-2"]
    # Year 5 had 1 of the first six: later publications could be set against it.
    cells = {("2026-1", 5): 1, ("2026-1", 10): 5, ("2026-2", 10): 5}
    assert not steady(cells, by_term, cuts, 5)
    assert steady({("2026-1", 10): 6, ("2026-2", 10): 5}, by_term, cuts, 5)

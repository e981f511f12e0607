"""What changed (issue 18): pairing a pupil's start answer with their later one, judging the
change on the answer scale, and counting it with the same disclosure control as every figure."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.change_publications import ChangePublication, area_changes, publish_changes
from reports.journeys import (
    AnswerRow,
    Change,
    ChangeCell,
    ChangeCounts,
    build_changes,
    compare,
    count_changes,
    pair_up,
    scale_in,
)

K = 5
FELT_SAFE = scale_in("end_years_7_9", 2, "felt_safe")
TODAY = dt.date(2027, 5, 1)  # the spring term 2027 is complete, so published


def row(
    pupil: int,
    kind: str,
    value: str,
    polarity: str,
    day: int,
    indicator: str = "felt_safe",
    term: str = "2026-3",
) -> AnswerRow:
    return AnswerRow(
        pupil=pupil,
        indicator=indicator,
        kind=kind,
        value=value,
        polarity=polarity,
        questionnaire_id=f"{kind}_years_7_9",
        questionnaire_version=2 if kind == "end" else 1,
        term=term,
        submitted_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC) + dt.timedelta(days=day),
    )


def test_safer_at_the_end_is_better_even_within_the_positive_answers() -> None:
    assert compare("felt_safe", ("safe", "positive"), ("very_safe", "positive"), FELT_SAFE) == (
        Change.BETTER
    )
    assert compare("felt_safe", ("a_bit_safe", "neutral"), ("not_safe", "negative"), FELT_SAFE) == (
        Change.WORSE
    )
    assert compare("felt_safe", ("safe", "positive"), ("safe", "positive"), FELT_SAFE) == (
        Change.SAME
    )


def test_i_dont_know_about_feeling_safe_cannot_be_compared_but_is_still_counted() -> None:
    assert compare("felt_safe", ("dont_know", "not_known"), ("safe", "positive"), FELT_SAFE) == (
        Change.CANNOT_COMPARE
    )
    pairs = pair_up(
        [row(1, "start", "dont_know", "not_known", 0), row(1, "end", "safe", "positive", 90)]
    )
    counts = build_changes(count_changes(pairs), controlled=False, k=K)
    assert counts.indicators[0].paired == 1 and counts.indicators[0].cannot_compare == 1


def test_not_knowing_what_happens_next_then_knowing_is_better() -> None:
    scale = scale_in("end_years_7_9", 2, "next_steps")
    assert compare(
        "next_steps", ("dont_know", "not_known"), ("quite_clear", "positive"), scale
    ) == (Change.BETTER)


def test_a_scale_that_does_not_run_best_first_only_compares_polarity() -> None:
    scale = scale_in("end_years_7_9", 2, "challenge")
    assert scale is not None
    assert compare("challenge", ("too_easy", "negative"), ("too_hard", "negative"), scale) == (
        Change.SAME
    )
    assert compare("challenge", ("too_easy", "negative"), ("just_right", "positive"), scale) == (
        Change.BETTER
    )


def test_the_end_answer_is_paired_before_a_later_check_in_and_a_check_in_when_no_end_yet() -> None:
    rows = [
        row(1, "start", "a_bit_safe", "neutral", 0),
        row(1, "review", "not_safe", "negative", 50),
        row(1, "end", "very_safe", "positive", 40),
        row(2, "start", "very_safe", "positive", 0),
        row(2, "review", "safe", "positive", 30),
        row(2, "review", "a_bit_safe", "neutral", 60),
        row(3, "end", "very_safe", "positive", 60),  # no start answer: no pair
        row(4, "start", "safe", "positive", 10),  # nothing later: no pair
    ]
    pairs = {p.pupil: p for p in pair_up(rows)}
    assert set(pairs) == {1, 2}
    assert (pairs[1].after.kind, pairs[1].change) == ("end", Change.BETTER)
    assert (pairs[2].after.value, pairs[2].change) == ("a_bit_safe", Change.WORSE)


def test_the_sentence_reads_as_the_issue_asks() -> None:
    rows = []
    for pupil, (start, end) in enumerate(
        [("a_bit_safe", "safe")] * 9 + [("safe", "safe")] * 4 + [("safe", "not_safe")]
    ):
        polarity = {"a_bit_safe": "neutral", "safe": "positive", "not_safe": "negative"}
        rows += [
            row(pupil, "start", start, polarity[start], 0),
            row(pupil, "end", end, polarity[end], 9),
        ]
    report = build_changes(count_changes(pair_up(rows)), controlled=False, k=K)
    assert report.indicators[0].sentence == (
        "Of 14 pupils who answered both, 9 felt safer, 4 the same, 1 felt less safe."
    )


cells = st.lists(
    st.tuples(
        st.sampled_from(["2025-1", "2025-2", "2025-3", "2026-1"]),
        st.sampled_from(["felt_safe", "belonging", "next_steps"]),
        st.sampled_from(list(Change)),
        st.integers(min_value=1, max_value=7),
    ),
    max_size=12,
)


def _counts(rows: list[tuple[str, str, Change, int]]) -> ChangeCounts:
    pupils: dict[str, int] = {}
    for term, _, _, n in rows:
        pupils[term] = max(pupils.get(term, 0), n)
    return ChangeCounts(pupils, [ChangeCell(t, i, c, n) for t, i, c, n in rows])


@settings(max_examples=200, deadline=None)
@given(cells)
def test_outside_the_la_an_indicator_is_shown_whole_over_k_pupils_or_not_at_all(
    rows: list[tuple[str, str, Change, int]],
) -> None:
    counts = _counts(rows)
    publication = publish_changes(None, counts, TODAY, K)
    report = build_changes(publication.counts, controlled=True, k=K, cuts=publication.cuts)
    if report.withheld:
        assert report.pupils is None
    for indicator in report.indicators:
        figures = [indicator.better, indicator.same, indicator.worse, indicator.cannot_compare]
        if indicator.suppressed:
            assert indicator.paired is None and figures == [None] * 4 and not indicator.sentence
        else:
            assert indicator.paired is not None and indicator.paired >= K
            assert sum(n or 0 for n in figures) == indicator.paired


def test_withheld_changes_do_not_even_say_which_questions_were_answered_both_times() -> None:
    """Role: provider staff reading the JSON or a download. The page says only "too few"; a
    list of hidden rows would still tell them that someone answered "fitting in" both times."""
    pairs = pair_up(
        [
            row(1, "start", "safe", "positive", 0, indicator="belonging"),
            row(1, "end", "safe", "positive", 90, indicator="belonging"),
            row(2, "start", "safe", "positive", 0),
            row(2, "end", "very_safe", "positive", 90),
        ]
    )
    counts = count_changes(pairs)
    for shown in (
        build_changes(counts, controlled=True, k=K, cuts=["2026-3"]),
        area_changes(publish_changes(None, counts, TODAY, K), K),
        area_changes(ChangePublication(cuts=["2026-3"], counts=counts), K),
    ):
        assert shown.withheld and shown.pupils is None
        assert shown.indicators == []
    assert [i.key for i in build_changes(counts, controlled=False, k=K).indicators] == [
        "felt_safe",
        "belonging",
    ], "the LA still sees every question, however few"


def test_the_area_shows_its_publication_labelled_with_its_term_small_numbers_hidden() -> None:
    """The area summary is meant to be published: what it shows is a publication, said to be as
    of the end of its term, with an indicator fewer than k pupils answered both times hidden."""
    counts = ChangeCounts(
        pupils_by_term={"2026-2": K + 1},
        cells=[
            ChangeCell("2026-2", "felt_safe", Change.BETTER, K + 1),
            ChangeCell("2026-2", "belonging", Change.SAME, 1),
        ],
    )
    shown = area_changes(publish_changes(None, counts, TODAY, K), K)
    assert shown.period_label.startswith("As published at the end of the Summer term 2026")
    assert shown.pupils == K + 1 and not shown.withheld
    rows = {i.key: i for i in shown.indicators}
    assert rows["felt_safe"].better == K + 1
    assert rows["belonging"].suppressed and rows["belonging"].paired is None


@settings(max_examples=200, deadline=None)
@given(cells, st.integers(min_value=1, max_value=K - 1))
def test_fewer_than_k_more_pupils_change_nothing_a_provider_sees(
    rows: list[tuple[str, str, Change, int]], more: int
) -> None:
    counts = _counts(rows)
    first = publish_changes(None, counts, TODAY, K)
    later = ChangeCounts(
        {**counts.pupils_by_term, "2026-2": more},
        [*counts.cells, ChangeCell("2026-2", "felt_safe", Change.WORSE, more)],
    )
    again = publish_changes(first if first.cuts else None, later, TODAY, K)
    pending = sum(n for t, n in counts.pupils_by_term.items() if first.cuts and t > first.cuts[-1])
    if first.cuts and pending + more < K:
        assert again == first, "fewer than k new pupils with a pair moved the figures"


def test_two_publications_differ_by_at_least_k_pupils() -> None:
    counts = ChangeCounts({"2025-3": 6}, [ChangeCell("2025-3", "felt_safe", Change.BETTER, 6)])
    first = publish_changes(None, counts, TODAY, K)
    grown = ChangeCounts(
        {"2025-3": 6, "2026-1": 5},
        [*counts.cells, ChangeCell("2026-1", "felt_safe", Change.WORSE, 5)],
    )
    second = publish_changes(first, grown, TODAY, K)
    assert second.cuts == ["2025-3", "2026-1"]
    assert (
        sum(second.counts.pupils_by_term.values()) - sum(first.counts.pupils_by_term.values()) >= K
    )


FELT_SAFE_OPTIONS = [(v, p) for v, p in FELT_SAFE or []]
NEXT_STEPS_OPTIONS = list(scale_in("end_years_7_9", 2, "next_steps") or [])


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([("felt_safe", FELT_SAFE_OPTIONS), ("next_steps", NEXT_STEPS_OPTIONS)]),
    st.data(),
)
def test_a_change_read_backwards_is_the_opposite_change(
    indicator_and_scale: tuple[str, list[tuple[str, str]]], data: st.DataObject
) -> None:
    indicator, scale = indicator_and_scale
    before = data.draw(st.sampled_from(scale))
    after = data.draw(st.sampled_from(scale))
    forwards, backwards = (
        compare(indicator, before, after, scale),
        compare(indicator, after, before, scale),
    )
    opposite = {Change.BETTER: Change.WORSE, Change.WORSE: Change.BETTER}
    assert backwards == opposite.get(forwards, forwards)
    unsure = "dont_know" in (before[0], after[0])
    if indicator == "felt_safe" and unsure:
        assert forwards == Change.CANNOT_COMPARE, "'I don't know' about safety is not a point"
    elif not unsure:
        # A scale that runs best first tells every two different answers apart.
        assert (forwards == Change.SAME) == (before == after)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=6),
            st.sampled_from(["start", "review", "end"]),
            st.sampled_from(FELT_SAFE_OPTIONS),
            st.integers(min_value=0, max_value=200),
        ),
        max_size=30,
    )
)
def test_every_pupil_with_a_start_and_a_later_answer_is_counted_once_never_dropped(
    answers: list[tuple[int, str, tuple[str, str], int]],
) -> None:
    rows = [
        row(pupil, kind, value, polarity, day) for pupil, kind, (value, polarity), day in answers
    ]
    pairs = pair_up(rows)
    first_start = {}
    for r in rows:
        if r.kind == "start" and (
            r.pupil not in first_start or r.submitted_at < first_start[r.pupil]
        ):
            first_start[r.pupil] = r.submitted_at
    expected = {
        r.pupil
        for r in rows
        if r.kind != "start" and r.pupil in first_start and r.submitted_at > first_start[r.pupil]
    }
    assert sorted(p.pupil for p in pairs) == sorted(expected)
    report = build_changes(count_changes(pairs), controlled=False, k=K)
    assert report.pupils == len(expected)
    assert sum(i.paired or 0 for i in report.indicators) == len(expected)

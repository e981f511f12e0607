"""Report figures from grouped counts, and small-number suppression for viewers outside the LA."""

from __future__ import annotations

import pytest

from questionnaires.loader import current, versions_of
from reports.aggregation import IndicatorCount, OptionCount, indicator_results, question_results
from reports.disclosure import is_suppressed

pytestmark = pytest.mark.no_database


def counts(**by_polarity: int) -> list[IndicatorCount]:
    return [IndicatorCount("felt_safe", polarity, n) for polarity, n in by_polarity.items()]


def test_dont_know_is_its_own_share_where_it_is_not_about_knowing() -> None:
    (result,) = indicator_results(
        counts(positive=6, neutral=1, negative=1, not_known=2), threshold=None
    )
    assert (result.answered, result.positive, result.negative, result.dont_know) == (10, 6, 1, 2)
    assert (result.share_positive, result.share_negative, result.share_dont_know) == (
        0.6,
        0.1,
        0.2,
    )


def test_dont_know_counts_as_not_knowing_for_what_happens_next() -> None:
    """A third saying "I don't know" is a third who do not know, not 100% who do."""
    rows = [
        IndicatorCount("next_steps", "positive", 6),
        IndicatorCount("next_steps", "not_known", 3),
    ]
    (result,) = indicator_results(rows, threshold=None)
    assert result.answered == 9 and result.share_positive == 0.6667
    assert (result.negative, result.share_negative) == (3, 0.3333)
    assert result.dont_know == 3 and result.share_dont_know is None


def test_fewer_than_k_pupils_are_hidden_from_non_la_viewers() -> None:
    (hidden,) = indicator_results(counts(positive=3, negative=1), threshold=5)
    assert hidden.suppressed and hidden.positive is None and hidden.share_positive is None
    (shown,) = indicator_results(counts(positive=4, negative=1), threshold=5)
    assert not shown.suppressed and shown.positive == 4


def test_la_viewers_see_small_numbers() -> None:
    (result,) = indicator_results(counts(positive=1), threshold=None)
    assert result.positive == 1 and not result.suppressed


def test_question_counts_follow_the_questionnaire_and_are_suppressed_together() -> None:
    questionnaire = current("end_years_4_6")
    rows = [OptionCount("end_years_4_6", "felt_safe", "safe", 2)]
    (question,) = question_results(rows, {"end_years_4_6": [questionnaire]}, threshold=5)
    assert question.suppressed and all(o.count is None for o in question.options)
    (question,) = question_results(rows, {"end_years_4_6": [questionnaire]}, threshold=None)
    assert [o.count for o in question.options] == [2, 0, 0, 0]


@pytest.mark.parametrize(("n", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_threshold_boundary(n: int, hidden: bool) -> None:
    assert is_suppressed(n, 5) is hidden


def test_answers_to_an_older_version_still_count_under_the_new_wording() -> None:
    import msgspec

    v1 = versions_of("end_years_4_6")[0]
    felt_safe = next(q for q in v1.questions if q.id == "felt_safe")
    reworded = msgspec.structs.replace(
        felt_safe, text="How safe were you at the place you went to?"
    )
    v2 = msgspec.structs.replace(
        v1, version=99, questions=[reworded, *(q for q in v1.questions if q is not felt_safe)]
    )
    rows = [
        OptionCount("end_years_4_6", "felt_safe", "safe", 3),
        OptionCount("end_years_4_6", "felt_safe", "not_safe", 1),
    ]
    (question,) = question_results(rows, {"end_years_4_6": [v1, v2]}, threshold=None)
    assert question.text == "How safe were you at the place you went to?"
    assert {o.value: o.count for o in question.options}["safe"] == 3


def test_a_question_naming_the_pupils_place_reads_neutrally_in_a_report() -> None:
    # A report covers many pupils: "{place}" must not reach staff as a brace or one pupil's place.
    rows = [OptionCount("end_years_4_6", "felt_safe", "safe", 2)]
    (question,) = question_results(
        rows, {"end_years_4_6": versions_of("end_years_4_6")}, threshold=None
    )
    assert question.text == "How safe did you feel at [the place]?"

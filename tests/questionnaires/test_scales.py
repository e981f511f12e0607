"""Every scale is balanced, and every band counts the same words the same way.

A figure such as "felt safe" adds up answers from 9-year-olds and 15-year-olds, so a middle
answer must be counted as the middle in every band (version 1 counted a 9-year-old's "A bit safe"
as neutral and an older pupil's "Mostly safe" as positive), and no scale may lean: as many ways
to say it went badly as to say it went well.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from questionnaires.bands import SERVED_QUESTIONNAIRES
from questionnaires.indicators import ALL_INDICATORS, DONT_KNOW_MEANS, DontKnowMeans
from questionnaires.loader import current
from questionnaires.schema import Option, Question, Questionnaire

pytestmark = pytest.mark.no_database

SERVED: list[Questionnaire] = [current(qid) for qid in SERVED_QUESTIONNAIRES]

#: Questions of knowing: "I don't know" is itself the low end of the scale (it counts as not
#: knowing), so a "No" beside it would say the same thing twice and is not offered.
#: The reports' own table decides which these are, so the scales and the counting agree.
KNOWING = {
    indicator for indicator, means in DONT_KNOW_MEANS.items() if means is DontKnowMeans.NOT_KNOWING
}

#: Scales where the best answer is in the middle (too easy / just right / too hard).
JUST_RIGHT = {"challenge"}


def scale(question: Question) -> list[Option]:
    return [o for o in question.options if o.polarity != "not_known"]


def asked(indicator: str) -> list[tuple[Questionnaire, Question]]:
    return [
        (questionnaire, question)
        for questionnaire in SERVED
        for question in questionnaire.questions
        if question.indicator == indicator
    ]


def runs(polarities: list[str]) -> list[tuple[str, int]]:
    grouped: list[tuple[str, int]] = []
    for polarity in polarities:
        if grouped and grouped[-1][0] == polarity:
            grouped[-1] = (polarity, grouped[-1][1] + 1)
        else:
            grouped.append((polarity, 1))
    return grouped


@pytest.mark.parametrize("indicator", sorted(ALL_INDICATORS))
def test_every_scale_is_balanced(indicator: str) -> None:
    for questionnaire, question in asked(indicator):
        where = f"{questionnaire.id} v{questionnaire.version} {question.id}"
        polarities = [o.polarity for o in scale(question)]
        assert polarities.count("neutral") <= 1, f"{where}: one middle at most"
        if indicator in JUST_RIGHT:
            # Worse either side of the best: as many ways to be wrong on each side.
            shape = runs(polarities)
            assert [p for p, _ in shape] == ["negative", "positive", "negative"], where
            assert shape[0][1] == shape[2][1], where
            continue
        # Best first, worst last: the order a pupil reads down the page.
        order = {"positive": 0, "neutral": 1, "negative": 2}
        assert polarities == sorted(polarities, key=order.__getitem__), where
        positive, negative = polarities.count("positive"), polarities.count("negative")
        if indicator in KNOWING and negative == 0:
            assert positive >= 1, where
            continue
        assert positive == negative, f"{where}: {positive} better, {negative} worse"


@pytest.mark.parametrize("indicator", sorted(ALL_INDICATORS))
def test_every_band_counts_an_indicator_the_same_way(indicator: str) -> None:
    questions = asked(indicator)
    # Every band has a middle answer, or none does.
    shapes = {
        f"{q.id} v{q.version}": sorted({o.polarity for o in scale(question)})
        for q, question in questions
    }
    assert len({tuple(shape) for shape in shapes.values()}) <= 1, shapes
    # The same answer (by its value or its words) counts the same wherever it is offered.
    by_value: dict[str, set[str]] = defaultdict(set)
    by_label: dict[str, set[str]] = defaultdict(set)
    for _, question in questions:
        for option in question.options:
            by_value[option.value].add(option.polarity)
            by_label[option.label.lower()].add(option.polarity)
    assert {v: p for v, p in by_value.items() if len(p) > 1} == {}
    assert {w: p for w, p in by_label.items() if len(p) > 1} == {}


def test_a_bit_safe_counts_the_same_for_a_9_year_old_and_a_15_year_old() -> None:
    def polarity(questionnaire_id: str, value: str) -> str:
        question = next(q for q in current(questionnaire_id).questions if q.id == "felt_safe")
        return next(o.polarity for o in question.options if o.value == value)

    assert polarity("end_years_4_6", "a_bit_safe") == polarity("end_years_10_11", "a_bit_safe")
    assert polarity("end_years_4_6", "a_bit_safe") == "neutral"
    older = next(q for q in current("end_years_10_11").questions if q.id == "felt_safe")
    assert "mostly_safe" not in {o.value for o in older.options}


@pytest.mark.parametrize("questionnaire", SERVED, ids=lambda q: q.id)
def test_no_answer_says_i_dont_know_in_other_words(questionnaire: Questionnaire) -> None:
    duplicates = {"i have no idea", "no idea", "i'm not sure", "not sure", "i did not know why"}
    for question in questionnaire.questions:
        labels = {o.label.lower() for o in question.options}
        assert not labels & duplicates, question.id
        if question.indicator in KNOWING:
            # "Do you know…? No" is "I don't know" again; a knowing question never offers it.
            assert "no" not in labels or question.indicator == "qualification", question.id


def test_the_older_overall_rating_has_two_better_one_middle_and_two_worse() -> None:
    for questionnaire_id in ("end_years_7_9", "end_years_10_11"):
        question = next(q for q in current(questionnaire_id).questions if q.id == "overall_rating")
        assert [o.polarity for o in scale(question)] == [
            "positive",
            "positive",
            "neutral",
            "negative",
            "negative",
        ]

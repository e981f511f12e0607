"""The start and half-termly review questionnaires: short, and paired with the end survey.

A pupil's start answer to "felt safe" is compared with their end answer to "felt safe", so the
two must share the indicator key and the answer values (the words may change tense).
"""

from __future__ import annotations

import pytest

from questionnaires.bands import (
    END_QUESTIONNAIRE,
    REVIEW_QUESTIONNAIRE,
    START_QUESTIONNAIRE,
    questionnaire_for,
)
from questionnaires.loader import current
from questionnaires.schema import Questionnaire
from questionnaires.timing import minutes_to_read

pytestmark = pytest.mark.no_database

CHECK_INS = [
    current(qid) for qid in (*START_QUESTIONNAIRE.values(), *REVIEW_QUESTIONNAIRE.values())
]


@pytest.mark.parametrize("band", list(END_QUESTIONNAIRE))
def test_a_slow_reader_reads_a_check_in_in_a_third_of_the_end_surveys_time(band: str) -> None:
    # Two minutes at a slow 9-year-old's 43 words a minute is 86 words: fewer than the opening's
    # own promises (skip, who sees what, no secrets) and two questions. The check-in is held to
    # a third of the end survey and at most 4 minutes; the older bands' at most 3.
    review = minutes_to_read(current(REVIEW_QUESTIONNAIRE[band]))  # type: ignore[index]
    end = minutes_to_read(current(END_QUESTIONNAIRE[band]))  # type: ignore[index]
    assert review * 3 <= end + 1 and review <= (4 if band == "years_4_6" else 3)


@pytest.mark.parametrize("band", list(END_QUESTIONNAIRE))
def test_a_slow_reader_reads_the_start_survey_in_half_the_end_surveys_time(band: str) -> None:
    start = minutes_to_read(current(START_QUESTIONNAIRE[band]))  # type: ignore[index]
    end = minutes_to_read(current(END_QUESTIONNAIRE[band]))  # type: ignore[index]
    assert start * 2 <= end


@pytest.mark.parametrize("questionnaire", CHECK_INS, ids=lambda q: q.id)
def test_every_indicator_is_the_end_surveys_with_the_same_answer_values(
    questionnaire: Questionnaire,
) -> None:
    end = current(END_QUESTIONNAIRE[questionnaire.band])
    end_scales = {
        q.indicator: [(o.value, o.polarity) for o in q.options]
        for q in end.questions
        if q.indicator
    }
    asked = [q for q in questionnaire.questions if q.indicator]
    assert {"felt_safe", "trusted_adult", "feelings_about_learning"} <= {q.indicator for q in asked}
    for question in asked:
        assert [(o.value, o.polarity) for o in question.options] == end_scales[question.indicator]


@pytest.mark.parametrize("questionnaire", CHECK_INS, ids=lambda q: q.id)
def test_a_check_in_can_ask_for_help_and_flags_not_feeling_safe(
    questionnaire: Questionnaire,
) -> None:
    flagged = {q.id for q in questionnaire.questions if any(o.safeguarding for o in q.options)}
    assert {"felt_safe", "talk_to_someone"} <= flagged
    assert (
        questionnaire.help.paragraphs
        == current(END_QUESTIONNAIRE[questionnaire.band]).help.paragraphs
    )


def test_the_review_is_shorter_than_the_start_survey_and_both_shorter_than_the_end() -> None:
    for band in END_QUESTIONNAIRE:
        start, review, end = (
            len(current(ids[band]).questions)
            for ids in (START_QUESTIONNAIRE, REVIEW_QUESTIONNAIRE, END_QUESTIONNAIRE)
        )
        assert review < start < end


def test_each_kind_of_invitation_gets_its_own_questionnaire() -> None:
    assert questionnaire_for("start", 5) == "start_years_4_6"
    assert questionnaire_for("review", 8) == "review_years_7_9"
    assert questionnaire_for("end", 11) == "end_years_10_11"
    with pytest.raises(ValueError):
        questionnaire_for("middle", 8)

"""What each band's pupil text must say, and the question styles it must avoid."""

from __future__ import annotations

import pytest

from questionnaires.loader import all_versions
from questionnaires.schema import Questionnaire

pytestmark = pytest.mark.no_database

QUESTIONNAIRES = list(all_versions().values())


def opening(questionnaire: Questionnaire) -> str:
    return " ".join(questionnaire.opening.paragraphs).lower()


@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
def test_opening_says_why_that_they_can_skip_and_who_sees_what(
    questionnaire: Questionnaire,
) -> None:
    text = opening(questionnaire)
    assert "skip" in text
    assert "your school" in text and "see" in text
    assert "totals" in text, "the provider sees only totals"
    if is_a_short_check_in(questionnaire):
        # Why the council asks is said by the start and end surveys; a check-in leaves it out
        # to stay under two minutes (tests/questionnaires/test_kinds.py).
        return
    assert "council" in text and "good" in text


def is_a_short_check_in(questionnaire: Questionnaire) -> bool:
    return questionnaire.id.startswith("review_") and questionnaire.version >= 2


@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
def test_opening_never_promises_secrecy(questionnaire: Questionnaire) -> None:
    text = opening(questionnaire)
    assert "not keep" in text or "cannot keep" in text
    assert "promise" not in text and "confidential" not in text
    assert "adult" in text and "safe" in text


@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
def test_questions_are_direct_not_agree_disagree(questionnaire: Questionnaire) -> None:
    for question in questionnaire.questions:
        labels = {option.label.lower() for option in question.options}
        assert not labels & {"agree", "disagree", "strongly agree", "strongly disagree"}
        assert " and " not in question.text.lower().split("?")[0] or question.kind == "text", (
            f"{question.id} may ask two things at once"
        )


@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
def test_closing_page_says_where_to_get_help(questionnaire: Questionnaire) -> None:
    text = " ".join(questionnaire.closing.paragraphs)
    assert "Childline" in text and "0800 1111" in text and "999" in text

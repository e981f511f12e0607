"""Questionnaire data files: validated on load, same indicators in every band, versioned."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires.bands import (
    END_QUESTIONNAIRE,
    SIMPLEST_END_QUESTIONNAIRE,
    band_for,
    end_questionnaire_for,
)
from questionnaires.indicators import expected_indicators
from questionnaires.loader import QuestionnaireError, all_versions, current, load_file
from questionnaires.schema import Questionnaire

pytestmark = pytest.mark.no_database

GOOD = """
id = "end_years_4_6"
version = 9
band = "years_4_6"
title = "T"
[opening]
title = "Hello"
paragraphs = ["Hi"]
[closing]
title = "Bye"
paragraphs = ["Bye"]
[help]
title = "Help"
paragraphs = ["Call Childline"]
[[questions]]
id = "felt_safe"
kind = "choice"
indicator = "felt_safe"
text = "How safe did you feel?"
options = [
  { value = "safe", label = "Safe", polarity = "positive" },
  { value = "dont_know", label = "I don't know", polarity = "not_known" },
]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    return path


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    questionnaire = load_file(write(tmp_path, GOOD))
    assert (
        questionnaire.version == 9 and questionnaire.questions[0].options[0].polarity == "positive"
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (('polarity = "positive"', 'polarity = "great"'), "$.questions[0].options[0].polarity"),
        (("version = 9", 'version = "nine"'), "$.version"),
        (('kind = "choice"', 'kind = "slider"'), "$.questions[0].kind"),
        (('title = "T"', 'title = "T"\ncolour = "red"'), "colour"),
        (('indicator = "felt_safe"', 'indicator = "happiness"'), "unknown indicator"),
        (
            ('{ value = "dont_know", label = "I don\'t know", polarity = "not_known" },', ""),
            "I don't know",
        ),
    ],
)
def test_malformed_file_is_rejected_naming_file_and_field(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    with pytest.raises(QuestionnaireError) as error:
        load_file(write(tmp_path, GOOD.replace(*change)))
    assert str(error.value).startswith("broken.toml: ")
    assert words in str(error.value)


def test_invalid_toml_is_reported_with_the_file_name(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match=r"^broken.toml: not valid TOML"):
        load_file(write(tmp_path, "id = "))


#: What a pupil starting now is asked: the newest version of every questionnaire that is served.
SERVED = sorted(set(END_QUESTIONNAIRE.values()) | set(SIMPLEST_END_QUESTIONNAIRE.values()))


@pytest.mark.parametrize("questionnaire_id", SERVED)
def test_every_questionnaire_served_measures_every_indicator_of_its_band(
    questionnaire_id: str,
) -> None:
    # Older versions measured what the indicators were then; they are never served again.
    questionnaire = current(questionnaire_id)
    measured = {q.indicator for q in questionnaire.questions if q.indicator}
    assert measured == expected_indicators(questionnaire.band)


@pytest.mark.parametrize("questionnaire", list(all_versions().values()), ids=lambda q: q.id)
def test_every_closed_question_can_be_answered_dont_know(questionnaire: object) -> None:

    assert isinstance(questionnaire, Questionnaire)
    for question in questionnaire.questions:
        if question.kind == "choice":
            assert question.options[-1].value == "dont_know", question.id
            assert question.options[-1].polarity == "not_known"


def test_youngest_band_uses_at_most_three_worded_points_with_faces() -> None:
    for question in current("end_years_4_6").questions:
        if question.kind == "choice" and question.indicator:
            scale = [o for o in question.options if o.value != "dont_know"]
            assert 2 <= len(scale) <= 3, question.id
            assert all(o.label and o.face for o in scale), question.id


def test_older_bands_use_at_most_five_worded_points() -> None:
    for questionnaire_id in ("end_years_7_9", "end_years_10_11"):
        for question in current(questionnaire_id).questions:
            if question.kind == "choice" and question.indicator:
                scale = [o for o in question.options if o.value != "dont_know"]
                assert 2 <= len(scale) <= 5, question.id
                assert all(not o.label.isdigit() for o in scale)


@pytest.mark.parametrize("questionnaire_id", ["end_years_7_9_simplest", "end_years_10_11_simplest"])
def test_the_simplest_version_for_older_pupils_has_no_faces_and_no_talk_of_children(
    questionnaire_id: str,
) -> None:
    questionnaire = current(questionnaire_id)
    words = " ".join(
        [*questionnaire.opening.paragraphs, *questionnaire.help.paragraphs]
        + [q.text for q in questionnaire.questions]
    ).lower()
    assert "children" not in words
    assert not [o for q in questionnaire.questions for o in q.options if o.face]
    assert questionnaire.reading_band == "years_4_6", "held to the youngest band's reading targets"


@pytest.mark.parametrize(
    ("year", "simplest", "questionnaire_id", "band"),
    [
        (4, False, "end_years_4_6", "years_4_6"),
        (6, False, "end_years_4_6", "years_4_6"),
        (6, True, "end_years_4_6", "years_4_6"),
        (7, False, "end_years_7_9", "years_7_9"),
        (9, False, "end_years_7_9", "years_7_9"),
        (9, True, "end_years_7_9_simplest", "years_7_9"),
        (10, False, "end_years_10_11", "years_10_11"),
        (11, False, "end_years_10_11", "years_10_11"),
        (11, True, "end_years_10_11_simplest", "years_10_11"),
    ],
)
def test_year_group_and_simplest_pick_the_questionnaire(
    year: int, simplest: bool, questionnaire_id: str, band: str
) -> None:
    assert band_for(year) == band
    assert end_questionnaire_for(year, simplest=simplest) == questionnaire_id
    assert current(questionnaire_id).band == band


def test_the_simplest_version_for_a_year_11_keeps_qualification_and_plans() -> None:
    # Version 1 gave an older pupil the years 4-6 survey word for word, without these.
    simplest = current(end_questionnaire_for(11, simplest=True))
    measured = {q.indicator for q in simplest.questions}
    assert {"qualification", "post16_plans"} <= measured


def test_new_invitations_are_served_version_2() -> None:
    for questionnaire_id in END_QUESTIONNAIRE.values():
        assert current(questionnaire_id).version == 2


@pytest.mark.parametrize("year", [3, 12])
def test_year_groups_outside_4_to_11_have_no_band(year: int) -> None:
    with pytest.raises(ValueError, match="between 4 and 11"):
        band_for(year)


def test_a_question_is_found_in_its_newest_wording() -> None:
    from questionnaires.loader import question_in

    question = question_in("end_years_7_9", "felt_safe")
    assert question is not None and question.id == "felt_safe" and question.options
    assert question_in("end_years_7_9", "no_such_question") is None

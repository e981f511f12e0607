"""Questionnaire data files: validated on load, same indicators in every band, versioned."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires.bands import END_QUESTIONNAIRE, band_for
from questionnaires.indicators import expected_indicators
from questionnaires.loader import QuestionnaireError, all_versions, current, load_file

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


@pytest.mark.parametrize("questionnaire", list(all_versions().values()), ids=lambda q: q.id)
def test_every_band_measures_every_indicator(questionnaire: object) -> None:
    from questionnaires.schema import Questionnaire

    assert isinstance(questionnaire, Questionnaire)
    measured = {q.indicator for q in questionnaire.questions if q.indicator}
    assert measured == expected_indicators(questionnaire.band)


@pytest.mark.parametrize("questionnaire", list(all_versions().values()), ids=lambda q: q.id)
def test_every_closed_question_can_be_answered_dont_know(questionnaire: object) -> None:
    from questionnaires.schema import Questionnaire

    assert isinstance(questionnaire, Questionnaire)
    for question in questionnaire.questions:
        if question.kind == "choice":
            assert question.options[-1].value == "dont_know", question.id
            assert question.options[-1].polarity == "not_known"


def test_youngest_band_uses_three_worded_points_with_faces() -> None:
    for question in current("end_years_4_6").questions:
        if question.kind == "choice" and question.indicator:
            scale = [o for o in question.options if o.value != "dont_know"]
            assert len(scale) == 3, question.id
            assert all(o.label and o.face for o in scale), question.id


def test_older_bands_use_four_or_five_worded_points() -> None:
    for questionnaire_id in ("end_years_7_9", "end_years_10_11"):
        for question in current(questionnaire_id).questions:
            if question.kind == "choice" and question.indicator:
                scale = [o for o in question.options if o.value != "dont_know"]
                assert len(scale) in (3, 4, 5), question.id
                assert all(not o.label.isdigit() for o in scale)


@pytest.mark.parametrize(
    ("year", "simplest", "band"),
    [
        (4, False, "years_4_6"),
        (6, False, "years_4_6"),
        (7, False, "years_7_9"),
        (9, False, "years_7_9"),
        (10, False, "years_10_11"),
        (11, False, "years_10_11"),
        (11, True, "years_4_6"),
    ],
)
def test_year_group_picks_the_band(year: int, simplest: bool, band: str) -> None:
    assert band_for(year, simplest=simplest) == band
    assert END_QUESTIONNAIRE[band_for(year, simplest=simplest)] == f"end_{band}"


@pytest.mark.parametrize("year", [3, 12])
def test_year_groups_outside_4_to_11_have_no_band(year: int) -> None:
    with pytest.raises(ValueError, match="between 4 and 11"):
        band_for(year)


def test_a_question_is_found_in_its_newest_wording() -> None:
    from questionnaires.loader import question_in

    question = question_in("end_years_7_9", "felt_safe")
    assert question is not None and question.id == "felt_safe" and question.options
    assert question_in("end_years_7_9", "no_such_question") is None

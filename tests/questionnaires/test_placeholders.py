"""Questions name the pupil's place and months; the time on the opening page is worked out."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from accessibility.readability import check_questionnaire
from questionnaires.bands import SERVED_QUESTIONNAIRES
from questionnaires.loader import QuestionnaireError, current, load_file, question_in
from questionnaires.placeholders import SAMPLE_PLACE, for_pupil, months, sample
from questionnaires.schema import Questionnaire
from questionnaires.timing import SLOW_READER_WORDS_PER_MINUTE, minutes_to_read, words_read

pytestmark = pytest.mark.no_database

SERVED: list[Questionnaire] = [current(qid) for qid in SERVED_QUESTIONNAIRES]


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        (dt.date(2026, 1, 5), dt.date(2026, 3, 27), "from January to March"),
        (dt.date(2025, 11, 3), dt.date(2026, 2, 13), "from November to February"),
        (dt.date(2026, 5, 4), dt.date(2026, 5, 22), "in May"),
        (dt.date(2025, 3, 3), dt.date(2026, 3, 20), "from March 2025 to March 2026"),
        (dt.date(2026, 1, 5), None, "from January"),
    ],
)
def test_the_months_are_said_as_a_pupil_would(
    start: dt.date, end: dt.date | None, said: str
) -> None:
    assert months(start, end) == said


@pytest.mark.parametrize("questionnaire", SERVED, ids=lambda q: q.id)
def test_the_pupil_reads_their_place_and_months_and_never_a_brace(
    questionnaire: Questionnaire,
) -> None:
    filled = for_pupil(
        questionnaire, "Green Shoots Farm", dt.date(2026, 1, 5), dt.date(2026, 3, 27)
    )
    opening = " ".join(filled.opening.paragraphs)
    assert "Green Shoots Farm" in opening or "Green Shoots Farm" in filled.opening.title
    if questionnaire.id.startswith("end_"):
        # Start and review surveys are answered while the pupil still goes there: no months.
        assert "from January to March" in opening
    felt_safe = next(q.text for q in filled.questions if q.id == "felt_safe")
    if questionnaire.id.startswith("review_") and questionnaire.version >= 2:
        # A check-in names the place once, on the opening page just read, and then asks how
        # safe they feel "there": a second long name would take it over two minutes.
        assert felt_safe.endswith("there?")
    else:
        assert "Green Shoots Farm" in felt_safe
    everything = " ".join(
        [filled.title, opening, *filled.help.paragraphs, *filled.closing.paragraphs]
        + [q.text + q.hint for q in filled.questions]
    )
    assert "{" not in everything and "}" not in everything
    assert "the place you went to" not in everything


@pytest.mark.parametrize("questionnaire", SERVED, ids=lambda q: q.id)
def test_the_opening_page_gives_the_time_a_slow_reader_needs(
    questionnaire: Questionnaire,
) -> None:
    filled = sample(questionnaire)
    said = re.search(r"about (\d+) minutes", " ".join(filled.opening.paragraphs), re.IGNORECASE)
    assert said is not None, "the opening says how long it takes"
    pace = SLOW_READER_WORDS_PER_MINUTE[questionnaire.reading_band or questionnaire.band]
    # Worked out, not typed: the words at a slow reader's pace, rounded up to whole minutes.
    assert int(said.group(1)) == minutes_to_read(filled)
    assert int(said.group(1)) * pace >= words_read(filled) > (int(said.group(1)) - 1) * pace


def test_version_1s_five_minutes_was_a_fluent_readers_figure() -> None:
    older_v1 = load_file(Path(__file__).parents[2] / "questionnaires/data/end_years_7_9_v1.toml")
    assert "about five minutes" in " ".join(older_v1.opening.paragraphs)
    assert minutes_to_read(older_v1) > 5


def test_a_name_with_braces_in_it_is_shown_as_it_is() -> None:
    questionnaire = current("end_years_4_6")
    odd = for_pupil(questionnaire, "The {dates} Project", dt.date(2026, 1, 5), dt.date(2026, 3, 2))
    assert "You went to The {dates} Project." in odd.opening.paragraphs[0]


def test_staff_read_neutral_words_where_the_pupil_reads_their_place() -> None:
    question = question_in("end_years_7_9", "felt_safe")
    assert question is not None
    assert question.text == "How safe did you feel at [the place]?"


GOOD = """
id = "end_years_4_6"
version = 9
band = "years_4_6"
title = "T"
[opening]
title = "Hello"
paragraphs = ["You went to {place}."]
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
text = "How safe did you feel at {place}?"
options = [
  { value = "safe", label = "Safe", polarity = "positive" },
  { value = "dont_know", label = "I don't know", polarity = "not_known" },
]
"""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("feel at {place}?", "feel at {plcae}?"), "{plcae} is not a placeholder"),
        (('paragraphs = ["Bye"]', 'paragraphs = ["Bye from {place}"]'), "closing.paragraphs[0]"),
        (('label = "Safe"', 'label = "Safe at {place}"'), "cannot be used here"),
        (("feel at {place}?", "feel for {minutes}?"), "belongs on the opening page"),
    ],
)
def test_a_placeholder_nothing_fills_is_refused_on_load(
    tmp_path: Path, change: tuple[str, str], words: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(QuestionnaireError, match=re.escape(words)):
        load_file(path)


def test_the_reading_check_reads_the_long_sample_name_in_place(tmp_path: Path) -> None:
    # Short as typed, too hard for the youngest once a long name is in it.
    long_question = "Did you feel happy at {place} and did the staff there listen to you?"
    path = tmp_path / "long.toml"
    path.write_text(GOOD.replace("How safe did you feel at {place}?", long_question))
    result = check_questionnaire(load_file(path))
    problems = [item for item in result.items if item.problems]
    assert [item.item for item in problems] == ["felt_safe"]
    assert SAMPLE_PLACE in problems[0].text


def test_words_in_the_places_name_are_never_refused_as_jargon() -> None:
    # A provider called "... Alternative Provision" is still the pupil's place.
    from accessibility.readability import check_text
    from accessibility.targets import TARGETS

    checked = check_text(
        "You went to Hilltop Provision.", TARGETS["years_4_6"], exempt=frozenset({"provision"})
    )
    assert not [problem for problem in checked.problems if "word" in problem]

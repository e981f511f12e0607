"""Readability and wording checks for every pupil-facing string: a questionnaire's, and (given
as lines of text) those of the rendered pupil pages around it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from statistics import mean

import msgspec
import textstat

from accessibility.targets import (
    JARGON,
    JARGON_IN_CAPITALS,
    LONG_WORD_ALLOW_LIST,
    TARGETS,
    BandTarget,
)
from questionnaires.before_start import before_start
from questionnaires.placeholders import SAMPLE_PLACE, sample
from questionnaires.schema import Questionnaire

WORD = re.compile(r"[A-Za-z][A-Za-z']*")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MIN_WORDS_FOR_GRADE = 4


class ItemCheck(msgspec.Struct, frozen=True):
    """One string's scores and verdict."""

    band: str
    item: str
    text: str
    grade: float
    words: int
    problems: list[str]

    @property
    def verdict(self) -> str:
        return "ok" if not self.problems else "FAIL: " + "; ".join(self.problems)


class BandCheck(msgspec.Struct, frozen=True):
    """A questionnaire's items plus its band-wide average."""

    questionnaire_id: str
    band: str
    average_grade: float
    items: list[ItemCheck]
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems and all(not item.problems for item in self.items)


def pupil_strings(questionnaire: Questionnaire) -> Iterator[tuple[str, str]]:
    """Every string a pupil reads, with a name for where it is."""
    yield "title", questionnaire.title
    pages = (
        ("opening", questionnaire.opening),
        ("closing", questionnaire.closing),
        ("help", questionnaire.help),
    )
    for page_name, page in pages:
        yield f"{page_name}.title", page.title
        for index, paragraph in enumerate(page.paragraphs, start=1):
            yield f"{page_name}[{index}]", paragraph
    # Above the Start button: the questionnaire's own lines, or the usual two.
    for index, line in enumerate(before_start(questionnaire, still_there=False), start=1):
        yield f"opening.before_start[{index}]", line
    for question in questionnaire.questions:
        yield f"{question.id}", question.text
        if question.hint:
            yield f"{question.id}.hint", question.hint
        for option in question.options:
            yield f"{question.id}.{option.value}", option.label


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text.strip()) if s]


def _syllables(word: str) -> int:
    return int(textstat.syllable_count(word))


#: The place's name is the pupil's own place: its words are scored (a long name makes a
#: sentence harder) but never refused as jargon or long words, since no one can reword it.
NAME_WORDS = frozenset(word.lower() for word in WORD.findall(SAMPLE_PLACE))


def check_text(
    text: str, target: BandTarget, item: str = "text", exempt: frozenset[str] = frozenset()
) -> ItemCheck:
    """Score one string against a band's targets; ``exempt`` words skip the word rules."""
    # Very short, simple sentences score below 0 ("Yes it was." is about -2). No text is easier
    # than easy: a negative grade counts as 0, or a page of one-word buttons would pull the
    # average down and hide a hard paragraph beside them.
    grade = max(0.0, round(float(textstat.flesch_kincaid_grade(text)), 1))
    words = WORD.findall(text)
    problems = []
    # A grade for one or two words is noise ("Never" scores 8.4); labels get the word rules.
    if len(words) >= MIN_WORDS_FOR_GRADE and grade > target.max_item_grade:
        problems.append(f"grade {grade} is above {target.max_item_grade}")
    longest = max((len(WORD.findall(s)) for s in _sentences(text)), default=0)
    if longest > target.max_sentence_words:
        problems.append(f"a sentence has {longest} words (most {target.max_sentence_words})")
    lowered = " " + " ".join(w.lower() for w in words if w.lower() not in exempt) + " "
    for term in JARGON:
        if f" {term} " in lowered:
            problems.append(f"uses the word {term!r}, which pupils would not")
    for term in JARGON_IN_CAPITALS:
        if term in words:
            problems.append(f"uses the word {term!r}, which pupils would not")
    if target.max_syllables is not None:
        for word in words:
            if word.lower() in LONG_WORD_ALLOW_LIST or word.lower() in exempt:
                continue
            if _syllables(word) > target.max_syllables:
                problems.append(f"{word!r} has more than {target.max_syllables} syllables")
    return ItemCheck(target.band, item, text, grade, len(words), problems)


def average_grade(items: Iterable[ItemCheck]) -> float:
    """The mean grade over sentences and paragraphs (each already at least 0).

    Only strings of four words or more count: single-word answer labels would flatter it.
    """
    prose = [item.grade for item in items if item.words >= MIN_WORDS_FOR_GRADE]
    return round(mean(prose), 2) if prose else 0.0


def check_lines(band: str, page: str, lines: Iterable[str]) -> list[ItemCheck]:
    """Check each line of text a pupil sees on one rendered page, each named by its page."""
    target = TARGETS[band]
    return [check_text(line, target, page) for line in lines]


def check_questionnaire(questionnaire: Questionnaire) -> BandCheck:
    """Check every pupil-facing string, and the band's average grade over its sentences.

    The text is checked as a pupil reads it: the place and dates filled with a long sample name
    (``questionnaires.placeholders.SAMPLE_PLACE``) and the time worked out. A simplest version is
    held to the targets of the band whose words it uses (``reading_band``).
    """
    target = TARGETS[questionnaire.reading_band or questionnaire.band]
    filled = sample(questionnaire)
    items = [check_text(text, target, item, NAME_WORDS) for item, text in pupil_strings(filled)]
    average = average_grade(items)
    problems = []
    if average > target.max_average_grade:
        problems.append(f"average grade {average} is above {target.max_average_grade}")
    return BandCheck(questionnaire.id, questionnaire.band, average, items, problems)

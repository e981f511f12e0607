"""Naming the place and the dates in a questionnaire's words, and saying how long it takes.

A pupil remembers "Green Shoots Farm, from January to March" far better than "the place you
went to", so question and page text may say ``{place}`` (the provider's name as the commissioning
council keeps it) and ``{dates}`` (the months of the placement, as "from January to March"); the
opening page may say ``{minutes}``, worked out from the words a slow reader reads
(``questionnaires/timing.py``) rather than typed by hand. Nothing else about the pupil's placement
is ever put in front of them: no reference, year group, school or council wording.

Staff read the same questions in reports with neutral words in place of the placeholders.
"""

from __future__ import annotations

import datetime as dt
import re

import msgspec

from questionnaires.schema import Page, Question, Questionnaire
from questionnaires.timing import minutes_to_read

PLACE = "{place}"
DATES = "{dates}"
MINUTES = "{minutes}"
PLACEHOLDERS = (PLACE, DATES, MINUTES)
#: Anything that looks like a placeholder, so a typo (``{plcae}``) is refused on load.
LOOKS_LIKE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

#: A deliberately long provider name and the longest month names, for the reading check: the
#: filled text must still meet the band's targets when the place has a name like this.
SAMPLE_PLACE = "Green Shoots Farm and Outdoor Learning Centre"
SAMPLE_START = dt.date(2025, 9, 1)
SAMPLE_END = dt.date(2026, 2, 27)

#: What staff see in place of each placeholder (reports and alerts are about many placements).
STAFF_WORDS = {PLACE: "[the place]", DATES: "[their dates there]", MINUTES: "[a few]"}


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders in ``text`` that nothing fills (a typo would show the pupil braces)."""
    return [found for found in LOOKS_LIKE_PLACEHOLDER.findall(text) if found not in PLACEHOLDERS]


def months(start: dt.date, end: dt.date | None) -> str:
    """The placement's time as a pupil would say it: "from January to March", "in May".

    Month names only, unless the same month name would stand for two different months or the
    time ran over a year, when the years are added. Never a day: the dates are there to help
    the pupil remember, not to identify them.
    """
    if end is None:
        return f"from {start:%B}"
    if end < start:
        start, end = end, start
    if (start.year, start.month) == (end.year, end.month):
        return f"in {start:%B}"
    spans_a_year = (end.year - start.year) * 12 + end.month - start.month >= 12
    if spans_a_year:
        return f"from {start:%B %Y} to {end:%B %Y}"
    return f"from {start:%B} to {end:%B}"


def fill_text(text: str, values: dict[str, str]) -> str:
    """Replace each placeholder with its value, in one pass: a provider's name that happens to
    contain "{dates}" is shown as it is, never filled in turn."""
    return LOOKS_LIKE_PLACEHOLDER.sub(lambda found: values.get(found[0], found[0]), text)


def _fill_page(page: Page, values: dict[str, str]) -> Page:
    return Page(
        title=fill_text(page.title, values),
        paragraphs=[fill_text(p, values) for p in page.paragraphs],
        before_start=(
            None
            if page.before_start is None
            else [fill_text(line, values) for line in page.before_start]
        ),
    )


def _fill_question(question: Question, values: dict[str, str]) -> Question:
    return msgspec.structs.replace(
        question,
        text=fill_text(question.text, values),
        hint=fill_text(question.hint, values),
    )


def fill(questionnaire: Questionnaire, values: dict[str, str]) -> Questionnaire:
    """The questionnaire with the given placeholders filled in every string a pupil reads."""
    return msgspec.structs.replace(
        questionnaire,
        title=fill_text(questionnaire.title, values),
        opening=_fill_page(questionnaire.opening, values),
        closing=_fill_page(questionnaire.closing, values),
        help=_fill_page(questionnaire.help, values),
        questions=[_fill_question(q, values) for q in questionnaire.questions],
    )


def for_pupil(
    questionnaire: Questionnaire, place: str, start: dt.date, end: dt.date | None
) -> Questionnaire:
    """The questionnaire as this pupil reads it: their place, their months, an honest time."""
    values = {PLACE: place.strip() or "the place", DATES: months(start, end)}
    # The time counts the words as filled (a long name is more to read); "{minutes}" counts as
    # one word, as the number that replaces it does.
    values[MINUTES] = str(minutes_to_read(fill(questionnaire, values)))
    return fill(questionnaire, values)


def sample(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire filled with the long sample name and dates, for the reading check."""
    return for_pupil(questionnaire, SAMPLE_PLACE, SAMPLE_START, SAMPLE_END)


def for_staff(text: str) -> str:
    """A question's words as staff read them in reports: neutral words for the placeholders."""
    return fill_text(text, STAFF_WORDS)

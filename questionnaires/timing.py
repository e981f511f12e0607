"""How long a questionnaire takes a slow reader, from the words they read on the way.

The figure on the opening page comes from here, never from a hand-typed "five minutes". It is
the time to read, at the pace of a slow reader at the reading age the band's words are written
for: the 10th percentile of oral reading fluency in Hasbrouck & Tindal's 2017 norms (words
correct per minute, US grades; grade N is about age N+5, the same mapping the reading targets
use in ``accessibility/targets.py``). A pupil who writes a comment takes longer; the figure
says "about", and skipping is always allowed.

* years 4-6 (written for a reading age of about 7, US grade 2): grade 2, spring, 10th
  percentile: 43 words a minute.
* years 7-9 (reading age about 9, grade 4): grade 4, autumn, 10th percentile: 60 words a minute.
* years 10-11 (reading age about 11, grade 6): grade 6, autumn, 10th percentile: 89 words a
  minute.

A simplest version is read at the pace of the band whose words it uses (``reading_band``).

Source: Hasbrouck, J. & Tindal, G. (2017). *An update to compiled ORF norms* (Technical Report
No. 1702). Behavioral Research and Teaching, University of Oregon.
"""

from __future__ import annotations

import math
import re

from questionnaires.before_start import before_start
from questionnaires.schema import Questionnaire

#: Words a minute for a slow reader at each band's target reading age (see above).
SLOW_READER_WORDS_PER_MINUTE: dict[str, int] = {
    "years_4_6": 43,
    "years_7_9": 60,
    "years_10_11": 89,
}

#: Words a pupil reads on every question page besides the question: "Question 3 of 20". The
#: buttons ("Continue", "Skip this question") are read once and recognised after that.
WORDS_PER_PAGE = 4

#: The opening page's button: "Start".
START_BUTTON_WORDS = 1

#: The check page (``survey/check.html``) as a pupil reads it, the answers folded away: "Check
#: your answers, then send them", "You answered 3 of 3 questions.", "See or change your answers",
#: "Your answers are saved. Sending them tells us you have finished." and "Send my answers".
CHECK_PAGE_WORDS = 31

#: Without a check page, the last question's buttons are new words: "Send" and "Skip and send".
SEND_BUTTONS_WORDS = 4

#: Words a written-answer page shows under every such question (``survey/question.html``): "Write
#: as much or as little as you like. You can skip this question." and "You can write up to 500
#: letters." A test renders the page and counts them, so this stays true when the page changes.
TEXT_PAGE_WORDS = 21

#: The "or" set between the answers and "I don't know" on a choice page.
DONT_KNOW_DIVIDER_WORDS = 1
DONT_KNOW = "dont_know"

#: A word or a number: "13" is read as a word, and "{minutes}" stands for one.
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*")


def words_read(questionnaire: Questionnaire) -> int:
    """Words a pupil reads from the opening page to sending, answers included.

    Each page's own words count too: the lines above the Start button and the button,
    "Question 3 of 20", the "or" before "I don't know", what a written-answer page says under
    its question, and the check page (or, without one, the last question's "Send" buttons).
    The help page (only some pupils see it) and the thank-you page (after sending) are left out.
    """
    # "go" or "went": the same number of words either way.
    strings = [
        questionnaire.opening.title,
        *questionnaire.opening.paragraphs,
        *before_start(questionnaire, still_there=True),
    ]
    for question in questionnaire.questions:
        strings.append(question.text)
        strings.append(question.hint)
        strings.extend(option.label for option in question.options)
    sending = CHECK_PAGE_WORDS if questionnaire.check_page else SEND_BUTTONS_WORDS
    furniture = (
        sending
        + START_BUTTON_WORDS
        + WORDS_PER_PAGE * len(questionnaire.questions)
        + sum(
            TEXT_PAGE_WORDS
            if question.kind == "text"
            else DONT_KNOW_DIVIDER_WORDS * any(o.value == DONT_KNOW for o in question.options)
            for question in questionnaire.questions
        )
    )
    return sum(len(WORD.findall(s)) for s in strings) + furniture


def reading_pace(questionnaire: Questionnaire) -> int:
    """The slow reader's words a minute for the words this questionnaire is written in."""
    return SLOW_READER_WORDS_PER_MINUTE[questionnaire.reading_band or questionnaire.band]


def minutes_to_read(questionnaire: Questionnaire) -> int:
    """Whole minutes (rounded up) for a slow reader to read it through."""
    return round_up_minutes(words_read(questionnaire) * 60 / reading_pace(questionnaire))


def round_up_minutes(seconds: float) -> int:
    """Whole minutes, rounded up: a pupil told "5 minutes" should not need 6."""
    return max(1, math.ceil(seconds / 60))

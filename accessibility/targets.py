"""Reading targets per age band, and the words pupil text must not use.

The targets sit well below chronological age: many pupils in alternative provision have gaps in
learning, special educational needs or English as an additional language, so a year 6 pupil may
read like a six- or seven-year-old. Flesch-Kincaid grade N is roughly a US grade N reader, about
age N+5 (UK year N+1). See ``questionnaires/README.md`` for the reasoning and sources.
"""

from __future__ import annotations

import msgspec


class BandTarget(msgspec.Struct, frozen=True):
    band: str
    #: Highest mean Flesch-Kincaid grade over the band's sentences.
    max_average_grade: float
    #: Highest grade for any one item (single short sentences score noisily, so a little above).
    max_item_grade: float
    #: Longest sentence, in words.
    max_sentence_words: int
    #: Longest word, in syllables, unless allow-listed; None means no limit.
    max_syllables: int | None


TARGETS: dict[str, BandTarget] = {
    # Years 4-6 (ages 8-11): read as a 7-year-old would.
    "years_4_6": BandTarget("years_4_6", 2.0, 4.5, 14, 3),
    # Years 7-9 (ages 11-14): read as a 9-year-old would.
    "years_7_9": BandTarget("years_7_9", 4.0, 6.5, 20, None),
    # Years 10-11 (ages 14-16): read as an 11-year-old would.
    "years_10_11": BandTarget("years_10_11", 6.0, 8.5, 24, None),
}

#: Words adults use about alternative provision that a pupil would not (matched whole-word).
JARGON: tuple[str, ...] = (
    "provision",
    "provider",
    "placement",
    "commissioner",
    "commissioned",
    "reintegration",
    "ehcp",
    "ehc plan",
    "alternative provision",
    "intervention",
    "outcome",
    "outcomes",
    "stakeholder",
    "safeguarding",
    "cohort",
    "attainment",
    "pupil referral unit",
)

#: Jargon that is jargon only in capitals: "SEND" (special educational needs and disabilities),
#: not the "send" of "Send my answers".
JARGON_IN_CAPITALS: tuple[str, ...] = ("SEND",)

#: Words over three syllables allowed in the youngest band, each with the reason it is needed
#: (e.g. a helpline's name). The questionnaires need none; the pages around them need these.
LONG_WORD_ALLOW_LIST: dict[str, str] = {
    "accessibility": (
        "the footer's link to the accessibility statement, which every public sector website must"
        " have under that name (Public Sector Bodies Accessibility Regulations 2018): the adults"
        " helping a pupil look for it by it"
    ),
    "january": "a month of the pupil's own time there ({dates}); no shorter word names it",
    "february": "a month of the pupil's own time there ({dates}); no shorter word names it",
}

"""The shape of a questionnaire data file, validated by msgspec on load."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Polarity = Literal["positive", "neutral", "negative", "not_known"]
Band = Literal["years_4_6", "years_7_9", "years_10_11"]
Identifier = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class Option(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One answer a pupil can choose; its polarity is what reports count."""

    value: Identifier
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    polarity: Polarity
    #: A face shown beside the words for the youngest band (never instead of them).
    face: Literal["happy", "middle", "sad"] | None = None
    #: Choosing this option raises a safeguarding alert at once.
    safeguarding: bool = False


class Question(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A closed ``choice`` question with options, or a free ``text`` question."""

    id: Identifier
    kind: Literal["choice", "text"]
    #: May name the place and dates with ``{place}`` and ``{dates}`` (``placeholders.py``).
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    hint: str = ""
    #: The indicator this question measures; the same key in every band.
    indicator: Identifier | None = None
    options: list[Option] = []
    max_length: Annotated[int, msgspec.Meta(ge=1, le=2000)] = 500


class Page(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The opening or closing page a pupil reads."""

    title: str
    paragraphs: list[str]
    #: The opening page only: the lines between its first paragraph and the Start button. Left
    #: out, the pupil reads the usual two (``questionnaires/before_start.py``); a check-in says
    #: less, to stay under two minutes.
    before_start: list[str] | None = None


class Questionnaire(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One version of one band's questionnaire, in one language."""

    id: Identifier
    version: Annotated[int, msgspec.Meta(ge=1)]
    band: Band
    title: str
    opening: Page
    closing: Page
    #: Shown at once when a pupil says they felt unsafe or asks to talk to someone.
    help: Page
    questions: list[Question]
    language: str = "en-GB"
    #: Whether the pupil checks their answers on a page of its own before sending. A check-in of
    #: two to four questions is sent from its last question instead ("Send"), to stay under two
    #: minutes; a pupil who is shown help on the way still gets the check page after it.
    check_page: bool = True
    #: Whose reading targets the words must meet, when not the band's own: the simplest versions
    #: for older pupils keep their band's indicators in the youngest band's words.
    reading_band: Band | None = None

"""Screening free text for safeguarding words, so a worrying comment reaches a person today.

The list lives in ``data/screening_terms.txt`` so safeguarding leads can maintain it without
touching code. Matching is deliberately generous: case, accents, punctuation and repeated spaces
are ignored, and the last word of a term also matches its plural, -ing or -ed form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

TERMS_FILE = Path(__file__).parent / "screening_terms.txt"


def normalise(text: str) -> str:
    """Lower case, without accents or punctuation, single-spaced: "Self-HARM!" -> "self harm"."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", letters).split())


@cache
def terms() -> tuple[str, ...]:
    """The maintained list, normalised, without notes or blank lines."""
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    found = {
        normalise(line) for line in lines if line.strip() and not line.lstrip().startswith("#")
    }
    return tuple(sorted(term for term in found if term))


def _with_endings(term: str) -> str:
    """The term as a pattern: its last word may end -s, -es, -ing or -ed, doubling a last
    consonant first as children spell it ("cut" -> "cutting", "snapchat" -> "snapchatting")."""
    last = term[-1]
    doubled = f"{re.escape(last)}?" if last not in "aeiouy0123456789" else ""
    return re.escape(term) + rf"(?:{doubled}(?:s|es|ing|ed))?"


@cache
def _pattern() -> re.Pattern[str]:
    alternatives = "|".join(_with_endings(term) for term in terms())
    return re.compile(rf"\b(?:{alternatives})\b")


def matches(text: str) -> list[str]:
    """The listed terms found in ``text``, each once, in the order they first appear."""
    found: list[str] = []
    for match in _pattern().finditer(normalise(text)):
        if match.group(0) not in found:
            found.append(match.group(0))
    return found


#: Patterns of details that could identify a person, with what each is in plain words. Words
#: meant for every pupil at a provider must never carry one; names in general cannot be told
#: from ordinary words, so the form also warns, and the LA reads every entry before publishing.
PERSONAL_DETAILS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "an email address"),
    (re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b"), "a phone number"),
    (
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
        "a postcode",
    ),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), "a date (it could be a birthday)"),
    (
        re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+"),
        "a person's name (Mr, Mrs, Ms, Miss or Dr and a name)",
    ),
    # A pupil reference as placements hold them: letters, a dash and digits ("OAK-55").
    (re.compile(r"\b[A-Za-z]{2,}-\d+\b"), "something like a pupil's reference"),
)


#: Capitalised words that are not names: the calendar, school subjects and the words a sentence
#: about a place naturally capitalises. Anything else capitalised mid-sentence reads as a name.
NOT_NAMES = frozenset(
    """I OK PE ICT DT RE PSHE SEN SEND EHCP GCSE GCSEs BTEC English Maths Science French Spanish
    German History Geography Art Music Drama Computing Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday January February March April May June July August September October
    November December Christmas Easter Childline Year Key Stage""".split()
)
#: A capitalised word, which starts a sentence or is a name (or a word in NOT_NAMES).
CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z'-]*\b")
#: A word followed by what a person does in a sentence about them: "Jamie said", "Kai felt".
NAME_THEN_VERB = re.compile(
    r"\b([A-Z][a-z]+)\s+(?:[A-Z]\.?\s+)?(?:said|says|told|tells|felt|feels|was|is|asked|wants|wanted)\b"
)
#: One pupil described closely enough to be known: "a boy in year 10", "who lives on".
DESCRIBED = re.compile(
    r"\b(?:a|one|the)\s+(?:boy|girl|pupil|child|learner|student)\s+in\s+year\s+\d+"
    r"|\bwho\s+lives?\s+(?:on|in|at|near)\b",
    re.IGNORECASE,
)
#: A pupil reference typed without its dashes: letters and several digits ("NS2026006").
RUN_TOGETHER_REFERENCE = re.compile(r"\b[A-Za-z]{2,}\d{3,}\b")
SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"'(]\s*)$")


def _names(text: str, allowed: frozenset[str]) -> bool:
    """True when a capitalised word that is not a known word stands where a name would."""
    for match in CAPITALISED.finditer(text):
        word = match.group(0)
        if word in NOT_NAMES or word in allowed:
            continue
        if SENTENCE_START.search(text[: match.start()]):
            continue  # a sentence's first word: a name there is caught by NAME_THEN_VERB
        return True
    for match in NAME_THEN_VERB.finditer(text):
        word = match.group(1)
        if word not in NOT_NAMES and word not in allowed and word.lower() not in _OPENERS:
            return True
    return False


#: Sentence openers that are followed by "said", "felt" and so on without being names.
_OPENERS = frozenset(
    "pupils learners students everyone someone somebody nobody one some many most few it this "
    "that there here which who what she he they we you staff".split()
)


def personal_details(text: str, allowed_names: str = "") -> list[str]:
    """What in ``text`` looks like a detail that could identify a person, in plain words.

    ``allowed_names``: words that may be capitalised here without being a person's name (the
    provider's own name, which pupils reading it already know)."""
    found = [label for pattern, label in PERSONAL_DETAILS if pattern.search(text)]
    allowed = frozenset(CAPITALISED.findall(allowed_names))
    if "a person's name (Mr, Mrs, Ms, Miss or Dr and a name)" not in found and _names(
        text, allowed
    ):
        found.append("what looks like a person's name (a capitalised word)")
    if DESCRIBED.search(text):
        found.append("a description of one pupil (their year or where they live)")
    if RUN_TOGETHER_REFERENCE.search(text) and "something like a pupil's reference" not in found:
        found.append("something like a pupil's reference")
    if "<" in text or ">" in text:
        found.append("< or > (write words only: no web page code)")
    return found

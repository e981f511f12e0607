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

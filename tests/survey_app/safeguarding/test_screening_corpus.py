"""The screening list against what children actually write: a corpus of disclosures it must
catch and ordinary comments it should leave alone, with the figures the README reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey_app.safeguarding.screening import matches

pytestmark = pytest.mark.no_database

ROOT = Path(__file__).parents[3]
CORPUS = ROOT / "tests" / "data" / "screening"
MIN_RECALL = 0.9
MAX_FALSE_POSITIVE_RATE = 0.1
REPORTED = re.compile(
    r"flags \*\*(\d+) of (\d+) disclosures \(recall ([\d.]+)\)\*\* and \*\*(\d+) of (\d+) "
    r"ordinary comments \(false\s+positive rate ([\d.]+)\)\*\*"
)


def comments(name: str) -> list[str]:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


DISCLOSURES = comments("disclosures.txt")
ORDINARY = comments("ordinary.txt")


def test_the_corpus_is_big_enough_to_mean_something() -> None:
    assert len(DISCLOSURES) >= 150 and len(ORDINARY) >= 150
    assert len(set(DISCLOSURES)) == len(DISCLOSURES) and len(set(ORDINARY)) == len(ORDINARY)
    assert not set(DISCLOSURES) & set(ORDINARY)


def test_the_list_catches_at_least_nine_in_ten_disclosures() -> None:
    missed = [text for text in DISCLOSURES if not matches(text)]
    assert 1 - len(missed) / len(DISCLOSURES) >= MIN_RECALL, missed


def test_the_list_flags_at_most_one_in_ten_ordinary_comments() -> None:
    flagged = [(text, matches(text)) for text in ORDINARY if matches(text)]
    assert len(flagged) / len(ORDINARY) <= MAX_FALSE_POSITIVE_RATE, flagged


def test_the_readme_reports_the_figures_the_list_gets_today() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    reported = REPORTED.search(readme)
    assert reported is not None, "the README gives the screening figures"
    caught = sum(1 for text in DISCLOSURES if matches(text))
    flagged = sum(1 for text in ORDINARY if matches(text))
    assert reported.groups() == (
        str(caught),
        str(len(DISCLOSURES)),
        f"{caught / len(DISCLOSURES):.2f}",
        str(flagged),
        str(len(ORDINARY)),
        f"{flagged / len(ORDINARY):.2f}",
    ), "update the README's figures to what the list and corpus give now"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a member of staff keeps snapchatting me", ["snapchatting"]),
        ("i been cutting myself again", ["cutting myself"]),
        ("he said its our secret, dont tell", ["secret", "dont tell"]),
        ("he said it's our secret, don't tell", ["secret", "don t tell"]),
        ("i feel sucidal", ["sucidal"]),
        ("We made pasta and learned to plate it", []),
    ],
)
def test_children_s_spellings_and_endings_are_matched(text: str, found: list[str]) -> None:
    assert matches(text) == found

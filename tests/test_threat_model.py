"""Every test the threat model names exists, so "the test beside it" is never a dead reference:
a control whose test was renamed or removed shows up here, not in an LA's security review."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
TESTS = ROOT / "tests"

pytestmark = pytest.mark.no_database


def named_tests(text: str) -> list[tuple[str, str | None]]:
    """Each `file.py` or `file.py::test_name` in backticks, as (file, test or None)."""
    return [
        (match[1], match[2] or None)
        for match in re.finditer(r"`((?:tests/)?[\w/]*test_\w+\.py)(?:::(\w+))?`", text)
    ]


def defined_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def missing(text: str) -> list[str]:
    gone = []
    for file, test in named_tests(text):
        # A bare file name means the one under tests/ with that name that holds the test.
        candidates = [ROOT / file] if file.startswith("tests/") else list(TESTS.rglob(file))
        candidates = [path for path in candidates if path.is_file()]
        if not candidates or (test and not any(test in defined_in(p) for p in candidates)):
            gone.append(f"{file}::{test}" if test else file)
    return gone


def test_every_test_the_threat_model_names_exists() -> None:
    text = (ROOT / "docs" / "threat-model.md").read_text()
    assert len(named_tests(text)) > 20, "the threat model names its tests"
    assert missing(text) == []


def test_the_check_finds_a_renamed_test_and_a_missing_file() -> None:
    text = (
        "`tests/survey_app/accounts/test_sign_in.py::test_a_stranger_guessing_cannot_lock_the_la_officer_out`"
        " `test_sign_in.py::test_that_was_renamed` `tests/survey_app/test_gone.py`"
    )
    assert missing(text) == [
        "test_sign_in.py::test_that_was_renamed",
        "tests/survey_app/test_gone.py",
    ]

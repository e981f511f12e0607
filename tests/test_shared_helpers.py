"""Tests share helpers through modules (``tests/world.py``, ``tests/browser/checks.py``...),
never by importing a ``conftest.py``: pytest loads each conftest itself, so importing one runs it
a second time under another name, and a reader cannot tell a fixture's wiring from a helper."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).parent

pytestmark = pytest.mark.no_database


def conftest_imports(root: Path) -> list[str]:
    """Every ``import ...conftest`` or ``from ...conftest import ...`` under ``root``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any(name.split(".")[-1] == "conftest" for name in names):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def test_no_test_imports_a_helper_from_a_conftest() -> None:
    assert conftest_imports(TESTS) == []


def test_the_check_finds_a_helper_imported_from_a_conftest(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    (tests / "browser").mkdir(parents=True)
    (tests / "browser" / "test_page.py").write_text(
        "from tests.browser.conftest import axe_violations\n"
        "from tests.browser import conftest\n"
        "import tests.conftest\n"
        "from tests.world import sign_in\n"
    )
    assert conftest_imports(tests) == [
        "tests/browser/test_page.py:1",
        "tests/browser/test_page.py:2",
        "tests/browser/test_page.py:3",
    ]

"""The house's shape, checked so that it stays the way the README's "How it is built" describes.

A reader opening any module should be able to hold it in their head (so none is over 400
lines), should find a module's helpers private to it (so nothing reaches into another
module's ``_names``), and the pure layers stay apart from the web service.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

ROOT = Path(__file__).parents[2]
#: Everything that ships: the service and the pure layers beside it.
PACKAGES = ("survey_app", "questionnaires", "accessibility", "reports")
#: The pure layers, which never import the web service.
PURE = ("questionnaires", "accessibility", "reports")
MAX_LINES = 400


def _modules(*packages: str) -> list[Path]:
    """Every module of the packages, leaving out migrations (Piccolo writes them, and an old
    migration is never edited once released)."""
    return sorted(
        path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "piccolo_migrations" not in path.parts
    )


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_module(dotted: str) -> bool:
    """Whether ``dotted`` names a module (``from survey_app.accounts import staff``) rather than
    a function, class or constant inside one."""
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):  # the parent is a module, not a package
        return False


def reaches_into_private_names(source: str, package: str = "") -> list[str]:
    """Each place the source uses another module's private name: ``from x import _y``, or
    ``x._y`` where ``x`` is an imported module. (A class's ``_meta`` and the like are the
    class's business, not a module's, so they are not counted.)"""
    tree = ast.parse(source)
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            for alias in node.names:
                if _is_private(alias.name):
                    found.append(f"line {node.lineno}: from {base} import {alias.name}")
                elif _is_module(f"{base}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in modules:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_is_over_400_lines() -> None:
    too_long = {
        _name(path): lines
        for path in _modules(*PACKAGES)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"split these into modules of at most {MAX_LINES} lines: {too_long}"


def test_no_module_reaches_into_another_modules_private_names() -> None:
    found = {}
    for path in _modules(*PACKAGES, "benchmarks"):
        package = ".".join(path.relative_to(ROOT).parent.parts)
        if places := reaches_into_private_names(path.read_text(), package):
            found[_name(path)] = places
    assert found == {}, f"make these names public, or keep their use in their module: {found}"


def test_the_private_name_check_sees_both_ways_of_reaching_in() -> None:
    source = (
        "from survey_app.accounts import scoping\n"
        "from survey_app.accounts.staff import _hidden\n"
        "from . import scoping as here\n"
        "scoping._secret\n"
        "here._other\n"
        "scoping.scope\n"
    )
    assert reaches_into_private_names(source, "survey_app.accounts") == [
        "line 2: from survey_app.accounts.staff import _hidden",
        "line 4: scoping._secret",
        "line 5: here._other",
    ]


def test_a_tables_private_meta_is_not_counted_as_a_modules() -> None:
    source = "from survey_app.db.tables import Placement\nPlacement._meta.tablename\n"
    assert reaches_into_private_names(source, "survey_app.db") == []


def test_the_pure_layers_never_import_the_web_service() -> None:
    found = {}
    for path in _modules(*PURE):
        imported = []
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.append(node.module)
        if uses := sorted(name for name in imported if name.split(".")[0] == "survey_app"):
            found[_name(path)] = uses
    assert found == {}

"""Like datasette: a setting or command that the README does not mention fails the build."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from survey_app.cli import main
from survey_app.settings import setting_names

README = (Path(__file__).parents[2] / "README.md").read_text()


def command_paths(group: click.Group, prefix: str = "survey-app") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


@pytest.mark.no_database
@pytest.mark.parametrize("name", setting_names())
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README


@pytest.mark.no_database
@pytest.mark.parametrize("path", command_paths(main))
def test_every_command_is_documented(path: str) -> None:
    assert f"`{path}" in README


@pytest.mark.no_database
def test_readme_shows_the_two_commands_and_demo_sign_ins() -> None:
    from survey_app.ops.demo import DEMO_LOGINS

    assert "make run" in README and "make test" in README
    for login in DEMO_LOGINS:
        assert login.email in README and login.password in README

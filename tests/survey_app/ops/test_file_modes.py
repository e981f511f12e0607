"""Files holding pupils' answers or the secret are readable by the service's user alone, so
another account on the same server (a colleague's login, a compromised other service) cannot
copy them."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.engine import engine_for
from survey_app.settings import load_settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most servers run with: new files readable by everyone."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.no_database
def test_a_new_data_folder_and_its_secret_are_private(tmp_path: Path, usual_umask: None) -> None:
    var = tmp_path / "var"
    load_settings({"SURVEY_VAR_DIR": str(var)})
    assert mode(var) == 0o700
    assert mode(var / "secret_key") == 0o600


@pytest.mark.no_database
def test_the_sqlite_database_its_wal_and_shared_memory_are_private(
    tmp_path: Path, usual_umask: None
) -> None:
    settings = load_settings({"SURVEY_VAR_DIR": str(tmp_path / "var"), "SURVEY_SECRET_KEY": "k"})
    engine_for(settings)
    database = tmp_path / "var" / "survey.db"
    assert mode(tmp_path / "var") == 0o700
    # SQLite gives the WAL and shared-memory files the database file's own permissions.
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE answer (value TEXT)")
        connection.execute("INSERT INTO answer VALUES ('I felt safe')")
        connection.commit()
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert mode(path) == 0o600, path.name
    connection.close()


@pytest.mark.no_database
def test_a_database_left_world_readable_is_made_private_at_start(
    tmp_path: Path, usual_umask: None
) -> None:
    (tmp_path / "var").mkdir()
    database = tmp_path / "var" / "survey.db"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    engine_for(load_settings({"SURVEY_VAR_DIR": str(tmp_path / "var"), "SURVEY_SECRET_KEY": "k"}))
    assert mode(database) == 0o600


def test_a_backup_is_private(settings: Any, tmp_path: Path, usual_umask: None) -> None:
    target = tmp_path / "nightly.backup"
    taken = CliRunner().invoke(main, ["backup", str(target)])
    assert taken.exit_code == 0, taken.output
    assert mode(target) == 0o600


@pytest.mark.no_database
def test_a_restored_sqlite_database_is_private(tmp_path: Path, usual_umask: None) -> None:
    from survey_app.ops.backups import backup, restore

    source = load_settings({"SURVEY_VAR_DIR": str(tmp_path / "a"), "SURVEY_SECRET_KEY": "k"})
    engine_for(source)
    with sqlite3.connect(tmp_path / "a" / "survey.db") as connection:
        connection.execute("CREATE TABLE migration (name TEXT)")
    connection.close()
    backup(source, tmp_path / "copy.backup")
    target = msgspec.structs.replace(source, var_dir=str(tmp_path / "b"))
    restore(target, tmp_path / "copy.backup")
    assert mode(tmp_path / "b" / "survey.db") == 0o600

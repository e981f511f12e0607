"""Backing up and restoring the whole database: SQLite's online backup, or pg_dump/pg_restore.

A backup is taken while the service runs and is consistent (one snapshot). A restore is checked
before it starts and happens all at once: if it fails part-way, the database is as it was.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from survey_app.ops.private_files import private_file, private_folder
from survey_app.settings import Settings


class BackupError(Exception):
    """A backup or restore could not be done; the message says why in plain words."""


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.resolved_database_url.removeprefix("sqlite:///"))


def postgres_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on the PATH, or Debian's newest version."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    raise BackupError(f"{name} is not installed: apt-get install postgresql-client")


def backup(settings: Settings, target: Path) -> None:
    """Write a consistent copy of the whole database to ``target`` while the service runs."""
    # Created owner-only (and atomically: never over an existing file) before anything is
    # written to it: a backup holds every pupil's answers.
    try:
        private_file(target, exclusive=True)
    except FileExistsError:
        raise BackupError(f"{target} already exists: choose a new file name") from None
    try:
        _backup(settings, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _backup(settings: Settings, target: Path) -> None:
    if settings.is_postgres:
        _run(
            postgres_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            f"--dbname={settings.resolved_database_url}",
        )
        return
    source = _sqlite_path(settings)
    if not source.exists():
        raise BackupError(f"there is no database at {source} to back up")
    # SQLite's backup API copies a consistent snapshot, including what is still in the WAL.
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    copy.close()
    live.close()


def restore(settings: Settings, source: Path) -> None:
    """Replace the whole database with the backup in ``source``, all at once."""
    if not source.is_file():
        raise BackupError(f"there is no backup file at {source}")
    if settings.is_postgres:
        listing = subprocess.run(  # noqa: S603 - a list of arguments, no shell
            [postgres_tool("pg_restore"), "--list", str(source)], capture_output=True
        )
        if listing.returncode != 0:
            raise BackupError(f"{source} is not a backup made by survey-app backup (pg_dump)")
        _run(
            postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={settings.resolved_database_url}",
            str(source),
        )
        return
    _check_sqlite_backup(source)
    target = _sqlite_path(settings)
    private_folder(target.parent)
    private_file(target)
    # The backup API writes every page under one lock: readers see the old or the new database.
    with sqlite3.connect(source) as backup_copy, sqlite3.connect(target) as live:
        backup_copy.backup(live)
    backup_copy.close()
    live.close()


def _check_sqlite_backup(source: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
            ok = copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        copy.close()
    except sqlite3.DatabaseError:
        ok, tables = False, set()
    if not ok or "migration" not in tables:
        raise BackupError(f"{source} is not a backup made by survey-app backup")


def _without_password(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the password as PGPASSWORD: not visible in ``ps``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, {}
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), {"PGPASSWORD": unquote(parts.password)}


def _run(*command: str) -> None:
    arguments: list[str] = []
    extra_env: dict[str, str] = {}
    for argument in command:
        if argument.startswith("--dbname="):
            url, extra_env = _without_password(argument.removeprefix("--dbname="))
            argument = f"--dbname={url}"
        arguments.append(argument)
    finished = subprocess.run(  # noqa: S603 - a list of arguments, no shell
        arguments, capture_output=True, text=True, env={**os.environ, **extra_env}
    )
    if finished.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {finished.stderr.strip()[:500]}")

"""Files and folders only the service's own user may read: the data folder, the database, its
WAL and shared-memory files, backups and the generated secret.

Each is created with owner-only permissions (``os.open`` with mode 0600, ``mkdir`` with 0700;
the umask can only take bits away) and set so afterwards, which also tightens a file an older
version left readable by everyone.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> None:
    """Create ``path`` (and any missing parents) if it is missing, readable by this user only.

    A folder that already exists is left as it is: it may be a shared parent such as
    ``/var/lib``; the files in it are private anyway.
    """
    if path.is_dir():
        return
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    path.chmod(FOLDER_MODE)


def private_file(path: Path, exclusive: bool = False) -> None:
    """Make sure ``path`` exists (empty if new) and only this user can read or write it.

    With ``exclusive`` an existing file is an error (``FileExistsError``), so two callers can
    never both believe they created it.
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    os.close(os.open(path, flags, FILE_MODE))
    path.chmod(FILE_MODE)


def tighten(path: Path) -> None:
    """Owner-only permissions on ``path`` if it exists (SQLite's WAL and shared memory)."""
    try:
        path.chmod(FILE_MODE)
    except FileNotFoundError:
        pass

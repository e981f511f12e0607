"""Erasure that lasts: a pupil erased stays erased, even after a restore from an older backup.

Each erasure is remembered in a ledger as a keyed hash of the LA and pupil reference
(``survey_app.ops.audit.pupil_key``) with its time, never the reference itself. The ledger is kept
twice: in the ``erasure_ledger`` table, and in a file beside the database (for PostgreSQL, in the
var directory), because a restore replaces the table with the backup's older copy and a lost
database takes the table with it. ``survey-app restore`` reads both before it restores and, after
it, erases again every pupil whose key is in either, then writes the whole ledger back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from survey_app.db.engine import batches, transaction
from survey_app.db.tables import ErasureLedger, Placement
from survey_app.ops.audit import pupil_key, record
from survey_app.ops.data_rights import erase_pupil, la_code_of
from survey_app.settings import Settings

#: Pupil key → when the pupil was erased.
Ledger = dict[str, dt.datetime]


def ledger_file(settings: Settings) -> Path:
    """Where the file copy of the ledger lives: beside the SQLite file, or in the var directory."""
    if settings.is_postgres:
        return Path(settings.var_dir) / "erasures.jsonl"
    database = Path(settings.resolved_database_url.removeprefix("sqlite:///"))
    return database.with_name(f"{database.name}.erasures.jsonl")


def read_ledger_file(settings: Settings) -> Ledger:
    path = ledger_file(settings)
    if not path.exists():
        return {}
    ledger: Ledger = {}
    for line in path.read_text().splitlines():
        if line.strip():
            entry = json.loads(line)
            ledger[entry["pupil_key"]] = dt.datetime.fromisoformat(entry["erased_at"])
    return ledger


def _line(key: str, erased_at: dt.datetime) -> str:
    return json.dumps({"pupil_key": key, "erased_at": erased_at.isoformat()}) + "\n"


def _append_to_file(settings: Settings, key: str, erased_at: dt.datetime) -> None:
    path = ledger_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a") as file:
        file.write(_line(key, erased_at))
        file.flush()
        os.fsync(file.fileno())


def write_ledger_file(settings: Settings, ledger: Ledger) -> None:
    """Replace the file with the whole ledger, all at once (a crash leaves the old or the new)."""
    path = ledger_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.writelines(_line(key, at) for key, at in sorted(ledger.items()))
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)


async def read_ledger_table() -> Ledger:
    rows = await ErasureLedger.select(ErasureLedger.pupil_key, ErasureLedger.erased_at)
    return {row["pupil_key"]: row["erased_at"] for row in rows}


async def forget_pupil(
    settings: Settings, local_authority_id: int, reference: str, now: dt.datetime
) -> int:
    """Erase a pupil for good; returns placements erased.

    In one transaction: their data, a ledger row and the ``pupil.erased`` event (naming the
    pupil by key); then a line in the ledger file. The erasure is
    remembered even when nothing is held now, so a restore of an older backup that holds the
    pupil erases them.
    """
    key = pupil_key(settings.secret_key, await la_code_of(local_authority_id), reference)
    async with transaction():
        erased = await erase_pupil(local_authority_id, reference)
        await ErasureLedger.insert(ErasureLedger(pupil_key=key, erased_at=now)).on_conflict(
            action="DO NOTHING"
        )
        await record(
            "pupil.erased",
            now=now,
            object_type="pupil",
            object_id=key,
            local_authority=local_authority_id,
        )
    _append_to_file(settings, key, now)
    return erased


async def ledger_before_restore(settings: Settings) -> Ledger:
    """The whole ledger, from the table and the file, saved to the file before a restore.

    A database that cannot be read (gone, damaged, or older than the ledger) leaves the file's.
    """
    ledger = read_ledger_file(settings)
    try:
        in_table = await read_ledger_table()
    except Exception:  # any failure to read leaves the file's copy, which is enough
        in_table = {}
    for key, erased_at in in_table.items():
        ledger[key] = min(erased_at, ledger.get(key, erased_at))
    write_ledger_file(settings, ledger)
    return ledger


async def reapply(settings: Settings, ledger: Ledger) -> int:
    """Erase again every pupil in the ledger that the database holds; returns how many pupils.

    Also writes the whole ledger into the table, so the next restore starts from it.
    """
    if not ledger:
        return 0
    held = await Placement.select(
        Placement.local_authority,
        Placement.local_authority.code.as_alias("code"),
        Placement.pupil_reference,
    ).distinct()
    erased = {
        (row["local_authority"], row["pupil_reference"])
        for row in held
        if pupil_key(settings.secret_key, row["code"], row["pupil_reference"]) in ledger
    }
    async with transaction():
        for local_authority_id, reference in sorted(erased):
            await erase_pupil(local_authority_id, reference)
        for batch in batches(sorted(ledger.items())):
            await ErasureLedger.insert(
                *[ErasureLedger(pupil_key=key, erased_at=at) for key, at in batch]
            ).on_conflict(action="DO NOTHING")
    return len(erased)

"""Backups an operator can trust: taken while the service runs, restored all at once, and a
file that is not a backup refused before anything changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.tables import Answer, Placement, Response
from tests.world import Clock, World, give_responses, placement_row, run


def snapshot() -> tuple[Any, ...]:
    return (
        run(Placement.select(Placement.id, Placement.pupil_reference).order_by(Placement.id)),
        run(Response.select(Response.id, Response.invitation).order_by(Response.id)),
        run(Answer.count()),
    )


def test_a_restored_backup_brings_back_exactly_what_was_there(
    world: World, settings: Any, clock: Clock, tmp_path: Path
) -> None:
    give_responses(world, settings, clock, 6, comment="It was good")
    before = snapshot()
    runner = CliRunner()
    taken = runner.invoke(main, ["backup", str(tmp_path / "nightly.backup")])
    assert taken.exit_code == 0, taken.output
    # After the backup: a response is lost by mistake and a new placement arrives.
    run(Answer.delete(force=True))
    run(Response.delete(force=True))
    run(Placement.insert(placement_row(world, clock, pupil_reference="AFTER-1")))
    assert snapshot() != before

    refused = runner.invoke(main, ["restore", str(tmp_path / "nightly.backup")])
    assert refused.exit_code != 0 and "--yes" in refused.output
    restored = runner.invoke(main, ["restore", str(tmp_path / "nightly.backup"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert snapshot() == before


def test_a_file_that_is_not_a_backup_is_refused_and_changes_nothing(
    world: World, settings: Any, clock: Clock, tmp_path: Path
) -> None:
    give_responses(world, settings, clock, 2)
    before = snapshot()
    bogus = tmp_path / "holiday-photos.backup"
    bogus.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(main, ["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "is not a backup made by survey-app backup" in result.output
    assert snapshot() == before


def test_a_backup_never_overwrites_an_existing_file(tmp_path: Path, world: World) -> None:
    existing = tmp_path / "keep.backup"
    existing.write_text("yesterday's backup")
    result = CliRunner().invoke(main, ["backup", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_text() == "yesterday's backup"

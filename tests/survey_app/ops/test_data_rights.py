"""Subject-access export and erasure by pupil reference, and the retention period."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.tables import Answer, AuditEvent, Invitation, OutboxMessage, Placement, Response
from survey_app.ops.data_rights import apply_retention
from tests.world import Clock, World, complete_survey, issue_for_year, run


def test_export_then_erase_everything_about_one_pupil(
    world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    issued = issue_for_year(world, settings, clock, reference="SAR-1")
    issue_for_year(world, settings, clock, reference="KEEP-1")
    complete_survey(
        pupil, issued.path, "end_years_4_6", {"best_thing": "The ponies", "felt_safe": "safe"}
    )

    exported = CliRunner().invoke(
        main, ["pupil", "export", "--la", "E90000001", "--reference", "SAR-1"]
    )
    record = json.loads(exported.output)
    assert [p["pupil_reference"] for p in record["placements"]] == ["SAR-1"]
    assert {a["text"] for a in record["answers"]} >= {"The ponies"}

    refused = CliRunner().invoke(
        main, ["pupil", "erase", "--la", "E90000001", "--reference", "SAR-1"]
    )
    assert refused.exit_code != 0 and run(Placement.count()) == 2
    erased = CliRunner().invoke(
        main, ["pupil", "erase", "--la", "E90000001", "--reference", "SAR-1", "--yes"]
    )
    assert "erased 1 placements" in erased.output
    assert [p["pupil_reference"] for p in run(Placement.select(Placement.pupil_reference))] == [
        "KEEP-1"
    ]
    assert run(Response.count()) == 0 and run(Answer.count()) == 0
    assert run(Invitation.count()) == 1
    assert run(OutboxMessage.count().where(OutboxMessage.body.like("%SAR-1%"))) == 0
    actions = {row["action"] for row in run(AuditEvent.select(AuditEvent.action))}
    assert {"pupil.exported", "pupil.erased"} <= actions


def test_retention_removes_free_text_and_reference_but_keeps_the_figures(
    world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    issued = issue_for_year(world, settings, clock, reference="OLD-9")
    complete_survey(
        pupil, issued.path, "end_years_4_6", {"best_thing": "Goats", "felt_safe": "safe"}
    )
    assert run(apply_retention(settings.retention_days, clock.now)) == 0, "nothing is old yet"
    clock.advance(days=settings.retention_days + 1)
    assert run(apply_retention(settings.retention_days, clock.now)) == 1
    answers = run(Answer.select(Answer.question_id, Answer.text))
    assert [a["question_id"] for a in answers] == ["felt_safe"], "the choice answer still counts"
    reference = run(Placement.select(Placement.pupil_reference).first())["pupil_reference"]
    assert reference.startswith("ANON-")
    assert run(apply_retention(settings.retention_days, clock.now)) == 0, "done once"

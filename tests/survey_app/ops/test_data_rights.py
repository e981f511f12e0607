"""Subject-access export and erasure by pupil reference, and the retention period."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from survey_app.cli import main
from survey_app.db.staff_tables import AuditEvent
from survey_app.db.tables import Answer, Invitation, OutboxMessage, Placement, Response
from survey_app.ops.data_rights import apply_retention
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from tests.world import (
    Clock,
    World,
    complete_survey,
    issue_for_year,
    placement_row,
    post_form,
    question_number,
    run,
)


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
    # Retention counts from the end of the term (autumn 2026 ends on 31 December), so that the
    # whole term's pupils go together.
    assert run(apply_retention(settings.retention_days, clock.now)) == 0, "its term is not yet"
    clock.advance(days=40)
    assert run(apply_retention(settings.retention_days, clock.now)) == 1
    answers = run(Answer.select(Answer.question_id, Answer.text))
    assert [a["question_id"] for a in answers] == ["felt_safe"], "the choice answer still counts"
    reference = run(Placement.select(Placement.pupil_reference).first())["pupil_reference"]
    assert reference.startswith("ANON-")
    assert run(apply_retention(settings.retention_days, clock.now)) == 0, "done once"


def emails_about_each_pupil() -> dict[str, int]:
    """How many emails are queued or sent about each pupil's survey, by pupil reference."""
    invitations = run(
        Invitation.select(Invitation.id, Invitation.placement.pupil_reference.as_alias("ref"))
    )
    keys = [row["dedupe_key"] for row in run(OutboxMessage.select(OutboxMessage.dedupe_key))]
    return {
        row["ref"]: sum(str(row["id"]) in key.split(":") for key in keys) for row in invitations
    }


def test_erasing_a_pupil_leaves_the_emails_of_pupils_with_look_alike_references(
    world: World, settings: Any, clock: Clock
) -> None:
    # "_" is a wildcard in SQL LIKE: erasing LK_1 used to delete LK-1's, LK-12's and LKX1's too.
    for reference in ("LK_1", "LK-1", "LK-12", "LKX1"):
        issue_for_year(world, settings, clock, reference=reference)
    before = emails_about_each_pupil()
    assert all(count >= 1 for count in before.values()), "each pupil's survey emails are queued"

    erased = CliRunner().invoke(
        main, ["pupil", "erase", "--la", "E90000001", "--reference", "LK_1", "--yes"]
    )
    assert erased.exit_code == 0, erased.output
    del before["LK_1"]
    assert emails_about_each_pupil() == before
    assert run(OutboxMessage.count()) == sum(before.values()), "LK_1's own emails are gone"


def test_emails_queued_before_causes_were_kept_are_erased_by_whole_reference_only(
    world: World, settings: Any, clock: Clock
) -> None:
    for reference in ("LK_1", "LK-1", "LK-12"):
        issue_for_year(world, settings, clock, reference=reference)
    # As they were stored before this release: no cause, and keys in an older form.
    run(OutboxMessage.raw("UPDATE outbox_message SET cause = NULL, dedupe_key = 'old:' || id"))
    before = run(OutboxMessage.count())

    CliRunner().invoke(
        main, ["pupil", "erase", "--la", "E90000001", "--reference", "LK-1", "--yes"]
    )
    subjects = [row["subject"] for row in run(OutboxMessage.select(OutboxMessage.subject))]
    assert not any("LK-1 " in subject for subject in subjects), subjects
    assert len(subjects) == before - 2, "only LK-1's two emails went"
    assert sum("LK-12" in s for s in subjects) == 2 and sum("LK_1" in s for s in subjects) == 2


def answer_one_question(client: Any, link_path: str, value: str) -> None:
    """Open the survey link and answer the safety question, then stop."""
    assert client.get(link_path, follow_redirects=False).status_code == 302
    safe = question_number("end_years_4_6", "felt_safe")
    response = post_form(client, f"/survey/q/{safe}", {"answer": value}, follow_redirects=False)
    assert response.status_code == 302, response.text


def test_a_subject_access_export_holds_everything_kept_about_the_pupil(
    world: World, settings: Any, clock: Clock, pupil: Any
) -> None:
    # The pupil's first placement: a survey sent. Their second: one worrying answer, not sent.
    sent = issue_for_year(world, settings, clock, reference="SAR-7")
    complete_survey(
        pupil, sent.path, "end_years_4_6", {"best_thing": "The ponies", "felt_safe": "safe"}
    )
    run(
        Placement.insert(
            placement_row(world, clock, pupil_reference="SAR-7", provider=world.second_provider)
        )
    )
    run(issue_due(settings, clock.now))
    second = run(
        Invitation.select(Invitation.id, Invitation.revocation_counter)
        .where(Invitation.placement.provider == world.second_provider)
        .first()
    )
    link = link_for(settings, second["id"], second["revocation_counter"])
    pupil.cookies.clear()
    answer_one_question(pupil, link.url.removeprefix(settings.base_url), "not_safe")
    issue_for_year(world, settings, clock, reference="OTHER-7")

    def export() -> dict[str, Any]:
        result = CliRunner().invoke(
            main, ["pupil", "export", "--la", "E90000001", "--reference", "SAR-7"]
        )
        assert result.exit_code == 0, result.output
        exported: dict[str, Any] = json.loads(result.output)
        return exported

    export()
    record = export()
    assert len(record["placements"]) == 2 and len(record["invitations"]) == 2
    assert len(record["responses"]) == 1
    assert {a["text"] for a in record["answers"]} >= {"The ponies"}
    assert [(d["question_id"], d["value"]) for d in record["draft_answers"]] == [
        ("felt_safe", "not_safe")
    ]
    assert [a["answer_value"] for a in record["safeguarding_alerts"]] == ["not_safe"]
    emails = sorted((m["kind"], m["subject"]) for m in record["outbox_messages"])
    assert [kind for kind, _ in emails] == ["safeguarding"] + ["survey_opened"] * 4
    assert all("SAR-7" in subject for kind, subject in emails if kind == "survey_opened")
    assert "pupil.exported" in [e["action"] for e in record["audit_events"]], (
        "the first export is in the second, found by the pupil's key"
    )


def test_the_audit_log_names_an_erased_pupil_only_by_a_keyed_hash(
    world: World, settings: Any, clock: Clock
) -> None:
    issue_for_year(world, settings, clock, reference="GONE-3")
    for command in (["export"], ["erase", "--yes"]):
        result = CliRunner().invoke(
            main, ["pupil", command[0], "--la", "E90000001", "--reference", "GONE-3", *command[1:]]
        )
        assert result.exit_code == 0, result.output

    events = run(AuditEvent.select().where(AuditEvent.object_type == "pupil"))
    assert [e["action"] for e in events] == ["pupil.exported", "pupil.erased"]
    assert not [e for e in events if "GONE-3" in json.dumps(e, default=str)]
    assert len({e["object_id"] for e in events}) == 1, "both rows name the same pupil"


def test_an_erasure_is_remembered_without_the_reference_in_the_database_and_beside_it(
    world: World, settings: Any, clock: Clock
) -> None:
    from survey_app.db.tables import ErasureLedger
    from survey_app.ops.erasures import ledger_file

    issue_for_year(world, settings, clock, reference="GONE-4")
    for reference in ("GONE-4", "NEVER-HELD-4"):
        result = CliRunner().invoke(
            main, ["pupil", "erase", "--la", "E90000001", "--reference", reference, "--yes"]
        )
        assert result.exit_code == 0, result.output

    remembered = run(ErasureLedger.select())
    assert len(remembered) == 2, "an erasure is remembered even when nothing is held now"
    assert "GONE-4" not in json.dumps(remembered, default=str)
    lines = ledger_file(settings).read_text().splitlines()
    assert len(lines) == 2 and not [line for line in lines if "GONE" in line]


def test_every_email_about_a_pupil_is_linked_to_the_invitation_or_alert_behind_it() -> None:
    import datetime as dt

    from survey_app.mail import messages
    from survey_app.mail.outbox import cause_of

    day = dt.date(2026, 12, 1)
    about_invitation = [
        messages.survey_open_for_commissioner(
            la=1, invitation="inv-1", to="a@b.test", reference="R-1", provider="P",
            link="l", code="c", code_page="p", expires=day,
        ),
        messages.survey_open_for_provider(
            la=1, invitation="inv-1", to="a@b.test", reference="R-1", slips_url="s", expires=day
        ),
        messages.reminder(
            la=1, invitation="inv-1", day=3, who="provider", to="a@b.test", reference="R-1",
            link="l", expires=day,
        ),
    ]  # fmt: skip
    about_alert = [
        messages.safeguarding_alert(la=1, alert_id=7, to="s@b.test", queue_url="q"),
        messages.safeguarding_escalation(la=1, alert_id=7, to="x@b.test", queue_url="q", hours=4),
    ]
    assert {cause_of(m.dedupe_key) for m in about_invitation} == {"invitation:inv-1"}
    assert {cause_of(m.dedupe_key) for m in about_alert} == {"safeguarding_alert:7"}
    assert (
        cause_of(messages.password_reset(la=1, reset_id=3, to="a@b.test", link="l").dedupe_key)
        is None
    )

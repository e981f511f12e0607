"""Correcting a placement's school or provider: emails about its survey still waiting in the
outbox are not sent to the organisation that no longer has the pupil, but written again to the
new one (and say so in the audit log)."""

from __future__ import annotations

from typing import Any

from survey_app.chasing.reminders import queue_reminders
from survey_app.db.staff_tables import AuditEvent
from survey_app.db.tables import OutboxMessage, Placement, ProviderRecord, School
from survey_app.mail.statuses import MessageStatus
from tests.survey_app.placements.test_corrections import edit_form, history_rows, placement_of
from tests.world import Clock, World, issue_for_year, issue_start, post_form, run, sign_in

OLD = {"office@oak.example", "hello@meadow.example"}
NEW = {"office@elm.example", "hi@quay.example"}


def _addresses(world: World) -> None:
    for school, email in (
        (world.school, "office@oak.example"),
        (world.second_school, "office@elm.example"),
    ):
        run(School.update({School.contact_email: email}).where(School.id == school))
    for provider, email in (
        (world.provider, "hello@meadow.example"),
        (world.second_provider, "hi@quay.example"),
    ):
        run(
            ProviderRecord.update({ProviderRecord.contact_email: email}).where(
                ProviderRecord.provider == provider, ProviderRecord.local_authority == world.la
            )
        )


def _outbox() -> list[dict[str, Any]]:
    return run(OutboxMessage.select().order_by(OutboxMessage.id))


# The placement as issue_for_year records it, so that only what a test names changes.
AS_RECORDED = {
    "year_group": "5",
    "start_date": "2026-09-01",
    "planned_end_date": "",
    "hours_per_week": "6",
    "purpose": "",
}


def test_moving_a_placement_rewrites_its_waiting_emails_to_the_new_school_and_provider(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    _addresses(world)
    issued = issue_for_year(world, settings, clock, reference="MOVE-1")
    clock.advance(days=7, hours=1)
    assert run(queue_reminders(settings, clock.now)) == 2, "a day-7 reminder to each"
    waiting = _outbox()
    assert {m["recipient"] for m in waiting} == OLD and len(waiting) == 4
    sign_in(client, world, "la_officer")
    signed_in = client
    moved = edit_form(
        world,
        provider_id=str(world.second_provider),
        school_id=str(world.second_school),
        **AS_RECORDED,
    )
    url = f"/staff/placements/{placement_of(issued)}"
    assert post_form(signed_in, f"{url}/edit", moved, follow_redirects=False).status_code == 302
    after = _outbox()
    to_old = [m for m in after if m["recipient"] in OLD]
    assert {m["status"] for m in to_old} == {MessageStatus.WITHDRAWN}, "none goes to the old ones"
    assert all(m["secrets_sealed"] is None for m in to_old), "the old copies keep no link"
    to_new = [m for m in after if m["recipient"] in NEW]
    assert {m["status"] for m in to_new} == {MessageStatus.PENDING}
    assert sorted((m["recipient"], m["kind"]) for m in to_new) == [
        ("hi@quay.example", "reminder"),
        ("hi@quay.example", "survey_opened"),
        ("office@elm.example", "reminder"),
        ("office@elm.example", "survey_opened"),
    ]
    to_school = next(
        m for m in to_new if m["recipient"] == "office@elm.example" and m["kind"] == "survey_opened"
    )
    assert "Quay Tutors" in to_school["body"] and "Meadow Farm" not in to_school["body"]
    assert to_school["secrets_sealed"], "the school's copy carries the pupil's link, sealed"
    # The reminder the schedule would queue again for day 7 is not sent twice.
    assert run(queue_reminders(settings, clock.now)) == 0
    assert all("moved to another school or provider" in m["last_error"] for m in to_old)
    audit = run(AuditEvent.select().where(AuditEvent.action == "outbox.readdressed"))
    assert [a["object_id"] for a in audit] == [f"{placement_of(issued)} messages=4"]


def test_a_correction_that_moves_nothing_leaves_the_outbox_alone(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    _addresses(world)
    issued = issue_for_year(world, settings, clock, reference="STAY-1")
    before = _outbox()
    form = edit_form(world, **{**AS_RECORDED, "hours_per_week": "8"})
    url = f"/staff/placements/{placement_of(issued)}"
    assert post_form(signed_in, f"{url}/edit", form, follow_redirects=False).status_code == 302
    assert _outbox() == before


def test_an_email_already_sent_is_left_as_it_was(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    _addresses(world)
    issued = issue_for_year(world, settings, clock, reference="SENT-1")
    run(
        OutboxMessage.update({OutboxMessage.status: MessageStatus.SENT}).where(
            OutboxMessage.recipient == "hello@meadow.example"
        )
    )
    moved = edit_form(world, provider_id=str(world.second_provider), **AS_RECORDED)
    url = f"/staff/placements/{placement_of(issued)}"
    assert post_form(signed_in, f"{url}/edit", moved, follow_redirects=False).status_code == 302
    statuses = {(m["recipient"], m["status"]) for m in _outbox()}
    assert ("hello@meadow.example", MessageStatus.SENT) in statuses
    # The school's opening email named the old provider: it is written again, naming the new.
    assert ("office@oak.example", MessageStatus.WITHDRAWN) in statuses
    assert ("office@oak.example", MessageStatus.PENDING) in statuses


def test_moving_a_placement_whose_survey_emails_were_sent_tells_the_new_school_and_provider_once(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    _addresses(world)
    issued = issue_for_year(world, settings, clock, reference="MOVE-5")
    # The opening emails have gone to the old school and provider.
    run(
        OutboxMessage.update({OutboxMessage.status: MessageStatus.SENT}).where(OutboxMessage.id > 0)
    )
    clock.advance(hours=2)
    sign_in(client, world, "la_officer")
    moved = edit_form(
        world,
        provider_id=str(world.second_provider),
        school_id=str(world.second_school),
        **AS_RECORDED,
    )
    url = f"/staff/placements/{placement_of(issued)}"
    for _ in range(2):  # a retry (a double submit, a refresh) tells no one twice
        assert post_form(client, f"{url}/edit", moved, follow_redirects=False).status_code == 302
    to_new = [m for m in _outbox() if m["recipient"] in NEW]
    assert sorted((m["recipient"], m["kind"], m["status"]) for m in to_new) == [
        ("hi@quay.example", "survey_opened", MessageStatus.PENDING),
        ("office@elm.example", "survey_opened", MessageStatus.PENDING),
    ]
    history = history_rows(client.get(url))
    assert any(
        row[1] == "Open survey" and "new school (or LA team) and provider are emailed" in row[3]
        for row in history
    ), history
    assert run(AuditEvent.count().where(AuditEvent.action == "outbox.told_new")) == 1


def test_a_closed_survey_is_not_announced_to_the_new_school(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    _addresses(world)
    issued = issue_for_year(world, settings, clock, reference="MOVE-6")
    run(
        OutboxMessage.update({OutboxMessage.status: MessageStatus.SENT}).where(OutboxMessage.id > 0)
    )
    clock.advance(days=60)
    sign_in(client, world, "la_officer")
    moved = edit_form(world, school_id=str(world.second_school), **AS_RECORDED)
    url = f"/staff/placements/{placement_of(issued)}"
    assert post_form(client, f"{url}/edit", moved, follow_redirects=False).status_code == 302
    assert [m for m in _outbox() if m["recipient"] in NEW] == []


def test_a_start_surveys_waiting_emails_rewritten_to_the_new_school_still_speak_of_a_start_survey(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    _addresses(world)
    start = issue_start(world, settings, clock, reference="MOVE-7")
    before = {m["recipient"]: m["subject"] for m in _outbox()}
    sign_in(client, world, "la_officer")
    placement = placement_of(start)
    row = run(Placement.select().where(Placement.id == placement).first())
    moved = edit_form(
        world,
        school_id=str(world.second_school),
        provider_id=str(world.provider),
        year_group=str(row["year_group"]),
        start_date=row["start_date"].isoformat(),
        planned_end_date=row["planned_end_date"].isoformat(),
        hours_per_week="6",
        purpose="",
    )
    url = f"/staff/placements/{placement}/edit"
    assert post_form(client, url, moved, follow_redirects=False).status_code == 302
    rewritten = [m for m in _outbox() if m["recipient"] == "office@elm.example"]
    assert len(rewritten) == 1
    assert rewritten[0]["subject"] == before["office@oak.example"]
    assert "Start survey" in rewritten[0]["subject"]

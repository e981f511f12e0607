"""Data protection duties: keeping answers no longer than needed, and subject-access requests.

Retention: once the retention period has passed since the end of the school term a response was
sent in, its free-text answers, drafts and the pupil reference are removed; the multiple-choice
answers stay, counted by indicator, so published figures do not change. Whole terms go at once,
never one day's responses: a provider knows who finished on which day, so a released comment
that vanished on its own would name its pupil (``reports.disclosure``).

Export and erasure cover everything linked to one pupil reference in one local authority:
placements, invitations, responses, answers, drafts, alerts, the emails about them and (export)
the audit rows about them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from reports.periods import retention_passed
from survey_app.accounts.scoping import placement_path
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import AuditEvent
from survey_app.db.tables import (
    Answer,
    DraftAnswer,
    Invitation,
    LocalAuthority,
    OutboxMessage,
    Placement,
    PlacementChange,
    Response,
    SafeguardingAlert,
)
from survey_app.mail.outbox import cause_of
from survey_app.ops.audit import pupil_key
from survey_app.reporting import tallies
from survey_app.time_in_england import today_in_england

ANONYMISED = "ANON-"


async def apply_retention(retention_days: int, now: dt.datetime, la: int | None = None) -> int:
    """Anonymise the responses of every term whose retention period has passed since it ended
    (of one LA's placements, if ``la`` is given: each LA may choose its own period); returns
    how many placements."""
    not_yet = placement_path(Response).pupil_reference.not_like(f"{ANONYMISED}%")
    if la is not None:
        not_yet = not_yet & (placement_path(Response).local_authority == la)
    held = await Response.select(Response.term).where(not_yet).distinct()
    today = today_in_england(now)
    terms = sorted(
        {row["term"] for row in held if retention_passed(row["term"], retention_days, today)}
    )
    if not terms:
        return 0
    old = await Response.select(
        Response.id, Response.invitation, placement_path(Response).id.as_alias("placement")
    ).where(Response.term.is_in(terms), not_yet)
    if not old:
        return 0
    placements = sorted({row["placement"] for row in old})
    async with transaction():
        await Answer.delete().where(
            Answer.response.is_in([row["id"] for row in old]), Answer.text.is_not_null()
        )
        await DraftAnswer.delete().where(
            DraftAnswer.invitation.is_in([row["invitation"] for row in old])
        )
        for placement_id in placements:
            await Placement.update(
                {
                    Placement.pupil_reference: f"{ANONYMISED}{placement_id}",
                    Placement.purpose: "",
                    # A school's synced copy must lose the reference too.
                    Placement.updated_at: now,
                }
            ).where(Placement.id == placement_id)
        # The purpose's earlier wordings, kept in the placement's history, go with it.
        await PlacementChange.update(
            {PlacementChange.old_value: "", PlacementChange.new_value: ""}
        ).where(PlacementChange.placement.is_in(placements), PlacementChange.field == "purpose")
    return len(placements)


class PupilRecord(msgspec.Struct):
    """Everything held about one pupil reference, for a subject-access request.

    Tallies are counts over many pupils and are not listed; audit rows name the pupil by key.
    """

    pupil_reference: str
    placements: list[dict[str, Any]]
    invitations: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    draft_answers: list[dict[str, Any]]
    safeguarding_alerts: list[dict[str, Any]]
    outbox_messages: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]
    #: Corrections made to the placements: what changed, when, by which staff user (by id).
    placement_changes: list[dict[str, Any]] = msgspec.field(default_factory=list)


class _Linked(msgspec.Struct):
    """The ids of everything linked to one pupil's placements."""

    placements: list[int]
    invitations: list[Any]
    responses: list[int]
    alerts: list[int]


async def _placements_of(local_authority_id: int, reference: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Placement.select().where(
        Placement.local_authority == local_authority_id, Placement.pupil_reference == reference
    )
    return rows


async def _ids(column: Any, where: Any) -> list[Any]:
    return [row["id"] for row in await column._meta.table.select(column).where(where)]


async def _linked(placements: list[dict[str, Any]]) -> _Linked:
    linked = _Linked([row["id"] for row in placements], [], [], [])
    if linked.placements:
        linked.invitations = await _ids(
            Invitation.id, Invitation.placement.is_in(linked.placements)
        )
    if linked.invitations:
        linked.responses = await _ids(Response.id, Response.invitation.is_in(linked.invitations))
        linked.alerts = await _ids(
            SafeguardingAlert.id, SafeguardingAlert.invitation.is_in(linked.invitations)
        )
    return linked


def _names(reference: str) -> re.Pattern[str]:
    """The reference as a whole word: ``LK-1`` in a message about ``LK-12`` is not a match."""
    edge = "A-Za-z0-9_/-"  # the characters a reference may hold (placements.rules)
    return re.compile(rf"(?<![{edge}]){re.escape(reference)}(?![{edge}])")


async def _outbox_ids(local_authority_id: int, reference: str, linked: _Linked) -> list[int]:
    """The emails about this pupil: by what caused them, never by a pattern in the words."""
    causes = {f"invitation:{i}" for i in linked.invitations} | {
        f"safeguarding_alert:{a}" for a in linked.alerts
    }
    ids: list[int] = []
    if causes:
        ids += await _ids(
            OutboxMessage.id,
            (OutboxMessage.local_authority == local_authority_id)
            & OutboxMessage.cause.is_in(sorted(causes)),
        )
    # Messages queued before causes were recorded: their key still says what caused them, and
    # failing that only the exact whole reference in the words counts.
    names = _names(reference)
    for row in await OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.dedupe_key, OutboxMessage.subject, OutboxMessage.body
    ).where(OutboxMessage.local_authority == local_authority_id, OutboxMessage.cause.is_null()):
        if cause_of(row["dedupe_key"]) in causes or names.search(
            f"{row['subject']}\n{row['body']}"
        ):
            ids.append(row["id"])
    return ids


async def _audit_events(
    local_authority_id: int, reference: str, key: str, linked: _Linked, answers: list[int]
) -> list[dict[str, Any]]:
    """Audit rows about the pupil (by key, or by reference if logged before keys) or their
    placements, invitations, alerts and answers."""
    about: Any = (AuditEvent.object_type == "pupil") & (
        (AuditEvent.object_id == key)
        | (
            (AuditEvent.object_id == reference)
            & (
                (AuditEvent.local_authority == local_authority_id)
                | AuditEvent.local_authority.is_null()
            )
        )
    )
    for object_type, ids in (
        ("placement", linked.placements),
        ("invitation", linked.invitations),
        ("safeguarding_alert", linked.alerts),
        ("answer", answers),
    ):
        if ids:
            about = about | (
                (AuditEvent.object_type == object_type)
                & AuditEvent.object_id.is_in([str(i) for i in ids])
            )
    rows: list[dict[str, Any]] = await AuditEvent.select().where(about).order_by(AuditEvent.id)
    return rows


async def la_code_of(local_authority_id: int) -> str:
    row = (
        await LocalAuthority.select(LocalAuthority.code)
        .where(LocalAuthority.id == local_authority_id)
        .first()
    )
    return str(row["code"]) if row else ""


async def export_pupil(local_authority_id: int, reference: str, *, secret: str) -> PupilRecord:
    """Everything held about this pupil reference in this LA."""
    placements = await _placements_of(local_authority_id, reference)
    linked = await _linked(placements)
    record = PupilRecord(reference, placements, [], [], [], [], [], [], [])
    if linked.invitations:
        record.invitations = await Invitation.select(
            Invitation.id,
            Invitation.placement,
            Invitation.kind,
            Invitation.questionnaire_id,
            Invitation.status,
            Invitation.opened_at,
            Invitation.expires_at,
            Invitation.completed_at,
        ).where(Invitation.id.is_in(linked.invitations))
        record.draft_answers = await DraftAnswer.select().where(
            DraftAnswer.invitation.is_in(linked.invitations)
        )
    if linked.responses:
        record.responses = await Response.select().where(Response.id.is_in(linked.responses))
        record.answers = await Answer.select().where(Answer.response.is_in(linked.responses))
    if linked.alerts:
        record.safeguarding_alerts = await SafeguardingAlert.select().where(
            SafeguardingAlert.id.is_in(linked.alerts)
        )
    if linked.placements:
        record.placement_changes = await PlacementChange.select().where(
            PlacementChange.placement.is_in(linked.placements)
        )
    outbox = await _outbox_ids(local_authority_id, reference, linked)
    if outbox:
        record.outbox_messages = await OutboxMessage.select().where(OutboxMessage.id.is_in(outbox))
    key = pupil_key(secret, await la_code_of(local_authority_id), reference)
    record.audit_events = await _audit_events(
        local_authority_id, reference, key, linked, [row["id"] for row in record.answers]
    )
    return record


async def erase_pupil(local_authority_id: int, reference: str) -> int:
    """Delete everything linked to this pupil reference in this LA; returns placements erased.

    The data only: ``survey_app.ops.erasures.forget_pupil`` also logs the erasure by key and
    remembers it, so that a restore from a backup erases the pupil again.
    """
    linked = await _linked(await _placements_of(local_authority_id, reference))
    if not linked.placements:
        return 0
    async with transaction():
        # Queued and sent emails are about the pupil, so they go too: found through what caused
        # them, before the invitations and alerts that link them are deleted.
        outbox = await _outbox_ids(local_authority_id, reference, linked)
        if outbox:
            await OutboxMessage.delete().where(OutboxMessage.id.is_in(outbox))
        if linked.responses:
            await tallies.remove(Answer.response.is_in(linked.responses))
            await Answer.delete().where(Answer.response.is_in(linked.responses))
            await Response.delete().where(Response.id.is_in(linked.responses))
        if linked.invitations:
            await DraftAnswer.delete().where(DraftAnswer.invitation.is_in(linked.invitations))
            await SafeguardingAlert.delete().where(
                SafeguardingAlert.invitation.is_in(linked.invitations)
            )
            await Invitation.delete().where(Invitation.id.is_in(linked.invitations))
        await PlacementChange.delete().where(PlacementChange.placement.is_in(linked.placements))
        await Placement.delete().where(Placement.id.is_in(linked.placements))
    return len(linked.placements)

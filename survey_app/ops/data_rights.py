"""Data protection duties: keeping answers no longer than needed, and subject-access requests.

Retention: once a response is older than the retention period, its free-text answers, drafts and
the pupil reference are removed; the multiple-choice answers stay, counted by indicator, so
published figures do not change. Export and erasure cover everything linked to one pupil
reference in one local authority.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from survey_app.accounts.scoping import placement_path
from survey_app.db.engine import transaction
from survey_app.db.tables import (
    Answer,
    DraftAnswer,
    Invitation,
    OutboxMessage,
    Placement,
    Response,
    SafeguardingAlert,
)
from survey_app.reporting import tallies

ANONYMISED = "ANON-"


async def apply_retention(retention_days: int, now: dt.datetime) -> int:
    """Anonymise responses older than the retention period; returns how many placements."""
    cutoff = now - dt.timedelta(days=retention_days)
    old = await Response.select(
        Response.id, Response.invitation, placement_path(Response).id.as_alias("placement")
    ).where(
        Response.submitted_at < cutoff,
        placement_path(Response).pupil_reference.not_like(f"{ANONYMISED}%"),
    )
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
                {Placement.pupil_reference: f"{ANONYMISED}{placement_id}", Placement.purpose: ""}
            ).where(Placement.id == placement_id)
    return len(placements)


class PupilRecord(msgspec.Struct):
    """Everything held about one pupil reference, for a subject-access request."""

    pupil_reference: str
    placements: list[dict[str, Any]]
    invitations: list[dict[str, Any]]
    responses: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    safeguarding_alerts: list[dict[str, Any]]


async def _placements_of(local_authority_id: int, reference: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await Placement.select().where(
        Placement.local_authority == local_authority_id, Placement.pupil_reference == reference
    )
    return rows


async def export_pupil(local_authority_id: int, reference: str) -> PupilRecord:
    """Everything linked to this pupil reference in this LA."""
    record = PupilRecord(
        reference, await _placements_of(local_authority_id, reference), [], [], [], []
    )
    if not record.placements:
        return record
    record.invitations = await Invitation.select(
        Invitation.id,
        Invitation.placement,
        Invitation.kind,
        Invitation.status,
        Invitation.opened_at,
        Invitation.expires_at,
        Invitation.completed_at,
    ).where(Invitation.placement.is_in([row["id"] for row in record.placements]))
    invitation_ids = [row["id"] for row in record.invitations]
    if not invitation_ids:
        return record
    record.responses = await Response.select().where(Response.invitation.is_in(invitation_ids))
    record.safeguarding_alerts = await SafeguardingAlert.select().where(
        SafeguardingAlert.invitation.is_in(invitation_ids)
    )
    if record.responses:
        record.answers = await Answer.select().where(
            Answer.response.is_in([row["id"] for row in record.responses])
        )
    return record


async def erase_pupil(local_authority_id: int, reference: str) -> int:
    """Delete everything linked to this pupil reference in this LA; returns placements erased."""
    placements = await _placements_of(local_authority_id, reference)
    if not placements:
        return 0
    ids = [row["id"] for row in placements]
    invitations = [
        row["id"]
        for row in await Invitation.select(Invitation.id).where(Invitation.placement.is_in(ids))
    ]
    async with transaction():
        if invitations:
            responses = [
                row["id"]
                for row in await Response.select(Response.id).where(
                    Response.invitation.is_in(invitations)
                )
            ]
            if responses:
                await tallies.remove(Answer.response.is_in(responses))
                await Answer.delete().where(Answer.response.is_in(responses))
                await Response.delete().where(Response.id.is_in(responses))
            await DraftAnswer.delete().where(DraftAnswer.invitation.is_in(invitations))
            await SafeguardingAlert.delete().where(SafeguardingAlert.invitation.is_in(invitations))
            await Invitation.delete().where(Invitation.id.is_in(invitations))
        # Queued and sent emails name the reference, so they go too.
        await OutboxMessage.delete().where(
            OutboxMessage.local_authority == local_authority_id,
            OutboxMessage.body.like(f"%{reference}%"),
        )
        await Placement.delete().where(Placement.id.is_in(ids))
    return len(ids)

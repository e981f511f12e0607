"""Changing an issued survey's link: reissuing it (a new link and code, the old ones dead at
once, the commissioner sent the new one), extending when it closes, and withdrawing it."""

from __future__ import annotations

import datetime as dt
import uuid

from survey_app.db.tables import Invitation, Placement
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue, withdraw_links
from survey_app.organisations.provider_records import add_provider_names
from survey_app.settings import Settings
from survey_app.surveys.invitations import (
    MAX_ISSUE_ROUNDS,
    PLACEMENT_FIELDS,
    link_for,
    planned_end_ahead,
)
from survey_app.surveys.statuses import InvitationStatus
from survey_app.surveys.tokens import invitation_token, lookup_hash, short_code
from survey_app.time_in_england import date_in_england, end_of_day_in_england, today_in_england
from survey_app.web.urls import Urls


async def replace_link(
    settings: Settings, invitation_id: uuid.UUID, from_version: int, now: dt.datetime
) -> int | None:
    """Reissue an open invitation: a new link and short code, the old ones dead at once.

    Conditional on the link version the caller saw (``from_version``), so a double submit or a
    retried request replaces the link once: the second finds the version moved on and changes
    nothing (None). Queued emails that carry the old link are withdrawn, not sent, and the
    commissioner is sent the new one. Call inside a transaction; returns the new version.
    """
    secret = settings.secret_key
    row = (
        await Invitation.select(Invitation.id, Invitation.revocation_counter)
        .where(
            Invitation.id == invitation_id,
            Invitation.revocation_counter == from_version,
            Invitation.status == InvitationStatus.OPEN,
            Invitation.expires_at > now,
        )
        .first()
    )
    if row is None:
        return None
    # Each step draws a fresh 38-bit short code; a clash with one in use (rare) takes the next.
    for version in range(from_version + 1, from_version + 1 + MAX_ISSUE_ROUNDS):
        code_hash = lookup_hash(secret, short_code(secret, invitation_id, version))
        if await Invitation.exists().where(Invitation.short_code_hash == code_hash):
            continue
        updated = (
            await Invitation.update(
                {
                    Invitation.revocation_counter: version,
                    Invitation.token_hash: lookup_hash(
                        secret, invitation_token(secret, invitation_id, version)
                    ),
                    Invitation.short_code_hash: code_hash,
                }
            )
            .where(
                Invitation.id == invitation_id,
                Invitation.revocation_counter == from_version,
                Invitation.status == InvitationStatus.OPEN,
            )
            .returning(Invitation.id)
        )
        if not updated:
            return None
        await withdraw_links(f"invitation:{invitation_id}", now)
        await _tell_commissioner(settings, invitation_id, version, now)
        return version
    raise RuntimeError(f"could not draw a free short code for invitation {invitation_id}")


async def _tell_commissioner(
    settings: Settings, invitation_id: uuid.UUID, version: int, now: dt.datetime
) -> None:
    """The commissioner's copy of the new link (the provider's slips page shows it already)."""
    row = (
        await Invitation.select(Invitation.expires_at, Invitation.placement, Invitation.kind)
        .where(Invitation.id == invitation_id)
        .first()
    )
    assert row is not None, "called in the transaction that just updated it"
    placement = (
        await Placement.select(*PLACEMENT_FIELDS).where(Placement.id == row["placement"]).first()
    )
    assert placement is not None
    # Named as the placement's council names the provider (not another council's spelling).
    await add_provider_names([placement], "local_authority")
    link = link_for(settings, invitation_id, version)
    message = messages.survey_open_for_commissioner(
        kind=row["kind"],
        la=placement["local_authority"],
        invitation=str(invitation_id),
        to=placement["school_email"] or placement["la_email"] or "",
        reference=placement["pupil_reference"],
        provider=placement["provider_name"],
        link=link.url,
        code=link.short_code,
        code_page=Urls.of(settings).code_page(),
        expires=date_in_england(row["expires_at"]),
        version=version,
        ends_on=planned_end_ahead(
            placement["planned_end_date"], placement["ended_on"], today_in_england(now)
        ),
    )
    await enqueue([message], now, settings.secret_key)


async def extend_expiry(invitation_id: uuid.UUID, closes_on: dt.date) -> bool:
    """Keep an unanswered survey open until the end of ``closes_on`` (England), reopening one
    that had closed; its link and code stay the same. False when it is answered or withdrawn."""
    updated = (
        await Invitation.update({Invitation.expires_at: end_of_day_in_england(closes_on)})
        .where(Invitation.id == invitation_id, Invitation.status == InvitationStatus.OPEN)
        .returning(Invitation.id)
    )
    return bool(updated)


async def withdraw(invitation_id: uuid.UUID, now: dt.datetime) -> None:
    """Withdraw an unanswered survey (its placement was cancelled): its link then says so, and
    queued emails carrying it are not sent. Call inside a transaction."""
    await Invitation.update({Invitation.status: InvitationStatus.REVOKED}).where(
        Invitation.id == invitation_id, Invitation.status == InvitationStatus.OPEN
    )
    # Every unsent message about it, the provider's too: the placement was entered in error.
    await withdraw_links(f"invitation:{invitation_id}", now, every_message=True)

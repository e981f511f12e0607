"""Issuing invitations (a start survey, a check-in each half term, the end survey), and finding
an invitation from a link or code.

A placement's journey: a short start (baseline) survey a set number of days after it starts, a
very short review each half term while it runs longer than one, and the end survey when it ends.
Each LA turns the start and review surveys on or off (``organisations/la_settings.py``). A pupil
never has two surveys open at once: the end survey is issued first, a review is skipped once the
end survey has opened, a start survey is skipped once any other has, and opening one closes any
other still open for the placement (its saved answers are kept as a partial response, as when a
link closes).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from enum import StrEnum
from typing import Any

import msgspec

from questionnaires.bands import questionnaire_for
from reports.periods import half_term_start
from survey_app.db.engine import batches, transaction
from survey_app.db.tables import Invitation, Placement
from survey_app.mail import messages
from survey_app.mail.messages import Message
from survey_app.mail.outbox import enqueue, withdraw_links
from survey_app.organisations.la_settings import all_effective
from survey_app.organisations.provider_records import add_provider_emails, add_provider_names
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.surveys.tokens import (
    invitation_token,
    lookup_hash,
    normalise_short_code,
    short_code,
)
from survey_app.time_in_england import (
    date_in_england,
    end_of_day_in_england,
    start_of_day_in_england,
    today_in_england,
)
from survey_app.web.urls import Urls, qr_png_path, qr_svg_path

#: Attempts to find a free short code; each attempt draws a fresh 38-bit code.
MAX_ISSUE_ROUNDS = 5
#: A placement "runs longer than a half term" once it has run this many days (six weeks).
HALF_TERM_DAYS = 42
#: Fewest days between a pupil's surveys: a review waits until the last survey is this old.
REVIEW_GAP_DAYS = 35
#: No check-in this close to the day the end survey opens: the end survey asks it all.
NO_REVIEW_BEFORE_END_DAYS = 21


class InvitationLink(msgspec.Struct, frozen=True):
    """What staff can show a pupil: the link, the QR images and the short code."""

    url: str
    short_code: str
    qr_png_path: str
    qr_svg_path: str


def link_for(settings: Settings, invitation_id: uuid.UUID, counter: int) -> InvitationLink:
    """Re-derive an invitation's link and code from the server secret."""
    token = invitation_token(settings.secret_key, invitation_id, counter)
    return InvitationLink(
        url=Urls.of(settings).survey_link(token),
        short_code=short_code(settings.secret_key, invitation_id, counter),
        qr_png_path=qr_png_path(invitation_id),
        qr_svg_path=qr_svg_path(invitation_id),
    )


def _new_row(
    settings: Settings,
    placement: dict[str, Any],
    now: dt.datetime,
    expiry_days: int,
    kind: InvitationKind,
    period: str,
) -> dict[Any, Any]:
    invitation_id = uuid.uuid4()
    expires_on = today_in_england(now) + dt.timedelta(days=expiry_days)
    secret = settings.secret_key
    return {
        Invitation.id: invitation_id,
        Invitation.placement: placement["id"],
        Invitation.kind: kind,
        Invitation.period: period,
        Invitation.questionnaire_id: questionnaire_for(
            kind, placement["year_group"], simplest=placement["simplest_version"]
        ),
        Invitation.token_hash: lookup_hash(secret, invitation_token(secret, invitation_id, 0)),
        Invitation.short_code_hash: lookup_hash(secret, short_code(secret, invitation_id, 0)),
        Invitation.revocation_counter: 0,
        Invitation.opened_at: now,
        Invitation.expires_at: end_of_day_in_england(expires_on),
        Invitation.status: InvitationStatus.OPEN,
    }


PLACEMENT_FIELDS = (
    Placement.id,
    Placement.year_group,
    Placement.simplest_version,
    Placement.local_authority,
    Placement.pupil_reference,
    Placement.provider,
    Placement.school.contact_email.as_alias("school_email"),
    Placement.local_authority.contact_email.as_alias("la_email"),
)


def opening_messages(
    settings: Settings, placement: dict[str, Any], row: dict[Any, Any]
) -> list[Message]:
    """Who is told when a survey opens: the commissioner (school or LA team) and the provider."""
    link = link_for(settings, row[Invitation.id], 0)
    expires = date_in_england(row[Invitation.expires_at])
    urls = Urls.of(settings)
    invitation = str(row[Invitation.id])
    kind = InvitationKind(row[Invitation.kind])
    return [
        messages.survey_open_for_commissioner(
            kind=kind,
            la=placement["local_authority"],
            invitation=invitation,
            to=placement["school_email"] or placement["la_email"] or "",
            reference=placement["pupil_reference"],
            provider=placement["provider_name"],
            link=link.url,
            code=link.short_code,
            code_page=urls.code_page(),
            expires=expires,
        ),
        messages.survey_open_for_provider(
            kind=kind,
            la=placement["local_authority"],
            invitation=invitation,
            to=placement["provider_email"] or "",
            reference=placement["pupil_reference"],
            slips_url=urls.provider_slips(placement["provider"]),
            expires=expires,
        ),
    ]


async def issue_for(
    settings: Settings,
    placement_ids: list[int],
    now: dt.datetime,
    kind: InvitationKind = InvitationKind.END,
    period: str = "",
) -> int:
    """Give each placement its invitation of this kind (and period) unless it has one; returns
    how many were issued."""
    issued = 0
    for batch in batches(placement_ids):
        issued += await _issue_batch(settings, list(batch), now, kind, period)
    return issued


async def _issue_batch(
    settings: Settings,
    placement_ids: list[int],
    now: dt.datetime,
    kind: InvitationKind,
    period: str,
) -> int:
    """Issue invitations for one batch of placements, in one transaction.

    Idempotent and safe to run concurrently: the unique index on (placement, kind, period)
    makes a second insert for the same placement do nothing, on SQLite and PostgreSQL alike. The
    emails are queued, and the placement's other open surveys closed, in the same transaction,
    only for invitations this call inserted, so none is queued or closed twice.
    """
    issued = 0
    pending = await Placement.select(*PLACEMENT_FIELDS).where(Placement.id.is_in(placement_ids))
    # The provider is told at the address the commissioning LA keeps for it, and named in the
    # school's email as that LA names it.
    await add_provider_emails(pending, "local_authority")
    await add_provider_names(pending, "local_authority")
    # Each LA may choose how long its surveys stay open (``organisations/la_settings.py``).
    authorities = await all_effective(settings)
    for _ in range(MAX_ISSUE_ROUNDS):
        if not pending:
            break
        rows = {
            placement["id"]: _new_row(
                settings,
                placement,
                now,
                authorities[placement["local_authority"]].invitation_expiry_days,
                kind,
                period,
            )
            for placement in pending
        }
        by_id = {placement["id"]: placement for placement in pending}
        async with transaction():
            inserted = (
                await Invitation.insert(*[Invitation(_data=row) for row in rows.values()])
                .on_conflict(action="DO NOTHING")
                .returning(Invitation.placement)
            )
            opened = [created["placement"] for created in inserted]
            if opened:
                # A survey issued is a change a school's synced copy should hear of.
                await Placement.update({Placement.updated_at: now}).where(
                    Placement.id.is_in(opened)
                )
                # One survey open at a time: the one opening now closes the others (expired
                # links keep their saved answers as a partial response).
                await Invitation.update(
                    {Invitation.expires_at: now - dt.timedelta(seconds=1)}
                ).where(
                    Invitation.placement.is_in(opened),
                    Invitation.id.not_in([rows[p][Invitation.id] for p in opened]),
                    Invitation.status == InvitationStatus.OPEN,
                    Invitation.expires_at > now,
                )
            queued: list[Message] = []
            for created in inserted:
                queued += opening_messages(
                    settings, by_id[created["placement"]], rows[created["placement"]]
                )
            await enqueue(queued, now, settings.secret_key)
        issued += len(inserted)
        # A row can be skipped because another dispatcher got there first (fine) or, rarely,
        # because its short code collided with one in use: those placements get a fresh draw.
        covered = {
            row["placement"]
            for row in await Invitation.select(Invitation.placement).where(
                Invitation.placement.is_in(list(by_id)),
                Invitation.kind == kind,
                Invitation.period == period,
            )
        }
        pending = [p for p in pending if p["id"] not in covered]
    if pending:
        raise RuntimeError(
            f"could not issue invitations for placements {[p['id'] for p in pending]}"
        )
    return issued


async def due_placements(settings: Settings, now: dt.datetime, limit: int = 5000) -> list[int]:
    """Placements whose end-of-placement survey should open now and has not."""
    today = today_in_england(now)
    # Each LA may choose how many days before the planned end its surveys open: one condition
    # per distinct choice, so still one query however many LAs share a deployment.
    by_days: dict[int, list[int]] = {}
    for authority in (await all_effective(settings)).values():
        by_days.setdefault(authority.invitation_open_days_before, []).append(authority.la_id)
    planned_due = [
        (Placement.local_authority.is_in(la_ids))
        & (Placement.planned_end_date <= today + dt.timedelta(days=days))
        for days, la_ids in by_days.items()
    ]
    planned = functools.reduce(operator.or_, planned_due) if planned_due else None
    ended = (Placement.ended_on.is_not_null()) & (Placement.ended_on <= today)
    has_invitation = Invitation.select(Invitation.placement).where(
        Invitation.kind == InvitationKind.END
    )
    due = (
        await Placement.select(Placement.id)
        .where(
            ended
            if planned is None
            else ended | ((Placement.planned_end_date.is_not_null()) & planned),
            Placement.id.not_in(has_invitation),
            # Entered in error: no survey is ever issued for it.
            Placement.status == PlacementStatus.ACTIVE,
        )
        .order_by(Placement.id)
        .limit(limit)
    )
    return [row["id"] for row in due]


def _not_ended(today: dt.date) -> Any:
    return (Placement.ended_on.is_null()) | (Placement.ended_on > today)


async def due_reviews(settings: Settings, now: dt.datetime, limit: int = 5000) -> list[int]:
    """Placements whose check-in for this half term should open now and has not.

    For LAs with reviews on: the placement has run longer than a half term, has not ended, has
    no end survey (a review due when the end survey opens is skipped) and is not within
    ``NO_REVIEW_BEFORE_END_DAYS`` of it, has no review this half term, and its last survey
    opened at least ``REVIEW_GAP_DAYS`` ago.
    """
    today = today_in_england(now)
    # One condition per LA: each chooses how many days before the planned end its end survey
    # opens, and whether it has reviews at all.
    far_from_end = [
        (Placement.local_authority == authority.la_id)
        & (
            Placement.planned_end_date.is_null()
            | (
                Placement.planned_end_date
                > today
                + dt.timedelta(
                    days=authority.invitation_open_days_before + NO_REVIEW_BEFORE_END_DAYS
                )
            )
        )
        for authority in (await all_effective(settings)).values()
        if authority.review_survey
    ]
    if not far_from_end:
        return []
    period = half_term_start(today).isoformat()
    recent = Invitation.select(Invitation.placement).where(
        (Invitation.kind == InvitationKind.END)
        | ((Invitation.kind == InvitationKind.REVIEW) & (Invitation.period == period))
        | (Invitation.opened_at > now - dt.timedelta(days=REVIEW_GAP_DAYS))
    )
    due = (
        await Placement.select(Placement.id)
        .where(
            functools.reduce(operator.or_, far_from_end),
            Placement.start_date <= today - dt.timedelta(days=HALF_TERM_DAYS),
            _not_ended(today),
            Placement.id.not_in(recent),
        )
        .order_by(Placement.id)
        .limit(limit)
    )
    return [row["id"] for row in due]


async def due_starts(settings: Settings, now: dt.datetime, limit: int = 5000) -> list[int]:
    """Placements whose start survey should open now and has not.

    For LAs with start surveys on: the placement started the LA's chosen number of days ago (but
    not so long ago that the start survey would already have closed: a late baseline is not a
    baseline), has not ended, and has had no survey of any kind (a start not yet opened when a
    review or the end survey opens is skipped).
    """
    today = today_in_england(now)
    windows = [
        (Placement.local_authority == authority.la_id)
        & (Placement.start_date <= today - dt.timedelta(days=authority.start_survey_days))
        & (
            Placement.start_date
            > today
            - dt.timedelta(days=authority.start_survey_days + authority.invitation_expiry_days)
        )
        for authority in (await all_effective(settings)).values()
        if authority.start_survey
    ]
    if not windows:
        return []
    due = (
        await Placement.select(Placement.id)
        .where(
            functools.reduce(operator.or_, windows),
            _not_ended(today),
            Placement.id.not_in(Invitation.select(Invitation.placement)),
        )
        .order_by(Placement.id)
        .limit(limit)
    )
    return [row["id"] for row in due]


async def issue_due(settings: Settings, now: dt.datetime) -> int:
    """Issue every invitation that is due; running it again issues nothing new.

    End surveys first, then reviews, then start surveys: each later kind skips placements the
    earlier ones have just given a survey, so a pupil never has two open at once.
    """
    total = 0
    period = half_term_start(today_in_england(now)).isoformat()
    steps = (
        (due_placements, InvitationKind.END, ""),
        (due_reviews, InvitationKind.REVIEW, period),
        (due_starts, InvitationKind.START, ""),
    )
    for finder, kind, kind_period in steps:
        while batch := await finder(settings, now):
            issued = await issue_for(settings, batch, now, kind, kind_period)
            total += issued
            if not issued:
                break
    return total


class LinkState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


INVITATION_FIELDS = (
    Invitation.id,
    Invitation.revocation_counter,
    Invitation.kind,
    Invitation.status,
    Invitation.expires_at,
    Invitation.questionnaire_id,
    Invitation.placement,
)


async def find(settings: Settings, *, token: str | None = None, code: str | None = None) -> Any:
    """The invitation a link token or typed short code belongs to, or None."""
    if token is not None:
        column, value = Invitation.token_hash, lookup_hash(settings.secret_key, token)
    elif code is not None:
        column = Invitation.short_code_hash
        value = lookup_hash(settings.secret_key, normalise_short_code(code))
    else:
        return None
    return await Invitation.select(*INVITATION_FIELDS).where(column == value).first()


def state_of(invitation: dict[str, Any] | None, now: dt.datetime) -> LinkState:
    """Whether a pupil may answer through this invitation, and if not, why not."""
    if invitation is None:
        return LinkState.UNKNOWN
    if invitation["status"] == InvitationStatus.COMPLETED:
        return LinkState.COMPLETED
    if invitation["status"] == InvitationStatus.REVOKED:
        return LinkState.REVOKED
    if invitation["expires_at"] < now:
        return LinkState.EXPIRED
    return LinkState.OPEN


def waiting_today(now: dt.datetime) -> Any:
    """A where-clause: invitations waiting as of this morning (open now, or answered today).

    What providers are shown (slips, their QR codes, counts): a pupil who finishes today keeps
    their slip and their place in today's count, so nothing changes while the provider watches
    them finish (new invitations are added as they open).
    """
    day_start = start_of_day_in_england(date_in_england(now))
    open_now = (Invitation.status == InvitationStatus.OPEN) & (Invitation.expires_at > now)
    answered_today = (Invitation.status == InvitationStatus.COMPLETED) & (
        Invitation.completed_at >= day_start
    )
    return open_now | answered_today


def on_the_slips_sheet(now: dt.datetime) -> Any:
    """A where-clause: invitations whose slip the provider may print, answered or not.

    A slip stays on the sheet until its survey closes, whether or not the pupil has answered:
    a reference dropping off the sheet before the closing date printed on it would tell the
    provider that pupil had finished (and so, beside a report, what they said).
    """
    return Invitation.status.is_in(["open", "completed"]) & (Invitation.expires_at > now)


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
        await Invitation.select(Invitation.expires_at, Invitation.placement)
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

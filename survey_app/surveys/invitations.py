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
import uuid
from enum import StrEnum
from typing import Any

import msgspec
from piccolo.querystring import QueryString

from questionnaires.bands import questionnaire_for
from survey_app.db.engine import batches, transaction
from survey_app.db.tables import Invitation, Placement
from survey_app.mail import messages
from survey_app.mail.messages import Message
from survey_app.mail.outbox import enqueue
from survey_app.organisations.la_settings import all_effective
from survey_app.organisations.provider_records import add_provider_emails, add_provider_names
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
    Placement.planned_end_date,
    Placement.ended_on,
)


def planned_end_ahead(
    planned_end: dt.date | None, ended_on: dt.date | None, today: dt.date
) -> dt.date | None:
    """The day a placement is planned to end, while that is still to come; None once it has
    ended (ended early, or its planned end has passed) or when it has no planned end.

    An end survey opens some days before the planned end, so an email that said the placement
    "has ended" would be untrue for the pupil who is still going there.
    """
    if ended_on is not None and ended_on <= today:
        return None
    if planned_end is None or planned_end < today:
        return None
    return planned_end


def opening_messages(
    settings: Settings, placement: dict[str, Any], row: dict[Any, Any]
) -> list[Message]:
    """Who is told when a survey opens: the commissioner (school or LA team) and the provider."""
    link = link_for(settings, row[Invitation.id], 0)
    expires = date_in_england(row[Invitation.expires_at])
    urls = Urls.of(settings)
    invitation = str(row[Invitation.id])
    kind = InvitationKind(row[Invitation.kind])
    ends_on = planned_end_ahead(
        placement["planned_end_date"],
        placement["ended_on"],
        date_in_england(row[Invitation.opened_at]),
    )
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
            ends_on=ends_on,
        ),
        messages.survey_open_for_provider(
            kind=kind,
            la=placement["local_authority"],
            invitation=invitation,
            to=placement["provider_email"] or "",
            reference=placement["pupil_reference"],
            slips_url=urls.provider_slips(placement["provider"]),
            expires=expires,
            ends_on=ends_on,
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

    Idempotent and safe to run concurrently: the unique index on (placement, kind, period) of
    the invitations still standing (``invitation_one_live_per_period``: a withdrawn one is left
    out, so an end survey withdrawn when its placement was extended can open again) makes a
    second insert for the same placement do nothing, on SQLite and PostgreSQL alike. The
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
                # A withdrawn one does not cover it (the unique index leaves it out too).
                Invitation.status != InvitationStatus.REVOKED,
            )
        }
        pending = [p for p in pending if p["id"] not in covered]
    if pending:
        raise RuntimeError(
            f"could not issue invitations for placements {[p['id'] for p in pending]}"
        )
    return issued


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


async def newer_survey_open(invitation_id: uuid.UUID, now: dt.datetime) -> bool:
    """Whether a later survey of the same placement is open now: what closed this one early
    (a check-in or the end survey opening closes the one before it)."""
    this = await (
        Invitation.select(Invitation.placement, Invitation.opened_at)
        .where(Invitation.id == invitation_id)
        .first()
    )
    if this is None:
        return False
    return bool(
        await Invitation.exists().where(
            Invitation.placement == this["placement"],
            Invitation.id != invitation_id,
            Invitation.opened_at > this["opened_at"],
            Invitation.status == InvitationStatus.OPEN,
            Invitation.expires_at > now,
        )
    )


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


#: Invitations a later one of the same placement has followed (whatever became of either).
SUPERSEDED = QueryString(
    "SELECT earlier.id FROM invitation AS earlier JOIN invitation AS later"
    " ON later.placement = earlier.placement AND later.opened_at > earlier.opened_at"
)


def on_the_slips_sheet(now: dt.datetime) -> Any:
    """A where-clause: invitations whose slip the provider may print, answered or not.

    Each learner's latest survey only (whatever its status), until it closes, answered or not:
    a reference dropping off the sheet before the closing date printed on it would tell the
    provider that pupil had finished (and so, beside a report, what they said). An earlier
    survey is off the sheet once a later one has opened, whether or not it was answered: an
    unanswered one closed then, and an answered one staying on would single out who answered.
    """
    return (
        Invitation.status.is_in([InvitationStatus.OPEN, InvitationStatus.COMPLETED])
        & (Invitation.expires_at > now)
        & Invitation.id.not_in(SUPERSEDED)
    )

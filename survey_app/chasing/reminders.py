"""Chasing, so nobody has to: reminders, the LA's weekly digest, open-ended placements.

The scheduled work (``survey_app/ops/schedule.py``) queues these; every step is idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from piccolo.columns.combination import WhereRaw

from survey_app.accounts.scoping import placement_path
from survey_app.db.engine import transaction
from survey_app.db.tables import Invitation, LocalAuthority, Placement
from survey_app.mail import messages
from survey_app.mail.messages import Message
from survey_app.mail.outbox import enqueue
from survey_app.organisations.la_settings import all_effective
from survey_app.organisations.provider_records import add_provider_emails, add_provider_names
from survey_app.placements.statuses import PlacementStatus
from survey_app.settings import Settings
from survey_app.surveys.invitations import link_for, planned_end_ahead
from survey_app.surveys.statuses import InvitationStatus
from survey_app.time_in_england import date_in_england, today_in_england
from survey_app.web.urls import Urls

_placement = placement_path(Invitation)
OPEN_FIELDS = (
    Invitation.id,
    Invitation.kind,
    Invitation.revocation_counter,
    Invitation.opened_at,
    Invitation.expires_at,
    _placement.local_authority.as_alias("la"),
    _placement.pupil_reference.as_alias("reference"),
    _placement.provider.as_alias("provider"),
    _placement.school.name.as_alias("school_name"),
    _placement.school.contact_email.as_alias("school_email"),
    _placement.la_team.as_alias("la_team"),
    _placement.local_authority.contact_email.as_alias("la_email"),
    _placement.planned_end_date.as_alias("planned_end_date"),
    _placement.ended_on.as_alias("ended_on"),
)


async def open_invitations(now: dt.datetime, la: int | None = None) -> list[dict[str, Any]]:
    """Surveys still waiting for a pupil, oldest first."""
    query = Invitation.select(*OPEN_FIELDS).where(
        Invitation.status == InvitationStatus.OPEN, Invitation.expires_at > now
    )
    if la is not None:
        query = query.where(_placement.local_authority == la)
    rows: list[dict[str, Any]] = await query.order_by(Invitation.opened_at)
    # The provider is reminded at the address the commissioning LA keeps for it, and named as
    # that LA names it.
    await add_provider_emails(rows, "la")
    await add_provider_names(rows, "la")
    return rows


#: How far back the chasing list looks for surveys that closed unanswered: long enough to
#: notice and extend one, short enough that last year's do not bury this week's.
RECENTLY_CLOSED = dt.timedelta(weeks=4)


#: A later survey of the same placement has opened (of any kind, standing or withdrawn): the
#: earlier one was closed for it and cannot be extended (``placements.changes.not_the_latest``).
REPLACED = (
    "EXISTS (SELECT 1 FROM invitation AS later WHERE later.placement = invitation.placement"
    " AND later.opened_at > invitation.opened_at)"
)


async def closed_unanswered(now: dt.datetime, la: int) -> list[dict[str, Any]]:
    """Surveys that closed in the last four weeks with no answer, the most recent first: each
    may be worth extending (from its placement page). One the system closed because the
    pupil's next survey opened is left out: it cannot be extended, and the next one is what
    to chase."""
    rows: list[dict[str, Any]] = (
        await Invitation.select(*OPEN_FIELDS, _placement.id.as_alias("placement_id"))
        .where(
            Invitation.status == InvitationStatus.OPEN,
            Invitation.expires_at <= now,
            Invitation.expires_at > now - RECENTLY_CLOSED,
            _placement.local_authority == la,
            WhereRaw(f"NOT {REPLACED}"),
        )
        .order_by(Invitation.expires_at, ascending=False)
    )
    await add_provider_names(rows, "la")
    return rows


async def queue_reminders(settings: Settings, now: dt.datetime) -> int:
    """Queue each reminder whose day has come; each (invitation, day, recipient) only once."""
    urls = Urls.of(settings)
    queued: list[Message] = []
    authorities = await all_effective(settings)
    for row in await open_invitations(now):
        expires = date_in_england(row["expires_at"])
        # Each LA may choose its own reminder days (``organisations/la_settings.py``).
        for day in authorities[row["la"]].reminder_days:
            if row["opened_at"] + dt.timedelta(days=day) > now:
                continue
            link = link_for(settings, row["id"], row["revocation_counter"]).url
            common = {
                "la": row["la"],
                "invitation": str(row["id"]),
                "day": day,
                "reference": row["reference"],
                "expires": expires,
                "kind": row["kind"],
                "ends_on": planned_end_ahead(
                    row["planned_end_date"], row["ended_on"], today_in_england(now)
                ),
            }
            queued.append(
                messages.reminder(
                    who="commissioner",
                    to=row["school_email"] or row["la_email"] or "",
                    link=link,
                    **common,
                )
            )
            queued.append(
                messages.reminder(
                    who="provider",
                    to=row["provider_email"] or "",
                    link=urls.provider_slips(row["provider"]),
                    **common,
                )
            )
    async with transaction():
        before = await _outbox_count()
        await enqueue(queued, now, settings.secret_key)
        return await _outbox_count() - before


async def _outbox_count() -> int:
    from survey_app.db.tables import OutboxMessage

    return int(await OutboxMessage.count())


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def queue_digests(settings: Settings, now: dt.datetime) -> int:
    """On Mondays (in England), each LA's summary of what is outstanding, once a week."""
    today = today_in_england(now)
    if today.weekday() != 0:
        return 0
    queued = []
    for la in await LocalAuthority.select(LocalAuthority.id, LocalAuthority.contact_email):
        if not la["contact_email"]:
            continue
        waiting = await open_invitations(now, la["id"])
        by_provider: dict[str, int] = defaultdict(int)
        by_school: dict[str, int] = defaultdict(int)
        for row in waiting:
            by_provider[row["provider_name"]] += 1
            by_school[row["school_name"] or f"LA team: {row['la_team']}"] += 1
        queued.append(
            messages.weekly_digest(
                la=la["id"],
                week=iso_week(today),
                to=la["contact_email"],
                by_provider=sorted(by_provider.items(), key=lambda item: -item[1]),
                by_school=sorted(by_school.items(), key=lambda item: -item[1]),
                open_ended=len(await open_ended(settings, now, la["id"])),
                chasing_url=Urls.of(settings).chasing(),
            )
        )
    async with transaction():
        before = await _outbox_count()
        await enqueue(queued, now)
        return await _outbox_count() - before


def open_ended_clauses(settings: Settings, now: dt.datetime) -> list[Any]:
    """Where-clauses for placements with no end date that have run longer than the configured
    length (the digest counts them, the chasing page lists them)."""
    cutoff = today_in_england(now) - dt.timedelta(weeks=settings.open_ended_weeks)
    return [
        Placement.planned_end_date.is_null(),
        Placement.ended_on.is_null(),
        Placement.start_date <= cutoff,
        Placement.status == PlacementStatus.ACTIVE,
    ]


async def open_ended(settings: Settings, now: dt.datetime, la: int) -> list[dict[str, Any]]:
    """Placements with no end date that have run longer than the configured length."""
    rows: list[dict[str, Any]] = (
        await Placement.select(
            Placement.id,
            Placement.pupil_reference,
            Placement.start_date,
            Placement.la_team,
            Placement.local_authority,
            Placement.provider,
            Placement.school.name.as_alias("school_name"),
        )
        .where(Placement.local_authority == la, *open_ended_clauses(settings, now))
        .order_by(Placement.start_date)
    )
    await add_provider_names(rows, "local_authority")
    return rows

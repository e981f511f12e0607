"""The scheduled work: everything the service does by itself, in order, on a timer.

Issue the surveys that are due, keep the saved answers of links that closed unsent as partial
responses, queue reminders and the LA's weekly digest, escalate safeguarding
alerts nobody has acknowledged, apply retention, purge expired sessions and throttle counters,
then send the outbox. It runs inside the server
every ``SURVEY_DISPATCH_INTERVAL_MINUTES`` and as ``survey-app dispatch`` for cron. Every step is
idempotent, so two servers (or a server and cron) running it together do each thing once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

import msgspec

from survey_app.accounts.sessions import purge_stale
from survey_app.chasing.reminders import queue_digests, queue_reminders
from survey_app.mail.outbox import Transport, send_due, transport_for
from survey_app.ops.data_rights import apply_retention
from survey_app.organisations.la_settings import all_effective
from survey_app.safeguarding.triage import escalate_overdue
from survey_app.settings import Settings
from survey_app.surveys.drafts import keep_partial_responses
from survey_app.surveys.due import issue_due

log = logging.getLogger(__name__)


class ScheduleResult(msgspec.Struct, frozen=True):
    """What one run of the scheduled work did."""

    issued: int
    reminders_queued: int
    digests_queued: int
    sent: int
    failed: int
    #: Links that closed with answers saved but not sent, kept as partial responses.
    partial_kept: int = 0


async def run_scheduled_work(
    settings: Settings, now: dt.datetime, transport: Transport | None
) -> ScheduleResult:
    """Everything the schedule does, in order; ``transport`` None queues without sending."""
    issued = await issue_due(settings, now)
    # Before retention and reminders: a closed link's saved answers become its response.
    partial_kept = await keep_partial_responses(now)
    reminders = await queue_reminders(settings, now)
    digests = await queue_digests(settings, now)
    await escalate_overdue(settings, now)
    for authority in (await all_effective(settings)).values():
        await apply_retention(authority.retention_days, now, authority.la_id)
    await purge_stale(now)
    sent, failed = (
        await send_due(transport, now, secret_key=settings.secret_key)
        if transport is not None
        else (0, 0)
    )
    return ScheduleResult(issued, reminders, digests, sent, failed, partial_kept)


def in_the_background(
    settings: Settings, clock: Callable[[], dt.datetime]
) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """The server's start and stop hooks for running the schedule every interval."""
    tasks: list[asyncio.Task[None]] = []

    async def loop() -> None:
        transport = None if settings.demo_mode else transport_for(settings)
        while True:
            try:
                await run_scheduled_work(settings, clock(), transport)
            except Exception:
                log.exception("scheduled work failed; will try again")
            await asyncio.sleep(settings.dispatch_interval_minutes * 60)

    async def start() -> None:
        if settings.dispatch_interval_minutes > 0:
            tasks.append(asyncio.create_task(loop()))

    async def stop() -> None:
        for task in tasks:
            task.cancel()

    return start, stop

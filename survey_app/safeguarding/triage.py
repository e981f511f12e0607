"""Safeguarding triage: alerts raised from pupils' answers, reviewed, acted on and escalated.

An alert is raised in the same transaction as the answer that caused it, and the LA's named
safeguarding contact is emailed (without the answer). It stays in the queue until someone
acknowledges it and records what they did; one not acknowledged in time is escalated. Free-text
comments wait for the same person to release them (redacted if need be) or withhold them before
any report shows them. Every step is audited.

Here: raising an alert, emailing about it and escalating it. Seeing an alert and closing it
is in ``alerts.py``; reviewing comments in ``comments.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from survey_app.accounts.scoping import Role, placement_path
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import Invitation, SafeguardingAlert
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue, send_now, transport_for
from survey_app.ops.audit import record
from survey_app.organisations.la_settings import all_effective
from survey_app.safeguarding.statuses import AlertStatus
from survey_app.settings import Settings
from survey_app.web.urls import Urls

log = logging.getLogger(__name__)


class TriageError(Exception):
    """A triage step that cannot be done; the message says why in plain words."""


async def raise_alert(
    settings: Settings,
    *,
    invitation_id: uuid.UUID,
    question_id: str,
    answer_value: str,
    reason: str,
    matched_terms: list[str],
    now: dt.datetime,
    words: str = "",
    after_close: bool = False,
) -> str | None:
    """Record an alert and email the safeguarding contact; call inside the answer's transaction.

    ``words`` is what the pupil wrote, when that is what raised it: kept on the alert, and
    anything flagged they write for the same question later is added to it, never replacing it.
    ``after_close``: the pupil gave it after their survey had closed (the alert says so).

    Returns the key of the queued email (for ``outbox.send_now`` once the transaction has
    committed), or None when this answer had already raised its alert.
    """
    inserted = (
        await SafeguardingAlert.insert(
            SafeguardingAlert(
                invitation=invitation_id,
                question_id=question_id,
                answer_value=answer_value,
                raised_at=now,
                status=AlertStatus.NEW,
                reason=reason,
                matched_terms=", ".join(matched_terms)[:300],
                words=words,
                after_close=after_close,
            )
        )
        .on_conflict(action="DO NOTHING")
        .returning(SafeguardingAlert.id)
    )
    if not inserted:
        if words:
            await _keep_more_words(invitation_id, question_id, words, matched_terms)
        return None
    la: dict[str, Any] | None = await (
        Invitation.select(
            placement_path(Invitation).local_authority.as_alias("la"),
            placement_path(Invitation).local_authority.safeguarding_email.as_alias("email"),
            Invitation.kind,
        )
        .where(Invitation.id == invitation_id)
        .first()
    )
    assert la is not None, "the invitation was just answered"
    alert_id = inserted[0]["id"]
    email = messages.safeguarding_alert(
        la=la["la"],
        alert_id=alert_id,
        to=la["email"],
        queue_url=Urls.of(settings).alert(alert_id),
        kind=la["kind"],
        after_close=after_close,
    )
    await enqueue([email], now)
    return email.dedupe_key


async def _keep_more_words(
    invitation_id: uuid.UUID, question_id: str, words: str, matched_terms: list[str]
) -> None:
    """Add a later flagged text to its question's alert (a child who writes more, or takes it
    back and writes something else, is read in full by the adult)."""
    alert = await (
        SafeguardingAlert.select(
            SafeguardingAlert.id, SafeguardingAlert.words, SafeguardingAlert.matched_terms
        )
        .where(
            SafeguardingAlert.invitation == invitation_id,
            SafeguardingAlert.question_id == question_id,
        )
        .first()
    )
    if alert is None or words in alert["words"].split(WORDS_APART):
        return
    kept = [text for text in alert["words"].split(WORDS_APART) if text]
    terms = [t for t in alert["matched_terms"].split(", ") if t]
    terms += [t for t in matched_terms if t not in terms]
    await SafeguardingAlert.update(
        {
            SafeguardingAlert.words: WORDS_APART.join([*kept, words]),
            SafeguardingAlert.matched_terms: ", ".join(terms)[:300],
        }
    ).where(SafeguardingAlert.id == alert["id"])


#: Between two things a pupil wrote for one question, as the alert page shows them.
WORDS_APART = "\n\n"


async def send_alert_now(settings: Settings, dedupe_key: str, now: dt.datetime) -> None:
    """Send one alert's email at once; run after the answer's transaction has committed.

    Through the outbox, so it is claimed like any other message (a scheduled sender that got
    there first keeps it, and it goes once) and a failure waits for the scheduled sender's
    retries. Never raises: the pupil's answer is saved whatever the mail server says.
    """
    if settings.demo_mode:
        return  # Demo mode sends nothing; the message waits on /staff/outbox.
    try:
        await send_now(transport_for(settings), [dedupe_key], now, secret_key=settings.secret_key)
    except Exception:
        log.exception("sending %s at once failed; the scheduled sender retries it", dedupe_key)


async def escalate_overdue(settings: Settings, now: dt.datetime) -> int:
    """Escalate alerts nobody acknowledged in time to the LA contact and its administrators.

    "In time" is each council's own ``safeguarding_escalation_hours`` (the deployment's
    setting unless it chose one): the wait its pupils are told on the help page.
    """
    hours = {
        la_id: la.safeguarding_escalation_hours
        for la_id, la in (await all_effective(settings)).items()
    }
    # No council waits less than the shortest: read only alerts at least that old.
    cutoff = now - dt.timedelta(hours=min(hours.values(), default=0))
    escalated = 0
    async with transaction():
        candidates = await SafeguardingAlert.select(
            SafeguardingAlert.id,
            SafeguardingAlert.raised_at,
            placement_path(SafeguardingAlert).local_authority.as_alias("la"),
            placement_path(SafeguardingAlert).local_authority.contact_email.as_alias("email"),
        ).where(
            SafeguardingAlert.status == AlertStatus.NEW,
            SafeguardingAlert.escalated_at.is_null(),
            SafeguardingAlert.raised_at <= cutoff,
        )
        overdue = [
            alert
            for alert in candidates
            if alert["raised_at"] <= now - dt.timedelta(hours=hours[alert["la"]])
        ]
        for alert in overdue:
            admins = await StaffUser.select(StaffUser.email).where(
                StaffUser.local_authority == alert["la"],
                StaffUser.role == Role.LA_ADMIN.value,
                StaffUser.active == True,  # noqa: E712
            )
            recipients = sorted({alert["email"], *(a["email"] for a in admins)} - {""}) or [""]
            url = Urls.of(settings).alert(alert["id"])
            await enqueue(
                [
                    messages.safeguarding_escalation(
                        la=alert["la"],
                        alert_id=alert["id"],
                        to=to,
                        queue_url=url,
                        hours=hours[alert["la"]],
                    )
                    for to in recipients
                ],
                now,
            )
            await SafeguardingAlert.update({SafeguardingAlert.escalated_at: now}).where(
                SafeguardingAlert.id == alert["id"]
            )
            await record(
                "safeguarding.escalate",
                now=now,
                object_type="safeguarding_alert",
                object_id=alert["id"],
            )
            escalated += 1
    return escalated

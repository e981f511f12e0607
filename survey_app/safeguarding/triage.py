"""Safeguarding triage: alerts raised from pupils' answers, reviewed, acted on and escalated.

An alert is raised in the same transaction as the answer that caused it, and the LA's named
safeguarding contact is emailed (without the answer). It stays in the queue until someone
acknowledges it and records what they did; one not acknowledged in time is escalated. Free-text
comments wait for the same person to release them (redacted if need be) or withhold them before
any report shows them. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import msgspec

from questionnaires.loader import question_in
from survey_app.accounts.scoping import Actor, Role, placement_path, scope
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import Answer, DraftAnswer, Invitation, SafeguardingAlert
from survey_app.mail import messages
from survey_app.mail.outbox import enqueue, send_now, transport_for
from survey_app.ops.audit import record
from survey_app.organisations.la_settings import all_effective
from survey_app.organisations.provider_records import add_provider_names
from survey_app.safeguarding.statuses import AlertStatus, HelpReason, ReviewStatus
from survey_app.settings import Settings
from survey_app.web.urls import Urls

log = logging.getLogger(__name__)
MAX_ACTION_LENGTH = 2000
MAX_COMMENT_LENGTH = 1000


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
) -> str | None:
    """Record an alert and email the safeguarding contact; call inside the answer's transaction.

    ``words`` is what the pupil wrote, when that is what raised it: kept on the alert, and
    anything flagged they write for the same question later is added to it, never replacing it.

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
        )
        .where(Invitation.id == invitation_id)
        .first()
    )
    assert la is not None, "the invitation was just answered"
    alert_id = inserted[0]["id"]
    email = messages.safeguarding_alert(
        la=la["la"], alert_id=alert_id, to=la["email"], queue_url=Urls.of(settings).alert(alert_id)
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


ALERT_FIELDS = (
    SafeguardingAlert.id,
    SafeguardingAlert.invitation,
    SafeguardingAlert.question_id,
    SafeguardingAlert.answer_value,
    SafeguardingAlert.raised_at,
    SafeguardingAlert.status,
    SafeguardingAlert.reason,
    SafeguardingAlert.matched_terms,
    SafeguardingAlert.words,
    SafeguardingAlert.acknowledged_at,
    SafeguardingAlert.action,
    SafeguardingAlert.closed_at,
    SafeguardingAlert.escalated_at,
    SafeguardingAlert.invitation.questionnaire_id.as_alias("questionnaire_id"),
    placement_path(SafeguardingAlert).id.as_alias("placement_id"),
    placement_path(SafeguardingAlert).pupil_reference.as_alias("pupil_reference"),
    placement_path(SafeguardingAlert).provider.as_alias("provider"),
    placement_path(SafeguardingAlert).local_authority.as_alias("local_authority"),
    placement_path(SafeguardingAlert).school.name.as_alias("school_name"),
    placement_path(SafeguardingAlert).la_team.as_alias("la_team"),
)


class AlertView(msgspec.Struct, frozen=True):
    id: int
    status: str
    reason: str
    raised_at: dt.datetime
    placement_id: int
    pupil_reference: str
    provider_name: str
    commissioner: str
    question: str
    #: The option chosen, or the pupil's own words for screened text.
    answer: str
    matched_terms: str
    acknowledged_at: dt.datetime | None
    action: str
    closed_at: dt.datetime | None
    escalated_at: dt.datetime | None


async def _answer_text(row: dict[str, Any]) -> str:
    question = question_in(row["questionnaire_id"], row["question_id"])
    if row["reason"] == HelpReason.ANSWER:
        option = next(
            (o for o in (question.options if question else []) if o.value == row["answer_value"]),
            None,
        )
        return option.label if option else row["answer_value"]
    if row.get("words"):
        # What they wrote when it raised the alert (and anything flagged they wrote after): the
        # adult reads it even if the answer was since changed, removed or sent over.
        return str(row["words"])
    # Screened text: the sent answer if the survey was sent, else the saved draft.
    sent = (
        await Answer.select(Answer.text)
        .where(
            Answer.response.invitation == row["invitation"],  # type: ignore[union-attr]
            Answer.question_id == row["question_id"],
        )
        .first()
    )
    if sent is not None:
        return str(sent["text"] or "")
    draft = (
        await DraftAnswer.select(DraftAnswer.text)
        .where(
            DraftAnswer.invitation == row["invitation"],
            DraftAnswer.question_id == row["question_id"],
        )
        .first()
    )
    return str(draft["text"] or "") if draft else "(the pupil has since removed this answer)"


async def view_of(row: dict[str, Any]) -> AlertView:
    question = question_in(row["questionnaire_id"], row["question_id"])
    return AlertView(
        id=row["id"],
        status=row["status"],
        reason=row["reason"],
        raised_at=row["raised_at"],
        placement_id=row["placement_id"],
        pupil_reference=row["pupil_reference"],
        provider_name=row["provider_name"],
        commissioner=row["school_name"] or f"LA team: {row['la_team']}",
        question=question.text if question else row["question_id"],
        answer=await _answer_text(row),
        matched_terms=row["matched_terms"],
        acknowledged_at=row["acknowledged_at"],
        action=row["action"],
        closed_at=row["closed_at"],
        escalated_at=row["escalated_at"],
    )


async def get_alert(actor: Actor, alert_id: int) -> AlertView | None:
    """One alert, if the actor may see it."""
    row = await (
        SafeguardingAlert.select(*ALERT_FIELDS)
        .where(SafeguardingAlert.id == alert_id, scope(actor, SafeguardingAlert))
        .first()
    )
    if row is None:
        return None
    await add_provider_names([row], "local_authority")
    return await view_of(row)


async def acknowledge(actor: Actor, alert_id: int, now: dt.datetime) -> None:
    """Say someone is dealing with it, which stops it escalating."""
    async with transaction():
        changed = await (
            SafeguardingAlert.update(
                {
                    SafeguardingAlert.status: AlertStatus.ACKNOWLEDGED,
                    SafeguardingAlert.acknowledged_at: now,
                    SafeguardingAlert.acknowledged_by: actor.user_id,
                }
            )
            .where(
                SafeguardingAlert.id == alert_id,
                SafeguardingAlert.status == AlertStatus.NEW,
                scope(actor, SafeguardingAlert),
            )
            .returning(SafeguardingAlert.id)
        )
        if changed:
            await record(
                "safeguarding.acknowledge",
                now=now,
                actor=actor,
                object_type="safeguarding_alert",
                object_id=alert_id,
            )


async def record_action(actor: Actor, alert_id: int, action: str, now: dt.datetime) -> None:
    """Record what was done and close the alert (acknowledging it if nobody had)."""
    action = action.strip()
    if not action:
        raise TriageError("Enter what you did about this alert")
    if len(action) > MAX_ACTION_LENGTH:
        raise TriageError(f"What you did must be {MAX_ACTION_LENGTH} characters or fewer")
    async with transaction():
        current = await (
            SafeguardingAlert.select(SafeguardingAlert.status, SafeguardingAlert.acknowledged_at)
            .where(SafeguardingAlert.id == alert_id, scope(actor, SafeguardingAlert))
            .first()
        )
        if current is None or current["status"] == AlertStatus.CLOSED:
            raise TriageError("This alert is already closed")
        await SafeguardingAlert.update(
            {
                SafeguardingAlert.status: AlertStatus.CLOSED,
                SafeguardingAlert.action: action,
                SafeguardingAlert.closed_at: now,
                SafeguardingAlert.acknowledged_at: current["acknowledged_at"] or now,
                SafeguardingAlert.acknowledged_by: actor.user_id,
            }
        ).where(SafeguardingAlert.id == alert_id)
        await record(
            "safeguarding.close",
            now=now,
            actor=actor,
            object_type="safeguarding_alert",
            object_id=alert_id,
        )


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


class CommentView(msgspec.Struct, frozen=True):
    answer_id: int
    question: str
    text: str
    review_status: str
    released_text: str | None
    pupil_reference: str
    provider_name: str


COMMENT_FIELDS: tuple[Any, ...] = (
    Answer.id,
    Answer.question_id,
    Answer.text,
    Answer.review_status,
    Answer.released_text,
    Answer.response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
    placement_path(Answer).pupil_reference.as_alias("pupil_reference"),
    # The provider by id and LA: its name is the one that LA keeps (``add_provider_names``).
    placement_path(Answer).provider.as_alias("provider"),
    placement_path(Answer).local_authority.as_alias("local_authority"),
)


def comment_view(row: dict[str, Any]) -> CommentView:
    """A free-text answer (selected with ``COMMENT_FIELDS``) as the review page shows it."""
    question = question_in(row["questionnaire_id"], row["question_id"])
    return CommentView(
        answer_id=row["id"],
        question=question.text if question else row["question_id"],
        text=row["text"] or "",
        review_status=row["review_status"],
        released_text=row["released_text"],
        pupil_reference=row["pupil_reference"],
        provider_name=row["provider_name"],
    )


async def review_comment(
    actor: Actor, answer_id: int, decision: str, released_text: str, now: dt.datetime
) -> None:
    """Release a comment (as edited, to redact it) or withhold it from every report."""
    if not actor.is_safeguarding:
        raise TriageError("Only the safeguarding contact can review comments")
    if decision not in ("release", "withhold"):
        raise TriageError("Choose whether to release or withhold the comment")
    released_text = released_text.strip()
    if decision == "release" and not released_text:
        raise TriageError("Enter the comment as it should appear, or withhold it")
    if len(released_text) > MAX_COMMENT_LENGTH:
        raise TriageError(f"The comment must be {MAX_COMMENT_LENGTH} characters or fewer")
    async with transaction():
        changed = await (
            Answer.update(
                {
                    Answer.review_status: ReviewStatus.RELEASED
                    if decision == "release"
                    else ReviewStatus.WITHHELD,
                    Answer.released_text: released_text if decision == "release" else None,
                    Answer.reviewed_by: actor.user_id,
                    Answer.reviewed_at: now,
                }
            )
            .where(
                Answer.id == answer_id,
                Answer.review_status.is_not_null(),
                scope(actor, Answer),
            )
            .returning(Answer.id)
        )
        if not changed:
            raise TriageError("That comment is not one you can review")
        original = await Answer.select(Answer.text).where(Answer.id == answer_id).first()
        redacted = decision == "release" and released_text != (original or {}).get("text")
        await record(
            f"comment.{decision}{'_redacted' if redacted else ''}",
            now=now,
            actor=actor,
            object_type="answer",
            object_id=answer_id,
        )

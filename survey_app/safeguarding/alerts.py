"""An alert as safeguarding staff see it, and what they do about it: acknowledging it (which
stops it escalating) and recording what they did (which closes it). Every step is audited.
Raising and escalating alerts is in ``triage.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from questionnaires.loader import question_in
from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.engine import transaction
from survey_app.db.tables import Answer, DraftAnswer, SafeguardingAlert
from survey_app.ops.audit import record
from survey_app.organisations.provider_records import add_provider_names
from survey_app.safeguarding.statuses import AlertStatus, HelpReason
from survey_app.safeguarding.triage import TriageError

MAX_ACTION_LENGTH = 2000


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
    SafeguardingAlert.after_close,
    SafeguardingAlert.invitation.questionnaire_id.as_alias("questionnaire_id"),
    SafeguardingAlert.invitation.kind.as_alias("kind"),
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
    #: Which survey it came from (``InvitationKind``): after a start survey or check-in the
    #: pupil is still going to the provider.
    kind: str
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
    #: The pupil gave the answer after their survey had closed (it was raised all the same).
    after_close: bool = False


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
        kind=row["kind"],
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
        after_close=bool(row["after_close"]),
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

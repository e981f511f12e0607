"""A provider's QA visits and the actions agreed at them, kept in the record's history too.

Like the record itself (``records.py``), only the actor's own LA's record is ever changed, and
every change is written to ``qa_record_change`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.engine import transaction
from survey_app.db.qa_tables import QAAction, QARecordChange, QAVisit
from survey_app.db.tables import ProviderRecord
from survey_app.ops.audit import record
from survey_app.qa.forms import VisitIn
from survey_app.qa.records import EDITORS, editable_provider, own_record
from survey_app.qa.statuses import ActionStatus


async def record_visit(actor: Actor, provider_id: int, visit: VisitIn, now: dt.datetime) -> bool:
    """Record a visit and its actions; False (and nothing written) if it is already recorded."""
    async with transaction():
        provider = (
            await ProviderRecord.select(ProviderRecord.id, ProviderRecord.last_visit_on)
            .where(*own_record(actor, provider_id))
            .first()
        )
        if provider is None or actor.role not in EDITORS:
            return False
        la = actor.local_authority_id
        # A resubmitted form (double click, retry after a timeout) must not record it twice.
        same = await QAVisit.count().where(
            QAVisit.local_authority == la,
            QAVisit.provider == provider_id,
            QAVisit.visited_on == visit.visited_on,
            QAVisit.kind == visit.kind,
            QAVisit.summary == visit.summary,
        )
        if same:
            return False
        inserted = await QAVisit.insert(
            QAVisit(
                local_authority=la,
                provider=provider_id,
                visited_on=visit.visited_on,
                kind=visit.kind,
                summary=visit.summary,
                officers=visit.officers,
                learner_voice_discussed=visit.learner_voice_discussed,
                learner_voice_note=visit.learner_voice_note,
                recorded_by=actor.user_id,
                recorded_at=now,
            )
        ).returning(QAVisit.id)
        visit_id = inserted[0]["id"]
        if visit.actions:
            await QAAction.insert(
                *[
                    QAAction(
                        local_authority=la,
                        provider=provider_id,
                        visit=visit_id,
                        description=a.description,
                        due_on=a.due_on,
                        status=ActionStatus.OPEN,
                    )
                    for a in visit.actions
                ]
            )
        last = provider["last_visit_on"]
        if last is None or visit.visited_on > last:
            await ProviderRecord.update({ProviderRecord.last_visit_on: visit.visited_on}).where(
                ProviderRecord.id == provider["id"]
            )
        await QARecordChange.insert(
            QARecordChange(
                local_authority=la,
                provider=provider_id,
                field="visit",
                old_value="",
                new_value=visit.kind,
                reason=visit.summary[:2000],
                effective_on=visit.visited_on,
                changed_by=actor.user_id,
                changed_at=now,
            )
        )
        await record(
            "qa_visit.add", now=now, actor=actor, object_type="provider", object_id=provider_id
        )
    return True


async def complete_action(
    actor: Actor, provider_id: int, action_id: int, now: dt.datetime, today: dt.date
) -> bool:
    """Mark an action done; False if it is not this provider's or the actor may not edit it."""
    if await editable_provider(actor, provider_id) is None:
        return False
    async with transaction():
        done = await (
            QAAction.update({QAAction.status: ActionStatus.DONE, QAAction.done_on: today})
            .where(
                QAAction.id == action_id,
                QAAction.provider == provider_id,
                QAAction.status == ActionStatus.OPEN,
                scope(actor, QAAction),
            )
            .returning(QAAction.description)
        )
        if done:
            await QARecordChange.insert(
                QARecordChange(
                    local_authority=actor.local_authority_id,
                    provider=provider_id,
                    field="action_done",
                    old_value=ActionStatus.OPEN,
                    new_value=ActionStatus.DONE,
                    reason=done[0]["description"][:2000],
                    effective_on=today,
                    changed_by=actor.user_id,
                    changed_at=now,
                )
            )
            await record(
                "qa_action.done", now=now, actor=actor, object_type="qa_action", object_id=action_id
            )
    exists = await QAAction.count().where(
        QAAction.id == action_id, QAAction.provider == provider_id, scope(actor, QAAction)
    )
    return bool(exists)


async def visits_and_history(actor: Actor, provider_id: int) -> dict[str, Any]:
    """The LA's visits to the provider (newest first) with their actions, and its history."""
    visits = (
        await QAVisit.select()
        .where(QAVisit.provider == provider_id, scope(actor, QAVisit))
        .order_by(QAVisit.visited_on, ascending=False)
    )
    actions = (
        await QAAction.select()
        .where(QAAction.provider == provider_id, scope(actor, QAAction))
        .order_by(QAAction.due_on)
    )
    history = await (
        QARecordChange.select()
        .where(QARecordChange.provider == provider_id, scope(actor, QARecordChange))
        .order_by(QARecordChange.changed_at, ascending=False)
        .order_by(QARecordChange.id, ascending=False)
    )
    by_visit: dict[int, list[dict[str, Any]]] = {}
    for action in actions:
        by_visit.setdefault(action["visit"], []).append(action)
    return {
        "visits": [{**v, "actions": by_visit.get(v["id"], [])} for v in visits],
        "history": history,
    }

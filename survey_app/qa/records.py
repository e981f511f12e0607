"""Keeping a provider's QA record: status, offer, stage, rating, visits and actions, with history.

Every change is written to ``qa_record_change`` in the same transaction as the change itself, so
the record's past is never lost and reports can show the rating a provider had at any time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import msgspec

from reports.qa_history import RATING_DATE_FIELD
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import transaction
from survey_app.db.qa_tables import QAAction, QARecordChange, QAVisit
from survey_app.db.tables import ProviderRecord
from survey_app.ops.audit import record
from survey_app.organisations.provider_records import record_of
from survey_app.placements.rules import FieldError
from survey_app.qa.statuses import ActionStatus, VisitKind
from survey_app.web.display import OFFER_TYPE, QA_STAGE, RAG, REGISTRATION_STATUS, long_date

EDITORS = {Role.LA_ADMIN, Role.LA_OFFICER}
VISIT_KINDS: dict[str, str] = {
    VisitKind.ROUTINE: "Routine visit",
    VisitKind.SPOT_CHECK: "Spot-check visit",
}
MAX_ACTIONS_PER_VISIT = 3
TRACKED = ("registration_status", "offer_types", "qa_stage", "rag_rating")
#: The history row for a corrected reason (the new reason is the row's ``reason``).
REASON_FIELD = "rag_reason"
NOT_RATED = "not_rated"
#: How each kind of history row is named on the page.
HISTORY_FIELDS: dict[str, str] = {
    "registration_status": "Registration status",
    "offer_types": "Offer",
    "qa_stage": "QA stage",
    "rag_rating": "Rating",
    RATING_DATE_FIELD: "Date of the rating (corrected)",
    REASON_FIELD: "Reason for the rating (corrected)",
    "visit": "Visit",
    "action_done": "Action done",
}


class RecordUpdate(msgspec.Struct, frozen=True, kw_only=True):
    registration_status: str
    offer_types: list[str]
    qa_stage: str
    rag_rating: str
    #: The day the rating was decided (may be before today); None: today for a new rating, the
    #: current date otherwise.
    rag_rated_on: dt.date | None
    #: Why the rating is what it is; required when it changes, kept when empty otherwise.
    reason: str


class ActionIn(msgspec.Struct, frozen=True):
    description: str
    due_on: dt.date


class VisitIn(msgspec.Struct, frozen=True, kw_only=True):
    visited_on: dt.date
    kind: str
    officers: str
    summary: str
    learner_voice_discussed: bool
    learner_voice_note: str
    actions: list[ActionIn]


def _date(
    form: Mapping[str, str], name: str, label: str, errors: list[FieldError]
) -> dt.date | None:
    value = (form.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(name, f"{label} must be a date like 2026-11-23"))
        return None


def _choice(
    form: Mapping[str, str],
    name: str,
    label: str,
    options: Mapping[str, str],
    errors: list[FieldError],
) -> str:
    value = (form.get(name) or "").strip()
    if value not in options:
        errors.append(FieldError(name, f"Choose the {label}"))
    return value


def update_from_form(
    form: Mapping[str, str],
    offer_types: list[str],
    today: dt.date,
    current: Mapping[str, Any],
) -> tuple[RecordUpdate | None, list[FieldError]]:
    """Read the QA record form against the ``current`` record, reporting every problem at once.

    A change of rating needs its reason (the old one does not carry over) and takes effect today
    unless a date is given; it cannot take effect before the rating it replaces did.
    """
    errors: list[FieldError] = []
    registration = _choice(
        form, "registration_status", "registration status", REGISTRATION_STATUS, errors
    )
    stage = _choice(form, "qa_stage", "QA stage", QA_STAGE, errors)
    rating = _choice(form, "rag_rating", "rating", RAG, errors)
    unknown = [o for o in offer_types if o not in OFFER_TYPE]
    if not offer_types or unknown:
        errors.append(FieldError("offer_types", "Choose at least one kind of offer"))
    rated_on = _date(form, "rag_rated_on", "The date of the rating", errors)
    if rated_on is not None and rated_on > today:
        errors.append(FieldError("rag_rated_on", "The date of the rating cannot be in the future"))
    reason = (form.get("reason") or "").strip()
    if len(reason) > 2000:
        errors.append(FieldError("reason", "The reason must be 2000 characters or fewer"))
    old_rating = current["rag_rating"]
    if rating in RAG and rating != old_rating:
        if not reason:
            old = RAG.get(old_rating, old_rating)
            errors.append(
                FieldError(
                    "reason", f"Give the reason for changing the rating from {old} to {RAG[rating]}"
                )
            )
        since = current["rag_rated_on"]
        if rated_on is not None and since is not None and rated_on < since:
            errors.append(
                FieldError(
                    "rag_rated_on",
                    "The new rating cannot take effect before the current one did"
                    f" ({long_date(since)})",
                )
            )
    if errors:
        return None, errors
    return (
        RecordUpdate(
            registration_status=registration,
            offer_types=sorted(set(offer_types)),
            qa_stage=stage,
            rag_rating=rating,
            rag_rated_on=rated_on,
            reason=reason,
        ),
        [],
    )


def visit_from_form(
    form: Mapping[str, str], today: dt.date
) -> tuple[VisitIn | None, list[FieldError]]:
    """Read the visit form (with up to three actions), reporting every problem at once."""
    errors: list[FieldError] = []
    visited_on = _date(form, "visited_on", "The date of the visit", errors)
    if visited_on is None and not any(e.field == "visited_on" for e in errors):
        errors.append(FieldError("visited_on", "Enter the date of the visit"))
    if visited_on is not None and visited_on > today:
        errors.append(FieldError("visited_on", "The date of the visit cannot be in the future"))
    kind = _choice(form, "kind", "kind of visit", VISIT_KINDS, errors)
    officers = (form.get("officers") or "").strip()
    if not officers:
        errors.append(FieldError("officers", "Enter who visited"))
    summary = (form.get("summary") or "").strip()
    if not summary:
        errors.append(FieldError("summary", "Enter a summary of the visit"))
    discussed = form.get("learner_voice_discussed") == "yes"
    note = (form.get("learner_voice_note") or "").strip()
    if discussed and not note:
        errors.append(
            FieldError(
                "learner_voice_note", "Say what was discussed about the learner-voice results"
            )
        )
    actions = []
    for n in range(1, MAX_ACTIONS_PER_VISIT + 1):
        description = (form.get(f"action_{n}") or "").strip()
        due_on = _date(form, f"action_{n}_due", f"Action {n}'s due date", errors)
        if description and due_on is None and not any(e.field == f"action_{n}_due" for e in errors):
            errors.append(FieldError(f"action_{n}_due", f"Enter when action {n} is due"))
        if due_on is not None and not description:
            errors.append(FieldError(f"action_{n}", f"Describe action {n}, or clear its date"))
        if description and due_on is not None:
            actions.append(ActionIn(description, due_on))
    for value, name in ((officers, "officers"), (summary, "summary"), (note, "learner_voice_note")):
        if len(value) > 4000:
            errors.append(FieldError(name, "This must be 4000 characters or fewer"))
    if errors or visited_on is None:
        return None, errors
    return (
        VisitIn(
            visited_on=visited_on,
            kind=kind,
            officers=officers[:300],
            summary=summary,
            learner_voice_discussed=discussed,
            learner_voice_note=note if discussed else "",
            actions=actions,
        ),
        [],
    )


async def editable_provider(actor: Actor, provider_id: int) -> dict[str, Any] | None:
    """The provider with the actor's LA's record of it, if this actor may edit that record."""
    if actor.role not in EDITORS:
        return None
    row = await record_of(actor, provider_id)
    return row if row is not None and row["record_id"] is not None else None


def _own_record(actor: Actor, provider_id: int) -> list[Any]:
    """The where-clause for the actor's own LA's record of the provider (and nothing else)."""
    return [
        ProviderRecord.provider == provider_id,
        ProviderRecord.local_authority == actor.local_authority_id,
        scope(actor, ProviderRecord),
    ]


def _stored(field: str, value: Any) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


async def rating_date_problems(
    actor: Actor, provider_id: int, update: RecordUpdate
) -> list[FieldError]:
    """A corrected date for an unchanged rating obeys the rule a new rating does: it cannot
    begin before the rating it replaced did. (Otherwise one typo backdates it over its
    predecessor, and every term's "Rating then" reads wrong.)"""
    current = (
        await ProviderRecord.select(ProviderRecord.rag_rating, ProviderRecord.rag_rated_on)
        .where(*_own_record(actor, provider_id))
        .first()
    )
    if (
        current is None
        or update.rag_rating != current["rag_rating"]
        or update.rag_rated_on is None
        or update.rag_rated_on == current["rag_rated_on"]
    ):
        return []
    ratings = await (
        QARecordChange.select(QARecordChange.effective_on)
        .where(
            QARecordChange.provider == provider_id,
            QARecordChange.local_authority == actor.local_authority_id,
            QARecordChange.field == "rag_rating",
        )
        .order_by(QARecordChange.id, ascending=False)
        .limit(2)
    )
    if len(ratings) < 2:
        return []
    replaced_from = ratings[1]["effective_on"]
    if update.rag_rated_on < replaced_from:
        return [
            FieldError(
                "rag_rated_on",
                "The rating cannot take effect before the one it replaced did"
                f" ({long_date(replaced_from)})",
            )
        ]
    return []


async def update_record(
    actor: Actor, provider_id: int, update: RecordUpdate, now: dt.datetime, today: dt.date
) -> list[str]:
    """Apply the update and keep each change as history; returns the fields that changed.

    A new date or reason for an unchanged rating is a correction, and is kept in the history too.
    """
    async with transaction():
        current = await ProviderRecord.select().where(*_own_record(actor, provider_id)).first()
        if current is None or actor.role not in EDITORS:
            return []
        changed = [
            field for field in TRACKED if _stored(field, getattr(update, field)) != current[field]
        ]
        rating_changed = "rag_rating" in changed
        if rating_changed:
            rated_on = update.rag_rated_on or today
            reason = update.reason
        else:
            rated_on = update.rag_rated_on or current["rag_rated_on"]
            reason = update.reason or current["rag_reason"]
            if rated_on != current["rag_rated_on"]:
                changed.append(RATING_DATE_FIELD)
            if reason != current["rag_reason"]:
                changed.append(REASON_FIELD)
        rows = []
        if rating_changed and await _rated_before_history(current):
            # The rating being replaced was given before history was kept: record when it began,
            # or the days before it would read as having had it.
            rows.append(
                _change(actor, provider_id, now, "rag_rating", current["rag_rated_on"])
                | {
                    "old_value": NOT_RATED,
                    "new_value": current["rag_rating"],
                    "reason": "Rated before this record's history was kept",
                }
            )
        for field in changed:
            row = _change(actor, provider_id, now, field, today) | {"reason": update.reason}
            if field == "rag_rating":
                row["effective_on"] = rated_on
            if field == RATING_DATE_FIELD:
                old = current["rag_rated_on"]
                row |= {
                    "old_value": old.isoformat() if old else "",
                    "new_value": rated_on.isoformat() if rated_on else "",
                    "effective_on": rated_on,
                }
            elif field == REASON_FIELD:
                row |= {"old_value": "", "new_value": ""}
            else:
                row |= {
                    "old_value": current[field],
                    "new_value": _stored(field, getattr(update, field)),
                }
            rows.append(row)
        if rows:
            await QARecordChange.insert(*[QARecordChange(**row) for row in rows])
            await ProviderRecord.update(
                {
                    ProviderRecord.registration_status: update.registration_status,
                    ProviderRecord.offer_types: ",".join(update.offer_types),
                    ProviderRecord.qa_stage: update.qa_stage,
                    ProviderRecord.rag_rating: update.rag_rating,
                    ProviderRecord.rag_rated_on: rated_on,
                    ProviderRecord.rag_reason: reason,
                }
            ).where(ProviderRecord.id == current["id"])
            await record(
                "qa_record.update",
                now=now,
                actor=actor,
                object_type="provider",
                object_id=provider_id,
            )
    return changed


def _change(
    actor: Actor, provider_id: int, now: dt.datetime, field: str, effective_on: dt.date
) -> dict[str, Any]:
    """The columns of a history row common to every kind of change."""
    return {
        "local_authority": actor.local_authority_id,
        "provider": provider_id,
        "field": field,
        "effective_on": effective_on,
        "changed_by": actor.user_id,
        "changed_at": now,
    }


async def _rated_before_history(current: Mapping[str, Any]) -> bool:
    """Whether the record's rating was given, on a known day, before any rating history."""
    if current["rag_rating"] == NOT_RATED or current["rag_rated_on"] is None:
        return False
    earlier = await QARecordChange.count().where(
        QARecordChange.local_authority == current["local_authority"],
        QARecordChange.provider == current["provider"],
        QARecordChange.field == "rag_rating",
    )
    return not earlier


async def record_visit(actor: Actor, provider_id: int, visit: VisitIn, now: dt.datetime) -> bool:
    """Record a visit and its actions; False (and nothing written) if it is already recorded."""
    async with transaction():
        provider = (
            await ProviderRecord.select(ProviderRecord.id, ProviderRecord.last_visit_on)
            .where(*_own_record(actor, provider_id))
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

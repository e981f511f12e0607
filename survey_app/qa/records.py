"""Keeping a provider's QA record: status, offer, stage and rating, with history.

Every change is written to ``qa_record_change`` in the same transaction as the change itself, so
the record's past is never lost and reports can show the rating a provider had at any time.
Visits and their actions are in ``visits.py``; reading the forms in ``forms.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from reports.qa_history import RATING_DATE_FIELD
from survey_app.accounts.scoping import Actor, Role, scope
from survey_app.db.engine import transaction
from survey_app.db.qa_tables import QARecordChange
from survey_app.db.tables import ProviderRecord
from survey_app.ops.audit import record
from survey_app.organisations.provider_records import record_of
from survey_app.placements.rules import FieldError
from survey_app.qa.forms import RecordUpdate
from survey_app.web.display import long_date

EDITORS = {Role.LA_ADMIN, Role.LA_OFFICER}
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


async def editable_provider(actor: Actor, provider_id: int) -> dict[str, Any] | None:
    """The provider with the actor's LA's record of it, if this actor may edit that record."""
    if actor.role not in EDITORS:
        return None
    row = await record_of(actor, provider_id)
    return row if row is not None and row["record_id"] is not None else None


def own_record(actor: Actor, provider_id: int) -> list[Any]:
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
        .where(*own_record(actor, provider_id))
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
        current = await ProviderRecord.select().where(*own_record(actor, provider_id)).first()
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

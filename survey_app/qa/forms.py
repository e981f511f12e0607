"""Reading the QA record form and the visit form: every problem reported at once, in words that
name the field, before anything is written (``records.py`` and ``visits.py`` write them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import msgspec

from survey_app.placements.rules import FieldError
from survey_app.qa.statuses import VisitKind
from survey_app.web.display import OFFER_TYPE, QA_STAGE, RAG, REGISTRATION_STATUS, long_date

VISIT_KINDS: dict[str, str] = {
    VisitKind.ROUTINE: "Routine visit",
    VisitKind.SPOT_CHECK: "Spot-check visit",
}
MAX_ACTIONS_PER_VISIT = 3


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

"""How values are shown to people: dates in Europe/London, labels for stored codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

# Re-exported: the labels live beside the downloads that also use them.
from reports.labels import OFFER_TYPE as OFFER_TYPE
from reports.labels import QA_STAGE as QA_STAGE
from reports.labels import RAG as RAG
from reports.labels import REGISTRATION_STATUS as REGISTRATION_STATUS
from survey_app.surveys.statuses import InvitationKind
from survey_app.time_in_england import LONDON

#: Which survey of a placement's journey is waiting, as staff read it on lists and slips.
SURVEY_KIND: dict[str, str] = {
    InvitationKind.START: "Start survey",
    InvitationKind.REVIEW: "Half-termly check-in",
    InvitationKind.END: "End-of-placement survey",
}
LABELS: dict[str, dict[str, str]] = {
    "registration_status": REGISTRATION_STATUS,
    "offer_type": OFFER_TYPE,
    "qa_stage": QA_STAGE,
    "rag": RAG,
    "survey_kind": SURVEY_KIND,
}


def london(value: dt.datetime | None) -> str:
    """A UTC instant as a date and time in England, e.g. ``30 Nov 2026, 23:59``."""
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%-d %b %Y, %H:%M")


def long_date(value: dt.date | None) -> str:
    """A date as people write it, e.g. ``30 November 2026``."""
    return value.strftime("%-d %B %Y") if value else ""


def london_day(value: dt.datetime | None) -> str:
    """The day a UTC instant falls on in England, as people write it, e.g. ``30 November 2026``
    (a survey closing at 23:59 in England closes that day, whatever the UTC date)."""
    return long_date(value.astimezone(LONDON).date()) if value else ""


def label(value: str | None, kind: str) -> str:
    """The readable label of a stored code."""
    return LABELS[kind].get(value or "", value or "")


def offer_labels(value: str | None) -> str:
    """Comma-separated offer codes as readable labels, e.g. ``Tutoring, Vocational``."""
    return ", ".join(OFFER_TYPE.get(code, code) for code in (value or "").split(",") if code)


def percent(value: float | None) -> str:
    """A share as a whole percentage."""
    return "" if value is None else f"{round(value * 100)}%"


def register_filters(environment: Any) -> None:
    """Make these available in every template."""
    environment.filters.update(
        london=london,
        london_day=london_day,
        long_date=long_date,
        label=label,
        percent=percent,
        offer_labels=offer_labels,
    )

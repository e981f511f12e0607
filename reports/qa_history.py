"""A provider's QA record over time: what its rating was on a given day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec


class RecordChange(msgspec.Struct, frozen=True):
    """One change to the QA record (a row of its history)."""

    field: str
    old_value: str
    new_value: str
    effective_on: dt.date
    reason: str = ""


def rating_on(
    day: dt.date,
    changes: Iterable[RecordChange],
    *,
    current: str,
    rated_on: dt.date | None,
) -> str:
    """The red/amber/green rating in force on ``day``.

    Ratings given before history was kept have no change row: the current rating then counts
    from its own date.
    """
    ratings = sorted((c for c in changes if c.field == "rag_rating"), key=lambda c: c.effective_on)
    in_force = [c for c in ratings if c.effective_on <= day]
    if in_force:
        return in_force[-1].new_value
    if ratings:
        return ratings[0].old_value or "not_rated"
    if rated_on is not None and rated_on <= day:
        return current
    return "not_rated"

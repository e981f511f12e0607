"""A provider's QA record over time: what its rating was on a given day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

#: The history row that corrects the date of the rating in force (``old_value`` and
#: ``new_value`` are ISO dates); the rating itself is unchanged.
RATING_DATE_FIELD = "rag_rated_on"


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

    ``changes`` in the order they were recorded. A correction of the rating's date moves the
    rating change recorded before it to the corrected day. Ratings given before history was kept
    have no change row: the current rating then counts from its own date, and a rating from
    before history with no date counts as always having held.
    """
    ratings: list[RecordChange] = []
    for change in changes:
        if change.field == "rag_rating":
            ratings.append(change)
        elif change.field == RATING_DATE_FIELD and ratings:
            ratings[-1] = msgspec.structs.replace(ratings[-1], effective_on=change.effective_on)
    ratings.sort(key=lambda c: c.effective_on)
    in_force = [c for c in ratings if c.effective_on <= day]
    if in_force:
        return in_force[-1].new_value
    if ratings:
        return ratings[0].old_value or "not_rated"
    if rated_on is not None and rated_on <= day:
        return current
    return "not_rated"

"""Response rates: invited and completed, grouped by provider, school, LA team or term."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import msgspec

from reports.periods import term_key, term_label


class Invited(msgspec.Struct, frozen=True):
    """One invitation, reduced to what rates need."""

    provider: str
    commissioner: str
    opened_on: dt.date
    completed: bool
    #: Completed by the scheduled work: never sent, the saved answers kept when the link closed.
    partial: bool = False


class Rate(msgspec.Struct, frozen=True):
    name: str
    invited: int
    #: Every response, complete or partial (``partial`` of them never sent).
    completed: int
    rate: float | None
    partial: int = 0


def rates_by(invitations: Iterable[Invited], key: str) -> list[Rate]:
    """Response rates grouped by ``provider``, ``commissioner`` or ``term``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for invitation in invitations:
        # Terms are grouped by their sortable key ("2026-3"), so they list in calendar order.
        group = term_key(invitation.opened_on) if key == "term" else getattr(invitation, key)
        counts[group][0] += 1
        counts[group][1] += invitation.completed
        counts[group][2] += invitation.partial
    return [
        Rate(
            term_label(group) if key == "term" else group,
            counts[group][0],
            counts[group][1],
            round(counts[group][1] / counts[group][0], 4),
            counts[group][2],
        )
        for group in sorted(counts)
    ]

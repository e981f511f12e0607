"""Response rates: invited and completed, grouped by provider, school, LA team or term."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import msgspec


class Invited(msgspec.Struct, frozen=True):
    """One invitation, reduced to what rates need."""

    provider: str
    commissioner: str
    opened_on: dt.date
    completed: bool


class Rate(msgspec.Struct, frozen=True):
    name: str
    invited: int
    completed: int
    rate: float | None


def term_of(day: dt.date) -> str:
    """The English school term a date falls in: autumn Sep-Dec, spring Jan-Apr, summer May-Aug."""
    if day.month >= 9:
        return f"Autumn term {day.year}"
    if day.month <= 4:
        return f"Spring term {day.year}"
    return f"Summer term {day.year}"


def _term_order(name: str) -> tuple[int, int]:
    season, _, year = name.split()
    return int(year), {"Spring": 0, "Summer": 1, "Autumn": 2}[season]


def rates_by(invitations: Iterable[Invited], key: str) -> list[Rate]:
    """Response rates grouped by ``provider``, ``commissioner`` or ``term``."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for invitation in invitations:
        name = term_of(invitation.opened_on) if key == "term" else getattr(invitation, key)
        counts[name][0] += 1
        counts[name][1] += invitation.completed
    names = sorted(counts, key=_term_order) if key == "term" else sorted(counts)
    return [
        Rate(name, counts[name][0], counts[name][1], round(counts[name][1] / counts[name][0], 4))
        for name in names
    ]

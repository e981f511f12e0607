"""The one place for the service's clock face: England's time zone and "today in England".

Instants are stored in UTC; days (a survey's closing date, the term an answer counts in, Monday's
digest) are English calendar days, which start an hour earlier in UTC during British Summer Time.
School terms themselves are in ``reports.periods``, which ``reports`` can use without this package.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def date_in_england(instant: dt.datetime) -> dt.date:
    """The calendar date in England at a UTC instant (e.g. a survey's closing date)."""
    return instant.astimezone(LONDON).date()


def today_in_england(now: dt.datetime) -> dt.date:
    """Today's date in England, at the UTC instant ``now``."""
    return date_in_england(now)


def start_of_day_in_england(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` in England (midnight local time, GMT or BST)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON)


def end_of_day_in_england(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in England, in UTC: "expires on 30 November" means all of it."""
    next_midnight = start_of_day_in_england(day + dt.timedelta(days=1))
    return next_midnight.astimezone(dt.UTC) - dt.timedelta(microseconds=1)

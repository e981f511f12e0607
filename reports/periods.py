"""School terms and academic years: the fixed periods every report is broken down by.

Reports only ever offer these fixed, non-overlapping periods as filters, never free date ranges,
so two filtered views cannot be subtracted to expose a small group (see ``reports.disclosure``).

This is the one place that says which term a day falls in: response rates, provider reports and
stored responses all use it. It takes a calendar date; which date an instant falls on in England is
``survey_app.time_in_england``'s business (``reports`` never imports ``survey_app``).
"""

from __future__ import annotations

import datetime as dt

#: Term number within a calendar year, in calendar order.
SPRING, SUMMER, AUTUMN = 1, 2, 3
TERM_NAMES = {SPRING: "Spring", SUMMER: "Summer", AUTUMN: "Autumn"}


def term_key(day: dt.date) -> str:
    """The sortable key of the English school term a day falls in: "2026-3" is autumn 2026.

    Terms are fixed months (autumn September to December, spring January to April, summer May to
    August), not a council's real term dates, which move with Easter and differ between LAs: every
    report then groups the same day into the same term, and a term never spans two years.
    """
    if day.month >= 9:
        number = AUTUMN
    elif day.month <= 4:
        number = SPRING
    else:
        number = SUMMER
    return f"{day.year}-{number}"


def term_label(key: str) -> str:
    """ "2026-3" -> "Autumn term 2026"."""
    year, number = key.split("-")
    return f"{TERM_NAMES[int(number)]} term {year}"


def academic_year_of(day: dt.date) -> int:
    """The first calendar year of the academic year (September to August) a day falls in."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(year: int) -> str:
    """2026 -> "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"


def academic_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of an academic year."""
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def term_end(key: str) -> dt.date:
    """The last day of a term: "2026-2" (summer 2026) -> 31 August 2026."""
    year, number = (int(part) for part in key.split("-"))
    return {
        SPRING: dt.date(year, 4, 30),
        SUMMER: dt.date(year, 8, 31),
        AUTUMN: dt.date(year, 12, 31),
    }[number]


def publication_term(today: dt.date) -> str:
    """The last term that has ended by ``today``: what non-LA users' figures are counted up to.

    Figures outside the LA are published at the end of each term, never as of now, so one more
    response changes nothing anyone outside the LA can see until its term has ended.
    """
    year, number = (int(part) for part in term_key(today).split("-"))
    return f"{year - 1}-{AUTUMN}" if number == SPRING else f"{year}-{number - 1}"


def retention_passed(key: str, retention_days: int, today: dt.date) -> bool:
    """True once ``retention_days`` have passed since the term ended: every response sent in it
    is then due for retention together, never one pupil's day at a time."""
    return term_end(key) + dt.timedelta(days=retention_days) < today


def half_term_start(day: dt.date) -> dt.date:
    """The first day of the half term a day falls in: each term's fixed months split in two.

    Autumn is September-October and November-December, spring January-February and
    March-April, summer May-June and July-August: like ``term_key``, fixed months rather than a
    council's real dates, so a half term never spans two terms and every LA counts the same
    half terms (a placement's half-termly check-in is keyed by this date).
    """
    return dt.date(day.year, day.month if day.month % 2 else day.month - 1, 1)

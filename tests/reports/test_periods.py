"""School terms: fixed months, the same for every report (response rates included)."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.periods import academic_year_of, half_term_start, term_key, term_label
from reports.rates import Invited, rates_by

pytestmark = pytest.mark.no_database


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (dt.date(2026, 8, 31), "Summer term 2026"),
        (dt.date(2026, 9, 1), "Autumn term 2026"),
        (dt.date(2026, 12, 31), "Autumn term 2026"),
        (dt.date(2027, 1, 1), "Spring term 2027"),
        (dt.date(2027, 4, 30), "Spring term 2027"),
        (dt.date(2027, 5, 1), "Summer term 2027"),
        # Easter Sunday 2027 is 28 March and 2028 is 16 April: the rule does not move with it.
        (dt.date(2027, 3, 29), "Spring term 2027"),
        (dt.date(2028, 4, 17), "Spring term 2028"),
    ],
)
def test_a_day_falls_in_one_fixed_term(day: dt.date, term: str) -> None:
    assert term_label(term_key(day)) == term


def test_the_academic_year_starts_on_1_september() -> None:
    assert academic_year_of(dt.date(2026, 8, 31)) == 2025
    assert academic_year_of(dt.date(2026, 9, 1)) == 2026
    assert academic_year_of(dt.date(2027, 1, 1)) == 2026


def test_response_rates_by_term_use_the_same_terms_in_calendar_order() -> None:
    opened = [
        dt.date(2027, 1, 4),
        dt.date(2026, 9, 1),
        dt.date(2026, 8, 31),
        dt.date(2026, 12, 31),
        dt.date(2027, 5, 1),
    ]
    invited = [Invited("P", "S", day, completed=day.month == 9) for day in opened]
    rates = rates_by(invited, "term")
    assert [(r.name, r.invited, r.completed) for r in rates] == [
        ("Summer term 2026", 1, 0),
        ("Autumn term 2026", 2, 1),
        ("Spring term 2027", 1, 0),
        ("Summer term 2027", 1, 0),
    ]
    assert {r.name for r in rates} == {term_label(term_key(day)) for day in opened}


@pytest.mark.parametrize(
    ("day", "first_day"),
    [
        (dt.date(2026, 9, 1), dt.date(2026, 9, 1)),
        (dt.date(2026, 10, 31), dt.date(2026, 9, 1)),
        (dt.date(2026, 11, 1), dt.date(2026, 11, 1)),
        (dt.date(2026, 12, 31), dt.date(2026, 11, 1)),
        (dt.date(2027, 2, 28), dt.date(2027, 1, 1)),
        (dt.date(2027, 3, 1), dt.date(2027, 3, 1)),
        (dt.date(2027, 8, 31), dt.date(2027, 7, 1)),
    ],
)
def test_each_term_has_two_half_terms_that_never_cross_it(day: dt.date, first_day: dt.date) -> None:
    assert half_term_start(day) == first_day
    assert term_key(first_day) == term_key(day)

"""Days in England: an instant's date, a day's first and last instant, either side of the clocks
changing, and the term an answer counts in."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from reports.periods import term_key, term_label
from survey_app.time_in_england import (
    date_in_england,
    end_of_day_in_england,
    start_of_day_in_england,
    today_in_england,
)

pytestmark = pytest.mark.no_database


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_late_evening_utc_in_summer_time_is_already_tomorrow_in_england() -> None:
    # 23:30 UTC on 31 August is 00:30 BST on 1 September: an answer then counts in autumn.
    day = date_in_england(utc(2026, 8, 31, 23, 30))
    assert day == dt.date(2026, 9, 1)
    assert term_label(term_key(day)) == "Autumn term 2026"


def test_late_evening_utc_in_winter_is_the_same_day_in_england() -> None:
    # GMT is UTC: 23:30 on 31 December is still autumn, not next spring.
    day = today_in_england(utc(2026, 12, 31, 23, 30))
    assert day == dt.date(2026, 12, 31)
    assert term_label(term_key(day)) == "Autumn term 2026"
    assert today_in_england(utc(2027, 1, 1, 0, 0)) == dt.date(2027, 1, 1)


def test_a_day_ends_at_local_midnight_in_summer_and_in_winter() -> None:
    assert end_of_day_in_england(dt.date(2026, 6, 30)) == utc(2026, 6, 30, 22, 59, 59, 999999)
    assert end_of_day_in_england(dt.date(2026, 11, 30)) == utc(2026, 11, 30, 23, 59, 59, 999999)


def test_the_days_the_clocks_change_have_their_own_length() -> None:
    # Clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October.
    spring = end_of_day_in_england(dt.date(2026, 3, 29)) - start_of_day_in_england(
        dt.date(2026, 3, 29)
    )
    autumn = end_of_day_in_england(dt.date(2026, 10, 25)) - start_of_day_in_england(
        dt.date(2026, 10, 25)
    )
    assert round(spring.total_seconds() / 3600) == 23
    assert round(autumn.total_seconds() / 3600) == 25
    assert date_in_england(utc(2026, 3, 29, 0, 59)) == dt.date(2026, 3, 29)
    assert date_in_england(utc(2026, 10, 24, 23, 30)) == dt.date(2026, 10, 25)


def zones_built_outside(root: Path, allowed: Path) -> list[str]:
    """Every ``ZoneInfo(...)`` in the service's code except the one module that owns the zone
    (migrations copy what they need, so they may build their own)."""
    found = []
    for folder in ("survey_app", "reports", "questionnaires", "accessibility"):
        for path in sorted((root / folder).rglob("*.py")):
            if path == allowed or "piccolo_migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name == "ZoneInfo":
                        found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_englands_time_zone_is_named_in_one_place() -> None:
    root = Path(__file__).parents[2]
    assert zones_built_outside(root, root / "survey_app" / "time_in_england.py") == []


def test_the_zone_check_finds_a_second_clock(tmp_path: Path) -> None:
    (tmp_path / "survey_app").mkdir()
    (tmp_path / "survey_app" / "digest.py").write_text(
        "import zoneinfo\nfrom zoneinfo import ZoneInfo\n"
        "A = ZoneInfo('Europe/London')\nB = zoneinfo.ZoneInfo('Europe/London')\n"
    )
    assert zones_built_outside(tmp_path, tmp_path / "survey_app" / "time.py") == [
        "survey_app/digest.py:3",
        "survey_app/digest.py:4",
    ]

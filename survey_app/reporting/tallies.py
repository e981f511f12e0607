"""Indicator tallies: area-wide answer counts kept in step with the answers themselves.

Only answers to end-of-placement surveys are counted, as in every report (start and review
answers are kept for pairing with the end survey's, not for the area's figures).

Every function here runs inside the caller's transaction, so a tally can never disagree with the
answers it counts; ``rebuild`` recounts from scratch (migrations, bulk loads, and a test that
checks the two agree).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from survey_app.db.reporting_tables import IndicatorTally
from survey_app.db.tables import Answer
from survey_app.surveys.statuses import InvitationKind

_KEY = "local_authority, academic_year, provider, indicator, polarity"


async def _apply(rows: dict[tuple[int, int, int, str, str], int]) -> None:
    if not rows:
        return
    values = ", ".join("({}, {}, {}, {}, {}, {})" for _ in rows)
    args: list[Any] = []
    # Always in key order, so two transactions counting into the same rows lock them in the same
    # order on PostgreSQL and cannot deadlock.
    for key, count in sorted(rows.items()):
        args += [*key, count]
    await IndicatorTally.raw(
        f"INSERT INTO indicator_tally ({_KEY}, answers) VALUES {values} "  # noqa: S608 - fixed names
        f"ON CONFLICT ({_KEY}) DO UPDATE SET answers = indicator_tally.answers + excluded.answers",
        *args,
    )


async def add(
    *, local_authority: int, academic_year: int, provider: int, answers: Iterable[Any]
) -> None:
    """Count a new response's answers (objects with ``indicator`` and ``polarity``)."""
    counted = Counter(
        (local_authority, academic_year, provider, a.indicator, a.polarity)
        for a in answers
        if a.indicator and a.polarity
    )
    await _apply(dict(counted))


async def remove(answer_filter: Any) -> None:
    """Uncount the answers matching ``answer_filter``, before they are deleted."""
    rows = await Answer.select(
        Answer.local_authority,
        Answer.academic_year,
        Answer.provider,
        Answer.indicator,
        Answer.polarity,
    ).where(
        answer_filter,
        Answer.kind == InvitationKind.END,
        Answer.indicator.is_not_null(),
        Answer.polarity.is_not_null(),
    )
    counted = Counter(
        (r["local_authority"], r["academic_year"], r["provider"], r["indicator"], r["polarity"])
        for r in rows
    )
    await _apply({key: -n for key, n in counted.items()})


async def rebuild() -> None:
    """Recount every tally from the answers."""
    await IndicatorTally.delete(force=True)
    await IndicatorTally.raw(
        f"INSERT INTO indicator_tally ({_KEY}, answers) "  # noqa: S608 - fixed names
        f"SELECT {_KEY}, COUNT(*) FROM answer "
        "WHERE indicator IS NOT NULL AND polarity IS NOT NULL AND kind = {} "
        f"GROUP BY {_KEY}",
        InvitationKind.END.value,
    )

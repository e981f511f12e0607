"""How many responses are partial (never sent, kept when the link closed) is one more breakdown
of the responses: shown beside the complete ones, and protected like any other outside the LA."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.area import ProviderCount, ProviderLine, build_area_summary
from reports.provider import ProviderReport, QARecord, build_provider_report
from reports.provider_counts import ProviderCounts

pytestmark = pytest.mark.no_database

RECORD = QARecord("registered", [], "approved", "green", None, "", None, [])
#: Spring 2027: the autumn 2026 term ("2026-1") is published.
TODAY = dt.date(2027, 1, 15)


def provider_report(sent: int, partial: int, *, controlled: bool) -> ProviderReport:
    counts = ProviderCounts(
        invitations=sent + partial,
        responses_by_year={2026: sent + partial},
        responses_by_term={"2026-1": sent + partial},
        response_cells=[],
        term_counts=[],
        year_group_counts=[],
        option_counts=[],
        comments=[],
        partial_by_term={"2026-1": partial} if partial else {},
    )
    return build_provider_report(
        provider_id=1,
        provider_name="P",
        qa_record=RECORD,
        history=[],
        counts=counts,
        questionnaires={},
        academic_year=None,
        today=TODAY,
        k=5,
        controlled=controlled,
    )


@pytest.mark.parametrize(
    ("sent", "partial", "shown"),
    [(10, 0, 0), (5, 5, 5), (9, 1, None), (1, 9, None), (0, 6, 6)],
)
def test_provider_staff_see_the_partial_count_only_when_neither_part_is_small(
    sent: int, partial: int, shown: int | None
) -> None:
    report = provider_report(sent, partial, controlled=True)
    assert report.responses == sent + partial
    assert report.partial_responses == shown


def test_la_staff_see_every_partial_response() -> None:
    assert provider_report(9, 1, controlled=False).partial_responses == 1


def area(partial_by_year: dict[int, int], year: int | None) -> int | None:
    by_year = {(1, 2025): 10, (1, 2026): 10}
    return build_area_summary(
        period_label="view",
        providers=[ProviderLine(1, "P", 20, 20 if year is None else 10)],
        responses_by_year=by_year,
        counts=[ProviderCount(1, y, "felt_safe", "positive", n) for (_, y), n in by_year.items()],
        threshold=5,
        academic_year=year,
        partial_by_year=partial_by_year,
    ).partial_responses


def test_the_area_shows_partial_counts_that_rest_on_enough_pupils() -> None:
    assert area({2025: 5, 2026: 5}, None) == 10
    assert area({2025: 5, 2026: 5}, 2026) == 5
    assert area({}, None) == 0


def test_one_years_single_partial_response_cannot_be_read_off_another_view() -> None:
    """2026 has one partial response: hidden in its own view, and all years is hidden too,
    or all years minus 2025 would give it."""
    views = [area({2025: 5, 2026: 1}, year) for year in (None, 2025, 2026)]
    assert views[2] is None
    assert views[0] is None or views[1] is None

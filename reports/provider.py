"""The provider report: what learners said about one provider, beside its QA record."""

from __future__ import annotations

import datetime as dt

import msgspec

from questionnaires.schema import Questionnaire
from reports.aggregation import (
    GroupedCount,
    IndicatorBreakdown,
    IndicatorCount,
    IndicatorResult,
    OptionCount,
    QuestionResult,
    breakdown_results,
    indicator_results,
    question_results,
)
from reports.disclosure import is_suppressed, note, protect
from reports.periods import academic_year_bounds, academic_year_label, term_label
from reports.qa_history import RecordChange, rating_on


class QAAction(msgspec.Struct, frozen=True):
    description: str
    due_on: dt.date
    status: str


class QARecord(msgspec.Struct, frozen=True):
    registration_status: str
    offer_types: list[str]
    qa_stage: str
    rag_rating: str
    rag_rated_on: dt.date | None
    rag_reason: str
    last_visit_on: dt.date | None
    open_actions: list[QAAction]


class PeriodOption(msgspec.Struct, frozen=True):
    """An academic year LA staff can filter the report to."""

    academic_year: int
    label: str


class TermRow(msgspec.Struct, frozen=True):
    key: str
    label: str
    responses: int | None
    #: The provider's red/amber/green rating at the end of the term (or today, if sooner).
    rating_then: str


class ProviderReport(msgspec.Struct, frozen=True):
    provider_id: int
    provider_name: str
    qa_record: QARecord
    #: The academic year shown (2026 for 2026/27); None for all years.
    academic_year: int | None
    period_label: str
    periods: list[PeriodOption]
    invitations: int
    responses: int | None
    response_rate: float | None
    indicators: list[IndicatorResult]
    questions: list[QuestionResult]
    terms: list[TermRow]
    by_term: list[IndicatorBreakdown]
    year_groups: list[str]
    by_year_group: list[IndicatorBreakdown]
    #: Reviewed and released comments, in no particular order and with nothing to identify who.
    comments: list[str]
    comments_note: str | None
    #: True when the figures were built for someone outside the LA, with small numbers hidden.
    disclosure_controlled: bool
    disclosure_note: str | None
    #: True when the chosen period (or the whole report) is too small to show at all.
    withheld: bool = False


class ProviderCounts(msgspec.Struct, frozen=True):
    """Everything the SQL layer counted for one provider (and period)."""

    invitations: int
    responses: int
    responses_by_year: dict[int, int]
    responses_by_term: dict[str, int]
    indicator_counts: list[IndicatorCount]
    area_indicator_counts: list[IndicatorCount]
    term_counts: list[GroupedCount]
    year_group_counts: list[GroupedCount]
    option_counts: list[OptionCount]
    comments: list[str]


def _term_end(key: str) -> dt.date:
    year, number = (int(part) for part in key.split("-"))
    return {1: dt.date(year, 4, 30), 2: dt.date(year, 8, 31), 3: dt.date(year, 12, 31)}[number]


def build_provider_report(
    *,
    provider_id: int,
    provider_name: str,
    qa_record: QARecord,
    history: list[RecordChange],
    counts: ProviderCounts,
    questionnaires: dict[str, list[Questionnaire]],
    academic_year: int | None,
    today: dt.date,
    k: int,
    controlled: bool,
) -> ProviderReport:
    """Assemble the report; ``controlled`` for any viewer outside the LA (k: the threshold)."""
    # Outside the LA there is one view (all years), so two views can never be subtracted.
    if controlled and academic_year is not None:
        raise ValueError("only LA staff can choose a period")
    threshold = k if controlled else None
    periods = (
        []
        if controlled
        else [
            PeriodOption(year, academic_year_label(year))
            for year in sorted(counts.responses_by_year, reverse=True)
        ]
    )
    withheld = threshold is not None and is_suppressed(counts.responses, threshold)
    # When the view itself is too small, nothing below it is shown either.
    effective = threshold if not withheld else 10**9
    terms = sorted(counts.responses_by_term)
    term_protection = protect(counts.responses_by_term, threshold) if threshold else None
    term_rows = [
        TermRow(
            key=key,
            label=term_label(key),
            responses=counts.responses_by_term[key]
            if term_protection is None or (term_protection.shows(key) and not withheld)
            else None,
            rating_then=rating_on(
                min(_term_end(key), today),
                history,
                current=qa_record.rag_rating,
                rated_on=qa_record.rag_rated_on,
            ),
        )
        for key in terms
    ]
    year_groups = sorted({row.group for row in counts.year_group_counts}, key=int)
    comments: list[str] = []
    comments_note = None
    if counts.comments and (withheld or counts.responses < k):
        # Even for LA staff: a comment beside a group this small could identify the child.
        comments_note = (
            f"Comments are held back while fewer than {k} pupils have answered, so that no "
            "comment can be traced to a child. The safeguarding contact has read them all."
        )
    elif not withheld:
        comments = counts.comments
    period_label = (
        f"Academic year {academic_year_label(academic_year)}"
        if academic_year is not None
        else "All years"
    )
    if academic_year is not None:
        start, end = academic_year_bounds(academic_year)
        period_label += f" ({start:%-d %B %Y} to {end:%-d %B %Y})"
    return ProviderReport(
        provider_id=provider_id,
        provider_name=provider_name,
        qa_record=qa_record,
        academic_year=academic_year,
        period_label=period_label,
        periods=periods,
        invitations=counts.invitations,
        responses=None if withheld else counts.responses,
        response_rate=(
            round(counts.responses / counts.invitations, 4)
            if counts.invitations and not withheld
            else None
        ),
        indicators=indicator_results(
            counts.indicator_counts,
            threshold=effective,
            area=counts.area_indicator_counts,
            area_threshold=threshold,
        )
        if controlled
        else indicator_results(
            counts.indicator_counts, threshold=None, area=counts.area_indicator_counts
        ),
        questions=question_results(
            counts.option_counts, questionnaires, threshold=effective if controlled else None
        ),
        terms=term_rows,
        by_term=breakdown_results(
            counts.term_counts, terms, threshold=effective if controlled else None
        ),
        year_groups=year_groups,
        by_year_group=breakdown_results(
            counts.year_group_counts, year_groups, threshold=effective if controlled else None
        ),
        comments=sorted(comments),
        comments_note=comments_note,
        disclosure_controlled=controlled,
        disclosure_note=note(threshold) if threshold is not None else None,
        withheld=withheld,
    )

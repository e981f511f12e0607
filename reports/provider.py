"""The provider report: what learners said about one provider, beside its QA record."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Annotated

import msgspec

from questionnaires.schema import Questionnaire
from reports.aggregation import (
    GroupedCount,
    IndicatorBreakdown,
    IndicatorCount,
    IndicatorResult,
    QuestionResult,
    breakdown_results,
    indicator_results,
    question_results,
)
from reports.disclosure import note, pooled_cuts, steady
from reports.journeys import ChangesReport
from reports.periods import (
    academic_year_bounds,
    academic_year_label,
    publication_term,
    term_end,
    term_label,
)
from reports.provider_counts import ProviderCounts
from reports.qa_history import RecordChange, rating_on


class QAAction(msgspec.Struct, frozen=True):
    description: str
    due_on: dt.date
    status: str


class QARecord(msgspec.Struct, frozen=True):
    registration_status: str
    offer_types: list[str]
    qa_stage: str
    #: The LA's own rating and its reason are internal to the LA: None for anyone else.
    rag_rating: str | None
    rag_rated_on: dt.date | None
    rag_reason: str | None
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
    #: The provider's red/amber/green rating at the end of the term (or today, if sooner); None
    #: outside the LA, whose rating it is.
    rating_then: str | None


class ProviderReport(msgspec.Struct, frozen=True):
    provider_id: int
    provider_name: str
    qa_record: QARecord
    #: The academic year shown (2026 for 2026/27); None for all years.
    academic_year: int | None
    period_label: str
    periods: list[PeriodOption]
    invitations: int
    #: Pupils whose answers count, complete (sent) and partial (``partial_responses``) together;
    #: None when hidden (``reports.disclosure``).
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
    #: True when the area figures leave this provider out ("the rest of the area").
    area_is_rest: bool = False
    #: Of ``responses``, how many were never sent but kept when the link closed (None: hidden,
    #: as the partial responses of a publication step are 1 to k-1, or its sent ones are).
    partial_responses: int | None = None
    #: What changed (issue 18), the figures the page shows this viewer: set when the report is
    #: opened (``survey_app.reporting.access``), so page, CSV, XLSX and JSON carry the same.
    what_changed: Annotated[
        ChangesReport | None,
        msgspec.Meta(
            description=(
                "What changed: per indicator, how many pupils who answered a start survey and a "
                "later one (the end survey, or their latest check-in) answered better, the same, "
                'worse, or cannot be compared ("I don\'t know"). LA staff get live counts; '
                "anyone else the figures as of the last publication, with small numbers hidden "
                "(null counts, suppressed true) and no indicators at all while withheld."
            )
        ),
    ] = None


def _up_to(cut: str | None, term: str, controlled: bool) -> bool:
    return not controlled or (cut is not None and term <= cut)


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
    cuts: list[str] | None = None,
    rest_cuts: list[str] | None = None,
    comments_held: bool = False,
) -> ProviderReport:
    """Assemble the report; ``controlled`` for any viewer outside the LA (k: the threshold).

    Page, CSV, XLSX and JSON are all drawn from the report this returns, so every format shows
    the same figures, cut and suppressed once here. ``cuts`` and ``rest_cuts``: the
    publications already shown (``publish``); worked out from the counts when not given.
    ``comments_held``: a comment shown in this publication has gone, so none is shown.
    """
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
    publication = publication_term(today)
    if not controlled:
        cuts = []
    elif cuts is None:
        cuts = pooled_cuts(counts.responses_by_term, publication, k)
    cut = cuts[-1] if cuts else None

    def shown(term: str) -> bool:
        return _up_to(cut, term, controlled)

    by_term_counts = {t: n for t, n in counts.responses_by_term.items() if shown(t)}
    responses = sum(by_term_counts.values())
    withheld = (
        controlled and cut is None and any(t <= publication for t in counts.responses_by_term)
    )
    term_counts = [row for row in counts.term_counts if shown(row.group)]
    # A withheld report still lists its indicators (all [c]) beside the rest of the area.
    indicator_rows = (
        [row for row in counts.term_counts if row.group <= publication] if withheld else term_counts
    )
    year_group_counts = [row for row in counts.year_group_counts if shown(row.term)]
    option_counts = [row for row in counts.option_counts if shown(row.term)]
    terms = sorted(by_term_counts)
    cells = [c for c in counts.response_cells if shown(c.term)]
    if controlled:
        terms_steady = steady(
            {(t, t): n for t, n in by_term_counts.items()}, by_term_counts, cuts, k
        )
        years_steady = steady(
            _summed(((c.term, c.year_group), c.count) for c in cells), by_term_counts, cuts, k
        )
        bands_steady = steady(
            _summed(((c.term, c.questionnaire_id), c.count) for c in cells), by_term_counts, cuts, k
        )
        # Partial against sent is one more breakdown of the responses, protected the same way.
        partial_steady = steady(
            {(t, "partial"): n for t, n in counts.partial_by_term.items() if shown(t)},
            by_term_counts,
            cuts,
            k,
        )
    else:
        terms_steady = years_steady = bands_steady = partial_steady = True
    partial = sum(n for t, n in counts.partial_by_term.items() if shown(t))
    term_rows = [
        TermRow(
            key=key,
            label=term_label(key),
            responses=by_term_counts[key] if terms_steady else None,
            rating_then=None
            if controlled or qa_record.rag_rating is None
            else rating_on(
                min(term_end(key), today),
                history,
                current=qa_record.rag_rating,
                rated_on=qa_record.rag_rated_on,
            ),
        )
        for key in terms
    ]
    overall: dict[tuple[str, str], int] = defaultdict(int)
    for row in indicator_rows:
        overall[(row.indicator, row.polarity)] += row.count
    by_year_group: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in year_group_counts:
        by_year_group[(row.group, row.indicator, row.polarity)] += row.count
    year_groups = sorted({row.group for row in year_group_counts}, key=int)
    comments: list[str] = []
    comments_note = None
    released = [c.text for c in counts.comments if shown(c.term)]
    if released and (withheld or responses < k):
        # Even for LA staff: a comment beside a group this small could identify the child.
        comments_note = (
            f"Comments are held back while fewer than {k} pupils have answered, so that no "
            "comment can be traced to a child. The safeguarding contact has read them all."
        )
    elif released and comments_held:
        comments_note = (
            "A comment shown here has since been deleted, so comments are held back until the "
            "figures are next updated, so that no comment can be traced to a child."
        )
    elif not withheld:
        comments = released
    if controlled:
        period_label = (
            f"Pupils who answered up to the end of the {term_label(cut)}"
            if cut is not None
            else "Nothing published yet"
        ) + (
            f". Figures are updated at the end of each term, once at least {k} more pupils "
            "have answered"
        )
    elif academic_year is not None:
        start, end = academic_year_bounds(academic_year)
        period_label = (
            f"Academic year {academic_year_label(academic_year)}"
            f" ({start:%-d %B %Y} to {end:%-d %B %Y})"
        )
    else:
        period_label = "All years"
    if controlled:
        if rest_cuts is None:
            rest_cuts = pooled_cuts(counts.rest_responses_by_term, publication, k)
        rest_cut = rest_cuts[-1] if rest_cuts else ""
        area = [
            IndicatorCount(row.indicator, row.polarity, row.count)
            for row in counts.rest_term_counts
            if row.group <= rest_cut
        ]
    else:
        area = counts.area_indicator_counts
    # When the view itself is too small, nothing below it is shown either.
    effective = None if not controlled else (10**9 if withheld else k)
    if controlled:
        # The rating, its date and the reason are the LA's own judgement, for the LA only.
        qa_record = msgspec.structs.replace(
            qa_record, rag_rating=None, rag_rated_on=None, rag_reason=None
        )
    return ProviderReport(
        provider_id=provider_id,
        provider_name=provider_name,
        qa_record=qa_record,
        academic_year=academic_year,
        period_label=period_label,
        periods=periods,
        invitations=counts.invitations,
        responses=None if withheld else responses,
        response_rate=(
            round(responses / counts.invitations, 4)
            if counts.invitations and not withheld
            else None
        ),
        indicators=indicator_results(
            [IndicatorCount(i, p, n) for (i, p), n in overall.items()],
            threshold=effective,
            area=area,
            area_threshold=threshold,
        ),
        questions=question_results(
            option_counts, questionnaires, threshold=effective, withheld=not bands_steady
        ),
        terms=term_rows,
        by_term=breakdown_results(
            [GroupedCount(r.group, r.indicator, r.polarity, r.count) for r in term_counts],
            terms,
            threshold=effective,
            withheld=not terms_steady,
        ),
        year_groups=year_groups,
        by_year_group=breakdown_results(
            [GroupedCount(g, i, p, n) for (g, i, p), n in by_year_group.items()],
            year_groups,
            threshold=effective,
            withheld=not years_steady,
        ),
        comments=sorted(comments),
        comments_note=comments_note,
        disclosure_controlled=controlled,
        disclosure_note=note(k) if controlled else None,
        withheld=withheld,
        area_is_rest=controlled,
        partial_responses=None if withheld or not partial_steady else partial,
    )


def _summed(
    rows: Iterable[tuple[tuple[str, Hashable], int]],
) -> dict[tuple[str, Hashable], int]:
    table: dict[tuple[str, Hashable], int] = defaultdict(int)
    for key, n in rows:
        table[key] += n
    return dict(table)

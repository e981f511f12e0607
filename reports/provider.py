"""The provider report: what learners said about one provider, beside its QA record."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable

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
from reports.disclosure import note, pooled_cuts, steady
from reports.periods import (
    academic_year_bounds,
    academic_year_label,
    publication_term,
    retention_passed,
    term_end,
    term_label,
)
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


class ResponseCell(msgspec.Struct, frozen=True):
    """One row of ``GROUP BY term, questionnaire, year group`` over a provider's responses."""

    term: str
    questionnaire_id: str
    year_group: int
    count: int


class ReleasedComment(msgspec.Struct, frozen=True):
    term: str
    text: str


class ProviderCounts(msgspec.Struct, frozen=True):
    """Everything the SQL layer counted for one provider (and period), grouped by term.

    Outside the LA the report counts only up to a publication (``reports.disclosure``), so the
    counts carry their term and the cut is made here, in one place, for every format.
    """

    invitations: int
    responses_by_year: dict[int, int]
    responses_by_term: dict[str, int]
    #: The provider's responses by term, questionnaire and year group (for breakdown checks).
    response_cells: list[ResponseCell]
    #: Indicator answers by term (``group`` is the term).
    term_counts: list[GroupedCount]
    #: Indicator answers by year group, each with its term.
    year_group_counts: list[GroupedCount]
    option_counts: list[OptionCount]
    comments: list[ReleasedComment]
    #: The LA-wide comparison LA staff see: every provider, live.
    area_indicator_counts: list[IndicatorCount] = []
    #: The comparison outside the LA: the other providers of the LA only, by term.
    rest_term_counts: list[GroupedCount] = []
    rest_responses_by_term: dict[str, int] = {}
    #: Of ``responses_by_term``, those never sent: kept from the saved answers when the link
    #: closed (their answers are counted like any other).
    partial_by_term: dict[str, int] = {}


def published_cut(responses_by_term: dict[str, int], today: dt.date, k: int) -> str | None:
    """The last term a non-LA user's figures count up to today; None before the first."""
    cuts = pooled_cuts(responses_by_term, publication_term(today), k)
    return cuts[-1] if cuts else None


class Publication(msgspec.Struct, frozen=True):
    """The figures a viewer outside the LA was shown, kept so that later views are served from
    them: counts over at least k pupils each step, never text (``reports.disclosure``).

    An erasure, or anything else that takes responses away, then changes nothing such a viewer
    sees; only k new responses after the last publication make a new one.
    """

    #: Successive publications of the provider's own figures (the terms counted up to).
    cuts: list[str]
    #: The counts of the last publication (own and rest of the area); no comments.
    counts: ProviderCounts
    #: Successive publications of the rest of the area.
    rest_cuts: list[str]
    #: How many released comments were shown, per term (counts only, never the text).
    comments_by_term: dict[str, int] = {}
    #: True when a comment shown has since gone (an erasure): then none is shown until the next
    #: publication, so the one that went cannot be told from those that stayed.
    comments_held: bool = False


def moved_on(
    shown: list[str], responses_by_term: dict[str, int], through: str, k: int
) -> list[str]:
    """The publications after ``shown``: a new one only once k responses have been sent in the
    terms after the last one shown (pupils never counted before), whatever was taken away since.
    """
    if not shown:
        return pooled_cuts(responses_by_term, through, k)
    later = {t: n for t, n in responses_by_term.items() if t > shown[-1]}
    return shown + pooled_cuts(later, through, k)


def _own_up_to(live: ProviderCounts, cut: str) -> ProviderCounts:
    return msgspec.structs.replace(
        live,
        responses_by_year={},
        responses_by_term={t: n for t, n in live.responses_by_term.items() if t <= cut},
        partial_by_term={t: n for t, n in live.partial_by_term.items() if t <= cut},
        response_cells=[c for c in live.response_cells if c.term <= cut],
        term_counts=[r for r in live.term_counts if r.group <= cut],
        year_group_counts=[r for r in live.year_group_counts if r.term <= cut],
        option_counts=[r for r in live.option_counts if r.term <= cut],
        comments=[],
        area_indicator_counts=[],
    )


def publish(
    shown: Publication | None,
    live: ProviderCounts,
    today: dt.date,
    k: int,
    retention_days: int | None = None,
) -> Publication:
    """What a viewer outside the LA sees now: the last publication shown to them, unless k new
    responses have arrived since, in which case a new one from the live counts.

    The provider's own figures and the rest of the area move on separately, each on its own
    responses. Before the first publication the live counts are kept (all withheld anyway).
    Comments are always the live ones (text is personal data, so an erased pupil's goes), but
    if one shown has gone, other than a whole term's by retention (``retention_days``), all are
    held back until the next publication.
    """
    through = publication_term(today)
    cuts = moved_on(shown.cuts if shown else [], live.responses_by_term, through, k)
    live_comments: dict[str, int] = defaultdict(int)
    for comment in live.comments:
        if cuts and comment.term <= cuts[-1]:
            live_comments[comment.term] += 1
    comments_by_term, held = dict(live_comments), False
    if shown is not None and shown.cuts and cuts == shown.cuts:
        own = shown.counts
        gone = any(
            live_comments.get(term, 0) < n
            for term, n in shown.comments_by_term.items()
            if retention_days is None or not retention_passed(term, retention_days, today)
        )
        if shown.comments_held or gone:
            comments_by_term, held = shown.comments_by_term, True
    else:
        own = _own_up_to(live, cuts[-1] if cuts else through)
    rest_cuts = moved_on(shown.rest_cuts if shown else [], live.rest_responses_by_term, through, k)
    if shown is not None and shown.rest_cuts and rest_cuts == shown.rest_cuts:
        rest_terms, rest_by_term = (
            shown.counts.rest_term_counts,
            shown.counts.rest_responses_by_term,
        )
    else:
        rest_cut = rest_cuts[-1] if rest_cuts else ""
        rest_terms = [r for r in live.rest_term_counts if r.group <= rest_cut]
        rest_by_term = {t: n for t, n in live.rest_responses_by_term.items() if t <= rest_cut}
    counts = msgspec.structs.replace(
        own, rest_term_counts=rest_terms, rest_responses_by_term=rest_by_term
    )
    return Publication(
        cuts=cuts,
        counts=counts,
        rest_cuts=rest_cuts,
        comments_by_term=comments_by_term,
        comments_held=held,
    )


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

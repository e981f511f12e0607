"""What the SQL layer counts for one provider's report: the input ``build_provider_report``
(``reports.provider``) shapes, and ``publish`` (``reports.publication``) cuts for viewers
outside the LA."""

from __future__ import annotations

import msgspec

from reports.aggregation import GroupedCount, IndicatorCount, OptionCount


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

"""The provider report: learner-voice figures for one provider beside its response rate."""

from __future__ import annotations

import msgspec

from questionnaires.schema import Questionnaire
from reports.aggregation import (
    IndicatorCount,
    IndicatorResult,
    OptionCount,
    QuestionResult,
    indicator_results,
    question_results,
)
from reports.disclosure import note


class QARecord(msgspec.Struct, frozen=True):
    registration_status: str
    offer_type: str
    qa_stage: str
    rag_rating: str
    last_visit_on: str | None


class ProviderReport(msgspec.Struct, frozen=True):
    provider_id: int
    provider_name: str
    qa_record: QARecord
    invitations: int
    responses: int
    response_rate: float | None
    indicators: list[IndicatorResult]
    questions: list[QuestionResult]
    #: True when the figures were built for someone outside the LA, with small numbers hidden.
    disclosure_controlled: bool
    disclosure_note: str | None


def build_provider_report(
    *,
    provider_id: int,
    provider_name: str,
    qa_record: QARecord,
    invitations: int,
    responses: int,
    indicator_counts: list[IndicatorCount],
    option_counts: list[OptionCount],
    questionnaires: dict[str, list[Questionnaire]],
    threshold: int | None,
) -> ProviderReport:
    """Assemble the report; pass ``threshold`` for any viewer outside the LA."""
    return ProviderReport(
        provider_id=provider_id,
        provider_name=provider_name,
        qa_record=qa_record,
        invitations=invitations,
        responses=responses,
        response_rate=round(responses / invitations, 4) if invitations else None,
        indicators=indicator_results(indicator_counts, threshold=threshold),
        questions=question_results(option_counts, questionnaires, threshold=threshold),
        disclosure_controlled=threshold is not None,
        disclosure_note=note(threshold) if threshold is not None else None,
    )

"""The SQL behind reports: counts grouped in the database, always through the scoping layer."""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Count

from questionnaires.loader import versions_of
from reports.aggregation import IndicatorCount, OptionCount
from reports.provider import ProviderReport, QARecord, build_provider_report
from survey_app.scoping import Actor, placement_path, scope
from survey_app.settings import Settings
from survey_app.tables import Answer, Invitation, Provider, Response


async def provider_report(
    settings: Settings, actor: Actor, provider_id: int
) -> ProviderReport | None:
    """The provider report as ``actor`` may see it; None if the provider is out of scope."""
    provider: dict[str, Any] | None = (
        await Provider.select().where(Provider.id == provider_id, scope(actor, Provider)).first()
    )
    if provider is None:
        return None
    invitations = await Invitation.count().where(
        placement_path(Invitation).provider == provider_id, scope(actor, Invitation)
    )
    responses = await Response.count().where(
        placement_path(Response).provider == provider_id, scope(actor, Response)
    )
    answer_filter = (
        placement_path(Answer).provider == provider_id,
        scope(actor, Answer),
    )
    indicator_rows = (
        await Answer.select(Answer.indicator, Answer.polarity, Count(alias="count"))
        .where(Answer.indicator.is_not_null(), *answer_filter)
        .group_by(Answer.indicator, Answer.polarity)
    )
    option_rows = (
        await Answer.select(
            Answer.response.questionnaire_id.as_alias("questionnaire_id"),
            Answer.question_id,
            Answer.value,
            Count(alias="count"),
        )
        .where(Answer.value.is_not_null(), *answer_filter)
        .group_by(Answer.response.questionnaire_id, Answer.question_id, Answer.value)
    )
    questionnaire_ids = {row["questionnaire_id"] for row in option_rows}
    return build_provider_report(
        provider_id=provider_id,
        provider_name=provider["name"],
        qa_record=QARecord(
            registration_status=provider["registration_status"],
            offer_type=provider["offer_type"],
            qa_stage=provider["qa_stage"],
            rag_rating=provider["rag_rating"],
            last_visit_on=provider["last_visit_on"].isoformat()
            if provider["last_visit_on"]
            else None,
        ),
        invitations=invitations,
        responses=responses,
        indicator_counts=[IndicatorCount(**row) for row in indicator_rows],
        option_counts=[OptionCount(**row) for row in option_rows],
        questionnaires={qid: versions_of(qid) for qid in questionnaire_ids},
        threshold=None if actor.is_la else settings.disclosure_threshold,
    )

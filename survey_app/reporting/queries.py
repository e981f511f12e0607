"""The SQL behind reports: counts grouped in the database, always through the scoping layer.

Nothing here loads answers into Python one by one: each query returns at most one row per
group (term, year group, provider, indicator, polarity), whatever the number of responses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count, Sum

from questionnaires.loader import versions_of
from reports.aggregation import GroupedCount, IndicatorCount, OptionCount
from reports.periods import academic_year_bounds, publication_term, term_end
from reports.provider import (
    ProviderCounts,
    ProviderReport,
    QARecord,
    build_provider_report,
)
from reports.provider import QAAction as QAActionOut
from reports.provider_counts import ReleasedComment, ResponseCell
from reports.publication import Publication, moved_on, publish
from reports.qa_history import RecordChange
from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.qa_tables import QAAction, QARecordChange
from survey_app.db.reporting_tables import IndicatorTally
from survey_app.db.tables import Answer, Invitation, Response
from survey_app.organisations.la_settings import disclosure_threshold, effective_settings
from survey_app.organisations.provider_records import offers, record_of
from survey_app.qa.statuses import ActionStatus
from survey_app.reporting.publications import keep, last_shown
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.settings import Settings
from survey_app.surveys.statuses import InvitationKind
from survey_app.time_in_england import start_of_day_in_england, today_in_england


def end_surveys(table: Any) -> Any:
    """The where-clause for end-of-placement surveys only (a table with a ``kind`` column).

    Reports count the end survey unless they say otherwise: a pupil's start and review answers
    are kept to pair with their end answers (what changed), never added to the end figures.
    """
    return table.kind == InvitationKind.END


def in_year(table: Any, academic_year: int | None) -> list[Any]:
    """The where-clause for one academic year of responses (none for all years)."""
    if academic_year is None:
        return []
    column = Response.academic_year if table is Response else Answer.academic_year
    return [column == academic_year]


def opened_in(academic_year: int | None) -> list[Any]:
    """The where-clause for invitations opened in one academic year (none for all years)."""
    if academic_year is None:
        return []
    start, end = academic_year_bounds(academic_year)
    return [
        Invitation.opened_at >= start_of_day_in_england(start),
        Invitation.opened_at < start_of_day_in_england(end + dt.timedelta(days=1)),
    ]


async def grouped_by(column: Any, answer_filter: list[Any], *also: Any) -> list[dict[str, Any]]:
    """Indicator answers counted per polarity and per value of ``column`` (as ``grp``)."""
    rows: list[dict[str, Any]] = await (
        Answer.select(
            column.as_alias("grp"), *also, Answer.indicator, Answer.polarity, Count(alias="count")
        )
        .where(Answer.indicator.is_not_null(), *answer_filter)
        .group_by(column, *also, Answer.indicator, Answer.polarity)
    )
    return rows


async def _none() -> list[dict[str, Any]]:
    """An empty result, for a query this viewer does not need."""
    return []


async def qa_record_of(
    actor: Actor, provider: dict[str, Any]
) -> tuple[QARecord, list[RecordChange]]:
    """The actor's LA's QA record of the provider (``record_of``), with its open actions and the
    history of changes to it: never another LA's."""
    actions = await (
        QAAction.select(QAAction.description, QAAction.due_on, QAAction.status)
        .where(
            QAAction.provider == provider["id"],
            QAAction.local_authority == actor.local_authority_id,
            QAAction.status == ActionStatus.OPEN,
            scope(actor, QAAction),
        )
        .order_by(QAAction.due_on)
    )
    history = await (
        QARecordChange.select(
            QARecordChange.field,
            QARecordChange.old_value,
            QARecordChange.new_value,
            QARecordChange.effective_on,
            QARecordChange.reason,
        )
        .where(
            QARecordChange.provider == provider["id"],
            QARecordChange.local_authority == actor.local_authority_id,
            scope(actor, QARecordChange),
        )
        # In the order recorded: a correction of a rating's date applies to the rating before it.
        .order_by(QARecordChange.id)
    )
    record = QARecord(
        registration_status=provider["registration_status"],
        offer_types=offers(provider),
        qa_stage=provider["qa_stage"],
        rag_rating=provider["rag_rating"],
        rag_rated_on=provider["rag_rated_on"],
        rag_reason=provider["rag_reason"],
        last_visit_on=provider["last_visit_on"],
        open_actions=[QAActionOut(**row) for row in actions],
    )
    return record, [RecordChange(**row) for row in history]


async def provider_report(
    settings: Settings,
    actor: Actor,
    provider_id: int,
    now: dt.datetime,
    academic_year: int | None = None,
) -> ProviderReport | None:
    """The provider report as ``actor`` may see it; None if the provider is out of scope."""
    # The viewer's LA may have raised the threshold above the deployment's floor.
    threshold = await disclosure_threshold(settings, actor.local_authority_id)
    provider = await record_of(actor, provider_id)
    if provider is None:
        return None
    # The area is the viewer's own LA: a provider shared by several LAs is compared, for each,
    # with the rest of that LA's providers.
    area = actor.local_authority_id
    controlled = not actor.is_la
    today = today_in_england(now)
    # End-of-placement surveys only: start and review answers are kept to pair with them, never
    # mixed into the figures (``end_surveys``).
    response_filter = [
        Response.provider == provider_id,
        end_surveys(Response),
        scope(actor, Response),
    ]
    by_term = await (
        Response.select(Response.term, Response.partial, Count(alias="count"))
        .where(*response_filter, *in_year(Response, academic_year))
        .group_by(Response.term, Response.partial)
    )
    responses_by_term: dict[str, int] = {}
    partial_by_term: dict[str, int] = {}
    for row in by_term:
        responses_by_term[row["term"]] = responses_by_term.get(row["term"], 0) + row["count"]
        if row["partial"]:
            partial_by_term[row["term"]] = row["count"]
    invitation_filter = [
        placement_path(Invitation).provider == provider_id,
        end_surveys(Invitation),
        scope(actor, Invitation),
        *opened_in(academic_year),
    ]
    shown = await last_shown(actor, provider_id, Publication) if controlled else None
    if controlled:
        # Outside the LA the rate is of the published responses, so count the invitations
        # opened by the end of the same term.
        cuts = moved_on(
            shown.cuts if shown else [],
            responses_by_term,
            publication_term(today),
            threshold,
        )
        last_day = term_end(cuts[-1] if cuts else publication_term(today))
        invitation_filter.append(
            Invitation.opened_at < start_of_day_in_england(last_day + dt.timedelta(days=1))
        )
    by_year_query = (
        Response.select(Response.academic_year, Count(alias="count"))
        .where(*response_filter)
        .group_by(Response.academic_year)
    )
    year_group = Response.invitation.placement.year_group  # type: ignore[union-attr]
    cells_query = (
        Response.select(
            Response.term,
            Response.questionnaire_id,
            year_group.as_alias("year_group"),
            Count(alias="count"),
        )
        .where(*response_filter, *in_year(Response, academic_year))
        .group_by(Response.term, Response.questionnaire_id, year_group)
    )
    answer_filter = [
        Answer.provider == provider_id,
        end_surveys(Answer),
        scope(actor, Answer),
        *in_year(Answer, academic_year),
    ]
    # The area figure beside each indicator is the one deliberate read beyond the actor's scope,
    # and only ever as totals. LA staff: every provider of the LA, live, from the tallies.
    # Anyone else: the rest of the area (this provider left out, so it never moves with this
    # provider's pupils), by term, so it can be counted up to its own publication.
    area_query = (
        IndicatorTally.select(
            IndicatorTally.indicator, IndicatorTally.polarity, Sum(IndicatorTally.answers)
        )
        .where(
            IndicatorTally.local_authority == area,
            *([IndicatorTally.academic_year == academic_year] if academic_year else []),
        )
        .group_by(IndicatorTally.indicator, IndicatorTally.polarity)
    )
    rest_answers = [
        Answer.local_authority == area,
        end_surveys(Answer),
        Answer.provider != provider_id,
    ]
    rest_responses_query = (
        Response.select(Response.term, Count(alias="count"))
        .where(
            Response.local_authority == area,
            Response.provider != provider_id,
            end_surveys(Response),
        )
        .group_by(Response.term)
    )
    option_query = (
        Answer.select(
            Answer.response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
            Answer.question_id,
            Answer.value,
            Answer.term,
            Count(alias="count"),
        )
        .where(Answer.value.is_not_null(), *answer_filter)
        .group_by(
            Answer.response.questionnaire_id,  # type: ignore[union-attr]
            Answer.question_id,
            Answer.value,
            Answer.term,
        )
    )
    # Every released comment: a report that quietly showed some would hide what the rest said,
    # and the per-term counts publications keep (reports/provider.py) would be wrong too.
    comments_query = Answer.select(Answer.term, Answer.released_text).where(
        Answer.review_status == ReviewStatus.RELEASED, *answer_filter
    )
    # Independent queries, run at once: on PostgreSQL each takes its own pooled connection.
    (
        invitations,
        by_year,
        cell_rows,
        term_rows,
        year_group_rows,
        area_rows,
        rest_rows,
        rest_by_term,
        option_rows,
        comments,
        (record, history),
    ) = await asyncio.gather(
        Invitation.count().where(*invitation_filter),
        by_year_query,
        cells_query,
        grouped_by(Answer.term, answer_filter),
        grouped_by(Answer.year_group, answer_filter, Answer.term),
        _none() if controlled else area_query,
        grouped_by(Answer.term, rest_answers) if controlled else _none(),
        rest_responses_query if controlled else _none(),
        option_query,
        comments_query,
        qa_record_of(actor, provider),
    )
    counts = ProviderCounts(
        invitations=invitations,
        responses_by_year={row["academic_year"]: row["count"] for row in by_year},
        responses_by_term=responses_by_term,
        response_cells=[
            ResponseCell(r["term"], r["questionnaire_id"], r["year_group"], r["count"])
            for r in cell_rows
        ],
        term_counts=[
            GroupedCount(str(r["grp"]), r["indicator"], r["polarity"], r["count"])
            for r in term_rows
        ],
        year_group_counts=[
            GroupedCount(str(r["grp"]), r["indicator"], r["polarity"], r["count"], r["term"])
            for r in year_group_rows
        ],
        option_counts=[OptionCount(**row) for row in option_rows],
        comments=[
            ReleasedComment(row["term"], row["released_text"])
            for row in comments
            if row["released_text"]
        ],
        area_indicator_counts=[
            IndicatorCount(row["indicator"], row["polarity"], row["sum"]) for row in area_rows
        ],
        rest_term_counts=[
            GroupedCount(str(r["grp"]), r["indicator"], r["polarity"], r["count"])
            for r in rest_rows
        ],
        rest_responses_by_term={row["term"]: row["count"] for row in rest_by_term},
        partial_by_term=partial_by_term,
    )
    published: list[str] | None = None
    rest_cuts: list[str] | None = None
    comments_held = False
    if controlled:
        # Outside the LA, the figures last shown stay until k new responses make a publication:
        # an erasure or retention in between changes nothing, so cannot be read off a difference.
        # Comments are always live, so an erased pupil's comment goes with them.
        # The LA's own threshold and retention period: both decide when figures may move.
        own = await effective_settings(settings, actor.local_authority_id)
        publication = publish(shown, counts, today, threshold, own.retention_days)
        if publication != shown and (publication.cuts or publication.rest_cuts):
            await keep(actor, provider_id, publication)
        counts = msgspec.structs.replace(publication.counts, comments=counts.comments)
        published, rest_cuts = publication.cuts, publication.rest_cuts
        comments_held = publication.comments_held
    return build_provider_report(
        provider_id=provider_id,
        provider_name=provider["name"],
        qa_record=record,
        history=history,
        counts=counts,
        cuts=published,
        rest_cuts=rest_cuts,
        comments_held=comments_held,
        questionnaires={
            qid: versions_of(qid) for qid in {r.questionnaire_id for r in counts.option_counts}
        },
        academic_year=academic_year,
        today=today,
        k=threshold,
        controlled=controlled,
    )


async def academic_years(actor: Actor) -> list[int]:
    """The academic years with responses the actor can see, newest first."""
    rows = await (
        Response.select(Response.academic_year)
        .where(scope(actor, Response), end_surveys(Response))
        .group_by(Response.academic_year)
    )
    return sorted((row["academic_year"] for row in rows), reverse=True)

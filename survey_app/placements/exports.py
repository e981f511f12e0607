"""Placements and pupils' answers as tables for download, with the list's filters, through
``scope()`` exactly as the list is.

A placements download has one row a placement; a responses download one row an answer (long
form, so every questionnaire fits one header). Who may have per-pupil answers follows the
reports: the LA and a school (its own pupils) do, a provider never does (the handler's guard).
Free text is shown only as the safeguarding contact released it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from questionnaires.loader import question_in
from reports.exports import Table
from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import (
    Answer,
    Invitation,
    Placement,
    Provider,
    Response,
    School,
)
from survey_app.placements.filters import PlacementFilters, where
from survey_app.placements.statuses import SURVEY_STATE_LABEL, SurveyState
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import LONDON

#: Excel's last row: a sheet cannot hold more, so a bigger download is refused, never cut.
XLSX_MAX_ROWS = 1_048_575

PLACEMENT_HEADINGS = [
    "Pupil reference",
    "Year group",
    "Provider",
    "School",
    "LA team",
    "Start date",
    "Planned end date",
    "Ended on",
    "Hours a week",
    "Purpose",
    "Simplest version",
    "Survey",
    "Survey opened",
    "Survey closes",
    "Answered at",
    "Pupil asked for help or felt unsafe",
]
RESPONSE_HEADINGS = [
    "Pupil reference",
    "Year group",
    "Provider",
    "School",
    "LA team",
    "Answered at",
    "Questionnaire",
    "Question",
    "Answer",
]
COMMENT_PENDING = "(comment waiting for safeguarding review)"
COMMENT_WITHHELD = "(comment withheld after safeguarding review)"
NOT_ANSWERED = "Not answered"


class TooManyRows(Exception):
    """More rows than one spreadsheet holds: narrow the filters, or take CSV."""


def _local(instant: dt.datetime | None) -> dt.datetime | None:
    # Spreadsheets have no time zones: times are written as the clock in England read them.
    return instant.astimezone(LONDON).replace(tzinfo=None) if instant else None


def survey_state(
    ended_on: dt.date | None, invitation: dict[str, Any] | None, now: dt.datetime
) -> SurveyState:
    """Where a placement's survey stands, as the filter names it."""
    if invitation is None:
        return SurveyState.BEING_PREPARED if ended_on else SurveyState.NOT_OPEN_YET
    if invitation["status"] == InvitationStatus.COMPLETED:
        return SurveyState.COMPLETED
    if invitation["status"] == InvitationStatus.REVOKED:
        return SurveyState.WITHDRAWN
    return SurveyState.WAITING if invitation["expires_at"] > now else SurveyState.CLOSED


def _matching(actor: Actor, filters: PlacementFilters, now: dt.datetime) -> Any:
    return Placement.select(Placement.id).where(scope(actor, Placement), *where(filters, now))


async def placements_table(actor: Actor, filters: PlacementFilters, now: dt.datetime) -> Table:
    """Every placement the actor may see that the filters match, newest first."""
    rows = await (
        Placement.select(
            *Placement.all_columns(),
            Placement.provider.name.as_alias("provider_name"),
            Placement.school.name.as_alias("school_name"),
        )
        .where(scope(actor, Placement), *where(filters, now))
        .order_by(Placement.id, ascending=False)
    )
    if len(rows) > XLSX_MAX_ROWS:
        raise TooManyRows(len(rows))
    invitations = {
        row["placement"]: row
        for row in await Invitation.select(
            Invitation.id,
            Invitation.placement,
            Invitation.status,
            Invitation.opened_at,
            Invitation.expires_at,
            Invitation.completed_at,
        ).where(
            Invitation.kind == InvitationKind.END,
            Invitation.placement.is_in(_matching(actor, filters, now)),
        )
    }
    flagged = {
        row["placement"]
        for row in await Response.select(
            Response.invitation.placement.as_alias("placement")  # type: ignore[union-attr]
        ).where(
            Response.needs_follow_up.eq(True),
            scope(actor, Response),
            Response.invitation.placement.is_in(  # type: ignore[union-attr]
                _matching(actor, filters, now)
            ),
        )
    }
    table_rows = []
    for row in rows:
        invitation = invitations.get(row["id"])
        state = survey_state(row["ended_on"], invitation, now)
        table_rows.append(
            [
                row["pupil_reference"],
                row["year_group"],
                row["provider_name"],
                row["school_name"],
                row["la_team"],
                row["start_date"],
                row["planned_end_date"],
                row["ended_on"],
                row["hours_per_week"],
                row["purpose"],
                "Yes" if row["simplest_version"] else "No",
                SURVEY_STATE_LABEL[state],
                _local(invitation["opened_at"]) if invitation else None,
                _local(invitation["expires_at"]) if invitation else None,
                _local(invitation["completed_at"]) if invitation else None,
                "Yes" if row["id"] in flagged else ("No" if invitation else None),
            ]
        )
    return Table("Placements", PLACEMENT_HEADINGS, table_rows, key="placements")


def _answer_text(row: dict[str, Any]) -> tuple[str, str]:
    """The question as the pupil read it, and their answer in words."""
    question = question_in(row["questionnaire_id"], row["question_id"])
    asked = question.text if question is not None else row["question_id"]
    status = row["review_status"]
    if status == ReviewStatus.RELEASED:
        return asked, row["released_text"] or ""
    if status == ReviewStatus.PENDING:
        return asked, COMMENT_PENDING
    if status is not None:
        return asked, COMMENT_WITHHELD
    if row["value"] is None:
        return asked, NOT_ANSWERED
    options = question.options if question is not None else []
    # "I don't know" is an answer: it is one of the options, written as the pupil saw it.
    return asked, next((o.label for o in options if o.value == row["value"]), row["value"])


async def responses_table(actor: Actor, filters: PlacementFilters, now: dt.datetime) -> Table:
    """Each answer of each response to a placement the filters match, newest response first."""
    placement = Answer.response.invitation.placement  # type: ignore[union-attr]
    rows = await (
        Answer.select(
            placement.pupil_reference.as_alias("pupil_reference"),
            placement.la_team.as_alias("la_team"),
            # Names come from the copied ids: a join through the placement to its provider makes
            # an alias PostgreSQL cuts at 63 characters, the same for provider and school.
            Answer.provider,
            Answer.school,
            Answer.year_group,
            Answer.response.submitted_at.as_alias("submitted_at"),  # type: ignore[union-attr]
            Answer.response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
            Answer.question_id,
            Answer.value,
            Answer.review_status,
            Answer.released_text,
        )
        .where(scope(actor, Answer), placement.id.is_in(_matching(actor, filters, now)))
        .order_by(Answer.response, ascending=False)
        .order_by(Answer.id)
    )
    providers = await _names(Provider, {row["provider"] for row in rows})
    schools = await _names(School, {row["school"] for row in rows if row["school"]})
    if len(rows) > XLSX_MAX_ROWS:
        raise TooManyRows(len(rows))
    table_rows = []
    for row in rows:
        asked, answer = _answer_text(row)
        table_rows.append(
            [
                row["pupil_reference"],
                row["year_group"],
                providers.get(row["provider"]),
                schools.get(row["school"]),
                row["la_team"],
                _local(row["submitted_at"]),
                row["questionnaire_id"],
                asked,
                answer,
            ]
        )
    return Table("Responses", RESPONSE_HEADINGS, table_rows, key="responses")


async def _names(table: type[Provider] | type[School], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await table.select(table.id, table.name).where(table.id.is_in(sorted(ids)))
    return {row["id"]: row["name"] for row in found}

"""Placements and pupils' answers as tables for download: exactly the placements list's query
string, parsed by the list's own ``placement_spec`` and applied through ``scope()`` as the list
is (``finding.matching``), every matching row rather than one page.

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
    Response,
    School,
)
from survey_app.organisations.provider_records import provider_names
from survey_app.placements.finding import all_placements, matching
from survey_app.placements.records import PlacementView, views_of
from survey_app.placements.survey_views import latest_with_flags
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.settings import Settings
from survey_app.surveys.statuses import SURVEY_FILTER_LABELS, InvitationKind, SurveyState
from survey_app.time_in_england import LONDON, date_in_england
from survey_app.web.display import SURVEY_KIND
from survey_app.web.listing import ListQuery, ListSpec

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


#: The survey column in the list's words; "preparing" (due, issued within minutes) has its own.
SURVEY_LABELS: dict[SurveyState, str] = {
    **SURVEY_FILTER_LABELS,
    SurveyState.PREPARING: "Survey being prepared",
}


def _matching(actor: Actor, spec: ListSpec, query: ListQuery) -> Any:
    """The ids of the placements the list matches, as a subquery (never a list of ids, which
    SQLite caps and thousands of would slow both databases)."""
    return Placement.select(Placement.id).where(*matching(actor, spec, query))


async def placements_table(
    settings: Settings, actor: Actor, spec: ListSpec, query: ListQuery, now: dt.datetime
) -> Table:
    """Every placement the list matches for this query (all pages), in the list's order, each
    provider named as the placement's council names it."""
    rows = await all_placements(actor, spec, query)
    if len(rows) > XLSX_MAX_ROWS:
        raise TooManyRows(len(rows))
    ids = _matching(actor, spec, query)
    # Each placement's latest survey of any kind, as the list shows it.
    invitations = latest_with_flags(
        await Invitation.select()
        .where(Invitation.placement.is_in(ids))
        .order_by(Invitation.opened_at),
        set(),
    )
    flagged = {
        row["placement"]
        for row in await Response.select(
            Response.invitation.placement.as_alias("placement")  # type: ignore[union-attr]
        ).where(
            Response.needs_follow_up.eq(True),
            scope(actor, Response),
            Response.invitation.placement.is_in(ids),  # type: ignore[union-attr]
        )
    }
    for placement_id, found in invitations.items():
        found["needs_follow_up"] = placement_id in flagged
    table_rows = []
    # The same views the list shows: its survey states, its provider names, its privacy rules.
    for view in await views_of(settings, actor, rows, now, invitations):
        invitation = view.invitation
        follow_up = view.needs_follow_up
        table_rows.append(
            [
                view.pupil_reference,
                view.year_group,
                view.provider_name,
                view.school_name,
                view.la_team,
                view.start_date,
                view.planned_end_date,
                view.ended_on,
                view.hours_per_week,
                view.purpose,
                "Yes" if view.simplest_version else "No",
                _survey_label(view),
                _local(invitation.opened_at) if invitation else None,
                # The day it closes, as pages and emails say it: it closes at the end of that
                # day in England, which a time would round into the next day.
                date_in_england(invitation.expires_at) if invitation else None,
                _local(invitation.completed_at) if invitation else None,
                None if follow_up is None else ("Yes" if follow_up else "No"),
            ]
        )
    return Table("Placements", PLACEMENT_HEADINGS, table_rows, key="placements")


def _survey_label(view: PlacementView) -> str:
    """Where its survey stands, naming a start survey or check-in as the list does."""
    label = SURVEY_LABELS.get(SurveyState(view.survey), view.survey)
    if view.invitation is not None and view.invitation.kind != InvitationKind.END:
        return f"{SURVEY_KIND[view.invitation.kind]}: {label}"
    return label


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


async def responses_table(
    settings: Settings, actor: Actor, spec: ListSpec, query: ListQuery, now: dt.datetime
) -> Table:
    """Each answer of each response to a placement the list matches, newest response first;
    each provider named as the placement's council names it."""
    placement = Answer.response.invitation.placement  # type: ignore[union-attr]
    rows = await (
        Answer.select(
            placement.pupil_reference.as_alias("pupil_reference"),
            placement.la_team.as_alias("la_team"),
            # Names come from the copied ids: a join through the placement to its provider makes
            # an alias PostgreSQL cuts at 63 characters, the same for provider and school.
            Answer.local_authority,
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
        .where(scope(actor, Answer), placement.id.is_in(_matching(actor, spec, query)))
        .order_by(Answer.response, ascending=False)
        .order_by(Answer.id)
    )
    if len(rows) > XLSX_MAX_ROWS:
        raise TooManyRows(len(rows))
    # Never the shared provider row's name: the one the placement's own council keeps.
    providers = await provider_names((row["local_authority"], row["provider"]) for row in rows)
    schools = await _names({row["school"] for row in rows if row["school"]})
    table_rows = []
    for row in rows:
        asked, answer = _answer_text(row)
        table_rows.append(
            [
                row["pupil_reference"],
                row["year_group"],
                providers.get((row["local_authority"], row["provider"]), ""),
                schools.get(row["school"]),
                row["la_team"],
                _local(row["submitted_at"]),
                row["questionnaire_id"],
                asked,
                answer,
            ]
        )
    return Table("Responses", RESPONSE_HEADINGS, table_rows, key="responses")


async def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await School.select(School.id, School.name).where(School.id.is_in(sorted(ids)))
    return {row["id"]: row["name"] for row in found}

"""The SQL behind a school's report: its own pupils' requests and answers, through the scoping
layer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from questionnaires.loader import versions_of
from questionnaires.placeholders import DATES, PLACE, fill_text, months
from questionnaires.schema import Question
from reports.aggregation import IndicatorCount
from reports.school import PlacementFeedback, PupilAnswer, SchoolReport, build_school_report
from survey_app.accounts.scoping import Actor, placement_path, scope
from survey_app.db.tables import (
    Answer,
    Invitation,
    Placement,
    Response,
    SafeguardingAlert,
    School,
)
from survey_app.organisations.la_settings import disclosure_threshold
from survey_app.organisations.provider_records import add_provider_names
from survey_app.placements.rules import FieldError
from survey_app.placements.statuses import PlacementStatus
from survey_app.reporting.queries import end_surveys
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.settings import Settings
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import date_in_england
from survey_app.web.listing import ListPage, ListQuery, ListSpec, Sort, fetch_page


def _standing(placement: dict[str, Any], invitation: dict[str, Any]) -> dict[str, Any]:
    """A survey as the school is told of it: an end survey withdrawn while its placement goes
    on (the placement was extended; ``placements/end_moves.py``) is not "withdrawn" but not
    due yet, as the placement list says; only a cancelled placement's surveys are withdrawn."""
    if (
        invitation["status"] == InvitationStatus.REVOKED
        and placement["status"] == PlacementStatus.ACTIVE
    ):
        return {"status": None, "kind": None}
    return invitation


def _request_status(row: dict[str, Any], now: dt.datetime) -> str:
    status = row["status"]
    if status is None:
        return "not_due"
    if status == InvitationStatus.OPEN and row["expires_at"] <= now:
        return "expired"
    return str(status)


PUPIL_COLUMNS = (
    Placement.id,
    Placement.pupil_reference,
    Placement.local_authority,
    Placement.provider,
    Placement.year_group,
    Placement.start_date,
    Placement.planned_end_date,
    Placement.ended_on,
    Placement.status,
)


def _as_the_pupil_read_it(
    questionnaire_id: str, question_id: str, placement: dict[str, Any]
) -> Question | None:
    """A question worded as this pupil read it, in the newest version that asks it: the
    provider's name and the placement's months where staff reports put "[the place]".

    A school's report lists one placement per pupil, which the school commissioned: it knows
    the place, so the neutral placeholder would only hide what the pupil was asked about. The
    values are the ones the survey page fills in (``questionnaires.placeholders.for_pupil``)."""
    values = {
        PLACE: str(placement["provider_name"] or "").strip() or "the place",
        DATES: months(
            placement["start_date"], placement["ended_on"] or placement["planned_end_date"]
        ),
    }
    for questionnaire in sorted(versions_of(questionnaire_id), key=lambda q: -q.version):
        for question in questionnaire.questions:
            if question.id == question_id:
                return msgspec.structs.replace(
                    question,
                    text=fill_text(question.text, values),
                    hint=fill_text(question.hint, values),
                )
    return None


def pupils_spec(school_id: int) -> ListSpec:
    """The report's "each pupil" section as a list: the newest placements first, 50 a page."""
    return ListSpec(
        path=f"/staff/schools/{school_id}/report",
        noun=("pupil's placement", "pupils' placements"),
        fields=(),
        sorts={"newest": Sort("Newest first", ((Placement.start_date, False),))},
    )


async def _counts(actor: Actor, school_id: int) -> tuple[int, int]:
    """How many of the school's pupils answered (sent) and how many only partly (kept when
    the link closed), over every placement, not only the page shown."""
    completed = await Invitation.count().where(
        placement_path(Invitation).school == school_id,
        Invitation.kind == InvitationKind.END,
        Invitation.status == InvitationStatus.COMPLETED,
        scope(actor, Invitation),
    )
    partial = await Response.count().where(
        placement_path(Response).school == school_id,
        Response.partial.eq(True),
        scope(actor, Response),
    )
    return completed, partial


async def school_report(
    settings: Settings,
    actor: Actor,
    school_id: int,
    now: dt.datetime,
    query: ListQuery | None = None,
    errors: list[FieldError] | None = None,
) -> tuple[SchoolReport, ListPage | None] | None:
    """The school contact's report on their own pupils; None if the school is out of scope.

    With ``query``, one page of its pupils (for the page, with the ``ListPage`` to show where
    it sits); without, every one of them (downloads and the API are never cut short).
    """
    # The viewer's LA may have raised the threshold above the deployment's floor.
    threshold = await disclosure_threshold(settings, actor.local_authority_id)
    school = (
        await School.select(School.id, School.name)
        .where(School.id == school_id, scope(actor, School))
        .first()
    )
    if school is None:
        return None
    found = None
    if query is None:
        placements = await (
            Placement.select(*PUPIL_COLUMNS)
            .where(Placement.school == school_id, scope(actor, Placement))
            .order_by(Placement.start_date, ascending=False)
            .order_by(Placement.id, ascending=False)
        )
    else:
        spec = pupils_spec(school_id)
        found = await fetch_page(
            spec,
            query,
            errors or [],
            actor,
            Placement,
            PUPIL_COLUMNS,
            [Placement.school == school_id],
        )
        placements = found.rows
    # Each provider as the placement's LA names it (never another council's spelling).
    await add_provider_names(placements, "local_authority")
    ids = [row["id"] for row in placements]
    invitations = {
        row["placement"]: row
        for row in await Invitation.select(
            Invitation.placement, Invitation.status, Invitation.expires_at, Invitation.completed_at
        )
        .where(
            Invitation.placement.is_in(ids or [-1]),
            Invitation.kind == InvitationKind.END,
            scope(actor, Invitation),
        )
        # Oldest first, so the one still standing wins over one withdrawn when the placement
        # was extended (a new end survey opens after it).
        .order_by(Invitation.opened_at)
    }
    # Each pupil's latest survey of any kind (opening one closes the others), as the placement
    # list shows it: a pupil with a check-in open is not "not due".
    latest = {
        row["placement"]: row
        for row in await Invitation.select(
            Invitation.placement,
            Invitation.kind,
            Invitation.status,
            Invitation.expires_at,
            Invitation.completed_at,
        )
        .where(Invitation.placement.is_in(ids or [-1]), scope(actor, Invitation))
        .order_by(Invitation.opened_at)
    }
    # Responses never sent, kept from the saved answers when the link closed.
    kept = {
        row["placement"]
        for row in await Response.select(placement_path(Response).id.as_alias("placement")).where(
            placement_path(Response).id.is_in(ids or [-1]),
            end_surveys(Response),
            Response.partial.eq(True),
            scope(actor, Response),
        )
    }
    answers = await (
        Answer.select(
            placement_path(Answer).id.as_alias("placement"),
            Answer.response.questionnaire_id.as_alias("questionnaire_id"),  # type: ignore[union-attr]
            Answer.question_id,
            Answer.value,
            Answer.review_status,
            Answer.released_text,
        )
        .where(
            placement_path(Answer).id.is_in(ids or [-1]), end_surveys(Answer), scope(actor, Answer)
        )
        .order_by(Answer.id)
    )
    # A pupil whose answers raised an alert stays flagged for the school's safeguarding lead even
    # if the answer was later changed or sent over (what was said is the LA contact's to read).
    alerted = {
        row["placement"]
        for row in await SafeguardingAlert.select(
            SafeguardingAlert.invitation.placement.as_alias("placement")  # type: ignore[union-attr]
        ).where(
            SafeguardingAlert.invitation.placement.is_in(ids or [-1])  # type: ignore[union-attr]
        )
    }
    by_placement: dict[int, list[dict[str, Any]]] = {}
    for row in answers:
        by_placement.setdefault(row["placement"], []).append(row)
    feedback = []
    for row in placements:
        invitation = _standing(row, invitations.get(row["id"], {"status": None}))
        given = by_placement.get(row["id"], [])
        pupil_answers, comments, pending = [], [], 0
        for answer in given:
            question = _as_the_pupil_read_it(answer["questionnaire_id"], answer["question_id"], row)
            if answer["review_status"] == ReviewStatus.RELEASED:
                comments.append(answer["released_text"])
            elif answer["review_status"] == ReviewStatus.PENDING:
                pending += 1
            elif answer["value"] is not None and question is not None:
                option = next((o for o in question.options if o.value == answer["value"]), None)
                pupil_answers.append(
                    PupilAnswer(
                        question.text,
                        option.label if option else answer["value"],
                        flagged=bool(option and option.safeguarding),
                    )
                )
        completed = invitation.get("completed_at")
        newest = _standing(row, latest.get(row["id"], {"status": None, "kind": None}))
        newest_completed = newest.get("completed_at")
        feedback.append(
            PlacementFeedback(
                placement_id=row["id"],
                pupil_reference=row["pupil_reference"],
                provider_name=row["provider_name"],
                year_group=row["year_group"],
                start_date=row["start_date"],
                ended_on=row["ended_on"],
                request_status=_request_status(invitation, now),
                partial=row["id"] in kept,
                completed_on=date_in_england(completed) if completed else None,
                answers=pupil_answers,
                comments=comments,
                comments_pending=pending,
                flagged=row["id"] in alerted or any(a.flagged for a in pupil_answers),
                latest_kind=newest["kind"],
                latest_status=_request_status(newest, now),
                latest_completed_on=(
                    date_in_england(newest_completed) if newest_completed else None
                ),
            )
        )
    totals = await (
        Answer.select(Answer.indicator, Answer.polarity, Count(alias="count"))
        .where(
            Answer.indicator.is_not_null(),
            Answer.school == school_id,
            end_surveys(Answer),
            scope(actor, Answer),
        )
        .group_by(Answer.indicator, Answer.polarity)
    )
    responses, partial = await _counts(actor, school_id)
    report = build_school_report(
        school_id=school_id,
        school_name=school["name"],
        placements=feedback,
        indicator_counts=[IndicatorCount(**row) for row in totals],
        threshold=threshold,
        responses=responses,
        partial_responses=partial,
    )
    return report, found

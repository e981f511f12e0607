"""Checking a pupil's answers against their questionnaire and saving them exactly once."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

import msgspec

from questionnaires.schema import Option, Question, Questionnaire
from reports.periods import academic_year_of, term_key
from survey_app.db.engine import transaction
from survey_app.db.tables import Answer, DraftAnswer, Invitation, Placement, Response
from survey_app.reporting import tallies
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.surveys.provenance import Provenance, not_own_reason
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from survey_app.time_in_england import date_in_england


class AnswerIn(msgspec.Struct, frozen=True):
    """One checked answer, ready to store."""

    question_id: str
    indicator: str | None
    value: str | None
    polarity: str | None
    text: str | None
    safeguarding: bool = False


def answer_for(question: Question, option: Option) -> AnswerIn:
    """The stored form of choosing ``option`` for ``question``."""
    return AnswerIn(
        question.id, question.indicator, option.value, option.polarity, None, option.safeguarding
    )


def browser_length(text: str) -> int:
    """The length the page's letter counter shows (JavaScript counts UTF-16 units, so an emoji
    counts two): the server refuses exactly when the counter says too many, never after the
    counter told a child to cut letters it would have kept."""
    return len(text.encode("utf-16-le")) // 2


def check_answer(question: Question, raw: str) -> AnswerIn | str | None:
    """One posted answer: the checked answer, a problem in plain words, or None if skipped."""
    raw = raw.strip()
    if not raw:
        return None
    if question.kind == "text":
        if browser_length(raw) > question.max_length:
            return f"Your answer is too long. Use {question.max_length} letters or fewer."
        return AnswerIn(question.id, None, None, None, raw)
    option = next((o for o in question.options if o.value == raw), None)
    if option is None:
        return "Choose one of the answers shown, or skip this question."
    return answer_for(question, option)


class SaveOutcome(StrEnum):
    SAVED = "saved"
    ALREADY_DONE = "already_done"


async def save_response(
    invitation_id: uuid.UUID,
    questionnaire: Questionnaire,
    answers: list[AnswerIn],
    now: dt.datetime,
    *,
    provenance: Provenance | None = None,
    partial: bool = False,
) -> SaveOutcome:
    """Store a response and all its answers in one transaction, once per invitation.

    A double tap or a retried post finds the invitation already completed and stores nothing.
    ``provenance`` (from the sending request) flags a response that may not be the pupil's own.
    ``partial``: never sent, kept from the drafts when the link closed (``drafts.keep_partial``).
    """
    day = date_in_england(now)
    async with transaction():
        invitation = (
            await Invitation.select(Invitation.status, Invitation.kind)
            .where(Invitation.id == invitation_id)
            .first()
        )
        if invitation is None or invitation["status"] != InvitationStatus.OPEN:
            return SaveOutcome.ALREADY_DONE
        claimed = (
            await Invitation.update(
                {Invitation.status: InvitationStatus.COMPLETED, Invitation.completed_at: now}
            )
            .where(Invitation.id == invitation_id, Invitation.status == InvitationStatus.OPEN)
            .returning(Invitation.id)
        )
        if not claimed:
            return SaveOutcome.ALREADY_DONE
        placement = await (
            Invitation.select(
                Invitation.placement.local_authority.as_alias("local_authority"),
                Invitation.placement.provider.as_alias("provider"),
                Invitation.placement.school.as_alias("school"),
                Invitation.placement.year_group.as_alias("year_group"),
            )
            .where(Invitation.id == invitation_id)
            .first()
        )
        assert placement is not None, "an invitation always has its placement"
        term, academic_year = term_key(day), academic_year_of(day)
        why = await not_own_reason(provenance, placement["provider"], now) if provenance else ""
        response = await Response.insert(
            Response(
                invitation=invitation_id,
                questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                band=questionnaire.band,
                submitted_at=now,
                term=term,
                academic_year=academic_year,
                kind=invitation["kind"],
                local_authority=placement["local_authority"],
                provider=placement["provider"],
                school=placement["school"],
                needs_follow_up=any(answer.safeguarding for answer in answers),
                possibly_not_own=bool(why),
                possibly_not_own_why=why[:120],
                partial=partial,
            )
        ).returning(Response.id)
        response_id = response[0]["id"]
        # Answered is a change a school's synced copy should hear of (the API's updated_since).
        await Placement.update({Placement.updated_at: now}).where(
            Placement.id.is_in(
                Invitation.select(Invitation.placement).where(Invitation.id == invitation_id)
            )
        )
        # The drafts have become the response: keep one copy of what the pupil said.
        await DraftAnswer.delete().where(DraftAnswer.invitation == invitation_id)
        if answers:
            await Answer.insert(
                *[
                    Answer(
                        response=response_id,
                        question_id=answer.question_id,
                        indicator=answer.indicator,
                        value=answer.value,
                        polarity=answer.polarity,
                        text=answer.text,
                        # Nobody outside the review queue sees a comment until it is released.
                        review_status=ReviewStatus.PENDING if answer.text else None,
                        term=term,
                        academic_year=academic_year,
                        kind=invitation["kind"],
                        **placement,
                    )
                    for answer in answers
                ]
            )
            # The area-wide tallies count end-of-placement surveys, as every report does.
            if invitation["kind"] == InvitationKind.END:
                await tallies.add(
                    local_authority=placement["local_authority"],
                    academic_year=academic_year,
                    provider=placement["provider"],
                    answers=answers,
                )
    return SaveOutcome.SAVED
